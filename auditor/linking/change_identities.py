"""The changes on last year obey the identities the amounts do (RAT005, kind ``sum``): when 支出总计 =
支出合计 + 年末结转结余 holds this year and each of the three states its change (较上年增加228.89万元,
增加228.89万元, 减少1.33万元), the changes add up the same way: Δ总计 = Δ合计 + Δ结余, here 228.89 ≠
228.89 − 1.33. The identities are the narrative's lists (其中…) and named sums (rules/identities.yaml)
that hold this year; each change is the one growth.py pairs with its amount. A term with no change
stated, or a change stated for two of them at once, leaves the identity unchecked."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.intervals import Interval, total
from auditor.linking import growth, identities
from auditor.linking.context import Context
from auditor.linking.lists import PartLists
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
            owners.setdefault(p["change"], set()).add(p["current"])
    return {k: v for k, v in out.items() if len(owners[v[0].id]) == 1}


def identities_of(ctx: Context) -> Iterator[tuple[Claim, list[Claim]]]:
    lists = PartLists.of(ctx)
    for group in lists.found:
        if not group.minus and not group.uncertain:  # incomplete ones too: this year must add up below
            yield group.total, list(group.parts)
    for constraint in identities.named_sums(ctx, lists):
        whole, *parts = (ctx.by_id[i] for i in constraint.claims)
        yield whole, parts


def find(ctx: Context) -> Iterator[Constraint]:
    changes = changes_of(ctx)
    if not changes:
        return
    seen: set[tuple[int, ...]] = set()
    for whole, parts in identities_of(ctx):
        terms = [whole, *parts]
        if len(parts) < 2 or any(t.id not in changes for t in terms) \
                or len({changes[t.id][0].id for t in terms}) < len(terms):
            continue
        this_year = total(_interval(p) for p in parts)
        if this_year is None or not _interval(whole).meets(this_year):
            continue  # the identity does not hold this year: its changes say nothing more
        whole_change, whole_sign = changes[whole.id]
        part_changes = [changes[p.id] for p in parts]
        key = tuple(c.id for c in (whole_change, *(c for c, _ in part_changes)))
        if key in seen:
            continue
        seen.add(key)
        # Δwhole = Σ Δpart, each signed; written with the whole's change positive
        minus = [c.id for c, sign in part_changes if sign != whole_sign]
        yield ctx.constraint("sum", "RAT005", [whole_change, *(c for c, _ in part_changes)], "narrative",
                             relation="=", minus=minus)
