"""Unit slips (UNIT001–UNIT004): info or warning, the figure's value is not in doubt, its unit is."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.intervals import fmt
from auditor.model import Constraint

WAN = Decimal(10000)


@check("unit_written")
def unit_written(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim = ctx.by_id[constraint.claims[0]]
    if claim.unit_text == claim.quantity.unit:
        return None
    number = claim.text[: len(claim.text) - len(claim.unit_text)] if claim.text.endswith(claim.unit_text) else claim.text
    return finding(ctx, constraint, [claim], stated=claim.text, expected=number + claim.quantity.unit)


@check("unit_scale")
def unit_scale(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim, *related = (ctx.by_id[i] for i in constraint.claims)
    if claim.quantity.factor != 1 or claim.quantity.dimension != "money":
        return None
    value = claim.quantity.value
    as_wan = fmt(value / Decimal(10000), 2)
    reason = constraint.params.get("reason", "")
    if reason == "twin":
        detail = f"，全文金额以万元计，同一数字另处写作“{related[0].text}”，应为{fmt(value)}万元"
        expected = f"{fmt(value)}万元"
    elif reason == "repair":
        detail = "，全文金额以万元计，按万元读才与同句" + "、".join(f"“{c.text}”" for c in related) + f"相符，应为{fmt(value)}万元"
        expected = f"{fmt(value)}万元"
    elif reason == "implausible":
        detail = f"，不足{constraint.params['minimum']}元，对其所指金额不合理，疑漏写“万”"
        expected = "、".join(f"{fmt(c.quantity.value)}万元" for c in (claim, *related))
    else:
        detail = f"，其他收支科目以万元计，口径不一（合{as_wan}万元）"
        expected = f"{as_wan}万元"
    return finding(ctx, constraint, [claim, *related], stated=claim.text, expected=expected, detail=detail)


@check("standard_scale")
def standard_scale(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """One standard per unit in 元 far below the others of its passage, of their order in 万元."""
    standards = [ctx.by_id[i] for i in constraint.claims]
    slip_spread, spread = Decimal(constraint.params["slip_spread"]), Decimal(constraint.params["spread"])
    heads = {c.id: set(filter(None, h.split("|"))) for c, h in zip(standards, constraint.params["heads"], strict=True)}
    low = min(standards, key=lambda c: c.quantity.value)
    others = [c for c in standards if c.id != low.id and heads[c.id] & heads[low.id]]  # per the same head
    if not others:
        return None
    least, most = min(c.quantity.value for c in others), max(c.quantity.value for c in others)
    as_wan = low.quantity.value * WAN
    if low.quantity.value * slip_spread > least or most > least * spread \
            or not least / spread <= as_wan <= most * spread:
        return None
    detail = ("，同段其他标准为" + "、".join(f"“{c.text}”" for c in others[:3])
              + f"，相差约一万倍，疑漏写“万”（{fmt(low.quantity.value)}万元）")
    return finding(ctx, constraint, [low, *others], stated=low.text, expected=f"{fmt(low.quantity.value)}万元",
                   detail=detail)


@check("row_average_scale")
def row_average_scale(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A payment row's amount per head 10⁴ times below every standard per that head, of their order
    once the amounts are read in 万元 (auditor/linking/row_averages.py)."""
    amount, count, *standards = (ctx.by_id[i] for i in constraint.claims)
    if not count.quantity.value or not standards:
        return None
    slip_spread, spread = Decimal(constraint.params["slip_spread"]), Decimal(constraint.params["spread"])
    average = amount.quantity.value / count.quantity.value
    least, most = min(c.quantity.value for c in standards), max(c.quantity.value for c in standards)
    if average * slip_spread > least or not least / spread <= average * WAN <= most * spread:
        return None
    detail = (f"：{amount.text} ÷ {count.text} = {fmt(average, 4)}元，标准为" + "、".join(f"“{c.text}”" for c in standards)
              + f"，相差约一万倍，该列金额应以万元计（{fmt(amount.quantity.value)}万元）")
    return finding(ctx, constraint, [amount, count, *standards], stated=amount.text,
                   expected=f"{fmt(amount.quantity.value)}万元", detail=detail)


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


@check("unit_missing")
def unit_missing(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claim, *peers = (ctx.by_id[i] for i in constraint.claims)
    if claim.unit_text or (claim.quantity.unit and claim.cell is not None):  # written, or the column's
        return None
    unit = constraint.params["unit"]
    return finding(ctx, constraint, [claim, *peers], stated=claim.text, expected=claim.text + unit,
                   siblings="、".join(f"“{c.text}”" for c in peers))


@check("unit_garbled")
def unit_garbled(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    span = constraint.spans[0]
    written, usual = constraint.params["written"], constraint.params["usual"]
    text = ctx.at(span)
    return finding(ctx, constraint, [(span, text)], stated=text, expected=text[: len(text) - len(written)] + usual,
                   written=written)


@check("amount_percent")
def amount_percent(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    figures = [ctx.by_id[i] for i in constraint.claims]
    if any(c.quantity.unit or c.quantity.value <= 100 for c in figures):
        return None
    span = constraint.spans[0]
    stated = "%（" + "、".join(f"{c.text}%" for c in figures) + "）"
    return finding(ctx, constraint, [(span, ctx.at(span)), *figures], stated=stated, expected="金额",
                   subject=constraint.params.get("indicator", ""))
