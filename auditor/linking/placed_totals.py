"""Column sums of a table whose rows lost cells (SUM001): a 合计 row under rows of fewer figures
(州(市) | 县 | 实发人数 | … with a county's empty cells dropped by the export), where the loader could
not put the figures under their columns. The total row, closing its rows or opening them (合计 right
under the header), fixes the columns; each other row keeps its figures in order and may skip
columns. A placement of every row is accepted only when it is the one placement (figures of 0 may
sit anywhere) under which the fewest columns fail to add up to the total row, at most one fails,
and enough columns add up with two or more figures to make the placement no coincidence. Then each
column is one sum, but for a column of rates or points, a failing column whose total is no larger
than one of its figures (a standard, an average: no sum), and a column mixing figures of a unit with
bare ones (the check adds in base units). When several placements fit as well and each leaves a
column not adding up, the table is wrong whichever is right: one ``placed_readings`` constraint over
them all (an uncertain finding: which column is off is not known). A row with a word or a blank between its figures, a 其中
row, a second total or a search too large leaves the table alone."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor.linking.context import Context, squash
from auditor.linking.table_sums import NOT_ADDED, WORDS, cell_value, is_total, negative, one_kind, tables
from auditor.model import Claim, Constraint

MAX_COLUMNS = 16
MAX_ROWS = 24
MAX_STEPS = 40_000  # choices tried by the placement search per table; past it nothing is formed
EVIDENCE = {0: 2, 1: 3}  # columns adding up with two or more nonzero figures, by failing columns
MAX_READINGS = 64  # placements fitting as well, each with a column off: more leave the table alone


class _TooLarge(Exception):
    pass


def _figures(ctx: Context, block: int, r: int, placeholders: tuple[str, ...]) -> tuple[str, list[Claim], bool] | None:
    """(label, figures, whether one of them is under no column) of a row: labels, then figures side
    by side, then words at most (a standard written out); None when a blank or a word sits between
    two figures."""
    cells = ctx.row_cells(block, r)
    claims = ctx.rows.get((block, r), [])
    values = [cell_value(ctx, cell, claims, placeholders) for cell in cells]
    first = next((k for k, v in enumerate(values) if isinstance(v, Claim)), None)
    if first is None:
        return "", [], False
    last = max(k for k, v in enumerate(values) if isinstance(v, Claim))
    figures = values[first:last + 1]
    if any(not isinstance(v, Claim) for v in figures):
        return None
    labels = [squash(ctx.at(c.span)) for c, v in zip(cells[:first], values[:first]) if v is WORDS]
    return (labels[-1] if labels else ""), figures, any(not c.header_path for c in cells[first:last + 1])


def _zero(claim: Claim) -> bool:
    return claim.quantity.value == 0


def _meets(total: Claim, parts: list[Claim]) -> bool:
    """Whether the parts can add up to the total, as written: a figure of a row the loader could
    not place has no unit from its column's header, and takes the column's."""
    low = sum((p.quantity.low for p in parts), Decimal(0))
    high = sum((p.quantity.high for p in parts), Decimal(0))
    return low <= total.quantity.high and total.quantity.low <= high


def _placements(totals: list[Claim], rows: list[list[Claim]]) -> dict[frozenset, int]:
    """Each placement's nonzero figures ((row, figure, column) triples) with the fewest columns
    it leaves not adding up (at most one)."""
    width = len(totals)
    free = [t.quantity.dimension in NOT_ADDED for t in totals]  # a column of rates or points adds nothing
    found: dict[frozenset, int] = {}
    steps = 0

    def search(column: int, at: tuple[int, ...], failed: int, placed: tuple) -> None:  # noqa: ANN001
        nonlocal steps
        if column == width:
            key = frozenset(placed)
            found[key] = min(found.get(key, failed), failed)
            return
        left = width - column
        must = [i for i, row in enumerate(rows) if len(row) - at[i] == left]
        may = [i for i, row in enumerate(rows) if 0 < len(row) - at[i] < left]
        for mask in range(1 << len(may)):
            steps += 1
            if steps > MAX_STEPS:
                raise _TooLarge
            chosen = must + [i for k, i in enumerate(may) if mask >> k & 1]
            parts = [rows[i][at[i]] for i in chosen]
            adds_up = free[column] or _meets(totals[column], parts)
            if not adds_up and failed:
                continue
            moved = tuple(at[i] + (i in chosen) for i in range(len(rows)))
            here = tuple((i, at[i], column) for i in chosen if not _zero(rows[i][at[i]]))
            search(column + 1, moved, failed + (not adds_up), placed + here)

    search(0, tuple(0 for _ in rows), 0, ())
    return found


def _columns(totals: list[Claim], rows: list[list[Claim]], placement: frozenset) -> list[list[Claim]]:
    out: list[list[Claim]] = [[] for _ in totals]
    for i, k, column in sorted(placement):
        out[column].append(rows[i][k])
    return out


def _sums(ctx: Context, totals: list[Claim], rows: list[list[Claim]]) -> Iterator[Constraint]:
    if len(totals) > MAX_COLUMNS or len(rows) > MAX_ROWS or any(negative(ctx, c) for row in rows for c in row):
        return
    try:
        found = _placements(totals, rows)
    except _TooLarge:
        return
    if not found:
        return
    fewest = min(found.values())
    best = [p for p, failed in found.items() if failed == fewest]
    if len(best) != 1:
        if fewest == 1 and len(best) <= MAX_READINGS:
            yield from _readings(ctx, totals, rows, best)
        return  # two placements fit as well: which figure is under which column is not certain
    columns = _columns(totals, rows, best[0])
    adding = sum(1 for total, parts in zip(totals, columns) if len(parts) >= 2 and _meets(total, parts))
    if adding < EVIDENCE[fewest]:
        return
    for total, parts in zip(totals, columns):
        if not parts or total.quantity.dimension in NOT_ADDED or not one_kind([total, *parts]) or negative(ctx, total):
            continue
        if not _meets(total, parts) and any(p.quantity.high >= total.quantity.low for p in parts):
            continue  # a column whose total is no more than a row's (a standard, an average): no sum
        yield ctx.constraint("sum", "SUM001", [total, *parts], "table", table="placed")


def _readings(ctx: Context, totals: list[Claim], rows: list[list[Claim]], best: list[frozenset]) -> Iterator[Constraint]:
    """Several placements fit as well and each leaves a column not adding up: the table is wrong
    whichever the reading, though which column is not certain. One constraint over the readings,
    each checked on its sum columns (a column adding up with two or more figures in some reading)."""
    readings = [_columns(totals, rows, p) for p in best]
    if any(sum(1 for t, parts in zip(totals, cols) if len(parts) >= 2 and _meets(t, parts)) < EVIDENCE[1]
           for cols in readings):
        return
    sums = [c for c, t in enumerate(totals) if t.quantity.dimension not in NOT_ADDED and not negative(ctx, t)
            and any(len(cols[c]) >= 2 and _meets(t, cols[c]) and one_kind([t, *cols[c]]) for cols in readings)]
    placed = [{(p.id, c) for c in sums for p in cols[c]} for cols in readings]
    moved = sorted({i for i, _ in set.union(*placed) - set.intersection(*placed)})
    if not sums or not moved:
        return
    claims = [totals[c] for c in sums] + [ctx.by_id[i] for i in moved]
    yield ctx.constraint("placed_readings", "SUM001", claims, "table", moved=moved,
                         readings=[[[totals[c].id, *(p.id for p in cols[c])] for c in sums] for cols in readings])


def _sections(ctx: Context, index: int, placeholders: tuple[str, ...]) -> Iterator[list[tuple | None]]:
    """The rows (label, figures, lost) of each run of rows under one header, rows without figures
    left out; None for a row whose figures are not side by side."""
    rows: list[tuple | None] = []
    for r, cells in enumerate(ctx.block(index).rows):
        if cells and all(c.is_header for c in cells if squash(c.text)):
            if rows:
                yield rows
            rows = []
            continue
        row = _figures(ctx, index, r, placeholders)
        if row is None or row[1]:
            rows.append(row)
    if rows:
        yield rows


def find(ctx: Context) -> Iterator[Constraint]:
    for index, _, words, placeholders in tables(ctx):
        for rows in _sections(ctx, index, placeholders):
            if any(row is None or row[0].startswith("其中") for row in rows) or not any(row[2] for row in rows):
                continue  # a broken row or a 其中 row; or every figure under its column (table_sums.py)
            totals = [n for n, row in enumerate(rows) if is_total(row[0], words["total_words"])]
            if len(totals) != 1 or totals[0] not in (0, len(rows) - 1):
                continue  # a total among its rows, or two: which rows each adds up is not certain
            figures = rows[totals[0]][1]
            parts = [row[1] for n, row in enumerate(rows) if n != totals[0]]
            if len(parts) >= 2 and all(len(p) <= len(figures) for p in parts):
                yield from _sums(ctx, figures, parts)
