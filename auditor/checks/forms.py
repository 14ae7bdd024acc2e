"""The grand total of a form of two halves (auditor/linking/form_halves.py): each half's lines from its
last lower total add up to the grand total (with or without the breakdowns under its lines), and
the halves' grand totals, when both are written, are one figure."""

from __future__ import annotations

from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.intervals import Interval
from auditor.model import Claim, Constraint

ZERO = Interval(Decimal(0), Decimal(0))
MAX_READINGS = 256


def _sum(parts: list[Claim]) -> Interval:
    added = ZERO
    for part in parts:
        added = added + interval(part)
    return added


def readings(lines: list[Claim]) -> list[Interval] | None:
    """The sums of the lines, each run of lines right under a line that adds up to it (its
    breakdown) counted or left out; None when there are too many readings to tell."""
    after: list[set[tuple[Decimal, Decimal]]] = [set() for _ in lines] + [{(Decimal(0), Decimal(0))}]
    for i in range(len(lines) - 1, -1, -1):
        own = interval(lines[i])
        ends = [i + 1] + [end for end in range(i + 2, len(lines) + 1) if own.meets(_sum(lines[i + 1:end]))]
        after[i] = {(own.lo + lo, own.hi + hi) for end in ends for lo, hi in after[end]}
        if len(after[i]) > MAX_READINGS:
            return None
    return [Interval(lo, hi) for lo, hi in after[0]]


@check("form_halves")
def form_halves(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claims = [ctx.by_id[i] for i in constraint.claims]
    n, cut = constraint.params["totals"], constraint.params["sides"]
    totals = claims[:n]
    parts = [claims[n:n + cut], claims[n + cut:]]
    if n == 2 and not interval(totals[0]).meets(interval(totals[1])):
        return finding(ctx, constraint, totals, stated=written(totals[1]), expected=written(totals[0]),
                       subject="支出总计", formula=f"收入总计 {written(totals[0])} 应等于支出总计",
                       difference=in_unit(abs(totals[0].quantity.base_value - totals[1].quantity.base_value), totals[0]))
    for k in (0, 1):
        total = totals[k if n == 2 else 0]
        sums = readings(parts[k])
        if sums is None or any(interval(total).meets(added) for added in sums):
            continue
        added = sum((c.quantity.base_value for c in parts[k]), Decimal(0))
        formula = " + ".join(written(c) for c in parts[k]) + f" = {in_unit(added, total)}"
        return finding(ctx, constraint, [total, *parts[k]], stated=written(total), expected=in_unit(added, total),
                       subject=ctx.name_of(total) or "总计", formula=formula,
                       difference=in_unit(abs(added - total.quantity.base_value), total))
    return None
