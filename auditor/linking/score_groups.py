"""Point and item groups of score tables that no single row shows: the point budgets of a form's
sections against its full marks (预算执行情况(20分) + 年度绩效目标(80分) = 100), and outline
sub-items (一、示范区建立 with 1、2、3、 under it) against their parent item."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.tables import Row, rows_of
from auditor.model import Claim, Constraint

PARENT_ITEM = re.compile(r"^[一二三四五六七八九十]+[、.．]")
CHILD_ITEM = re.compile(r"^\d+[、.．](?!\d)")


def section_points(ctx: Context) -> Iterator[Constraint]:
    """The point budgets in the labels of one form's section headers add up to the full marks. A
    form runs over consecutive tables (a few lines of text may part them) until a row or line
    that starts another form (项目名称, a …自评表 title)."""
    starts = tuple(ctx.rules["tables"].get("form_starts", ()))
    max_gap = int(ctx.rules.param("SUM002", "form_gap_blocks"))  # lines of text a form's tables may have between them
    form: list[Claim] = []
    gap = 0
    for block, item in enumerate(ctx.doc.blocks):
        if item.kind != "table":
            gap += 1
            if gap > max_gap or any(s in squash(ctx.at(item.span)) for s in starts):
                yield from _form(ctx, form)
                form = []
            continue
        gap = 0
        for index, cells in enumerate(item.rows):
            first = squash(ctx.at(cells[0].span)) if cells else ""
            if not (cells and all(c.is_header for c in cells if squash(c.text))):
                if any(s in first for s in starts):
                    yield from _form(ctx, form)
                    form = []
                continue
            col = min(c.col for c in cells)
            seen = {squash(ctx.name_of(c)) for c in form}
            form += [c for c in ctx.rows.get((block, index), []) if c.cell[1] == col and c.role == "max"
                     and c.quantity.dimension == "points" and squash(ctx.name_of(c)) not in seen]
    yield from _form(ctx, form)  # a header repeated on the next page is one section, not two


def _form(ctx: Context, points: list[Claim]) -> Iterator[Constraint]:
    if len(points) >= 2:
        full = ctx.rules.param("SUM002", "full_marks", 100)
        yield ctx.constraint("section_points", "SUM002", points, "table", full_marks=full)


def outline_items(ctx: Context) -> Iterator[Constraint]:
    """一、… rows followed by 1、2、… rows: the sub-items add up to their parent, column by column."""
    for sheet in ctx.sheets:
        rows = [r for r in rows_of(ctx, sheet) if r.claims]
        i = 0
        while i < len(rows):
            if not PARENT_ITEM.match(_name(rows[i])):
                i += 1
                continue
            j = i + 1
            while j < len(rows) and CHILD_ITEM.match(_name(rows[j])):
                j += 1
            if j - i > 2:
                yield from _items(ctx, rows[i], rows[i + 1 : j])
            i = j


def _name(row: Row) -> str:
    return squash(row.labels[-1]) if row.labels else row.first_label


def _items(ctx: Context, parent: Row, children: list[Row]) -> Iterator[Constraint]:
    for role in ("max", "score"):
        whole = parent.one(role)
        parts = [c.one(role) for c in children]
        if whole is not None and all(parts):
            yield ctx.constraint("group_points", "SUM002", [whole, *parts], "table",
                                 tree=[(whole.id, [p.id for p in parts])])
    for role in ("target", "actual"):
        whole = parent.one(role)
        parts = [c.one(role) for c in children]
        if whole is not None and all(parts) and whole.quantity.dimension and \
                all(p.quantity.unit == whole.quantity.unit for p in parts):
            yield ctx.constraint("sum", "SUM001", [whole, *parts], "table", relation="=")


def find(ctx: Context) -> Iterator[Constraint]:
    yield from section_points(ctx)
    yield from outline_items(ctx)
