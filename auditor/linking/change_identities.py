"""The changes on last year obey the identities the amounts do (RAT005, kind ``sum``): when 支出总计 =
支出合计 + 年末结转结余 holds this year and each of the three states its change (较上年增加64.52万元,
增加64.52万元, 减少0.87万元), the changes add up the same way: Δ总计 = Δ合计 + Δ结余, here 64.52 ≠
64.52 − 0.87. The identities are the narrative's lists (其中…) and named sums (rules/identities.yaml);
the constraint (kind ``change_sum``) holds the amounts with their changes, and is checked only when
the amounts add up this year (SUM001 reports them when not); each change is the one growth.py pairs with its amount. A term with no change
stated, or a change stated for two of them at once, leaves the identity unchecked.

With growth rates instead of changes (三公经费486万元，比上年下降2.6%；其中出国35万元，比上年增长
40.0%…), last year's amounts are implied (本年 ÷ (1 ± 增幅)) and must add up the same way (kind
``previous_sum``). Rates against different bases (比上年预算 / 比上年决算) are kept apart."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.intervals import Interval, total
from auditor.linking import growth, identities
from auditor.linking.context import Context
from auditor.linking.lists import Group, PartLists, _run_on_stops
from auditor.model import Claim, Constraint


def _interval(claim: Claim) -> Interval:
    q = claim.quantity
    return Interval(q.low * q.factor, q.high * q.factor)


def changes_of(ctx: Context) -> dict[int, tuple[Claim, int]]:
    """This year's amount -> (its change, +1 increase / −1 decrease), for changes of one amount only."""
    out: dict[int, tuple[Claim, int]] = {}
    owners: dict[int, set[int]] = {}
    for constraint in growth.constraints_of(ctx):
        p = constraint.params
        if constraint.kind == "growth" and p.get("current") is not None and p.get("change") is not None:
            out[p["current"]] = (ctx.by_id[p["change"]], p.get("change_sign") or 1)
            if not p.get("joint"):  # 收支较上年增加…: the change of each of the two, not one shared
                owners.setdefault(p["change"], set()).add(p["current"])
    return {k: v for k, v in out.items() if len(owners.get(v[0].id, ())) <= 1}


BASES = ("预算", "决算")  # 比上年预算数下降…, 比上年决算数下降…: two comparisons of one amount
DIGITS = re.compile(r"[\d.,，%]")


def base_of(lead: str) -> str:
    """Which of last year's figures a rate compares with: the base word its lead names, if any."""
    found = [w for w in BASES if w in lead]
    return found[-1] if len(found) == 1 else ("" if not found else "?")


def rates_of(ctx: Context) -> dict[tuple[int, str], tuple[Claim, int]]:
    """(this year's amount, base) -> (its growth rate, +1 / −1), when one rate is stated for it so."""
    out: dict[tuple[int, str], tuple[Claim, int]] = {}
    twice: set[tuple[int, str]] = set()
    stated = [(c.params["current"], c.claims[0], c.params.get("rate_sign") or 1) for c in growth.constraints_of(ctx)
              if c.kind == "growth" and c.params.get("current") is not None]
    for current, rate_id, sign in stated + growth.rates_alone(ctx):
        rate = ctx.by_id[rate_id]
        start = ctx.sentence(rate.span.start, "。；;！？!?\n，,").start
        key = (current, base_of(DIGITS.sub("", ctx.text[start:rate.span.start])))
        if key in out and out[key][0].id != rate.id:
            twice.add(key)
        out[key] = (rate, sign)
    return {k: v for k, v in out.items() if k not in twice and k[1] != "?"}


def identities_of(ctx: Context) -> Iterator[tuple[Claim, list[Claim]]]:
    lists = PartLists.of(ctx)
    for group in lists.found:
        if not group.minus and not group.uncertain:  # incomplete ones too: this year must add up below
            yield group.total, _reading(ctx, group)
    for constraint in identities.named_sums(ctx, lists):
        whole, *parts = (ctx.by_id[i] for i in constraint.claims)
        yield whole, parts


def _reading(ctx: Context, group: Group) -> list[Claim]:
    """The parts the total is the sum of: all of them, or the one leading run that adds up when the
    list runs on past its parts (…其中A、B、C；分征收系统来看，D、E: SUM001 accepts such a stop)."""
    parts = list(group.parts)

    def adds_up(n: int) -> bool:
        run = total(_interval(p) for p in parts[:n])
        return run is not None and _interval(group.total).meets(run)

    if adds_up(len(parts)):
        return parts
    stops = set(group.sentences) | set([] if group.suffix or group.bounded else _run_on_stops(ctx.text, parts))
    holding = [n for n in sorted(stops) if 2 <= n < len(parts) and adds_up(n)]
    return parts[:holding[0]] if len(holding) == 1 else parts


def previous_sums(ctx: Context, whole: Claim, parts: list[Claim],
                  rates: dict[tuple[int, str], tuple[Claim, int]]) -> Iterator[Constraint]:
    """Last year's amounts implied by each term's rate against one base add up as this year's do."""
    for base in BASES + ("",):
        terms = [rates.get((t.id, base)) for t in (whole, *parts)]
        if any(t is None for t in terms) or len({r.id for r, _ in terms}) < len(terms):
            continue
        claims = [c for pair in zip((whole, *parts), (r for r, _ in terms)) for c in pair]
        yield ctx.constraint("previous_sum", "RAT005", claims, "narrative", signs=[sign for _, sign in terms])


def find(ctx: Context) -> Iterator[Constraint]:
    changes = changes_of(ctx)
    rates = rates_of(ctx)
    if not changes and not rates:
        return
    for whole, parts in identities_of(ctx):
        terms = [whole, *parts]
        if len(parts) < 2:
            continue
        if any(t.id not in changes for t in terms) or len({changes[t.id][0].id for t in terms}) < len(terms):
            this_year = total(_interval(p) for p in parts)
            if this_year is not None and _interval(whole).meets(this_year):  # else the rates say nothing more
                yield from previous_sums(ctx, whole, parts, rates)
            continue
        whole_change, whole_sign = changes[whole.id]
        part_changes = [changes[p.id] for p in parts]
        # Δwhole = Σ Δpart, each signed; written with the whole's change positive. The amounts the
        # identity rests on are claims too (checked first: the changes say nothing if they do not add up)
        minus = [c.id for c, sign in part_changes if sign != whole_sign]
        yield ctx.constraint("change_sum", "RAT005", [whole_change, *(c for c, _ in part_changes), *terms],
                             "narrative", relation="=", minus=minus, changes=len(terms))
