"""Indicator rows of a score form that reach us flattened into text (a PDF's or a web page's
line of space- or ``|``-separated cells, or one cell per line): ``221人 221人 2 2``,
``≥95% 98% 6 6``, ``5662人 4044人 2 1.4``.

A row is recognised by the types of its cells, never by its wording: a run of figure cells with
nothing but separators between them is read as rows of

    target actual points score   (target and actual measure the same thing: a unit, a %, a comparator)
    actual points score          (the target was words: 按时完成, 定性)
    points score                 (target and actual both words: 及时 及时 20 20; only inside a run
                                  that goes on with a full row)

where points and score are bare numbers and points are a plausible point value (at most full
marks, few decimals). A run that does not split into such rows exactly is left alone, as is any
run in a text that names no points column before a score column (分值 … 得分). The rows yield the
score cap (CAP001) and, with a target, the missed-target-with-full-marks check (SCO003).
Rows a loader rebuilt into a table are read again here (a flattened line binds only its first
row to the header's columns); the constraints they share with the table finder are the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from auditor.linking.context import Context
from auditor.model import Claim, Constraint

SEPARATORS = re.compile(r"[\s|｜]*")
BARE = re.compile(r"\d+(?:\.\d+)?")
LEADING_SIGNS = "=＝"  # =100%: a target written with its equals sign
TRAILING_UNIT = re.compile(r"[\u4e00-\u9fff]{1,3}")  # 14种, 8例: a unit the reader does not know


@dataclass(frozen=True)
class FigureCell:
    claim: Claim
    start: int
    end: int
    unit: str  # "" for a bare number

    @property
    def bare(self) -> bool:
        return not self.unit


def figure_cell(ctx: Context, claim: Claim) -> FigureCell | None:
    """The cell a figure fills, when it fills one alone: the figure, and at most a short unit word
    right after it, between separators."""
    text = ctx.text
    start, end = claim.span.start, claim.span.end
    while start > 0 and text[start - 1] in LEADING_SIGNS:
        start -= 1
    if start > 0 and not SEPARATORS.fullmatch(text[start - 1]):
        return None
    stop = end
    while stop < len(text) and not SEPARATORS.fullmatch(text[stop]):
        stop += 1
    extra = text[end:stop]
    if extra and not TRAILING_UNIT.fullmatch(extra):
        return None
    q = claim.quantity
    bare = not extra and q.comparator == "=" and BARE.fullmatch(claim.text) is not None
    unit = "" if bare else (q.unit or extra or q.comparator)
    return FigureCell(claim, start, stop, unit)


def runs(ctx: Context) -> Iterator[list[FigureCell]]:
    """Runs of figure cells with only separators between them, in text order."""
    run: list[FigureCell] = []
    for claim in ctx.claims:
        cell = figure_cell(ctx, claim)
        if cell is None:
            if run:
                yield run
            run = []
            continue
        if run and (cell.start < run[-1].end or not SEPARATORS.fullmatch(ctx.text[run[-1].end:cell.start])):
            yield run
            run = []
        run.append(cell)
    if run:
        yield run


@dataclass(frozen=True)
class FlatRow:
    target: Claim | None
    actual: Claim | None
    points: Claim
    score: Claim


def is_points(cell: FigureCell, full_marks: Decimal, decimals: int) -> bool:
    q = cell.claim.quantity
    return cell.bare and 0 < q.value <= full_marks and q.decimals <= decimals


def is_score(cell: FigureCell, decimals: int) -> bool:
    return cell.bare and cell.claim.quantity.decimals <= decimals


def same_measure(a: FigureCell, b: FigureCell) -> bool:
    qa, qb = a.claim.quantity, b.claim.quantity
    if b.claim.quantity.comparator != "=":
        return False  # an actual value states no comparator
    return a.unit == b.unit or (a.unit.strip("<>=") == b.unit) or (bool(qa.dimension) and qa.dimension == qb.dimension)


def split_rows(cells: list[FigureCell], full_marks: Decimal, decimals: int) -> list[FlatRow] | None:
    """The run read as indicator rows, or None when it does not split into them exactly."""
    def pair_at(i: int) -> bool:
        return i + 1 < len(cells) and is_points(cells[i], full_marks, decimals) and is_score(cells[i + 1], decimals + 1)

    rows: list[FlatRow] = []
    i, full = 0, 0
    while i < len(cells):
        c = cells[i]
        if not c.bare and i + 1 < len(cells) and not cells[i + 1].bare and same_measure(c, cells[i + 1]) \
                and pair_at(i + 2):
            rows.append(FlatRow(c.claim, cells[i + 1].claim, cells[i + 2].claim, cells[i + 3].claim))
            i, full = i + 4, full + 1
        elif not c.bare and pair_at(i + 1):
            rows.append(FlatRow(None, c.claim, cells[i + 1].claim, cells[i + 2].claim))
            i, full = i + 3, full + 1
        elif i == 0 and pair_at(0) and len(cells) >= 6 and not cells[2].bare and not cells[3].bare:
            # words for target and actual: only before a full row of both measures
            rows.append(FlatRow(None, None, c.claim, cells[1].claim))
            i += 2
        elif i == len(cells) - 2 and full and all(x.bare for x in cells[i:]):
            break  # a closing pair (a total row's points and score) belongs to no indicator
        else:
            return None
    return rows if full else None


def names_points_then_score(ctx: Context, before: int) -> bool:
    """The text before the run has a points column header ahead of a score column header."""
    tables = ctx.rules["tables"]
    head = ctx.text[:before]
    points = [head.find(w) for w in tables.get("points_terms", ()) if w in head]
    if not points:
        return False
    first = min(points)
    return any(head.find(w, first) > first for w in tables.get("score_terms", ()))


def find(ctx: Context) -> Iterator[Constraint]:
    params = ctx.rules["tables"].get("flat_rows", {})
    full_marks = Decimal(str(params.get("full_marks", 100)))
    decimals = int(params.get("points_decimals", 1))
    for cells in runs(ctx):
        if len(cells) < 3 or not names_points_then_score(ctx, cells[0].start):
            continue
        for row in split_rows(cells, full_marks, decimals) or ():
            yield ctx.constraint("score_cap", "CAP001", [row.score, row.points], "table")
            if row.target is not None and row.actual is not None:
                yield ctx.constraint("target_full_marks", "SCO003", [row.target, row.actual, row.score, row.points],
                                     "table", indicator="")
