"""Differences of two rates in percentage points (RAT005, kind ``point_difference``): 增长14.2%，比全市
平均水平（11.8%）高2.4个百分点, 参保率95.6%，比上年94.4%提高1.2个百分点: the rate, the one it is
compared with (written between the comparison and the difference) and the difference, X − Y = ±Z.
A difference in points is no growth rate: 94.4% → 95.6% is 1.2 points, not 1.27%. Without the
other rate written (比上年提高1.2个百分点) nothing is recomputed."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.model import Constraint

POINTS = "points_pct"  # 2.7个百分点 (rules/units.yaml)


def direction(lead: str, words: dict) -> int:
    """+1 when the difference is said to be above (高, 提高…), −1 below, 0 when neither ends the lead."""
    for sign, key in ((1, "up"), (-1, "down")):
        if any(lead.endswith(w) for w in sorted(words.get(key, ()), key=len, reverse=True)):
            return sign
    return 0


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["ratios"].get("point_difference", {})
    cues = tuple(words.get("compare_cues", ()))
    fillers = tuple(words.get("fillers", ()))
    for claim in ctx.narrative:
        if claim.quantity.dimension != POINTS or claim.quantity.comparator != "=":
            continue
        sentence = ctx.sentence(claim.span.start, SENTENCE_ENDS)
        before = [c for c in ctx.claims_in(sentence) if c.span.end <= claim.span.start]
        if len(before) < 2:
            continue
        other, rate = before[-1], before[-2]
        if other.quantity.dimension != "percent" or rate.quantity.dimension != "percent":
            continue
        lead = squash(ctx.text[other.span.end:claim.span.start]).strip("）)")
        for filler in fillers:
            lead = lead.removesuffix(filler)
        sign = direction(lead, words)
        compared = squash(ctx.text[rate.span.end:other.span.start])
        if not sign or not any(cue in compared for cue in cues) or any(ch in lead for ch in "，,"):
            continue  # the other rate must stand in the comparison, the difference right after it
        yield ctx.constraint("point_difference", "RAT005", [claim, rate, other], "narrative", sign=sign)
