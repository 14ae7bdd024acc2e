"""One quantity given two values (XREF001)."""

from __future__ import annotations

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.model import Constraint


@check("same_quantity")
def same_quantity(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    first, second, *context = (ctx.by_id[i] for i in constraint.claims)
    if constraint.params.get("every"):  # every claim states the quantity: the first one apart
        a = interval(first)
        second = next((c for c in (second, *context) if not a.meets(interval(c))), second)
        context = [c for c in (ctx.by_id[i] for i in constraint.claims[1:]) if c is not second]
    a, b = interval(first), interval(second)
    if constraint.params.get("adopt_unit") and not first.quantity.unit:
        a = interval(first, second.quantity.factor)  # a bare figure read in its partner's unit
    if a.meets(b):
        return None
    gap = abs(a.mid - b.mid)
    return finding(ctx, constraint, [first, second, *context], stated=written(first), expected=written(second),
                   subject=constraint.params.get("what", first.subject), difference=in_unit(gap, second))


@check("placeholder")
def placeholder(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """因公出国（境）费为XX万元 beside 因公出国（境）费为0万元: one figure never filled in."""
    span = constraint.spans[0]
    twin = ctx.by_id[constraint.claims[0]]
    unit = twin.quantity.unit
    return finding(ctx, constraint, [(span, ctx.at(span)), twin], stated=ctx.at(span) + unit, expected=written(twin),
                   subject=constraint.params.get("what", twin.subject), difference="未填数字")
