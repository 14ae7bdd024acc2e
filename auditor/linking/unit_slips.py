"""A money figure written in 元 in a report that keeps its accounts in 万元: when is it a slip?

Not because the other figures are in 万元: per-head standards, prices, contract sums and small
amounts are naturally in 元. Only on evidence (rules/units.yaml, ``yuan_slip``):
- twin: the same number is written in 万元 elsewhere (项目支出524.23元 / 项目支出524.23万元);
- repair: read as 万元 it closes a relation of its sentence that is broken in 元 (a sum of
  parts, a total's share: 总保费856.40万元 … 25%为214.10元);
- implausible: its size cannot be what it measures (因公出国费4.46元, 年初预算100元);
- account line: one of the report's own account lines (收入, 支出, 结转结余…) stated in 元 while
  the others are in 万元 (mixed 口径, info).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property

from auditor.intervals import Interval, total
from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint

WAN = Decimal(10000)
CLAUSE_ENDS = "，,；;。！？!?\n"  # parts of one sum, contiguous in the sentence


def interval(claim: Claim, factor: Decimal | None = None) -> Interval:
    q = claim.quantity
    f = q.factor if factor is None else factor
    return Interval(q.low * f, q.high * f)


class SlipRules:
    def __init__(self, ctx: Context) -> None:
        spec = ctx.rules["units"].get("yuan_slip", {})
        self.per_unit = re.compile("|".join(spec.get("per_unit_cues", ["每"])))  # regular expressions
        self.not_account = tuple(spec.get("not_account_cues", ()))
        self.max_run = int(spec["max_run"])
        self.account_lines = tuple(spec.get("account_lines", ()))
        self.minimums = [(tuple(item["cues"]), Decimal(str(item["minimum"]))) for item in spec.get("plausible_minimum", ())]


class YuanSlips:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rules = SlipRules(ctx)

    @cached_property
    def money(self) -> list[Claim]:
        return [c for c in self.ctx.claims if c.quantity.dimension == "money" and c.quantity.comparator != "range"]

    @cached_property
    def works_in_wan(self) -> bool:
        """The report keeps its accounts in 万元 (or its traditional form): most written money units."""
        counts = Counter(c.quantity.factor for c in self.money
                         if c.unit_text and (c.quantity.factor != 1 or not self.per_unit(c)))
        return counts[WAN] >= 2 and counts[WAN] > counts[Decimal(1)]

    def left(self, claim: Claim) -> str:
        start = claim.context.start if claim.context else claim.span.start
        return squash(self.ctx.text[start:claim.span.start])

    def per_unit(self, claim: Claim) -> bool:
        after = self.ctx.text[claim.span.end:claim.span.end + 1]
        return bool(self.rules.per_unit.search(self.left(claim))) or after in ("/", "／")

    def candidates(self) -> Iterator[Claim]:
        for claim in self.money:
            if claim.quantity.factor == 1 and claim.unit_text and claim.cell is None and not self.per_unit(claim):
                yield claim

    # --- evidence ---------------------------------------------------------------------------
    def twins(self, claim: Claim) -> list[Claim]:
        """The same number in 万元 elsewhere; only a distinctive number (524.23, not 500) is one figure."""
        q = claim.quantity
        if q.decimals < 2 and len(str(q.value).replace(".", "").lstrip("0")) < 4:
            return []
        return [c for c in self.money if c.id != claim.id and c.quantity.factor == WAN
                and c.quantity.value == claim.quantity.value]

    def sentence_money(self, claim: Claim) -> list[Claim]:
        span = self.ctx.sentence(claim.span.start)
        return [c for c in self.ctx.claims_in(span) if c.quantity.dimension == "money"
                and c.quantity.comparator == "=" and (c.id == claim.id or c.quantity.factor == WAN)]

    def repaired_sum(self, claim: Claim) -> list[Claim] | None:
        """A total and contiguous parts of its sentence that add up only with ``claim`` in 万元."""
        figures = self.sentence_money(claim)
        if len(figures) < 3:
            return None
        as_wan = {claim.id: interval(claim, WAN)}
        as_yuan = {claim.id: interval(claim)}
        for whole in figures:
            others = [f for f in figures if f.id != whole.id]
            for size in range(2, min(self.rules.max_run, len(others)) + 1):
                for i in range(len(others) - size + 1):
                    run = others[i:i + size]
                    members = [whole, *run]
                    if claim not in members:
                        continue
                    if self._holds(whole, run, as_wan) and not self._holds(whole, run, as_yuan):
                        return members
        return None

    @staticmethod
    def _holds(whole: Claim, run: list[Claim], reading: dict[int, Interval]) -> bool:
        parts = total(reading.get(c.id, interval(c)) for c in run)
        return reading.get(whole.id, interval(whole)).meets(parts)

    def repaired_share(self, claim: Claim) -> list[Claim] | None:
        """``25%为214.10元`` after a 万元 total: the share of the total only in 万元."""
        clause = [c for c in self.ctx.claims_in(self.ctx.sentence(claim.span.start, CLAUSE_ENDS))
                  if c.span.end <= claim.span.start]
        rates = [c for c in clause if c.quantity.dimension == "percent" and c.quantity.comparator == "="]
        if not rates:
            return None
        rate = rates[-1]
        share = interval(rate).scale(Decimal("0.01"))
        for whole in self.sentence_money(claim):
            if whole.id == claim.id or whole.span.start > rate.span.start:
                continue
            product = interval(whole) * share
            if product.meets(interval(claim, WAN)) and not product.meets(interval(claim)):
                return [whole, rate]
        return None

    def implausible(self, claim: Claim) -> Decimal | None:
        """The smallest plausible amount for what ``claim`` measures, when it falls below it."""
        clause = self.ctx.sentence(claim.span.start, CLAUSE_ENDS)
        left = squash(self.ctx.text[clause.start:claim.span.start])
        for cues, minimum in self.rules.minimums:
            if any(cue in left for cue in cues) and claim.quantity.high < minimum:
                return minimum
        return None

    def account_line(self, claim: Claim) -> list[Claim] | None:
        """Other account lines of the report stated in 万元 while this one is in 元."""
        if not self.is_account(claim):
            return None
        peers = [c for c in self.money if c.quantity.factor == WAN and c.unit_text and self.is_account(c)]
        return peers[:2] if len(peers) >= 2 else None

    def is_account(self, claim: Claim) -> bool:
        left = self.left(claim)
        tail = left[-12:]
        return any(tail.endswith((line, line + "为", line + "是")) for line in self.rules.account_lines) and not any(cue in left for cue in self.rules.not_account)


def find(ctx: Context) -> Iterator[Constraint]:
    slips = YuanSlips(ctx)
    implausible: dict[int, list[tuple[Claim, Decimal]]] = {}
    for claim in slips.candidates():
        if slips.works_in_wan:
            twins = slips.twins(claim)
            if twins:
                yield ctx.constraint("unit_scale", "UNIT002", [claim, *twins], "narrative", reason="twin")
                continue
            related = slips.repaired_sum(claim) or slips.repaired_share(claim)
            if related:
                yield ctx.constraint("unit_scale", "UNIT002", [claim, *[c for c in related if c.id != claim.id]],
                                     "narrative", reason="repair")
                continue
        minimum = slips.implausible(claim)
        if minimum is not None:
            # the figures of one sentence too small for what they measure are one finding
            implausible.setdefault(ctx.sentence(claim.span.start).start, []).append((claim, minimum))
            continue
        peers = slips.account_line(claim) if slips.works_in_wan else None
        if peers:
            yield ctx.constraint("unit_scale", "UNIT002", [claim, *peers], "narrative", reason="account")
    for group in implausible.values():
        yield ctx.constraint("unit_scale", "UNIT002", [c for c, _ in group], "narrative", reason="implausible",
                             minimum=str(group[0][1]))
