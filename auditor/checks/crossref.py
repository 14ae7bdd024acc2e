"""One quantity given two values (XREF001)."""

from __future__ import annotations

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.model import Constraint


@check("same_quantity")
def same_quantity(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    first, second, *context = (ctx.by_id[i] for i in constraint.claims)
    a, b = interval(first), interval(second)
    if constraint.params.get("adopt_unit") and not first.quantity.unit:
        a = interval(first, second.quantity.factor)  # a bare figure read in its partner's unit
    if a.meets(b):
        return None
    gap = abs(a.mid - b.mid)
    return finding(ctx, constraint, [first, second, *context], stated=written(first), expected=written(second),
                   subject=constraint.params.get("what", first.subject), difference=in_unit(gap, second))
