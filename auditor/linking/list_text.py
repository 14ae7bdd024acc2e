"""The stretches of text the list finders read around a figure: its sentence, its clause, the
words naming it. Shared by auditor.linking.lists, list_referents and the finders built on them."""

from __future__ import annotations

from bisect import bisect_left

from auditor.linking.context import Context, squash
from auditor.model import Claim, Span
from auditor.strings import end_marks

FULL_STOP = "。！？!?\n"
MAX_SPAN = 1500  # no list, sentence or bracket looked at is longer: bounds the work on any text


def sentence(text: str, pos: int, ends: str, floor: int = 0, ceiling: int | None = None) -> Span:
    """The sentence around ``pos`` within [floor, ceiling), at most MAX_SPAN characters each way."""
    ceiling = len(text) if ceiling is None else ceiling
    pos = max(floor, min(pos, ceiling))
    low, high = max(floor, pos - MAX_SPAN), min(ceiling, pos + MAX_SPAN)
    marks = end_marks(text, ends)
    k = bisect_left(marks, pos)  # the first end mark at or after pos
    start = max(marks[k - 1] + 1 if k and marks[k - 1] >= low else 0, low)  # after the last end mark
    end = marks[k] if k < len(marks) and marks[k] < high else high
    return Span(start, min(ceiling, end + 1))


def clause(ctx: Context, claim: Claim) -> str:
    """The words before a figure in its clause."""
    return squash(ctx.text[claim.context.start:claim.span.start]) if claim.context else ""


CLAUSE_BREAKS = "，,。；;：:（(\n"
NAME_BREAKS = "，,。；;：:\n"


def stage_words(ctx: Context, claim: Claim, breaks: str = CLAUSE_BREAKS) -> str:
    """The words of a figure's clause before it, years included (较2023年的1875万元: 较2023年的)."""
    start = claim.context.start if claim.context else claim.span.start
    previous = ctx.claims[claim.id - 1].span.end if claim.id > 0 and ctx.claims[claim.id - 1].id == claim.id - 1 else 0
    floor = max(previous, start - 40)
    while start > floor and ctx.text[start - 1] not in breaks:
        start -= 1
    return squash(ctx.text[start:claim.span.start])


def name_words(ctx: Context, claim: Claim) -> str:
    """The words naming a figure: its clause, brackets inside the name kept (因公出国（境）费4.79万元)."""
    return stage_words(ctx, claim, NAME_BREAKS)
