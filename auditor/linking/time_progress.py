"""RAT005, a rate against the share of the year elapsed (序时进度): ``1-4月，…支出736.2亿元，完成年初
预算36.7%，快于序时进度3.4个百分点``: 36.7 − 4/12 × 100 = 3.37 ≈ 3.4 points.

The months elapsed are those of the period the text reports (1-4月, 截至4月底, 一季度, 上半年:
`time_progress.periods` in rules/ratios.yaml) written before the rate; when the text names periods
of different lengths before it, which one the rate is of is not known and nothing is checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.model import Constraint

POINTS = "points_pct"  # 3.4个百分点 (rules/units.yaml)


def period_lengths(ctx: Context, periods: list[tuple[re.Pattern[str], str]]) -> list[tuple[int, int]]:
    """(where, months) of every period the text names, read once per document."""
    found = []
    for pattern, months in periods:
        for m in pattern.finditer(ctx.text):
            value = int(m.expand(months))
            if 1 <= value <= 12:
                found.append((m.start(), value))
    return found


def months_elapsed(named: list[tuple[int, int]], end: int) -> int | None:
    """The one length (in months) of the periods named before ``end``, or None."""
    lengths = {months for at, months in named if at < end}
    return lengths.pop() if len(lengths) == 1 else None


def find(ctx: Context) -> Iterator[Constraint]:
    words = ctx.rules["ratios"].get("time_progress", {})
    cues = tuple(words.get("cues", ()))
    if not cues:
        return
    signs = [(w, 1) for w in words.get("ahead", ())] + [(w, -1) for w in words.get("behind", ())]
    fillers = tuple(words.get("fillers", ()))
    periods = [(re.compile(p["pattern"]), p["months"]) for p in words.get("periods", ())]
    for claim in ctx.narrative:
        if claim.quantity.dimension != POINTS or claim.quantity.comparator != "=":
            continue
        sentence = ctx.sentence(claim.span.start, SENTENCE_ENDS)
        before = [c for c in ctx.claims_in(sentence) if c.span.end <= claim.span.start]
        if not before or before[-1].quantity.dimension != "percent":
            continue
        rate = before[-1]
        lead = squash(ctx.text[rate.span.end:claim.span.start]).strip("，,")
        for filler in fillers:
            lead = lead.removesuffix(filler)
        cue = next((c for c in cues if lead.endswith(c)), None)
        if cue is None:
            continue
        sign = next((s for w, s in signs if lead == w + cue), 0)  # 快于序时进度, nothing else between
        if not sign:
            continue
        months = months_elapsed(ctx.once("period_lengths", lambda c: period_lengths(c, periods)), rate.span.start)
        if months is not None:
            yield ctx.constraint("time_progress", "RAT005", [claim, rate], "narrative", sign=sign, months=months,
                                 word=cue)
