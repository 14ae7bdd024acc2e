"""A name that does not match its content (ENT001, ENT002)."""

from __future__ import annotations

from auditor.checks import check, finding
from auditor.linking.context import squash
from auditor.model import Constraint


@check("identity")
def identity(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    p = constraint.params
    spans = constraint.spans
    items = [(s, ctx.at(s)) for s in spans]
    if constraint.params["code"] == "ENT002":
        titles = "、".join(squash(t) for _, t in items)
        return finding(ctx, constraint, items, stated=titles, expected=p["projects"], content=titles,
                       projects=p["projects"])
    if constraint.params["code"] == "ENT003":
        return finding(ctx, constraint, items, stated=p["name"], expected=p["own"], name=p["name"], own=p["own"])
    name_types = "、".join(p["name_types"]) or "名称未指明项目类型"
    content = squash(ctx.at(spans[1]))
    return finding(ctx, constraint, items, stated=content[:60], expected=p["name"], subject=p["name"],
                   where=p["where"], content=content[:60], name_types=name_types,
                   content_types="、".join(p["content_types"]))
