"""Forms of two halves side by side with line numbers (项目 | 行次 | 金额 | 项目 | 行次 | 金额: the 收入 and
支出 of a 收入支出决算总表). Each half closes on its grand total (总计, the highest rank of
relations.total_ranks): the half's last total of a lower rank (本年收入合计) and the lines after it add
up to it. The grand total row is shared by the halves; a half whose cells on that row are empty
(the form cut short) closes on the other half's figure. One constraint (``form_halves``) holds both
halves: the grand total, then each half's lines. Lines right under a line that add up to it may be
its breakdown (其中：基本支出结转 …, or lines whose label was lost): the half holds when the lines
add up to the total with or without each such run."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context
from auditor.linking.table_sums import BLANK, WORDS, cell_value, is_total, tables, total_rank
from auditor.model import Claim, Constraint
from auditor.strings import squash

Half = tuple[int, int, int]  # label column, line-number column, amount column


def halves(ctx: Context, block, serial: list[str]) -> list[Half] | None:  # noqa: ANN001
    """The two halves of a table whose columns run 项目 | 行次 | 金额 twice."""
    heads: dict[int, str] = {}
    for row in block.rows:
        for cell in row:
            if cell.header_path:
                heads.setdefault(cell.col, squash(cell.header_path[-1]))
    columns = [heads.get(c, "") for c in range(max(heads, default=-1) + 1)]
    if len(columns) != 6 or columns[:3] != columns[3:]:
        return None
    found = []
    for start in (0, 3):
        serials = [c for c in range(start, start + 3) if any(w in columns[c] for w in serial)]
        if len(serials) != 1 or serials[0] == start:
            return None
        found.append((start, serials[0], next(c for c in range(start + 1, start + 3) if c != serials[0])))
    return found


def lines(ctx: Context, index: int, half: Half, placeholders: tuple[str, ...],
          serial: list[str]) -> list[tuple[int, str, object]] | None:
    """(row, label, figure or BLANK) of each row of the half with a line number (not the row of
    column numbers, 栏次 | 1); None when a cell of the half holds words where a figure should be."""
    out = []
    for r, row in enumerate(ctx.block(index).rows):
        cells = {c.col: c for c in row}
        number = cells.get(half[1])
        if number is None or not squash(number.text).isdigit():
            continue
        label = squash(ctx.at(cells[half[0]].span)) if half[0] in cells else ""
        if label in serial:
            continue
        amount = cells.get(half[2])
        value = cell_value(ctx, amount, ctx.rows.get((index, r), []), placeholders) if amount else BLANK
        if value is WORDS:
            return None
        out.append((r, label, value))
    return out


def tail(found: list[tuple[int, str, object]], words: dict) -> tuple[Claim | None, int, list[tuple[int, Claim]]]:
    """(grand total, its row or -1, the figures of the lines from the last lower total (本年收入合计)
    down to the grand total) of one half."""
    top = max(words["total_ranks"].values())
    grand = [i for i, (_, label, _) in enumerate(found) if label and total_rank(label, words) == top]
    at = grand[-1] if grand else len(found)
    lower = [i for i, (_, label, _) in enumerate(found[:at]) if label and is_total(label, words["total_words"])]
    if not lower:
        return None, -1, []
    figures = [(r, v) for r, _, v in found[lower[-1]:at] if isinstance(v, Claim)]
    total = found[at][2] if grand and isinstance(found[at][2], Claim) else None
    return total, found[at][0] if grand else -1, figures


def find(ctx: Context) -> Iterator[Constraint]:
    for index, block, words, placeholders in tables(ctx):
        sides = halves(ctx, block, words.get("serial_headers", []))
        if not sides:
            continue
        read = [lines(ctx, index, half, placeholders, words.get("serial_headers", [])) for half in sides]
        if any(r is None for r in read):
            continue
        ends = [tail(r, words) for r in read]  # type: ignore[arg-type]
        rows = {row for _, row, _ in ends if row >= 0}
        totals = [t for t, _, _ in ends if t is not None]
        if len(rows) != 1 or not totals:
            continue  # the halves do not close on one shared row
        row = rows.pop()
        # a half without its grand total closes on the shared row: its lines above it
        parts = [[c for r, c in figures if r < row] for _, _, figures in ends]
        if not all(parts):
            continue
        claims = [*totals, *parts[0], *parts[1]]
        if len({c.quantity.unit for c in claims}) != 1 or len({c.id for c in claims}) != len(claims):
            continue
        yield ctx.constraint("form_halves", "SUM001", claims, "table", totals=len(totals), sides=len(parts[0]))
