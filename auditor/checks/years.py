"""A year that contradicts the report's year (YEAR001)."""

from __future__ import annotations

import re

from auditor.checks import check, finding
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
    return [finding(ctx, constraint, [number, bound], stated=str(number.year), expected=f"不晚于{latest}",
                    content=squash(name), detail=detail)
            for number, name in numbers if number.year > latest]
