"""An amount against its count times its per-unit standard (RAT006): with "=" broken when no
values within the three figures' stated precision make amount = count × standard × months; with
"<=" (a count of payments, a periodic or ceiling standard) only when the amount is above the
largest product, or, for payments of a standard paid in full, below its floor share of it; with
">=" (a budget planned for the subsidies) only when the amount is below the smallest product."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import interval, written
from auditor.intervals import Interval, fmt
from auditor.model import Constraint

PERIOD = {1: "月", 3: "季度", 6: "学期", 12: "年"}


@check("product")
def amount_is_count_times_standard(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    amount, count, standard = (ctx.by_id[i] for i in constraint.claims)
    p = constraint.params
    months = Decimal(p["months"])
    factor = Decimal(p["amount_factor"])
    paid = interval(amount, factor)
    # the count in heads (亩, 人): its own figure times its magnitude, not its base unit (an area's m²)
    scale = Decimal(p.get("count_scale") or 1)
    heads = Interval(count.quantity.low * scale, count.quantity.high * scale) if "count_scale" in p else interval(count)
    product = (heads * interval(standard)).scale(months)
    floor_share = Decimal(p.get("floor_share") or 0)
    low = paid.hi < product.lo * floor_share  # far below the payments counted (人次 × full standard)
    if p["comparator"] == "<=":
        broken = paid.lo > product.hi or low
    elif p["comparator"] == ">=":  # a budget planned for the subsidies: it covers them, may pay for more
        broken = paid.hi < product.lo
    else:
        broken = paid.lo > product.hi or paid.hi < product.lo
    if not broken:
        return None
    floor = low and p["comparator"] == "<="
    q_count, q_std = count.quantity, standard.quantity
    expected = q_count.value * scale * q_std.value * q_std.factor * months
    unit = amount.quantity.unit or ("万元" if factor == 10000 else "元")
    period = PERIOD.get(int(p.get("period_months") or 0), "")
    per = f"/{p['head']}" + (f"·{period}" if period else "")
    formula = f"{count.text}{'' if q_count.unit and count.text.endswith(q_count.unit) else p['count_unit']}" \
              f" × {fmt(q_std.value, q_std.decimals)}{q_std.unit}{per}"
    if months != 1:
        formula += f" × {months}月"
    if floor:
        formula += f" × {fmt(floor_share * 100, 0)}%"
        expected *= floor_share
    formula += f" = {fmt(expected / factor, 2)}{unit}"
    stated = f"{fmt(amount.quantity.value, amount.quantity.decimals)}{unit}"
    at_least = floor or p["comparator"] == ">="
    relation = "不应低于" if at_least else "不应超过" if p["comparator"] == "<=" else "应为"
    gap = amount.quantity.value * factor - expected
    return finding(ctx, constraint, [amount, count, standard], stated=stated,
                   expected=("≥" if at_least else "≤" if p["comparator"] == "<=" else "") + f"{fmt(expected / factor, 2)}{unit}",
                   subject=p.get("subject") or ctx.name_of(amount) or "发放金额", formula=formula, relation=relation,
                   difference=f"{fmt(gap / factor, 2)}{unit}")


SCALES = (Decimal(10000), Decimal(1) / Decimal(10000))  # a column read in 元 for 万元, or the reverse
HUNDREDTH = Decimal("0.01")


def factor(claim) -> object:  # noqa: ANN001
    """A factor's interval, a percentage as the fraction it is (80% -> 0.8)."""
    i = interval(claim)
    return i.scale(HUNDREDTH) if claim.quantity.dimension == "percent" else i


def exact(claim) -> Decimal:  # noqa: ANN001
    value = claim.quantity.base_value
    return value * HUNDREDTH if claim.quantity.dimension == "percent" else value


@check("column_product")
def column_is_product_of_columns(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Each row's result column against its two factor columns (⑧=④*⑦). Rows that fit only with the
    result read 10⁴ times larger or smaller say the column's unit is wrong (one UNIT007 finding);
    rows that fit in no reading break the formula (one RAT006 finding)."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    rows = [claims[i:i + 3] for i in range(0, len(claims), 3)]
    scaled, wrong = [], []
    for result, a, b in rows:
        product = factor(a) * factor(b)
        paid = interval(result)
        if paid.lo <= product.hi and product.lo <= paid.hi:
            continue
        fits = [k for k in SCALES if paid.scale(k).lo <= product.hi and product.lo <= paid.scale(k).hi]
        (scaled if fits else wrong).append((result, a, b, fits[0] if fits else None))
    formula = constraint.params["formula"]
    spans = [(span, formula) for span in constraint.spans]
    scales = {row[3] for row in scaled}
    scale = scales.pop() if len(scaled) + len(wrong) == len(rows) and len(scales) == 1 else Decimal(1)
    if wrong:  # judged in the reading the other rows fit (the column's unit, wrong or not, is another matter)
        result, a, b, _ = wrong[0]
        unit = result.quantity.factor or Decimal(1)
        expected = exact(a) * exact(b) / scale / unit  # in the result's own unit
        shown = f"{fmt(expected, 2)}{result.quantity.unit}"
        return finding(ctx, constraint, [*spans, *(c for row in wrong for c in row[:3])],
                       stated=written(result), expected=shown, subject=ctx.name_of(result) or formula,
                       formula=f"{formula}：{a.text} × {b.text}" + (f" ÷ {fmt(scale)}" if scale != 1 else "")
                       + f" = {shown}", relation="按表头公式应为",
                       difference=f"{fmt(result.quantity.value - expected, 2)}{result.quantity.unit}")
    if scaled and len(scaled) == len(rows):
        result, a, b, k = scaled[0]
        expected = exact(a) * exact(b)
        unit = next((c.quantity.unit for c in (a, b) if c.quantity.dimension == "money" and c.quantity.unit), "")
        reread = "万元" if k > 1 else "元"
        unit_constraint = replace(constraint, params={**constraint.params, "code": constraint.params["unit_code"]})
        return finding(ctx, unit_constraint, [*spans, *(row[0] for row in scaled)], stated=written(result),
                       expected=f"{fmt(expected, 2)}{unit}", formula=f"{formula}：{a.text} × {b.text}",
                       reread=reread, rows=str(len(scaled)))
    return None
