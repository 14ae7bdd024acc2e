"""Rates and shares recomputed from their parts: execution rate, share, completion, control rate,
growth (RAT001–RAT005)."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, percent
from auditor.intervals import Interval, total
from auditor.model import Constraint

HUNDRED = Decimal(100)


COMPARATOR_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "约"}


def stated_rate(rate) -> str:  # noqa: ANN001
    """75% and 75.00% state the same rate: one spelling, so the same slip is reported once."""
    q = rate.quantity
    return COMPARATOR_SIGN.get(q.comparator, "") + percent(q.value)


@check("ratio")
def ratio(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claims = [ctx.by_id[i] for i in constraint.claims]
    rate, numerator, denominators = claims[0], claims[1], claims[2:]
    stated = Interval(rate.quantity.low, rate.quantity.high)  # in percent
    if rate.quantity.dimension != "percent" and rate.quantity.unit != "":
        return None
    minus = constraint.params.get("numerator_minus")
    top = interval(numerator) - interval(ctx.by_id[minus]) if minus is not None else interval(numerator)
    quotient = top / total(interval(d) for d in denominators)
    if quotient is None:
        return None
    recomputed = quotient.scale(HUNDRED)
    if recomputed.meets(stated):
        return None
    if constraint.params.get("may_be_fraction") and quotient.meets(stated):
        return None  # 0.1 under 执行率 written as a fraction: 94/650 = 0.1446
    den_value = sum((d.quantity.base_value for d in denominators), Decimal(0))
    top_value = numerator.quantity.base_value - (ctx.by_id[minus].quantity.base_value if minus is not None else 0)
    value = top_value / den_value * HUNDRED
    den_text = " + ".join(d.text for d in denominators)
    if len(denominators) > 1:
        den_text = f"({den_text})"
    gap = abs(value - rate.quantity.value)
    # an error when the slip matters: a point or more, or a shortfall reported as 100%
    severity = "error" if gap >= 1 or (rate.quantity.value >= 100 > value) else "warning"
    also = [ctx.by_id[i] for i in constraint.params.get("also", ())]
    return finding(ctx, constraint, claims + also, stated=stated_rate(rate),
                   expected=percent(value), severity=severity,
                   formula=(f"({numerator.text} − {ctx.by_id[minus].text})/{den_text}" if minus is not None
                            else f"{numerator.text}/{den_text}"), difference=f"{percent(gap)[:-1]}个百分点",
                   subject=rate.subject, numerator=in_unit(numerator.quantity.base_value, numerator))
