"""A part that exceeds its whole (LOGIC003): violated only when the part's lowest possible value
is above the whole's highest, both taken from their stated precision. A change written as two
states going the other way than its word (LOGIC005): 由A增加到B with B below A."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.intervals import fmt
from auditor.model import Constraint


@check("bound")
def part_within_whole(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Each link of the relation: (part, whole); a chain 税收 ≤ 地方财政收入 ≤ 财政总收入 links each
    figure to the next; ``pairs`` links the first two and then each further two (the items, then
    their budgets)."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    p = constraint.params
    names = p.get("names") or (p.get("part_name") or "分项", p.get("whole_name") or "总数")
    links = zip(range(len(claims) - 1), range(1, len(claims))) if p.get("links") == "chain" \
        else zip(range(0, len(claims), 2), range(1, len(claims), 2))
    for i, j in links:
        part, whole = claims[i], claims[j]
        if interval(part).lo <= interval(whole).hi:
            continue
        gap = part.quantity.base_value - whole.quantity.base_value
        return finding(ctx, constraint, [part, whole], stated=written(part), expected=f"≤{written(whole)}",
                       part_name=names[i] or "分项", whole_name=names[j] or "总数",
                       part=written(part), whole=written(whole), difference=in_unit(gap, whole),
                       formula=f"{written(part)} > {written(whole)}")
    return None


@check("rate_bound")
def rate_within_whole(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A share of one population (满意度, 合格率) above 100% even at the low end of its precision."""
    rate = ctx.by_id[constraint.claims[0]]
    ceiling = Decimal(str(constraint.params.get("ceiling", 100)))
    if rate.quantity.low <= ceiling:
        return None
    whole = f"{fmt(ceiling)}%"
    return finding(ctx, constraint, [rate], stated=written(rate), expected=f"≤{whole}",
                   part_name=constraint.params.get("part_name") or "比率", whole_name="全体", part=written(rate),
                   whole=whole, difference=f"{fmt(rate.quantity.value - ceiling)}个百分点",
                   formula=f"{written(rate)} > {whole}")


@check("direction")
def change_goes_its_way(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    first, second = (ctx.by_id[i] for i in constraint.claims)
    up = constraint.params["direction"] == "up"
    low, high = (first, second) if up else (second, first)
    if interval(high).hi >= interval(low).lo:
        return None
    gap = abs(second.quantity.base_value - first.quantity.base_value)
    return finding(ctx, constraint, [first, second], stated=written(second), expected=("≥" if up else "≤") + written(first),
                   first=written(first), second=written(second), cue=constraint.params["cue"],
                   way="增加" if up else "减少", other="减少" if up else "增加", difference=in_unit(gap, first))
