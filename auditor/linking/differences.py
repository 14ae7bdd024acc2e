"""A difference written right after the figures it is of (SUM001).

- named by a cue: 支出3.16万元，年初预算为4.20万元，差值为1.04万元. The cue (rules/lists.yaml
  ``differences``) must open the difference's clause with no name of its own (收支差额为… names what it
  is of, and is left alone), and exactly two amounts of its dimension stand before it in its segment
  (up to the last ；。). The difference is checked as the larger of the two minus the smaller: the
  text does not say which comes first.
- a bare change after a budget: 预算数3786万元，调整数4610万元，决算数4610万元，增加824万元. An
  increase or decrease word alone opens the change's clause (no 较/比: it compares the figures before
  it), the first amount of its segment is a budget (lists.yaml stages) and the others are amounts or
  budgets the budget became (at most ``max_later``). Each later one minus the budget is a reading; the
  change is wrong only when it is none of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.linking.lists import AMOUNT, BUDGET, PartLists
from auditor.model import Claim, Constraint, Span

CLAUSE_ENDS = SENTENCE_ENDS + "，,：:"
SUMMABLE = ("money", "people", "count")


def _before(ctx: Context, claim: Claim, clause: Span) -> list[Claim]:
    """The amounts of the claim's segment before its clause."""
    segment = ctx.sentence(claim.span.start, SENTENCE_ENDS)
    return [c for c in ctx.claims_in(Span(segment.start, clause.start))
            if c.quantity.dimension in SUMMABLE and c.quantity.comparator == "="]


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["lists"].get("differences", {})
    cues = tuple(sorted(words.get("cues", ()), key=len, reverse=True))
    fillers = tuple(words.get("fillers", ()))
    stages = ctx.rules["lists"].get("stages", {})
    increase, decrease = set(stages.get("increase", ())), set(stages.get("decrease", ()))
    max_later = int(words.get("max_later", 0))
    for claim in ctx.narrative:
        if claim.quantity.dimension not in SUMMABLE or claim.quantity.comparator != "=":
            continue
        clause = ctx.sentence(claim.span.start, CLAUSE_ENDS)
        lead = squash(ctx.text[clause.start:claim.span.start])
        for filler in fillers:
            lead = lead.removesuffix(filler)
        if lead in cues:
            before = _before(ctx, claim, clause)
            if len(before) != 2 or any(c.quantity.dimension != claim.quantity.dimension for c in before):
                continue
            larger, smaller = sorted(before, key=lambda c: c.quantity.base_value, reverse=True)
            yield ctx.constraint("sum", "SUM001", [claim, larger, smaller], "narrative", relation="=",
                                 minus=[smaller.id], difference=True)
        elif max_later and (lead in increase or lead in decrease):
            yield from _bare_change(ctx, claim, _before(ctx, claim, clause), lead in increase, max_later)


def _bare_change(ctx: Context, change: Claim, before: list[Claim], up: bool, max_later: int) -> Iterator[Constraint]:
    if not 2 <= len(before) <= max_later + 1 or any(c.quantity.dimension != change.quantity.dimension
                                                      or c.quantity.unit != change.quantity.unit for c in before):
        return
    lists = PartLists.of(ctx)
    budget, *later = before
    if lists.stage(budget)[0] != BUDGET or any(lists.stage(c)[0] not in (AMOUNT, BUDGET) for c in later):
        return
    # 增加: later − budget; 减少: budget − later (every later figure is subtracted in each reading)
    readings = [[c, budget] if up else [budget, c] for c in later]
    minus = [budget.id] if up else [c.id for c in later]
    yield ctx.constraint("sum", "SUM001", [change, *readings[0]], "narrative", relation="=", minus=minus,
                         alternatives=[[c.id for c in r] for r in readings[1:]], difference=True)
