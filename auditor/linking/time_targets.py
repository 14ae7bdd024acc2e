"""A time indicator row (时效指标 | 项目完工时限 | 2023年12月 | 2023年10月 | 15 | 15): its target date
and its actual date, both dates, read as a deadline met or missed. A missed deadline scored in full
contradicts the score (SCO003); a deadline of a year before the report's is of another year's work
(YEAR002, as a deadline in the text)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking import timeline
from auditor.linking.context import Context
from auditor.linking.tables import is_indicator, rows_of
from auditor.model import Cell, Claim, Constraint, Span

# a cell that is only a date (2023年12月, 2023年12月31日前, ≤2023年10月底): year, month, day, end words
DATE_CELL = re.compile(r"[≤<]?\s{0,2}((?:19|20)\d\d)\s{0,2}年\s{0,2}(\d{1,2})\s{0,2}月\s{0,2}(?:(\d{1,2})\s{0,2}[日号])?"
                       r"\s{0,2}((?:底|末)?\s{0,2}(?:前|之前|以前)?)")


def cell_date(ctx: Context, cell: Cell) -> tuple[Span, tuple[int, int, int | None], str] | None:
    """The year's span and (year, month, day) of a cell that is only a date."""
    view = ctx.at(cell.span)
    stripped = view.strip()
    m = DATE_CELL.fullmatch(stripped)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    start = cell.span.start + view.index(stripped) + m.start(1)
    return Span(start, start + 4), (int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None), m.group(4) or ""


def header_role(ctx: Context, cell: Cell) -> str:
    """``target`` or ``actual`` by the column's header (header_roles, longest word first)."""
    path = "".join(cell.header_path)
    words = ctx.once("target and actual headers", lambda c: sorted(
        ((w, r) for w, r in c.rules["lexicon"].get("header_roles", {}).items() if r in ("target", "actual")),
        key=lambda wr: -len(wr[0])))
    return next((r for w, r in words if w in path), "")


FORM_YEAR = re.compile(r"[（(]?\s{0,2}((?:19|20)\d\d)\s{0,2}年度\s{0,2}[)）]?")


def form_year(ctx: Context, sheet: list[int]) -> Claim | None:
    """The year a form states for itself in a cell of its first rows (项目支出绩效自评表 | (2023年度))."""
    for cells in ctx.block(sheet[0]).rows[:3]:
        for cell in cells:
            view = ctx.at(cell.span)
            m = FORM_YEAR.fullmatch(view.strip())
            if m:
                start = cell.span.start + view.index(view.strip()) + m.start(1)
                return ctx.year_claim(Span(start, start + 4), int(m.group(1)), sheet[0])
    return None


def dated_rows(ctx: Context) -> Iterator[tuple]:
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            if not is_indicator(row):
                continue
            dates = {}
            for cell in row.cells:
                role = header_role(ctx, cell)
                if role and role not in dates:
                    dates[role] = (cell, cell_date(ctx, cell))
            if all(dates.get(r, (None, None))[1] for r in ("target", "actual")):
                yield sheet, row, dates["target"], dates["actual"]


def find(ctx: Context) -> Iterator[Constraint]:
    """One constraint per time indicator row: target and actual dates, points and score, and the
    year of its form (else of the report)."""
    rows = list(dated_rows(ctx))
    if not rows:
        return
    year, where = timeline.report_year(ctx)
    report: list[Claim] = [ctx.year_claim(where, year)] if year is not None and where is not None else []
    for sheet, row, (target_cell, (t_span, target, _)), (actual_cell, (a_span, actual, _)) in rows:
        form = form_year(ctx, sheet)  # the form's own year, where it states one, else the report's
        own = [form] if form is not None else report
        points, score = row.one("max"), row.one("score")
        claims = [ctx.year_claim(t_span, target[0], row.block), ctx.year_claim(a_span, actual[0], row.block),
                  points, score, *own]
        yield ctx.constraint("time_target", "SCO003", claims, "table", spans=(target_cell.span, actual_cell.span),
                             target=target, actual=actual, report_year=own[0].year if own else None,
                             indicator=row.labels[-1] if row.labels else "")
