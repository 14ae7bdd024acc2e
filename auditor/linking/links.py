"""Constraints linking the same quantity in two places: a table's total score and the report's
statement of it; one fund line in two tables; one indicator scored in two tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import Context, label, squash
from auditor.linking.tables import Row, is_funding, is_indicator, is_total_row, narrative_total, rows_of
from auditor.model import Claim, Constraint


def table_totals(ctx: Context) -> list[tuple[list[int], Claim]]:
    out = []
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            if is_total_row(ctx, row.first_label) and not is_funding(row):
                numbers = [c for c in row.claims if row.whole(c)]
                if 1 <= len(numbers) <= 2:
                    out.append((sheet, numbers[-1]))
    return out


def stated_totals(ctx: Context) -> list[Claim]:
    return [c for c in ctx.narrative if c.role == "score" and c.quantity.dimension == "points"
            and narrative_total(ctx, c)]


def total_scores(ctx: Context) -> Iterator[Constraint]:
    totals, stated = table_totals(ctx), stated_totals(ctx)
    for sheet, table_score in totals:
        start = ctx.block(sheet[0]).span.start
        near = [c for c in stated if c.span.end <= start and c.block >= sheet[0] - 3]
        if not near and len(totals) == 1 and len(stated) == 1:
            near = stated
        for claim in near[-1:]:
            yield ctx.constraint("same_quantity", "XREF001", [claim, table_score], "link", what="自评总分")


def row_label(row: Row) -> str:
    return label(row.labels[-1]) if row.labels else label(row.first_label)


def same_lines(ctx: Context) -> Iterator[Constraint]:
    """A fund line or indicator named identically in two different tables."""
    by_label: dict[str, list[tuple[int, Row]]] = defaultdict(list)
    min_label = int(ctx.rules.param("XREF001", "min_line_label"))  # 其他资金 names a different line in each table
    for n, sheet in enumerate(ctx.sheets):
        for row in rows_of(ctx, sheet):
            name = row_label(row)
            if len(name) >= min_label:
                by_label[name].append((n, row))
    year = ctx.reading.report_year
    for name, rows in by_label.items():
        for i, (sheet_a, a) in enumerate(rows):
            for sheet_b, b in rows[i + 1:]:
                if sheet_a == sheet_b:
                    continue
                yield from _compare_rows(ctx, name, a, b, year)


def _compare_rows(ctx: Context, name: str, a: Row, b: Row, year: int | None) -> Iterator[Constraint]:
    if is_indicator(a) and is_indicator(b):
        # the same indicator, same target, achievement and points, scored twice
        same = all(squash(x.text) == squash(y.text) for x, y in
                   ((a.cell_under("指标值"), b.cell_under("指标值")), (a.cell_under("实际完成"), b.cell_under("实际完成")))
                   if x is not None and y is not None)
        if same and a.one("max") and b.one("max") and a.one("max").quantity.value == b.one("max").quantity.value:
            yield ctx.constraint("same_quantity", "XREF001", [a.one("score"), b.one("score")], "link", what=name + "得分")
        return
    for this, other in ((a, b), (b, a)):
        dated = [c for c in other.claims if c.year == year and c.role == "executed" and c.quantity.dimension == "money"]
        stated = this.one("actual") or this.one("value")
        if dated and stated is not None and not any(c.year for c in this.claims) and stated.quantity.dimension in ("money", ""):
            yield ctx.constraint("same_quantity", "XREF001", [stated, dated[0], *other.claims], "link",
                                 what=name, adopt_unit=True)
            return


def find(ctx: Context) -> Iterator[Constraint]:
    yield from total_scores(ctx)
    yield from same_lines(ctx)
