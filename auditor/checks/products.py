"""An amount against its count times its per-unit standard (RAT006): with "=" broken when no
values within the three figures' stated precision make amount = count × standard × months; with
"<=" (a count of payments, a periodic or ceiling standard) only when the amount is above the
largest product, or, for payments of a standard paid in full, below its floor share of it."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import interval
from auditor.intervals import fmt
from auditor.model import Constraint

PERIOD = {1: "月", 3: "季度", 6: "学期", 12: "年"}


@check("product")
def amount_is_count_times_standard(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    amount, count, standard = (ctx.by_id[i] for i in constraint.claims)
    p = constraint.params
    months = Decimal(p["months"])
    factor = Decimal(p["amount_factor"])
    paid = interval(amount, factor)
    product = (interval(count) * interval(standard)).scale(months)
    floor_share = Decimal(p.get("floor_share") or 0)
    low = paid.hi < product.lo * floor_share  # far below the payments counted (人次 × full standard)
    if p["comparator"] == "<=":
        broken = paid.lo > product.hi or low
    else:
        broken = paid.lo > product.hi or paid.hi < product.lo
    if not broken:
        return None
    floor = low and p["comparator"] == "<="
    q_count, q_std = count.quantity, standard.quantity
    expected = q_count.value * q_std.value * q_std.factor * months
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
    relation = "不应低于" if floor else "不应超过" if p["comparator"] == "<=" else "应为"
    gap = amount.quantity.value * factor - expected
    return finding(ctx, constraint, [amount, count, standard], stated=stated,
                   expected=("≥" if floor else "≤" if p["comparator"] == "<=" else "") + f"{fmt(expected / factor, 2)}{unit}",
                   subject=p.get("subject") or ctx.name_of(amount) or "发放金额", formula=formula, relation=relation,
                   difference=f"{fmt(gap / factor, 2)}{unit}")
