"""One quantity given two values (XREF001)."""

from __future__ import annotations

import re

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, written
from auditor.intervals import Interval, total
from auditor.model import Claim, Constraint

CLAUSE_ENDS = "，,。；;！？!?\n\t：:|（("
PLACE_WORDS = 24  # characters of a clause quoted to say where a narrative figure is


LEAD_YEAR = re.compile(r"(?:19|20)\d\d\s*年度?")


def place(claim: Claim, ctx) -> str:  # noqa: ANN001
    """Where a figure is stated, for a reader of the report: a table cell by its row and column
    labels, a narrative figure by the words that lead to it in its clause."""
    if claim.cell is not None:
        column = "/".join(h for h in claim.header_path if h)
        row = claim.subject if claim.subject and claim.subject not in claim.header_path else ""
        named = "×".join(x for x in (row, column) if x)
        number, page = ctx.tables.get(claim.block, (0, None))
        where = (f"第{page}页" if page is not None else "") + (f"表{number}第{claim.cell[0] + 1}行" if number else "表格")
        return f"{where}（{named}）" if named else where
    start = claim.span.start
    while start > max(0, claim.span.start - PLACE_WORDS) and ctx.text[start - 1] not in CLAUSE_ENDS:
        start -= 1
    # the claim's subject, cut clean by the reader (brackets, numbering, the figure before left
    # out); the raw lead of its clause when it has none
    raw = " ".join(ctx.text[start:claim.span.start].split())
    lead = claim.subject or raw
    if claim.subject and raw.endswith(claim.subject) and LEAD_YEAR.fullmatch(raw[: -len(claim.subject)]):
        lead = raw  # the year the subject leaves out, so that the words quoted are found as written
    section = f"“{claim.section}”一节" if claim.section else ""
    return f"正文{section}“{lead}”处" if lead else f"正文{section}"


@check("same_quantity")
def same_quantity(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    first, second, *context = (ctx.by_id[i] for i in constraint.claims)
    if constraint.params.get("every"):  # every claim states the quantity: the first one apart
        a = interval(first)
        second = next((c for c in (second, *context) if not a.meets(interval(c))), second)
        context = [c for c in (ctx.by_id[i] for i in constraint.claims[1:]) if c is not second]
    a, b = interval(first), interval(second)
    if constraint.params.get("adopt_unit") and not first.quantity.unit:
        a = interval(first, second.quantity.factor)  # a bare figure read in its partner's unit
    if a.meets(b) or is_unit_slip(first, second):
        return None
    gap = abs(a.mid - b.mid)
    return finding(ctx, constraint, [first, second, *context], stated=written(first), expected=written(second),
                   subject=constraint.params.get("what", first.subject), difference=in_unit(gap, second),
                   place=place(first, ctx), other_place=place(second, ctx))


@check("same_quantities")
def same_quantities(constraint: Constraint, ctx) -> list:  # noqa: ANN001
    """Several quantities each stated twice, as one relation (one year's tasks listed with other
    years' and restated under that year's target): the claims are the pairs in turn, each pair one
    quantity."""
    ids, names = constraint.claims, constraint.params.get("names", ())
    found = []
    for k, pair in enumerate(zip(ids[::2], ids[1::2], strict=True)):
        params = {**constraint.params, "what": names[k] if k < len(names) else ""}
        found.append(same_quantity(Constraint(constraint.id, "same_quantity", pair, params), ctx))
    return [f for f in found if f is not None]


def is_unit_slip(first: Claim, second: Claim) -> bool:
    """524.23万元 and 524.23元: one number under two units is a unit slip (the unit checks' finding),
    not two values."""
    p, q = first.quantity, second.quantity
    return bool(p.unit and q.unit and p.unit != q.unit and p.value == q.value)


def common(first: Claim, second: Claim, adopt_unit: bool) -> Interval | None:
    """The values both statements of one quantity allow (None when they allow none in common)."""
    a, b = interval(first), interval(second)
    if adopt_unit and not first.quantity.unit:
        a = interval(first, second.quantity.factor)
    if not a.meets(b):
        return None
    return Interval(max(a.lo, b.lo), min(a.hi, b.hi))


@check("restated_sum")
def restated_sum(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A whole and its parts each stated twice (table, text): every pair agrees within its
    precision, yet the values the pairs allow for the parts do not add up to one the whole's pair
    allows, so the two statements of at least one pair differ. Each pair whose figures differ is
    reported; a pair that already disagrees on its own is its same_quantity's finding."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    pairs = list(zip(claims[::2], claims[1::2], strict=True))
    allowed = [common(a, b, constraint.params.get("adopt_unit", False)) for a, b in pairs]
    if any(i is None for i in allowed):
        return None
    whole, *parts = allowed
    parts_sum = total(parts)
    if whole.meets(parts_sum):
        return None
    names = constraint.params.get("names", [])
    others = "、".join(names[1:])
    out = []
    for (table, text), name in zip(pairs, names, strict=True):
        if table.quantity.value == text.quantity.value:
            continue
        gap = abs(interval(text).mid - interval(table, text.quantity.factor).mid)
        out.append(finding(ctx, constraint, [text, table], stated=written(text), expected=written(table),
                           subject=name, place=place(text, ctx), other_place=place(table, ctx),
                           difference=in_unit(gap, text)
                           + f"（单看可在数字精度内相容，但{names[0]}须等于{others}之和，各组数不能同时成立）"))
    return out


@check("placeholder")
def placeholder(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """因公出国（境）费为XX万元 beside 因公出国（境）费为0万元: one figure never filled in."""
    span = constraint.spans[0]
    twin = ctx.by_id[constraint.claims[0]]
    unit = twin.quantity.unit
    return finding(ctx, constraint, [(span, ctx.at(span)), twin], stated=ctx.at(span) + unit, expected=written(twin),
                   subject=constraint.params.get("what", twin.subject), difference="未填数字",
                   place=f"正文“{ctx.at(span)}”处", other_place=place(twin, ctx))


@check("source_labels")
def source_labels(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """One figure of a breakdown restated under a fund source disjoint from its first one
    (地方配套c万元 … 其他资金c万元): the sum agrees, its source does not."""
    first, second = (ctx.by_id[i] for i in constraint.claims)
    if not interval(first).meets(interval(second)):
        return None  # two values: the same_quantity finding's, not a source's
    source, other = constraint.params["source"], constraint.params["other_source"]
    return finding(ctx, constraint, [first, second], stated=source, expected=other, amount=written(first),
                   place=section(first), other_place=section(second))


def section(claim: Claim) -> str:
    """Where a figure stands by its section alone (its source words are the message's own)."""
    return f"正文“{claim.section}”一节" if claim.section else "正文"
