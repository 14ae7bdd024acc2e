"""A named identity told for several columns (SUM007, kind ``parallel_sums``):

    地方收入完成900万元，占年度预算1000万元的90%，较上年决算850万元，增收50万元。
    1.甲收入完成600万元，占年度预算700万元的…，较上年决算560万元，…；
    2.乙收入完成300万元，占年度预算300万元的…，较上年决算290万元，…。

When the total and each part of an identity of rules/identities.yaml (``sums``) are followed in
their sentence by figures of the budget or last year (lists.yaml stages ``budget``/``compared``)
each led by the same words (占年度预算, 较上年决算), the budgets and last year's figures add up as
the amounts do: one relation checked column by column. A lead that names no column of its own (a
bare 占, 较) or is stated twice in a term's sentence is no column."""

from __future__ import annotations

import re

from auditor.linking.context import Context, squash
from auditor.linking.lists import BUDGET, COMPARED, PartLists, sentence
from auditor.model import Claim, Constraint, Span

SEGMENT_ENDS = "。；;\n"
DIGITS = re.compile(r"[\d.,，%]")
MIN_LEAD = 3  # a column's lead names what it compares with (占年度预算), not just 较 or 占


def _leads(ctx: Context, lists: PartLists, term: Claim) -> dict[str, Claim] | None:
    """The budget and last year's figures after ``term`` in its sentence, by their lead words."""
    here = sentence(ctx.text, term.span.start, SEGMENT_ENDS)
    out: dict[str, Claim] = {}
    twice: set[str] = set()
    for claim in ctx.claims_in(Span(term.span.end, here.end)):
        if claim.quantity.dimension != term.quantity.dimension or claim.quantity.unit != term.quantity.unit:
            continue
        if lists.stage(claim)[0] not in (BUDGET, COMPARED):
            continue
        start = sentence(ctx.text, claim.span.start, "，,：:" + SEGMENT_ENDS).start
        lead = DIGITS.sub("", squash(ctx.text[start:claim.span.start]))
        if lead in out:
            twice.add(lead)
        out[lead] = claim
    return {k: v for k, v in out.items() if k not in twice and len(k) >= MIN_LEAD}


def with_columns(ctx: Context, constraint: Constraint) -> Constraint:
    """The named sum ``constraint`` with the columns its terms share, or itself when they share none."""
    lists = PartLists.of(ctx)
    terms = [ctx.by_id[i] for i in constraint.claims]
    leads = [_leads(ctx, lists, t) for t in terms]
    shared = sorted(set.intersection(*(set(found) for found in leads)), key=lambda k: leads[0][k].span.start)
    if not shared:
        return constraint
    columns = [{"claims": list(constraint.claims), "run": 0, **constraint.params}]
    for lead in shared:
        claims = [found[lead] for found in leads]
        if len({c.id for c in claims}) < len(claims):
            return constraint  # one figure after two terms: the sentences are not each its own
        columns.append({"claims": [c.id for c in claims], "run": 0, **constraint.params})
    everything = list(dict.fromkeys(i for column in columns for i in column["claims"]))
    return ctx.constraint("parallel_sums", constraint.params["code"], [ctx.by_id[i] for i in everything],
                          "narrative", columns=columns, identity=constraint.params.get("identity", ""))
