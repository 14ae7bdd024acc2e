"""The source rows of a form's funding block left in the text (SUM001): a flattened form whose
total row was bound to its header (by the loader, 年度资金总额 | 年初预算数 全年预算数 全年执行数 分值 …,
or in the text, flat_funding), or whose total row's figures right under the header can be placed in
several ways, but not the rows under it, which run on as labels and figures:

    … 120.00 120.00 96.5 10 8.04 | 其中：当年财政拨款 100.00 100.00 80.5 — | 上年结转资金 20.00 20.00 16 — | 其他资金 0 0 —

A source row (rules/tables.yaml funding_sources: 财政拨款, 上年结转, 其他资金) of as many cells as
the header has columns is placed one to one. A shorter one states the amounts only, in the order
of the header's amount columns, its other cells placeholders or empty, and an empty cell is lost
in the text: with fewer figures than amount columns it has several placements. A column is
checked only where every placement gives each row the same figure (or a zero or nothing either
way): the total's figure there against the sum of the rows'. Sources writing zeros only add up to
zero in every column: then a total's figure that every placement of its row puts under some
amount column, whichever, is checked against them. Every source is read once; a first row
without its label (the label pushed elsewhere by the layout) stands for the one the others do not
name. A row of another label after them (社会资金 20.00 …), a figure of another kind, a source
named twice or without a cell, and nothing is formed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from auditor.linking.context import Context, squash
from auditor.linking.flat_cells import FigureCell, runs
from auditor.linking.flat_funding import MAX_LABEL_TOKENS, funding_headers, funding_rows
from auditor.linking.table_sums import NOT_ADDED, one_kind
from auditor.linking.tables import is_funding, rows_of
from auditor.model import Claim, Constraint

AMOUNT_ROLES = ("budget", "adjusted_budget", "executed")
TOKEN = re.compile(r"[^\s|｜]+")
WINDOW = 240  # characters after the total row where its source rows may run
ZERO = object()  # nothing, or a zero, in every placement


def source_kind(word: str, kinds: list[list[str]]) -> int | None:
    word = squash(word)
    found = [k for k, spellings in enumerate(kinds) if any(s in word for s in spellings)]
    return found[0] if len(found) == 1 and len(word) <= 12 else None


def source_rows(ctx: Context, after: int, kinds: list[list[str]],
                placeholders: tuple[str, ...]) -> list[tuple[int | None, list[Claim | None]]] | None:
    """(source kind or None for an unlabelled first row, its cells: a figure or None for a
    placeholder) of the rows right after ``after``; None when the text there is not such rows."""
    by_start = ctx.once("funding_sources_claims", lambda c: {cl.span.start: cl for cl in c.claims if cl.cell is None})
    rows: list[tuple[int | None, list[Claim | None]]] = []
    stop = None  # the first word that is none of the rows'
    for m in TOKEN.finditer(ctx.text, after, min(len(ctx.text), after + WINDOW)):
        word, claim = m.group(), by_start.get(m.start())
        figure = claim is not None and claim.span.end == m.end()
        if stop is not None:
            if figure:
                return None  # a row of another label (社会资金 20.00 …): the sources may run on
            break
        if figure:
            if not rows:
                rows.append((None, []))  # a figure right after the total: the first row, its label elsewhere
            rows[-1][1].append(claim)
        elif word in placeholders and rows:
            rows[-1][1].append(None)
        elif (kind := source_kind(word, kinds)) is not None:
            rows.append((kind, []))
        else:
            stop = m
    named = [k for k, _ in rows if k is not None]
    if stop is None or len(set(named)) != len(named) or any(not cells for _, cells in rows):
        return None  # a source without a cell: empty, or its figures pushed elsewhere by the layout
    if len(rows) != len(kinds) or (rows[0][0] is None) != (len(named) == len(kinds) - 1):
        return None  # every source once; an unlabelled first row stands for the one not named
    return rows


def column_values(cells: list[Claim | None], roles: list[str | None]) -> list[object] | None:
    """Per amount column: the row's figure when every placement puts it there, ZERO when every
    placement leaves nothing or a zero there, None when placements disagree. A row of as many cells
    as the header has columns is placed one to one; a shorter one holds amounts only (its other
    cells placeholders or lost), in the amount columns' order. None for a row of neither shape."""
    amounts = [i for i, role in enumerate(roles) if role in AMOUNT_ROLES]
    if len(cells) == len(roles):
        return [ZERO if cells[i] is None or cells[i].quantity.value == 0 else cells[i] for i in amounts]
    while cells and cells[-1] is None:
        cells = cells[:-1]  # the placeholders of the points, rate and score cells
    if len(cells) > len(amounts):
        return None
    options: list[list[object]] = [[] for _ in amounts]
    for columns in combinations(range(len(amounts)), len(cells)):
        placed = dict(zip(columns, cells, strict=True))
        for j in range(len(amounts)):
            value = placed.get(j)
            options[j].append(ZERO if value is None or value.quantity.value == 0 else value)
    return [opts[0] if all(o is opts[0] for o in opts) else None for opts in options]


@dataclass(frozen=True)
class Total:
    """A funding total row: the roles of its header's columns in order (None for a column of no
    role), its figures each with the amount roles it may stand under (one when its cell is bound),
    and where it ends in the text."""

    roles: list[str | None]
    figures: list[tuple[Claim, tuple[str, ...]]]
    end: int


def header_roles(ctx: Context, block: int, below: int) -> list[str | None]:
    roles = sorted(ctx.rules["lexicon"]["header_roles"].items(), key=lambda kv: -len(kv[0]))
    rows = ctx.block(block).rows[:below]
    header = next((r for r in rows if r and all(c.is_header for c in r)), ())
    return [next((r for key, r in roles if key in squash(ctx.at(cell.span))), None) for cell in header]


def table_totals(ctx: Context) -> Iterator[Total]:
    """The last row of a table holding a score form's funding total (its points or its rate with
    its amounts): a loader bound it, and not the rows under it."""
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            if not is_funding(row) or (row.one("max") is None and row.one("rate") is None) \
                    or row.index != len(ctx.block(row.block).rows) - 1:
                continue
            roles = header_roles(ctx, row.block, row.index)
            figures = [(c, (role,)) for role in AMOUNT_ROLES if (c := row.one(role)) is not None]
            yield Total(roles, figures, max(c.span.end for c in row.cells))


def text_totals(ctx: Context, kinds: list[list[str]]) -> Iterator[Total]:
    """A funding row read from the text: its cells one for one under a run of column headers
    (flat_funding), or a shorter run right under the headers, none of whose cells a loader
    bound, whose figures may stand in several columns: a figure every placement puts under an
    amount column is read with those columns (placements keep the order; a percentage goes under
    the rate only, a bare fraction anywhere, any other figure anywhere but under the rate)."""
    for row in funding_rows(ctx):
        yield Total(list(row.cells), [(c, (role,)) for role, c in row.cells.items() if role in AMOUNT_ROLES],
                    max(c.span.end for c in row.cells.values()))
    figure_runs = ctx.once("figure_runs", lambda c: list(runs(c)))
    for roles, end in funding_headers(ctx):
        run = next((r for r in figure_runs if r[0].start >= end), None)
        if run is None or len(run) >= len(roles) or any(c.claim.cell is not None for c in run):
            continue  # none, or read one for one (above), or a source row's cells run on in it
        between = TOKEN.findall(ctx.text[end:run[0].start])
        if len(between) > MAX_LABEL_TOKENS or any(source_kind(w, kinds) is not None for w in between):
            continue  # a source row right under the headers: the total is elsewhere
        columns: list[set[int]] = [set() for _ in run]
        for placed in combinations(range(len(roles)), len(run)):
            if all(fits(cell, roles[j]) for cell, j in zip(run, placed, strict=True)):
                for i, j in enumerate(placed):
                    columns[i].add(j)
        figures = [(cell.claim, tuple(roles[j] for j in sorted(cols))) for cell, cols in zip(run, columns, strict=True)
                   if cols and all(roles[j] in AMOUNT_ROLES for j in cols)]
        if figures:
            yield Total(list(roles), figures, run[-1].end)


def fits(cell: FigureCell, role: str) -> bool:
    q = cell.claim.quantity
    if q.unit == "%":
        return role == "rate"
    return role != "rate" or (cell.bare and q.value <= 1 and q.decimals > 0)


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["tables"].get("funding_sources", {})
    kinds = spec.get("sources", [])
    placeholders = tuple(ctx.rules["tables"].get("relations", {}).get("placeholders", ()))
    if not kinds or not any(word in ctx.text for kind in kinds for word in kind):
        return  # no source named anywhere: no block to read
    for total in [*table_totals(ctx), *text_totals(ctx, kinds)]:
        amounts = [role for role in total.roles if role in AMOUNT_ROLES]
        if len(amounts) < 2 or len(set(amounts)) != len(amounts):
            continue
        found = source_rows(ctx, total.end, kinds, placeholders)
        values = [column_values(cells, total.roles) for _, cells in found] if found else [None]
        if any(v is None for v in values):
            continue
        figures = [c for v in values for c in v if isinstance(c, Claim)]
        # sources that write zeros only (a lost cell is an empty one): they add up to zero in every column
        zeros = [next((c for c in cells if c is not None), None) for _, cells in found]
        zeros = zeros if all(z is not None and z.quantity.value == 0 for z in zeros) and all(
            c is None or c.quantity.value == 0 for _, cells in found for c in cells) else []
        if not one_kind([*(c for c, _ in total.figures), *figures, *zeros]) \
                or any(c.quantity.dimension in NOT_ADDED for c in figures):
            continue  # a rate or points among them: not a row of amounts
        for whole, roles in total.figures:
            if not set(roles) <= set(amounts):
                continue  # its column is not one of the header's read here
            columns = [[v[amounts.index(role)] for v in values] for role in roles]
            parts = [v for v in columns[0] if isinstance(v, Claim)]
            if zeros:
                parts = zeros
            elif len(columns) > 1 or not parts or any(v is None for v in columns[0]):
                continue  # a source's figure there not certain, or the total's column not certain
            yield ctx.constraint("sum", "SUM001", [whole, *parts], "table", relation="=",
                                 subject=spec.get("total", ""))
