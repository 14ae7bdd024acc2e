"""Rates named by what they count (承保率, 参保率, 覆盖率) right after the whole and the part (RAT002):
油菜种植20万亩，承保面积8.22万亩，承保率为41.1%. The part is the figure just before the rate whose
words hold the rate's stem (承保); the whole the figure just before it, of the same dimension, whose
words do not. Only a rate whose clause is the rate alone (no other subject before 承保率) and only
when no other figure of that dimension stands before them in the sentence (which whole, else?).
A figure whose unit is garbled (31.26万元亩) is read in the unit it means (万亩).
Words in ``rules/ratios.yaml`` (stem_rates)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from auditor.linking.context import SENTENCE_ENDS, Context, squash
from auditor.linking.narrative import left_text
from auditor.linking.unit_gaps import meant_units
from auditor.model import Claim, Constraint, Span


@lru_cache(maxsize=8)
def rate_words(leads: tuple[str, ...]) -> re.Pattern[str]:
    """承保率为: two characters of a stem, 率, a lead word; nothing else in the clause."""
    return re.compile(rf"^(?P<stem>[\u4e00-\u9fff]{{2}})率(?:{'|'.join(map(re.escape, leads))})?$")


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["ratios"].get("stem_rates", {})
    dimensions = tuple(spec.get("dimensions", ()))
    if not dimensions:
        return
    pattern = rate_words(tuple(spec.get("leads", ())))
    # a garbled unit read as the unit it means (承保面积31.26万元亩: 万亩, auditor/linking/unit_gaps.py)
    meant, lexicon = meant_units(ctx), ctx.rules["units"]["units"]

    def unit_of(claim: Claim) -> str:
        return meant.get(claim.id, claim.quantity.unit)

    def dimension_of(claim: Claim) -> str:
        unit = meant.get(claim.id)
        if unit is None:
            return claim.quantity.dimension
        spec = lexicon.get(unit) or lexicon.get(unit.lstrip("万亿"), {})  # 万亩: a magnitude before 亩
        return spec.get("dimension", "")

    taken = tuple(spec.get("not_stems", ()))
    for rate in ctx.narrative:
        if rate.quantity.dimension != "percent" or rate.quantity.comparator != "=":
            continue
        m = pattern.match(left_text(ctx, rate))
        if m is None or any(w in m.group("stem") for w in taken):
            continue
        stem = m.group("stem")
        sentence = ctx.sentence(rate.span.start, SENTENCE_ENDS)
        before = ctx.claims_in(Span(sentence.start, rate.span.start))
        if len(before) < 2:
            continue
        whole, part = before[-2], before[-1]
        dimension = dimension_of(part)
        if dimension not in dimensions or dimension_of(whole) != dimension \
                or any(c.quantity.comparator != "=" for c in (whole, part)):
            continue
        if unit_of(part).lstrip("万亿") != unit_of(whole).lstrip("万亿"):
            continue  # 户 over 人: not a part of its whole
        if any(dimension_of(c) == dimension for c in before[:-2]):
            continue  # another whole it may be of
        if stem not in squash(left_text(ctx, part)) or stem in squash(left_text(ctx, whole)):
            continue
        if part.id in meant or whole.id in meant:
            if unit_of(part) != unit_of(whole):
                continue  # compared as written only in one unit
            yield ctx.constraint("ratio", "RAT002", [rate, part, whole], "narrative", denominators=1, as_written=True)
            continue
        yield ctx.constraint("ratio", "RAT002", [rate, part, whole], "narrative", denominators=1)
