"""RAT001, the budgets a list's rates imply: ``收入30000万元，完成调整预算的98.0%。其中，税收收入22000万元，
完成调整预算的101.5%；非税收入8000万元，完成调整预算的90.5%``. Each figure over its rate is its own
budget (30000/98.0% ≈ 30612); the parts' budgets add up to the total's, so the rates cannot all be
right when 22000/101.5% + 8000/90.5% and 30000/98.0% allow no common value.

Only a complete list (auditor/linking/lists.py) whose total and every part have a rate of their own
budget of one kind (`own_budget_rates` in rules/ratios.yaml: 完成调整预算的, 占调整预算…, one
pattern per kind) in their clause; several lists of one total (从征收部门来看…；从收入分类来看…) are
one constraint, each list a group."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.linking.lists import PartLists
from auditor.model import Claim, Constraint, Span

REMARK = re.compile(r"[（(][^（()）]{0,12}[）)]")  # 28,583万元（自然口径），占调整预算…: a remark on the figure


def own_rates(ctx: Context, claim: Claim, kinds: dict[str, re.Pattern[str]]) -> dict[str, Claim]:
    """The rates after ``claim`` in its sentence, before the next amount, by the kind of budget
    their words name (完成调整预算的99.2% → 调整)."""
    sentence = ctx.sentence(claim.span.start, SENTENCE_ENDS)
    out: dict[str, Claim] = {}
    previous = claim.span.end
    for other in ctx.claims_in(Span(claim.span.end, sentence.end)):
        if other.quantity.dimension != "percent":
            break
        lead = REMARK.sub("", squash(ctx.text[previous:other.span.start])).lstrip("，,")
        previous = other.span.end
        for kind, pattern in kinds.items():
            if pattern.fullmatch(lead) and other.quantity.comparator == "=":
                out.setdefault(kind, other)
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    patterns = ctx.rules["ratios"].get("named_rates", {}).get("own_budget_rates", {})
    if not patterns:
        return
    kinds = {kind: re.compile(pattern) for kind, pattern in patterns.items()}
    lists = PartLists.of(ctx)
    by_total: dict[int, list[list[Claim]]] = {}
    for group in lists.found:
        if group.complete and not group.uncertain and not group.minus and len(group.parts) >= 2 \
                and group.total.quantity.dimension == "money":
            by_total.setdefault(group.total.id, []).append(group.parts)
    for total_id, groups in by_total.items():
        total = ctx.by_id[total_id]
        rates_of_total = own_rates(ctx, total, kinds)
        for kind, rate in rates_of_total.items():
            listed = []
            for parts in groups:
                rates = [own_rates(ctx, p, kinds).get(kind) for p in parts]
                if all(r is not None for r in rates):
                    listed.append([c for pair in zip(parts, rates) for c in pair])
            if listed:
                yield ctx.constraint("implied_budgets", "RAT001", [total, rate, *(c for g in listed for c in g)],
                                     "narrative", groups=[len(g) // 2 for g in listed], word=kind)
