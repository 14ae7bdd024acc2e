"""A difference written right after the two figures it is of (SUM001): 支出3.16万元，年初预算为4.20万元，
差值为1.04万元. The cue (rules/lists.yaml ``differences``) must open the difference's clause with no
name of its own (收支差额为… names what it is of, and is left alone), and exactly two amounts of its
dimension stand before it in its segment (up to the last ；。). The difference is checked as the
larger of the two minus the smaller: the text does not say which comes first."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.model import Constraint, Span

CLAUSE_ENDS = SENTENCE_ENDS + "，,：:"
SUMMABLE = ("money", "people", "count")


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["lists"].get("differences", {})
    cues = tuple(sorted(words.get("cues", ()), key=len, reverse=True))
    fillers = tuple(words.get("fillers", ()))
    if not cues:
        return
    for claim in ctx.narrative:
        if claim.quantity.dimension not in SUMMABLE or claim.quantity.comparator != "=":
            continue
        clause = ctx.sentence(claim.span.start, CLAUSE_ENDS)
        lead = squash(ctx.text[clause.start:claim.span.start])
        for filler in fillers:
            lead = lead.removesuffix(filler)
        if lead not in cues:
            continue
        segment = ctx.sentence(claim.span.start, SENTENCE_ENDS)
        before = [c for c in ctx.claims_in(Span(segment.start, clause.start))
                  if c.quantity.dimension in SUMMABLE and c.quantity.comparator == "="]
        if len(before) != 2 or any(c.quantity.dimension != claim.quantity.dimension for c in before):
            continue
        larger, smaller = sorted(before, key=lambda c: c.quantity.base_value, reverse=True)
        yield ctx.constraint("sum", "SUM001", [claim, larger, smaller], "narrative", relation="=",
                             minus=[smaller.id], difference=True)

