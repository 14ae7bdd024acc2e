"""Sums: parts against their total (SUM001 lists, SUM003, SUM005 budget adjustments, SUM007 named
identities), point budgets (SUM002), the income − expense = balance identity (SUM004), stated counts
against the names listed (SUM006)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from auditor.checks import check, evidence, finding
from auditor.checks.values import in_unit, interval, is_slipped_yuan, written
from auditor.intervals import Interval, fmt, total
from auditor.model import Claim, Constraint

WAN = Decimal(10000)


def _holds(total_i: Interval, parts: list[Interval], relation: str, prefix: bool | list[int], suffix: bool = False,
           sentences: list[int] | None = None) -> bool:
    # running sums: heads[n] adds up the first n parts
    heads = [Interval(Decimal(0), Decimal(0))]
    for part in parts:
        heads.append(heads[-1] + part)
    # a list over several sentences may end with any of them (the next may start another breakdown)
    cuts = [n for n in sentences or () if 1 <= n < len(parts)]
    if relation == ">=":
        return any(total_i.hi >= heads[n].lo for n in [*cuts, len(parts)])
    if total_i.meets(heads[-1]) or any(total_i.meets(heads[n]) for n in cuts if n >= 2):
        return True
    # a list may run on past its parts (…，另征收…): a leading run of parts adding up holds
    # (``prefix``: after how many parts it may stop; True: after any two or more)
    stops = range(2, len(parts)) if prefix is True else [n for n in prefix or () if 2 <= n < len(parts)]
    if any(total_i.meets(heads[n]) for n in stops):
        return True
    # parts written before their total may start later than the sentence does
    if suffix:
        tail = Interval(Decimal(0), Decimal(0))
        for n in range(len(parts) - 1, 0, -1):
            tail = tail + parts[n]
            if n < len(parts) - 1 and total_i.meets(tail):
                return True
    return False


def decimals_of(parts: list[Claim]) -> dict[str, int]:
    """The most decimals the parts are written with, by unit."""
    places: dict[str, int] = {}
    for p in parts:
        places[p.quantity.unit] = max(places.get(p.quantity.unit, 0), p.quantity.decimals)
    return places


def sibling_interval(claim: Claim, places: dict[str, int]) -> Interval:
    """A whole amount among parts written with decimals takes their precision: in 设备40万元，差旅
    7.25万元 the 40 means 40.00 (domain.md). ``places``: the siblings' decimals by unit."""
    q = claim.quantity
    digits = places.get(q.unit, 0)
    if q.dimension != "money" or q.decimals or not digits or q.low == q.high:
        return interval(claim)
    half = Decimal(5).scaleb(-(digits + 1))
    return Interval((q.value - half) * q.factor, (q.value + half) * q.factor)


@check("change_sum")
def change_sum(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Δ总 = Σ Δ分项 (claims: the changes, then the total and its parts), checked when the amounts
    add up this year; when they do not, the sum of the amounts (SUM001) is the finding, not this."""
    n = constraint.params["changes"]
    whole, *parts = (ctx.by_id[i] for i in constraint.claims[n:])
    this_year = total(interval(p) for p in parts)
    if this_year is None or not interval(whole).meets(this_year):
        return None
    found = parts_vs_total(replace(constraint, claims=constraint.claims[:n]), ctx)
    if found is None:
        return None
    # the amounts the identity rests on are quoted after the changes
    quoted = {(e.span.start, e.span.end) for e in found.evidence}
    amounts = tuple(evidence(c) for c in (whole, *parts) if (c.span.start, c.span.end) not in quoted)
    return replace(found, evidence=found.evidence + amounts)


@check("sum")
def parts_vs_total(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claims = [ctx.by_id[i] for i in constraint.claims]
    whole, parts = claims[0], claims[1:]
    relation = constraint.params.get("relation", "=")
    prefix = constraint.params.get("prefix")
    suffix = bool(constraint.params.get("suffix"))
    sentences = constraint.params.get("sentences")
    minus = set(constraint.params.get("minus", ()))  # reductions: subtracted, not added

    places = decimals_of(parts)

    def signed(claim, factor=None):  # noqa: ANN001, ANN202
        # a table's finder may ask for its parts read as siblings too (its 0 among 1.23s is 0.00)
        siblings = constraint.origin == "narrative" or constraint.params.get("siblings")
        i = interval(claim, factor) if factor is not None or not siblings else sibling_interval(claim, places)
        return Interval(-i.hi, -i.lo) if claim.id in minus else i

    if _holds(interval(whole), [signed(p) for p in parts], relation, prefix, suffix, sentences):
        return None
    # other readings of the parts (another 年初 budget the adjusted one may start from): one holding is enough
    for reading in constraint.params.get("alternatives", ()):
        if _holds(interval(whole), [signed(ctx.by_id[i]) for i in reading], relation, False):
            return None
    # a 元 written for 万元 explains the gap: the unit check reports that, not a wrong sum
    slipped = [c for c in claims if is_slipped_yuan(c, ctx.money_unit)]
    if slipped:
        fixed = {c.id: interval(c, WAN) for c in slipped}
        if _holds(fixed.get(whole.id, interval(whole)), [fixed.get(p.id, signed(p)) for p in parts], relation,
                  prefix, suffix, sentences):
            return None
    part_sum = sum((-p.quantity.base_value if p.id in minus else p.quantity.base_value for p in parts), Decimal(0))
    gap = part_sum - whole.quantity.base_value
    formula = "".join(f" {'−' if p.id in minus else '+'} {in_unit(p.quantity.base_value, whole)}" for p in parts)
    formula = formula[3:] + f" = {in_unit(part_sum, whole)}"
    subject = constraint.params.get("subject") or whole.subject or "总数"  # a finder may name the total
    uncertain = bool(constraint.params.get("uncertain"))  # which total the parts belong to is a guess
    return finding(ctx, constraint, claims, stated=written(whole), expected=in_unit(part_sum, whole),
                   subject=subject, formula=formula, uncertain=uncertain,
                   difference=in_unit(abs(gap), whole))


@check("parallel_sums")
def parallel_sums(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """One list told for several columns (完成, 预算, 上年: auditor/linking/lists.py): each column's
    parts against its total, as ``sum``. A list whose end is not certain (it runs on over sentences)
    ends where another column's parts add up exactly to its total: the columns run clause by clause,
    so a column that does not add up over the same parts is reported."""
    columns = [(c, [ctx.by_id[i] for i in c["claims"]]) for c in constraint.params["columns"]]
    found, silent = [], []
    for column, claims in columns:
        params = {k: v for k, v in column.items() if k != "claims"}
        result = parts_vs_total(replace(constraint, kind="sum", claims=tuple(column["claims"]), params=params), ctx)
        if result is not None:
            found.append(result)
        else:
            silent.append((column, claims))
    cuts = {id(column): _exact_cuts(claims, column) for column, claims in columns}
    for column, claims in silent:
        whole, parts = claims[0], claims[1:]
        others = {n for other, other_claims in columns if other is not column and other.get("run") == column.get("run")
                  for n in cuts[id(other)] if n <= len(parts) and _aligned([parts, other_claims[1:]], n)}
        if len(others) != 1 or cuts[id(column)] & others or len(parts) in cuts[id(column)]:
            continue
        n = others.pop()
        if n in cuts[id(column)]:
            continue
        params = {"code": column["code"], "relation": "=", "minus": column.get("minus", [])}
        result = parts_vs_total(replace(constraint, kind="sum", claims=tuple(c.id for c in [whole, *parts[:n]]),
                                        params=params), ctx)
        if result is not None:
            found.append(result)
    return found


def _exact_cuts(claims: list[Claim], column: dict) -> set[int]:
    """After how many parts (two or more) a column's parts add up to its total."""
    whole, parts = claims[0], claims[1:]
    minus = set(column.get("minus", ()))
    places = decimals_of(parts)
    head, cuts = Interval(Decimal(0), Decimal(0)), set()
    for n, part in enumerate(parts, 1):
        i = sibling_interval(part, places)
        head = head + (Interval(-i.hi, -i.lo) if part.id in minus else i)
        if n >= 2 and interval(whole).meets(head):
            cuts.add(n)
    return cuts


def _aligned(columns: list[list[Claim]], n: int) -> bool:
    """The first ``n`` parts of the columns run clause by clause: every column's i-th part is written
    before any column's (i+1)-th."""
    if any(len(parts) < n for parts in columns):
        return False
    return all(max(p[i - 1].span.start for p in columns) < min(p[i].span.start for p in columns)
               for i in range(1, n))


@check("points_total")
def points_total(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    maxes = [ctx.by_id[i] for i in constraint.claims]
    expected = Decimal(str(constraint.params.get("expected", 100)))
    got = total(interval(m) for m in maxes)
    if got.contains(expected):
        return None
    value = sum((m.quantity.value for m in maxes), Decimal(0))
    return finding(ctx, constraint, maxes, stated=f"{fmt(value)}分", expected=f"{fmt(expected)}分",
                   subject="各项分值合计", formula=" + ".join(fmt(m.quantity.value) for m in maxes),
                   difference=f"{fmt(abs(value - expected))}分")


@check("balance")
def balance(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    stated, income, expense, *opening = (ctx.by_id[i] for i in constraint.claims)
    expected = interval(income) - interval(expense)
    value = income.quantity.base_value - expense.quantity.base_value
    if opening:  # a balance brought forward adds to this year's
        expected = expected + interval(opening[0])
        value += opening[0].quantity.base_value
    if expected.meets(interval(stated)):
        return None
    if constraint.params.get("relation") == ">=" and interval(stated).hi >= expected.lo:
        return None  # a closing balance with no opening one stated: at least this year's surplus
    gap = stated.quantity.base_value - value
    unit_of = income  # write the figures in the unit the income is stated in
    return finding(ctx, constraint, [stated, income, expense, *opening], stated=stated.text, expected=in_unit(value, unit_of),
                   income=income.text, expense=expense.text, difference=in_unit(abs(gap), unit_of),
                   formula=f"{income.text} − {expense.text} = {in_unit(value, unit_of)}")


@check("count_items")
def count_items(constraint: Constraint, ctx) -> object:
    """设9个内设机构，分别为：A、B… : the stated count against the names listed."""
    listed = int(constraint.params["items"])
    at_least = constraint.params.get("relation") == ">="
    # the count, and where the text restates it (下达3批…。分别于A、B、C将3批…)
    counts = [ctx.by_id[i] for i in (constraint.claims[0], *constraint.params.get("restated", ()))]
    wrong = [c for c in counts if not (c.quantity.value == listed or (at_least and c.quantity.value >= listed))]
    if not wrong:
        return None
    stated = wrong[0]
    value = stated.quantity.value
    span = constraint.spans[0]
    return finding(ctx, constraint, [stated, (span, ctx.text[span.start:span.end])], stated=stated.text,
                   expected=f"{listed}{stated.quantity.unit}", subject=stated.subject or "所列数目",
                   formula=f"列举{listed}项：{constraint.params.get('names', '')}",
                   difference=f"{abs(value - listed):f}{stated.quantity.unit}")


@check("group_points")
def group_points(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A point budget tree (一级 → 二级 → 三级): every labelled node against its children.

    All broken nodes of one top-level group make one finding: they are one inconsistent tree."""
    broken, evidence = [], []
    at_least = constraint.params.get("relation") == ">="  # the node may have members not listed
    for node_id, child_ids in constraint.params["tree"]:
        node = ctx.by_id[node_id]
        children = [ctx.by_id[c] for c in child_ids]
        parts = total(point_interval(c, constraint.params) for c in children)
        if not children or parts.meets(point_interval(node, constraint.params)):
            continue
        if at_least and parts.lo <= point_interval(node, constraint.params).hi:
            continue
        value = sum((c.quantity.value for c in children), Decimal(0))
        broken.append((node, children, value))
        evidence += [node, *children]
    if not broken:
        return None
    node, children, value = broken[0]
    formula = " + ".join(fmt(c.quantity.value) for c in children)
    for n, cs, v in broken[1:]:  # the rest of the same tree, said in the same finding
        formula += f"；{ctx.name_of(n)}标注{fmt(n.quantity.value)}分，其下合计{fmt(v)}分（{' + '.join(fmt(c.quantity.value) for c in cs)}）"
    return finding(ctx, constraint, evidence, stated=f"{fmt(node.quantity.value)}分", expected=f"{fmt(value)}分",
                   subject=ctx.name_of(node), formula=formula,
                   difference=f"{fmt(abs(value - node.quantity.value))}分")


def point_interval(claim: Claim, params: dict) -> Interval:
    """Points and scores written as whole numbers are exact (a form read from text gives its bare
    figures no unit of points, so the reader cannot know); decimals keep their rounding."""
    if params.get("whole_exact") and claim.quantity.decimals == 0:
        return Interval.exact(claim.quantity.value)
    return interval(claim)


@check("total_score")
def total_score(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """The 总分 row: its point value and its score against the items (the funding row included)."""
    p = constraint.params
    problems, evidence = [], []
    gap = Decimal(0)  # the points of a funding item the form has and the reader did not place
    if p.get("funding_unread") and p.get("max") is not None and p.get("item_max"):
        gap = max(Decimal(0), ctx.by_id[p["max"]].quantity.value
                  - sum((ctx.by_id[i].quantity.value for i in p["item_max"]), Decimal(0)))
    for key, items_key, name in (("max", "item_max", "分值"), ("score", "item_score", "得分")):
        if p.get(key) is None:
            continue
        stated = ctx.by_id[p[key]]
        items = [ctx.by_id[i] for i in p[items_key]]
        parts = total(point_interval(i, p) for i in items)
        if gap and (parts + Interval(Decimal(0), gap)).meets(point_interval(stated, p)):
            continue  # short by no more than the unread funding item's points
        if not items or parts.meets(point_interval(stated, p)):
            continue
        value = sum((i.quantity.value for i in items), Decimal(0))
        problems.append((name, stated, value, items))
        evidence.append(stated)
    if not problems:
        return None
    evidence += [ctx.by_id[i] for i in p.get("related", ())]
    evidence += [i for *_, items in problems for i in items]  # a changed item is evidence of the gap too
    name, stated, value, items = problems[0]
    text = "；".join(f"总分{n}填{fmt(s.quantity.value)}，各项{n}合计{fmt(v)}" for n, s, v, _ in problems)
    return finding(ctx, constraint, evidence, stated=f"{fmt(stated.quantity.value)}分", expected=f"{fmt(value)}分",
                   subject=f"总分{name}", formula=text, difference=f"{fmt(abs(value - stated.quantity.value))}分")


@check("heading_parts")
def heading_parts(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """The sub-headings' figures against their section's points or its score: a sum that is neither."""
    points, score, *parts = (ctx.by_id[i] for i in constraint.claims)
    found = total(interval(p) for p in parts)
    if found.meets(interval(points)) or found.meets(interval(score)):
        return None
    value = sum((p.quantity.value for p in parts), Decimal(0))
    nearest = min((points, score), key=lambda c: abs(c.quantity.value - value))
    return finding(ctx, constraint, [points, score, *parts],
                   stated=f"分值{fmt(points.quantity.value)}分、得分{fmt(score.quantity.value)}分",
                   expected=f"{fmt(value)}分", subject=constraint.params.get("heading") or "该部分",
                   formula=" + ".join(fmt(p.quantity.value) for p in parts),
                   difference=f"{fmt(abs(value - nearest.quantity.value))}分")
