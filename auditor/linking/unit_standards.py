"""Standards per unit in 元 side by side (UNIT002): 亩均投入1500元 … 亩均不少于1950元, 每生1000元 …
每生1600元. Standards of one passage (chained when at most ``max_block_gap`` blocks apart) are of one
order; one of them 10⁴ times smaller than the others, and of their order read in 万元 (每生0.16元
beside 每生1200元), lost its 万. Per-head standards in 元 beside totals in 万元 are no slip: only
standards are compared with standards. Thresholds in rules/units.yaml (``yuan_standards``)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context
from auditor.linking.unit_slips import YuanSlips
from auditor.model import Claim, Constraint


def standards(ctx: Context) -> list[Claim]:
    """Figures written in 元 after a per-unit cue (每, 人均, 亩均, /生), in the text's order."""
    slips = YuanSlips(ctx)
    return [c for c in slips.money if c.quantity.factor == 1 and c.unit_text and c.cell is None
            and c.quantity.value > 0 and slips.per_unit(c)]


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["units"].get("yuan_standards", {})
    if not spec:
        return
    gap = int(spec["max_block_gap"])
    passage: list[Claim] = []
    for claim in [*standards(ctx), None]:
        if claim is not None and (not passage or claim.block - passage[-1].block <= gap):
            passage.append(claim)
            continue
        if len(passage) >= 2:
            yield ctx.constraint("standard_scale", "UNIT002", passage, "narrative",
                                 spread=str(spec["spread"]), slip_spread=str(spec["slip_spread"]))
        passage = [claim] if claim is not None else []
