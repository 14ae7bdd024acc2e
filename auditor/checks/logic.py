"""Statements that cannot both be true (LOGIC001, LOGIC002, LOGIC004, LOGIC006, LOGIC007)."""

from __future__ import annotations

from auditor.checks import CheckContext, check, finding
from auditor.model import Constraint
from auditor.strings import squash


@check("no_projects_scored")
def no_projects_scored(constraint: Constraint, ctx: CheckContext) -> object:
    claims = [ctx.by_id[i] for i in constraint.claims]
    spans = constraint.spans
    n = constraint.params["statements"]
    awarded = [c for c in claims if c.quantity.value > 0]
    if not awarded:
        return None
    statement = squash(ctx.at(spans[0]))
    content = f"{len(awarded)}项共得{sum(c.quantity.value for c in awarded):f}分".replace(".0分", "分")
    return finding(ctx, constraint, [*[(s, ctx.at(s)) for s in spans[:n]], *awarded, *[(s, ctx.at(s)) for s in spans[n:]]],
                   stated=statement, expected="项目类指标不计分", content=content)


@check("approval_timing")
def approval_timing(constraint: Constraint, ctx: CheckContext) -> object:
    whole, part = [ctx.by_id[i] for i in constraint.claims]
    if part.quantity.value >= whole.quantity.value or constraint.params["when"] == constraint.params["other_when"]:
        return None
    return finding(ctx, constraint, [(s, ctx.at(s)) for s in constraint.spans] + [whole, part],
                   stated=squash(ctx.at(constraint.spans[0])), expected="分时点批复",
                   when=constraint.params["when"], part=part.text, other_when=constraint.params["other_when"])


@check("completed_despite_shortfall")
def completed_despite_shortfall(constraint: Constraint, ctx: CheckContext) -> object:
    """全部完成 while an achieved figure is below its target, even at the ends of their precision."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    short = [(aim, did) for aim, did in zip(claims[0::2], claims[1::2]) if did.quantity.high < aim.quantity.low]
    if not short:
        return None
    statement = constraint.spans[0]
    aim, did = short[0]
    return finding(ctx, constraint, [(statement, ctx.at(statement)), *(c for pair in short for c in pair)],
                   stated=squash(ctx.at(statement)), expected="未全部完成",
                   target=aim.text, actual=did.text, difference=f"{aim.quantity.value - did.quantity.value:f}{did.quantity.unit}")


@check("schedule_count")
def count_within_schedule(constraint: Constraint, ctx: CheckContext) -> list:
    """共N次 above frequency × periods of the year its schedule allows."""
    found = []
    for frequency_id, count_id, periods, period in constraint.params["rows"]:
        frequency, count = ctx.by_id[frequency_id], ctx.by_id[count_id]
        allowed = frequency.quantity.high * periods
        if count.quantity.low <= allowed:
            continue
        most = frequency.quantity.value * periods
        found.append(finding(ctx, constraint, [count, frequency], stated=count.text, expected=f"≤{most}次",
                             frequency=frequency.text, period=period,
                             formula=f"{frequency.quantity.value} × {periods} = {most}"))
    return found


@check("step_order")
def step_order(constraint: Constraint, ctx: CheckContext) -> object:
    """A later step of one work dated strictly before an earlier one: its latest possible date (the
    year claim's high end, the month's last day when no day is said) before the earlier step's
    earliest (the year's low end, the month's first day)."""
    steps = constraint.params["steps"]
    for (later_id, later_month, later_day, later_rank, later), later_span in zip(steps, constraint.spans):
        for (earlier_id, earlier_month, earlier_day, earlier_rank, earlier), earlier_span in zip(steps, constraint.spans):
            if earlier_rank >= later_rank:
                continue
            late, early = ctx.by_id[later_id].quantity, ctx.by_id[earlier_id].quantity
            if (late.high, later_month, later_day or 31) < (early.low, earlier_month, earlier_day or 1):
                return finding(ctx, constraint, [ctx.by_id[later_id], (later_span, ctx.at(later_span)),
                                                 ctx.by_id[earlier_id], (earlier_span, ctx.at(earlier_span))],
                               stated=f"{when(late.value, later_month, later_day)}{later}",
                               expected=f"不早于{when(early.value, earlier_month, earlier_day)}",
                               later=later, earlier=earlier, later_date=when(late.value, later_month, later_day),
                               earlier_date=when(early.value, earlier_month, earlier_day))
    return None


def when(year: object, month: int, day: int) -> str:
    return f"{year}年{month}月" + (f"{day}日" if day else "")
