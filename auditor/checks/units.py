"""Unit slips (UNIT001–UNIT004): info or warning, the figure's value is not in doubt, its unit is."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.intervals import fmt
from auditor.model import Constraint


@check("unit_written")
def unit_written(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim = ctx.by_id[constraint.claims[0]]
    if claim.unit_text == claim.quantity.unit:
        return None
    number = claim.text[: len(claim.text) - len(claim.unit_text)] if claim.text.endswith(claim.unit_text) else claim.text
    return finding(ctx, constraint, [claim], stated=claim.text, expected=number + claim.quantity.unit)


@check("unit_scale")
def unit_scale(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim, *twins = (ctx.by_id[i] for i in constraint.claims)
    if claim.quantity.unit != "元" or ctx.money_unit != "万元":
        return None
    as_wan = claim.quantity.value / Decimal(10000)
    detail = f"（合{fmt(as_wan, 2)}万元）"
    if twins:
        detail = f"，同一数字另处写作“{twins[0].text}”，应为{fmt(claim.quantity.value)}万元"
    return finding(ctx, constraint, [claim, *twins], stated=claim.text,
                   expected=f"{fmt(claim.quantity.value)}万元" if twins else f"{fmt(as_wan, 2)}万元", detail=detail)


@check("cost_unit")
def cost_unit(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    *values, budget = (ctx.by_id[i] for i in constraint.claims)
    over = [v for v in values if v.quantity.value > budget.quantity.value]
    if not over:
        return None
    return finding(ctx, constraint, [*values, budget], stated=over[0].text, expected=fmt(budget.quantity.value),
                   subject=constraint.params.get("indicator", "成本指标"))


@check("cost_percent")
def cost_percent(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim = ctx.by_id[constraint.claims[0]]
    if claim.quantity.dimension != "percent":
        return None
    return finding(ctx, constraint, [claim], stated=claim.text, expected="金额",
                   subject=constraint.params.get("indicator", ""))
