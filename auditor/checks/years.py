"""A year that contradicts the report's year (YEAR001)."""

from __future__ import annotations

import re

from auditor.checks import check, finding
from auditor.intervals import fmt
from auditor.model import Constraint
from auditor.strings import squash

YEAR = re.compile(r"(19|20)\d\d")


@check("year")
def period(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """The year claims of the period mentions against the report's year; each mention's span (in the
    order of ``dated``) says where the text dates the period."""
    year = constraint.params["report_year"]
    n = constraint.params["mentioned"]
    dated = constraint.params["dated"]
    mentions = [s for s, claim_id in zip(constraint.spans[:n], dated) if ctx.by_id[claim_id].year != year]
    other = sorted({int(m.group()) for s in mentions for m in YEAR.finditer(ctx.at(s))} - {year})
    if not other:
        return None
    items = [(s, ctx.at(s)) for s in (*mentions, *constraint.spans[n:])]
    content = "；".join(squash(ctx.text[s.start:s.start + 24]) + "…" for s in mentions[:3])
    return finding(ctx, constraint, items, stated="、".join(map(str, other)), expected=str(year), content=content)


@check("year_reference")
def reference(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """``before``: only a year before the report's is wrong (a deadline or a plan of a later year may
    be a project's multi-year term)."""
    p = constraint.params
    if p["stated"] == p["report_year"] or (p.get("before") and p["stated"] > p["report_year"]):
        return None
    span = constraint.spans[0]
    text = ctx.at(span)
    claims = [ctx.by_id[i] for i in constraint.claims if ctx.by_id[i].kind != "year"]
    return finding(ctx, constraint, [(span, text), *claims], stated=str(p["stated"]), expected=str(p["report_year"]),
                   content=squash(text), what=p["what"])


@check("document_year")
def document_number(constraint: Constraint, ctx) -> list:  # noqa: ANN001
    """Each cited number's year against the funds' year its title names: funds sent ahead never by
    a later document, funds evaluated never by an earlier one."""
    out = []
    for number_id, funds_id, relation, title in constraint.params["cited"]:
        number, funds = ctx.by_id[number_id], ctx.by_id[funds_id]
        ahead = relation == "ahead"
        if (number.year > funds.year) if ahead else (number.year < funds.year):
            detail = f"晚于其提前下达的{funds.year}年资金" if ahead else f"早于其评价的{funds.year}年度"
            out.append(finding(ctx, constraint, [number, funds], stated=str(number.year), expected=str(funds.year),
                               content=title, detail=detail))
    return out


@check("document_date")
def cited_after_report(constraint: Constraint, ctx) -> list:  # noqa: ANN001
    """Each cited number's year against the latest year the report can have been written in: its
    own stated date, else its year + the usual lag. A later number is a typo or the wrong document."""
    bound = ctx.by_id[constraint.claims[0]]
    numbers = [(ctx.by_id[i], name) for i, name in constraint.params["numbers"]]
    latest = constraint.params["latest"]
    stated = constraint.params["source"] == "stated"
    detail = f"晚于报告本身所署日期（{bound.year}年）" if stated else f"晚于{bound.year}年度报告最迟的编写年份（{latest}年）"
    # without a date of its own the report's writing year is the usual lag's guess: said as uncertain
    return [finding(ctx, constraint, [number, bound], stated=str(number.year), expected=f"不晚于{latest}",
                    content=squash(name), detail=detail, uncertain=not stated)
            for number, name in numbers if number.year > latest]


@check("time_target")
def time_target(constraint: Constraint, ctx) -> list:  # noqa: ANN001
    """A time indicator row: an actual date later than its target (a month without its day spans the
    month) scored in full (SCO003); a target of a year before the report's (YEAR002)."""
    target_year, _, points, score = (ctx.by_id[i] for i in constraint.claims[:4])
    p = constraint.params
    (ty, tm, td), (ay, am, ad) = p["target"], p["actual"]
    target_cell, actual_cell = constraint.spans
    cells = [(target_cell, ctx.at(target_cell)), (actual_cell, ctx.at(actual_cell))]
    out = []
    year = p["report_year"]
    earlier = year is not None and ty < year  # a target of another year: a typo, whose lateness says nothing
    late = (ay, am, ad or 1) > (ty, tm, td or 31) and not earlier
    if late and score.quantity.value >= points.quantity.value and ctx.rules.enabled("SCO003"):
        out.append(finding(ctx, constraint, [*cells, score, points], stated=fmt(score.quantity.value),
                           expected=f"低于{fmt(points.quantity.value)}（{squash(cells[0][1])}，实际{squash(cells[1][1])}）",
                           subject=squash(p["indicator"]), target=squash(cells[0][1]), actual=squash(cells[1][1])))
    if earlier and ctx.rules.enabled("YEAR002"):
        sub = Constraint(constraint.id, "year_reference", constraint.claims, {"code": "YEAR002"})
        own = [ctx.by_id[i] for i in constraint.claims[4:]]
        out.append(finding(ctx, sub, [cells[0], target_year, *own],
                           stated=str(ty), expected=str(year), content=squash(p["indicator"]) + "：" + squash(cells[0][1]),
                           what="时效指标的完成时限"))
    return out
