"""The budget a rate of a spent figure may be of when its sentence states none: the budget amounts
(下达/安排/预算…) stated before it in the paragraphs above (2022年安排资金150万元。…已拨付资金
141.60万元，资金拨付率94.4%); likewise the task a completion rate names (年度计划培训640人。…实际
培训640人，培训计划完成100%). Each distinct one is a reading; the rate holds when it fits
one, so more of them never raise an alarm, and too many say nothing."""

from __future__ import annotations

from auditor.linking.context import Context, squash
from auditor.linking.lists import common_run
from auditor.model import Claim, Span

BUDGET_ROLES = ("budget", "adjusted_budget")
WINDOW_BLOCKS = 8  # paragraphs above the rate searched
MAX_READINGS = 3
PART_OPENINGS = ("其中", "包括")


def readings(ctx: Context, rate: Claim, numerator: Claim, changes: object,
             roles: tuple[str, ...] = BUDGET_ROLES) -> list[Claim]:
    """The earlier budgets (or, with ``roles``, targets) of the numerator's dimension and unit, one
    per value, none a year-on-year change (``changes(claim)`` tells), or [] when there are none or
    too many."""
    sentence = ctx.sentence(numerator.span.start, "。！？!?\n")
    clause = ctx.sentence(numerator.span.start, "。！？!?\n；;，,")
    if squash(ctx.text[clause.start:numerator.span.start]).startswith(PART_OPENINGS):
        return []  # 其中传统技艺项目资金使用…: a part's spending, of a budget not stated apart
    out: dict[object, Claim] = {}
    for claim in ctx.narrative:
        if claim.span.start >= sentence.start:
            break  # a budget of the rate's own sentence belongs to another clause of it
        if claim.block < rate.block - WINDOW_BLOCKS or claim.role not in roles \
                or claim.quantity.dimension != numerator.quantity.dimension or claim.quantity.comparator != "=" \
                or (claim.quantity.dimension != "money" and claim.quantity.unit != numerator.quantity.unit) \
                or claim.quantity.base_value <= 0 or changes(claim) \
                or (claim.year is not None and rate.year is not None and claim.year != rate.year):
            continue
        out.setdefault(claim.quantity.base_value, claim)
    return list(out.values()) if len(out) <= MAX_READINGS else []


def several_rates(ctx: Context, rate: Claim, sentence: Span, stems: list[str]) -> bool:
    """资金使用率100%；乙项目资金使用81250元，资金使用率65%: rates of several items in one
    sentence, each of its own budget, which the budgets above need not state apart."""
    return any(c.id != rate.id and c.quantity.dimension == "percent"
               and any(stem in ctx.text[max(sentence.start, c.span.start - 8):c.span.start] for stem in stems)
               for c in ctx.claims_in(sentence))


def of_item(ctx: Context, rate: Claim, numerator: Claim, spent_words: tuple[str, ...], generic: tuple[str, ...],
            changes: object, min_chars: int) -> Claim | None:
    """资金使用率100%；乙项目资金使用81250元，资金使用率65%: the budget of the item the spent figure's
    clause names (乙), the one figure above whose own words name it too (下达乙项目补助12.5万元), or
    None when none or several values are named so."""
    clause = ctx.sentence(numerator.span.start, "。！？!?；;，,")
    item = squash(ctx.text[clause.start:numerator.span.start])
    for _ in range(3):  # 乙项目资金使用: the item's name before the words of spending
        item = next((item.removesuffix(w) for w in (*spent_words, *generic) if item.endswith(w)), item)
    if len(item) < min_chars:
        return None
    sentence = ctx.sentence(rate.span.start, "。！？!?\n")
    values: dict[object, Claim] = {}
    for claim in ctx.narrative:
        if claim.span.start >= sentence.start:
            break
        if claim.block < rate.block - WINDOW_BLOCKS or claim.role not in (*BUDGET_ROLES, "value") \
                or claim.quantity.dimension != "money" or claim.quantity.comparator != "=" \
                or claim.quantity.base_value <= 0 or changes(claim):
            continue
        own = squash(ctx.text[claim.context.start:claim.span.start]) if claim.context else claim.subject
        if common_run(item, own) >= min_chars:
            values.setdefault(claim.quantity.base_value, claim)
    return next(iter(values.values())) if len(values) == 1 else None
