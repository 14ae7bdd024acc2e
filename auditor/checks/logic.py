"""Statements that cannot both be true (LOGIC001, LOGIC002)."""

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
