"""A year that contradicts the report's year (YEAR001)."""

from __future__ import annotations

import re

from auditor.checks import check, finding
from auditor.model import Constraint
from auditor.strings import squash

YEAR = re.compile(r"(19|20)\d\d")


@check("year")
def period(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    year = constraint.params["report_year"]
    n = constraint.params["mentioned"]
    mentions = constraint.spans[:n]
    other = sorted({int(m.group()) for s in mentions for m in YEAR.finditer(ctx.at(s))} - {year})
    if not other:
        return None
    items = [(s, ctx.at(s)) for s in constraint.spans]
    content = "；".join(squash(ctx.text[s.start:s.start + 24]) + "…" for s in mentions[:3])
    return finding(ctx, constraint, items, stated="、".join(map(str, other)), expected=str(year), content=content)


@check("year_reference")
def reference(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    p = constraint.params
    if p["stated"] == p["report_year"]:
        return None
    span = constraint.spans[0]
    text = ctx.at(span)
    claims = [ctx.by_id[i] for i in constraint.claims]
    return finding(ctx, constraint, [(span, text), *claims], stated=str(p["stated"]), expected=str(p["report_year"]),
                   content=squash(text), what=p["what"])
