"""Standards per unit in 元 side by side (UNIT002): 亩均投入1500元 … 亩均不少于1950元, 每生1000元 …
每生1600元. Standards of one passage (chained when at most ``max_block_gap`` blocks apart) are of one
order; one of them 10⁴ times smaller than the others, and of their order read in 万元 (每生0.16元
beside 每生1200元), lost its 万. Per-head standards in 元 beside totals in 万元 are no slip: only
standards are compared with standards, and only with standards per the same head (每生 with /生,
never a price 每度 with a subsidy 每户). Thresholds in rules/units.yaml (``yuan_standards``)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.unit_slips import YuanSlips
from auditor.model import Claim, Constraint

AFTER = 4  # characters after a figure that may name its head (1000元/生)


def standards(slips: YuanSlips) -> list[Claim]:
    """Figures written in 元 after a per-unit cue (每, 人均, 亩均, /生), in the text's order."""
    return [c for c in slips.money if c.quantity.factor == 1 and c.unit_text and c.cell is None
            and c.quantity.value > 0 and slips.per_unit(c)]


def heads(slips: YuanSlips, claim: Claim) -> frozenset[str]:
    """What the standard is per (人, 户, 亩; rules/products.yaml ``heads``); none for a price (每度)."""
    spec = slips.ctx.rules["products"]
    near = slips.left(claim) + squash(slips.ctx.text[claim.span.end:claim.span.end + AFTER])
    found = frozenset(h for h, ws in spec.get("heads", {}).items() if any(w in near for w in ws))
    periodic = any(w in near for p in spec.get("periods", {}).values() for w in p["words"])
    return found or (frozenset({spec.get("period_only_head", "人")}) if periodic else found)  # 每月690元


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["units"].get("yuan_standards", {})
    if not spec:
        return
    gap = int(spec["max_block_gap"])
    slips = YuanSlips(ctx)
    passage: list[Claim] = []
    for claim in [*standards(slips), None]:
        if claim is not None and (not passage or claim.block - passage[-1].block <= gap):
            passage.append(claim)
            continue
        # only standards per a head another of the passage is per are compared
        per = {c.id: heads(slips, c) for c in passage}
        passage = [c for c in passage if any(per[c.id] & per[o.id] for o in passage if o.id != c.id)]
        if len(passage) >= 2:
            yield ctx.constraint("standard_scale", "UNIT002", passage, "narrative",
                                 spread=str(spec["spread"]), slip_spread=str(spec["slip_spread"]),
                                 heads=tuple("|".join(sorted(per[c.id])) for c in passage))
        passage = [claim] if claim is not None else []
