"""Rates whose total is written beside them.

- ``A，占年计划B的R%``, ``A，完成年初预算B的R%``, ``A，占一般公共预算支出B的R%``: R = A / B, A the
  figure right before the total (RAT001 for a budget, RAT003 for a plan or task, RAT002 otherwise).
- ``总保费T万元，中央财政补贴R1%为A1万元，省级财政补贴R2%，计A2万元``: each share Rn = An / T, T the
  amount right before the chain of shares (RAT002)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.growth import Vocabulary, classify, compatible, sentence_around
from auditor.model import Claim, Constraint

OPENS, CLOSES = "（(", "）)"
TOTAL_LEAD = re.compile(r"(占|完成)([^，,；;：:（(）)]{1,16}?)(?:数|总额|总数)?$")


def lead_of(ctx: Context, claims: list[Claim], index: int, start: int) -> str:
    return squash(ctx.text[claims[index - 1].span.end if index else start:claims[index].span.start])


def aside(ctx: Context, claim: Claim, start: int, end: int) -> bool:
    """增长1.28%（增幅在全市16县区中排名第五）: a figure in a bracket closed before ``end`` is a remark."""
    opened = sum(ctx.text.count(o, start, claim.span.start) for o in OPENS) \
        - sum(ctx.text.count(c, start, claim.span.start) for c in CLOSES)
    return opened > 0 and any(c in ctx.text[claim.span.end:end] for c in CLOSES)


def code_for(name: str, words: dict) -> str:
    for fund in words.get("fund_names", ()):
        name = name.replace(fund, "")  # 占一般公共预算支出…的: a share of spending, not of a budget
    if any(w in name for w in words.get("task_words", ())):
        return "RAT003"
    if any(w in name for w in words.get("budget_words", ())):
        return "RAT001"
    return "RAT002"


def shares_of_total(ctx: Context, claims: list[Claim], start: int, words: dict,
                    growth_words: Vocabulary, carried: list[Claim | None]) -> Iterator[Constraint]:
    """``carried``: the total of a chain the sentence before ended with, when a ； joins them
    (…中央财政补贴45%，计A万元；省级财政补贴25%，计B万元); on return, this sentence's."""
    links = tuple(words.get("share_links", ()))
    total, previous_part = None, -1
    opening, carried[0] = carried[0], None
    for i, rate in enumerate(claims[:-1]):
        if i == previous_part:
            continue  # the amount of the share before: the chain goes on
        part = claims[i + 1]
        lead = lead_of(ctx, claims, i, start)
        if rate.quantity.dimension != "percent" or lead_of(ctx, claims, i + 1, start).lstrip("，,") not in links \
                or "率" in lead or growth_words.ending(lead, growth_words.rates) \
                or any(w in lead for w in growth_words.not_rate):
            total = None
            continue
        if total is None:
            # the chain's total: the plain amount right before its first share
            before = claims[i - 1] if i else opening
            if before is None or before.quantity.dimension == "percent" \
                    or (i and growth_words.ending(lead_of(ctx, claims, i - 1, start), growth_words.changes)):
                continue
            total = before
        previous_part = i + 1
        if compatible(part, total):
            yield ctx.constraint("ratio", "RAT002", [rate, part, total], "narrative", denominators=1)
    if total is not None and previous_part == len(claims) - 1:
        carried[0] = total  # the chain runs to the sentence's end


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["ratios"].get("named_rates", {})
    growth_words = Vocabulary.of(ctx)
    done = 0  # claims come in text order: each sentence is read once
    carried: list[Claim | None] = [None]
    for claim in ctx.narrative:
        if claim.span.start < done:
            continue
        sentence = sentence_around(ctx, claim.span.start)
        if not (sentence.start == done and sentence.start > 0 and ctx.text[sentence.start - 1] in "；;"):
            carried = [None]
        done = sentence.end
        claims = ctx.claims_in(sentence)
        yield from shares_of_total(ctx, claims, sentence.start, words, growth_words, carried)
        kinds = [p.kind for p in classify(ctx, growth_words, claims, sentence.start)]
        for i in range(2, len(claims)):
            rate, total = claims[i], claims[i - 1]
            if rate.quantity.dimension != "percent" or lead_of(ctx, claims, i, sentence.start) != "的":
                continue
            # the figure right before the total, or the amount a growth statement between compares
            # (完成93620万元，比上年同期88450万元增收5170万元，增长5.85%，完成年初预算156000万元的60.01%)
            j = i - 2
            while j >= 0 and (kinds[j] in ("base", "change", "rate")
                              or aside(ctx, claims[j], sentence.start, total.span.start)):
                j -= 1
            if j < 0 or (j < i - 2 and kinds[j] != "plain"):
                continue
            part = claims[j]
            named = TOTAL_LEAD.search(lead_of(ctx, claims, i - 1, sentence.start))
            if named is None or not compatible(part, total):
                continue
            yield ctx.constraint("ratio", code_for(named.group(2), words), [rate, part, total], "narrative",
                                 denominators=1, word=f"{named.group(1)}{named.group(2)}的比例")
