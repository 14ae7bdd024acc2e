"""A change written as two states (LOGIC005): 由2140亿元增加到2530亿元 says the second is the larger,
由…减少到… the smaller. The words are data (rules/bounds.yaml ``transition_directions``); the first
figure must follow 由/从 right before it, the second the cue right before it, in one clause."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Constraint, Span

CLAUSE_ENDS = "。；;！？!?\n，,：:"
FROM = ("由", "从")


def find(ctx: Context) -> Iterator[Constraint]:
    directions = ctx.rules["bounds"].get("transition_directions", {})
    cues = sorted(((w, d) for d, words in directions.items() for w in words), key=lambda wd: -len(wd[0]))
    if not cues:
        return
    for after in ctx.narrative:
        clause = ctx.sentence(after.span.start, CLAUSE_ENDS)
        inner = ctx.claims_in(Span(clause.start, after.span.start))
        if not inner:
            continue
        before = inner[-1]
        between = squash(ctx.text[before.span.end:after.span.start])
        direction = next((d for w, d in cues if between == w), None)
        if direction is None or squash(ctx.text[max(clause.start, before.span.start - 1):before.span.start]) not in FROM:
            continue
        if before.quantity.dimension != after.quantity.dimension or before.quantity.unit != after.quantity.unit \
                or before.quantity.comparator != "=" or after.quantity.comparator != "=":
            continue
        yield ctx.constraint("direction", "LOGIC005", [before, after], "narrative", direction=direction,
                             cue=between)
