"""The grand total of a form of two halves (auditor/linking/form_halves.py): each half's lines from its
last lower total add up to the grand total (with or without its lines that lost their label), and
the halves' grand totals, when both are written, are one figure."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.intervals import Interval
from auditor.model import Claim, Constraint

ZERO = Interval(Decimal(0), Decimal(0))


def _adds_up(total: Claim, parts: list[Claim]) -> bool:
    added = ZERO
    for part in parts:
        added = added + interval(part)
    return interval(total).meets(added)


@check("form_halves")
def form_halves(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claims = [ctx.by_id[i] for i in constraint.claims]
    n = constraint.params["totals"]
    totals, rest = claims[:n], claims[n:]
    (income, income_loose), (expense, expense_loose) = constraint.params["sides"]
    sizes = [income, expense, income_loose, expense_loose]
    cuts = [sum(sizes[:k]) for k in range(5)]
    parts = [rest[cuts[0]:cuts[1]], rest[cuts[1]:cuts[2]]]
    loose = [rest[cuts[2]:cuts[3]], rest[cuts[3]:cuts[4]]]
    if n == 2 and not interval(totals[0]).meets(interval(totals[1])):
        return finding(ctx, constraint, totals, stated=written(totals[1]), expected=written(totals[0]),
                       subject="支出总计", formula=f"收入总计 {written(totals[0])} 应等于支出总计",
                       difference=in_unit(abs(totals[0].quantity.base_value - totals[1].quantity.base_value), totals[0]))
    for k in (0, 1):
        total = totals[k if n == 2 else 0]
        if _adds_up(total, parts[k]) or (loose[k] and _adds_up(total, parts[k] + loose[k])):
            continue
        added = sum((c.quantity.base_value for c in parts[k]), Decimal(0))
        formula = " + ".join(written(c) for c in parts[k]) + f" = {in_unit(added, total)}"
        return finding(ctx, constraint, [total, *parts[k]], stated=written(total), expected=in_unit(added, total),
                       subject=ctx.name_of(total) or "总计", formula=formula,
                       difference=in_unit(abs(added - total.quantity.base_value), total))
    return None
