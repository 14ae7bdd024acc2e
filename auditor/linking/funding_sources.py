"""The source rows of a form's funding block left in the text (SUM001): a flattened form whose
loader bound the header and its total row (年度资金总额 | 年初预算数 全年预算数 全年执行数 分值 …)
but not the rows under it, which run on as labels and figures:

    … 120.00 120.00 96.5 10 8.04 | 其中：当年财政拨款 100.00 100.00 80.5 — | 上年结转资金 20.00 20.00 16 — | 其他资金 0 0 —

Each source row (rules/tables.yaml funding_sources: 财政拨款, 上年结转, 其他资金) states the amounts
only, in the order of the header's amount columns; its other cells are placeholders or empty, and
an empty cell is lost in the text, so a row with fewer figures than amount columns has several
placements. A column is checked only where every placement gives each row the same figure (or a
zero or nothing either way): the total's figure there against the sum of the rows'. A first row
without its label (the label pushed elsewhere by the layout) counts only when the labelled rows
name every source but one. Anything else after the total row (words, a figure of another kind, a
source named twice) and nothing is formed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

from auditor.linking.context import Context, squash
from auditor.linking.table_sums import NOT_ADDED, one_kind
from auditor.linking.tables import Row, is_funding, rows_of
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
    for m in TOKEN.finditer(ctx.text, after, min(len(ctx.text), after + WINDOW)):
        word = m.group()
        claim = by_start.get(m.start())
        if claim is not None and claim.span.end == m.end():
            if not rows:
                rows.append((None, []))  # a figure right after the total: the first row, its label elsewhere
            rows[-1][1].append(claim)
        elif word in placeholders and rows:
            rows[-1][1].append(None)
        elif (kind := source_kind(word, kinds)) is not None and (not rows or rows[-1][1]):
            rows.append((kind, []))
        else:
            break
    rows = [r for r in rows if r[1]]
    named = [k for k, _ in rows if k is not None]
    if len(rows) < 2 or len(set(named)) != len(named):
        return None
    if rows[0][0] is None and len(set(range(len(kinds))) - set(named)) != 1:
        return None  # an unlabelled row stands for the one source not named, or for nothing certain
    return rows


def column_values(cells: list[Claim | None], width: int) -> list[object] | None:
    """Per amount column: the row's figure when every placement puts it there, ZERO when every
    placement leaves nothing or a zero there, None when placements disagree. None for the whole
    row when it holds more cells than there are columns."""
    while cells and cells[-1] is None:
        cells = cells[:-1]  # the placeholders of the points, rate and score cells
    if len(cells) > width:
        return None
    options: list[list[object]] = [[] for _ in range(width)]
    for columns in combinations(range(width), len(cells)):
        placed = dict(zip(columns, cells, strict=True))
        for j in range(width):
            value = placed.get(j)
            options[j].append(ZERO if value is None or value.quantity.value == 0 else value)
    return [opts[0] if all(o is opts[0] for o in opts) else None for opts in options]


def header_amounts(ctx: Context, total: Row) -> list[str]:
    """The amount roles of the block's header, in column order."""
    roles = sorted(ctx.rules["lexicon"]["header_roles"].items(), key=lambda kv: -len(kv[0]))
    block = ctx.block(total.block)
    header = next((r for r in block.rows[:total.index] if r and all(c.is_header for c in r)), ())
    out = []
    for cell in header:
        text = squash(ctx.at(cell.span))
        role = next((r for key, r in roles if key in text), None)
        if role in AMOUNT_ROLES:
            out.append(role)
    return out if len(set(out)) == len(out) else []


def find(ctx: Context) -> Iterator[Constraint]:
    kinds = ctx.rules["tables"].get("funding_sources", [])
    placeholders = tuple(ctx.rules["tables"].get("relations", {}).get("placeholders", ()))
    if not kinds:
        return
    for sheet in ctx.sheets:
        rows = rows_of(ctx, sheet)
        for total in rows:
            last = max((c.span.end for c in total.cells), default=0)
            if not is_funding(total) or (total.one("max") is None and total.one("rate") is None) \
                    or total.index != len(ctx.block(total.block).rows) - 1:
                continue  # only the last row of a score form's funding block: its sources were not rebuilt
            amounts = header_amounts(ctx, total)
            found = source_rows(ctx, last, kinds, placeholders) if len(amounts) >= 2 else None
            if found is None:
                continue
            values = [column_values(cells, len(amounts)) for _, cells in found]
            if any(v is None for v in values):
                continue
            figures = [c for _, cells in found for c in cells if c is not None]
            wholes = [c for c in (total.one(role) for role in amounts) if c is not None]
            if not one_kind([*wholes, *figures]) or any(c.quantity.dimension in NOT_ADDED for c in figures):
                continue  # a rate or points among them: not a row of amounts
            for j, role in enumerate(amounts):
                whole = total.one(role)
                column = [v[j] for v in values]
                if whole is None or any(v is None for v in column):
                    continue
                parts = [v for v in column if isinstance(v, Claim)]
                if parts:
                    yield ctx.constraint("sum", "SUM001", [whole, *parts], "table", relation="=")
