"""Parts within wholes (LOGIC003) joined into the relations they state together: a chain of nested
aggregates (税收收入 ≤ 地方财政收入 ≤ 财政总收入, each found as a pair) is one relation; a part and its
whole each stated with its own budget (税收收入A万元，完成年初预算B万元的P%; 财政收入C万元，…完成年初
预算D万元的Q%) give the budgets the same order, B ≤ D, checked in the same relation; so do last
year's amounts a growth statement gives for each (比上年同期E万元增收…: E ≤ F).

A figure's budget is the figure after it in its sentence written right after one of ``budget_cues``
and followed by 的 and a rate that the two recompute (P = A/B on the figures' intervals): the
stated rate confirms whose budget it is. Part and whole must name their budgets with the same cue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from auditor.intervals import Interval
from auditor.linking import growth
from auditor.linking.context import FULL_STOPS, Context, squash
from auditor.model import Claim, Constraint, Span

HUNDRED = Decimal(100)


def joined(ctx: Context, bounds: Iterable[Constraint], name: Callable[[Claim], str],
           item: Callable[[Claim], str]) -> Iterator[Constraint]:
    """``name``: the words naming a figure; ``item``: the same without the verb ending them (…累计完成)."""
    pairs = [b for b in bounds if len(b.claims) == 2]
    wholes: dict[int, list[int]] = defaultdict(list)
    parts: dict[int, list[int]] = defaultdict(list)
    for b in pairs:
        wholes[b.claims[0]].append(b.claims[1])
        parts[b.claims[1]].append(b.claims[0])
    # a link of a chain: its part has no other whole and its whole no other part
    successor = {a: ws[0] for a, ws in wholes.items() if len(ws) == 1 and len(parts[ws[0]]) == 1}
    chained: set[tuple[int, int]] = set()
    for start in successor:
        if start in successor.values():
            continue  # not the chain's first figure
        chain = [start]
        while chain[-1] in successor and successor[chain[-1]] not in chain:
            chain.append(successor[chain[-1]])
        if len(chain) >= 3:
            chained.update(zip(chain, chain[1:]))
            claims = [ctx.by_id[i] for i in chain]
            yield ctx.constraint("bound", "LOGIC003", claims, "narrative" if claims[0].cell is None else "table",
                                 pair="层级", links="chain", names=tuple(name(c) for c in claims))
    data = ctx.rules["bounds"]
    budget_names = dict(data.get("budget_cues", {}))
    cues = tuple(sorted(budget_names, key=len, reverse=True))
    previous = previous_amounts(ctx) if pairs else {}
    for b in pairs:
        if b.claims in chained:
            continue
        part, whole = (ctx.by_id[i] for i in b.claims)
        claims, names = [part, whole], [name(part), name(whole)]
        budgets = [budget_of(ctx, c, cues) for c in (part, whole)] if part.cell is None and whole.cell is None else []
        if len(budgets) == 2 and all(budgets) and budgets[0][1] == budgets[1][1]:
            claims += [budgets[0][0], budgets[1][0]]
            names += [item(c) + budget_names[budgets[0][1]] for c in (part, whole)]
        if part.id in previous and whole.id in previous:
            claims += [previous[part.id], previous[whole.id]]
            names += [item(c) + data.get("previous_name", "") for c in (part, whole)]
        if len(claims) == 2:
            yield b
        else:
            yield ctx.constraint("bound", "LOGIC003", claims, b.origin, pair=b.params.get("pair", ""),
                                 links="pairs", names=tuple(names))
    for b in bounds:
        if len(b.claims) != 2:
            yield b


def previous_amounts(ctx: Context) -> dict[int, Claim]:
    """This year's amount -> last year's, where a growth statement gives both (比上年同期A万元增收…)."""
    out = {}
    for constraint in growth.constraints_of(ctx):
        p = constraint.params
        if constraint.kind == "growth" and p.get("current") is not None and p.get("previous") is not None:
            out[p["current"]] = ctx.by_id[p["previous"]]
    return out


def budget_of(ctx: Context, claim: Claim, cues: tuple[str, ...]) -> tuple[Claim, str] | None:
    """(the figure's budget, the cue naming it) in 税收收入A万元，完成年初预算B万元的P%."""
    sentence = ctx.sentence(claim.span.start, FULL_STOPS)
    after = [c for c in ctx.claims_in(Span(claim.span.end, sentence.end))]
    for k, budget in enumerate(after[:-1]):
        before = squash(ctx.text[(after[k - 1].span.end if k else claim.span.end):budget.span.start])
        cue = next((c for c in cues if before.endswith(c)), None)
        if cue is None:
            continue
        rate = after[k + 1]
        if budget.quantity.dimension != claim.quantity.dimension or rate.quantity.dimension != "percent" \
                or squash(ctx.text[budget.span.end:rate.span.start]) != "的":
            return None
        share = Interval.of(claim.quantity) / Interval.of(budget.quantity)
        stated = Interval(rate.quantity.low / HUNDRED, rate.quantity.high / HUNDRED)
        return (budget, cue) if share is not None and share.meets(stated) else None
    return None
