"""Rates whose total is written inside them: ``A，占年计划B的R%``, ``A，完成年初预算B的R%``,
``A，占一般公共预算支出B的R%``: R = A / B, A the figure right before the total (RAT001 for a
budget, RAT003 for a plan or task, RAT002 for a share of anything else)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.growth import Vocabulary, compatible, sentence_around
from auditor.model import Claim, Constraint

TOTAL_LEAD = re.compile(r"(占|完成)([^，,；;：:（(）)]{1,16}?)(?:数|总额|总数)?$")


def lead_of(ctx: Context, claims: list[Claim], index: int, start: int) -> str:
    return squash(ctx.text[claims[index - 1].span.end if index else start:claims[index].span.start])


def code_for(name: str, words: dict) -> str:
    for fund in words.get("fund_names", ()):
        name = name.replace(fund, "")  # 占一般公共预算支出…的: a share of spending, not of a budget
    if any(w in name for w in words.get("task_words", ())):
        return "RAT003"
    if any(w in name for w in words.get("budget_words", ())):
        return "RAT001"
    return "RAT002"


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["ratios"].get("named_rates", {})
    growth_words = Vocabulary.of(ctx)
    seen: set[int] = set()
    for claim in ctx.narrative:
        sentence = sentence_around(ctx, claim.span.start)
        if sentence.start in seen:
            continue
        seen.add(sentence.start)
        claims = ctx.claims_in(sentence)
        for i in range(2, len(claims)):
            rate, total, part = claims[i], claims[i - 1], claims[i - 2]
            if rate.quantity.dimension != "percent" or lead_of(ctx, claims, i, sentence.start) != "的":
                continue
            named = TOTAL_LEAD.search(lead_of(ctx, claims, i - 1, sentence.start))
            part_lead = lead_of(ctx, claims, i - 2, sentence.start)
            if named is None or not compatible(part, total) or growth_words.ending(part_lead, growth_words.changes):
                continue
            yield ctx.constraint("ratio", code_for(named.group(2), words), [rate, part, total], "narrative",
                                 denominators=1)
