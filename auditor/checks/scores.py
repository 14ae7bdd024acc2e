"""Scores against their point values and against what they score (CAP001, SCO001–SCO005)."""

from __future__ import annotations

import re
from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.sums import point_interval
from auditor.checks.values import interval, percent
from auditor.intervals import Interval, fmt, total
from auditor.model import Claim, Constraint

HUNDRED = Decimal(100)
WHOLE_EXACT = {"whole_exact": True}


@check("score_cap")
def score_cap(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    score, cap = (ctx.by_id[i] for i in constraint.claims[:2])
    # both are points by the constraint's making: whole numbers are exact even with no unit of points
    if point_interval(score, WHOLE_EXACT).lo <= point_interval(cap, WHOLE_EXACT).hi:
        return None
    return finding(ctx, constraint, [score, cap], stated=f"{fmt(score.quantity.value)}分",
                   expected=f"{fmt(cap.quantity.value)}分",
                   subject=re.sub(r"(?:自评|评价)?得分$", "", ctx.name_of(score) or ctx.name_of(cap)) or "该项",
                   difference=f"{fmt(score.quantity.value - cap.quantity.value)}分")


@check("score_formula")
def execution_score(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Execution-rate score = min(rate, cap) × points, 0 below the floor (or by steps, where a province
    scores so); the rate recomputed from B/A."""
    score, points, executed, *budgets = (ctx.by_id[i] for i in constraint.claims)
    params = ctx.rules.check("SCO001").get("params", {})
    floor = Decimal(str(params.get("floor", 0)))
    cap = Decimal(str(params.get("cap", 1)))
    # a province that scores by steps (≥95% full marks, ≥90% 80%…): (lowest rate, share of the points)
    steps = sorted(((Decimal(str(r)), Decimal(str(v))) for r, v in params.get("steps") or ()), reverse=True)

    def share(rate: Decimal) -> Decimal:
        if steps:
            return next((v for r, v in steps if rate >= r), Decimal(0))
        return Decimal(0) if rate < floor else min(rate, cap)

    if budgets:
        quotient = interval(executed) / total(interval(b) for b in budgets)
    else:  # a stated rate (narrative): 90% is [0.895, 0.905]
        quotient = Interval(executed.quantity.low, executed.quantity.high).scale(Decimal("0.01"))
    if quotient is None or interval(score).hi > interval(points).hi:
        return None  # a score above its points is CAP001's finding
    lo = share(quotient.lo) * points.quantity.low
    hi = share(quotient.hi) * points.quantity.high
    s = interval(score)
    # the expected score is itself rounded by the writer: allow the score's own precision
    if s.lo <= hi and lo <= s.hi:
        return None
    if params.get("whole_points_down") and score.quantity.decimals == 0 and \
            lo - 1 < score.quantity.value <= hi:
        return None  # scored in whole points, rounded down: 97.8% of 10 points is 9
    rate = (executed.quantity.base_value / sum((b.quantity.base_value for b in budgets), Decimal(0)) if budgets
            else executed.quantity.value / HUNDRED)
    expected = share(rate) * points.quantity.value
    also = [ctx.by_id[i] for i in constraint.params.get("also", ())]  # the points stated again
    return finding(ctx, constraint, [score, points, executed, *budgets, *also], stated=fmt(score.quantity.value),
                   expected=fmt(expected),
                   subject=ctx.name_of(score), rate=percent(rate * HUNDRED),
                   formula=f"{percent(rate * HUNDRED)} × {fmt(points.quantity.value)}")


def target_met(target: Claim | None, actual: Claim, full_rate: Decimal) -> bool:
    """The actual value reaches its target by the target's comparator (≥95% by 97%, ≤5% by 3%) or
    equals a target with none (6000平方米 by 6000平方米: above or below it may be better or worse,
    a count or a cost), or, against a target in words, is the whole of a rate (100%)."""
    if target is None:
        return actual.quantity.dimension == "percent" and actual.quantity.value >= full_rate
    t, a = target.quantity.base_value, actual.quantity.base_value
    comparator = target.quantity.comparator
    if comparator == "=":
        return a == t
    if comparator == ">=":
        return a >= t
    if comparator == ">":
        return a > t
    if comparator == "<=":
        return a <= t
    return comparator == "<" and a < t


@check("qualitative")
def qualitative(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """An indicator achieved (完成, or its figure reaching its target) scored below its points with
    no reason given."""
    score, points, *measured = (ctx.by_id[i] for i in constraint.claims)
    if interval(score).hi >= interval(points).lo:
        return None
    if measured:  # the actual value, and its target when that is a figure
        full_rate = Decimal(str(ctx.rules.param("SCO002", "full_rate", 100)))
        actual = measured[0]
        if not target_met(measured[1] if len(measured) > 1 else None, actual, full_rate):
            return None
        if actual.quantity.dimension == "percent":
            # scored at the rate reached (92% of 10 points is 9.2): a formula of its own, not a lost point
            rate = Interval(actual.quantity.low, actual.quantity.high).scale(Decimal("0.01"))
            if (rate * interval(points)).meets(interval(score)):
                return None
    status_span = constraint.spans[0]
    return finding(ctx, constraint, [score, points, (status_span, ctx.at(status_span)), *measured[1:]],
                   stated=fmt(score.quantity.value), expected=fmt(points.quantity.value),
                   subject=constraint.params.get("indicator", ""), status=ctx.at(status_span))


@check("target_full_marks")
def target_full_marks(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    target, actual, score, points = (ctx.by_id[i] for i in constraint.claims)
    t, a = interval(target), interval(actual)  # base units: 0.31万人次 against ≥3000人次
    comparator = target.quantity.comparator
    if comparator == "=" and target.quantity.dimension in ctx.rules.param("SCO003", "ceiling_dimensions", ()):
        return None  # 1800元, 30天 with no comparator: a cost or a time limit, less is no shortfall
    missed = a.hi < t.lo if comparator in (">=", ">", "=") else a.lo > t.hi if comparator in ("<=", "<") else False
    if not missed or score.quantity.value < points.quantity.value:
        return None  # points and scores are stated exactly: 1.9 of 2 is not full marks
    # the expected value names the row: findings of equal stated and expected values are merged
    return finding(ctx, constraint, [actual, target, score, points], stated=fmt(score.quantity.value),
                   expected=f"低于{fmt(points.quantity.value)}（{target.text}，实际{actual.text}）",
                   subject=constraint.params.get("indicator", ""),
                   target=target.text, actual=actual.text)


@check("indicator_rows")
def indicator_rows(constraint: Constraint, ctx) -> list:  # noqa: ANN001
    """Every row of an indicator table: its score within its points (CAP001) and a missed target
    not scored in full (SCO003)."""
    found = []
    for target, actual, points, score, indicator in constraint.params["rows"]:
        if ctx.rules.enabled("CAP001"):
            found.append(score_cap(Constraint(constraint.id, "score_cap", (score, points), {"code": "CAP001"}), ctx))
        if target is not None and ctx.rules.enabled("SCO003"):
            found.append(target_full_marks(Constraint(constraint.id, "target_full_marks",
                                                      (target, actual, score, points),
                                                      {"code": "SCO003", "indicator": indicator}), ctx))
    return [f for f in found if f is not None]


@check("full_score")
def full_score(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    score, rate = (ctx.by_id[i] for i in constraint.claims)
    if score.quantity.value < HUNDRED or rate.quantity.high >= HUNDRED:
        return None
    return finding(ctx, constraint, [score, rate], stated=fmt(score.quantity.value), expected="低于100",
                   subject=re.sub(r"(?:绩效)?(?:自评)?(?:总分|得分)$", "", score.subject) or "项目",
                   rate=rate.text)


def grade_of(value: Decimal, bands: list) -> str:
    for floor, grade in bands:
        if value >= Decimal(str(floor)):
            return str(grade)
    return str(bands[-1][1])


@check("grade")
def grade(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    score = ctx.by_id[constraint.claims[0]]
    bands = constraint.params.get("bands") or ctx.rules.param("SCO004", "bands")
    synonyms = ctx.rules["lexicon"]["score_cues"].get("grade_synonyms", {})  # 优秀 is the band of 优
    stated = synonyms.get(constraint.params["grade"], constraint.params["grade"])
    lo, hi = grade_of(interval(score).lo, bands), grade_of(interval(score).hi, bands)
    if stated in (lo, hi):
        return None
    span = constraint.spans[0]
    return finding(ctx, constraint, [score, (span, ctx.at(span))], stated=fmt(score.quantity.value),
                   expected=grade_of(score.quantity.value, bands), grade=constraint.params["grade"])


@check("section_points")
def section_points(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """The point budgets of a form's sections against its full marks. Only more than full marks is
    certain: a section may sit in a table of its own that the form's run does not reach."""
    points = [ctx.by_id[i] for i in constraint.claims]
    full = Decimal(str(constraint.params.get("full_marks", 100)))
    value = sum((p.quantity.value for p in points), Decimal(0))
    if total(interval(p) for p in points).lo <= full:
        return None
    return finding(ctx, constraint, points, stated=f"{fmt(full)}分", expected=f"{fmt(value)}分", subject="各部分分值",
                   formula=" + ".join(fmt(p.quantity.value) for p in points), difference=f"{fmt(value - full)}分")
