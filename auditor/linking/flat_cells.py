"""Figure cells of a table flattened into text: a figure that fills a cell alone (between
separators: spaces, tabs, line breaks, ``|``), and runs of such cells with nothing but separators
between them. The flattened-form readers (flat_rows, flat_funding) type rows by these cells."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.linking.context import Context
from auditor.model import Claim

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


TOKEN = re.compile(r"[^\s|｜]+")


def header_runs(ctx: Context) -> list[tuple[list[str], int]]:
    """Runs of two or more column headers (words of rules/lexicon.yaml header_roles, no figure in
    them) with only separators between: their roles in order and where the run ends."""
    roles = sorted(ctx.rules["lexicon"]["header_roles"].items(), key=lambda kv: -len(kv[0]))
    any_header = re.compile("|".join(re.escape(key) for key, _ in roles) or "(?!)")  # most words hold none
    out: list[tuple[list[str], int]] = []
    run: list[str] = []
    end = 0
    for m in TOKEN.finditer(ctx.text):
        word = m.group()
        role = None if not any_header.search(word) or any(ch.isdigit() for ch in word) \
            else next((r for key, r in roles if key in word), None)
        if role is not None:
            run.append(role)
            end = m.end()
            continue
        if len(run) >= 2:
            out.append((run, end))
        run = []
    if len(run) >= 2:
        out.append((run, end))
    return out
