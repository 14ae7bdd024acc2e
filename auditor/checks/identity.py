"""A name that does not match its content (ENT001), a report of another project cited (ENT002), another
unit named as the reporting unit (ENT003)."""

from __future__ import annotations

from auditor.checks import CheckContext, check, finding
from auditor.model import Constraint
from auditor.strings import squash


@check("programme_name")
def programme_name(constraint: Constraint, ctx: CheckContext) -> object:
    p = constraint.params
    spans = constraint.spans
    items = [(s, ctx.at(s)) for s in spans]
    name_types = "、".join(p["name_types"]) or "名称未指明项目类型"
    content = squash(ctx.at(spans[1]))
    return finding(ctx, constraint, items, stated=content[:60], expected=p["name"], subject=p["name"],
                   where=p["where"], content=content[:60], name_types=name_types,
                   content_types="、".join(p["content_types"]))


@check("cited_report")
def cited_report(constraint: Constraint, ctx: CheckContext) -> object:
    p = constraint.params
    items = [(s, ctx.at(s)) for s in constraint.spans]
    titles = "、".join(squash(t) for _, t in items)
    return finding(ctx, constraint, items, stated=titles, expected=p["projects"], content=titles,
                   projects=p["projects"])


@check("own_unit")
def own_unit(constraint: Constraint, ctx: CheckContext) -> object:
    p = constraint.params
    items = [(s, ctx.at(s)) for s in constraint.spans]
    return finding(ctx, constraint, items, stated=p["name"], expected=p["own"], name=p["name"], own=p["own"])
