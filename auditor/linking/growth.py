"""Growth statements: this year's amount, last year's, the change and the rate, recomputed from
whichever of them one sentence states (RAT005).

    税收收入完成19860万元，同比增加2047万元，增长12%       current, change, rate: 2047/(19860 − 2047)
    较上年21012万元，增收2980万元，增幅14.2%              base, change, rate: 2980/21012
    支出586.2万元，2023年为541.9万元，同比增长6.18%       current, base (a year earlier), rate

Each figure's part is read from the words right before it (rules/ratios.yaml ``growth``): a change
amount follows 增加/减少/增收…, a base follows 较/比/同比 with no change word between, a rate follows
增长/增幅/下降…. A change amount is never a base and never summed with this year's amounts. This
year's amount is the one plain amount before the comparison; when two could be it, none is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint, Span

AMOUNTS = ("money", "people", "count")
MAGNITUDES = ("万", "亿")  # 增收4,376万: a bare magnitude, an amount in its partners' unit
SEPARATORS = re.compile(r"[，,、：:（(）)]")
SENTENCE_ENDS = "。；;！？!?\n"


@dataclass(frozen=True)
class Vocabulary:
    compare: tuple[str, ...]
    not_compare: tuple[str, ...]
    previous: tuple[str, ...]
    changes: tuple[tuple[str, int], ...]  # (word, +1 increase / −1 decrease), longest first
    rates: tuple[tuple[str, int], ...]
    fillers: tuple[str, ...]
    not_rate: tuple[str, ...]

    @classmethod
    def of(cls, ctx: Context) -> Vocabulary:
        words = ctx.rules["ratios"].get("growth", {})

        def signed(up: str, down: str) -> tuple[tuple[str, int], ...]:
            pairs = [(w, 1) for w in words.get(up, ())] + [(w, -1) for w in words.get(down, ())]
            return tuple(sorted(pairs, key=lambda p: -len(p[0])))

        return cls(tuple(words.get("compare_cues", ())), tuple(words.get("not_compare", ())),
                   tuple(words.get("previous_period", ())),
                   signed("increase_change", "decrease_change"), signed("increase_rate", "decrease_rate"),
                   tuple(sorted(words.get("fillers", ()), key=len, reverse=True)), tuple(words.get("not_rate", ())))

    def ending(self, lead: str, words: tuple[tuple[str, int], ...]) -> tuple[str, int] | None:
        """The signed word ``lead`` ends with, fillers (了, 为…) after it allowed."""
        for _ in range(2):
            for word, sign in words:
                if lead.endswith(word):
                    return word, sign
            filler = next((f for f in self.fillers if lead.endswith(f)), None)
            if filler is None:
                return None
            lead = lead[: -len(filler)]
        return None

    def compares(self, segment: str) -> bool:
        """较上年 / 比上年同期 / 较2024年的 in ``segment`` with no change word after the cue."""
        for word in self.not_compare:
            segment = segment.replace(word, "　" * len(word))
        positions = [segment.rfind(cue) for cue in self.compare if cue in segment]
        if not positions:
            return False
        after = segment[max(positions):]
        return not any(word in after for word, _ in self.changes + self.rates)


@dataclass(frozen=True)
class Part:
    claim: Claim
    kind: str  # rate, change, base, plain, other
    sign: int = 0
    word: str = ""
    lead: str = ""


def dimension(claim: Claim) -> str:
    q = claim.quantity
    if q.dimension in AMOUNTS:
        return q.dimension
    return "magnitude" if not q.dimension and q.unit in MAGNITUDES else ""


def compatible(a: Claim, b: Claim) -> bool:
    da, db = dimension(a), dimension(b)
    return bool(da and db) and (da == db or "magnitude" in (da, db))


def classify(ctx: Context, vocabulary: Vocabulary, claims: list[Claim], start: int) -> list[Part]:
    parts = []
    previous_end = start
    for claim in claims:
        lead = squash(ctx.text[previous_end:claim.span.start])
        previous_end = claim.span.end
        q = claim.quantity
        if q.dimension == "percent":
            after = squash(ctx.text[claim.span.end:claim.span.end + 6])
            rate = vocabulary.ending(lead, vocabulary.rates)
            if rate and q.comparator == "=" and not after.startswith(("个百分点", "百分点")) \
                    and not any(word in lead for word in vocabulary.not_rate):
                parts.append(Part(claim, "rate", rate[1], rate[0], lead))
            else:
                parts.append(Part(claim, "other", lead=lead))
            continue
        if not dimension(claim) or q.comparator != "=":
            parts.append(Part(claim, "other", lead=lead))
            continue
        change = vocabulary.ending(lead, vocabulary.changes)
        segment = SEPARATORS.split(lead)[-1]
        if change:
            parts.append(Part(claim, "change", change[1], change[0], lead))
        elif vocabulary.compares(segment) or segment in vocabulary.previous:
            parts.append(Part(claim, "base", lead=lead))
        else:
            parts.append(Part(claim, "plain", lead=lead))
    return parts


def same_amount(claims: list[Claim]) -> bool:
    return len({c.quantity.base_value for c in claims}) == 1


def dated_pair(plain: list[Claim]) -> tuple[Claim, Claim] | None:
    """2024年…586.2万元，2023年为541.9万元: two amounts a year apart, this year's and last year's."""
    if len(plain) != 2:
        return None
    a, b = plain
    if a.year is not None and b.year is not None and abs(a.year - b.year) == 1 and compatible(a, b):
        return (a, b) if a.year > b.year else (b, a)
    return None


def lone_amount(ctx: Context, sentence: Span) -> Claim | None:
    """The one amount of the sentence before, for a sentence that opens with its comparison
    (财政拨款收入364.6552万元。较上年度决算数减少24.1522万元…)."""
    block_start = ctx.block(ctx.claims_in(sentence)[0].block).span.start if ctx.claims_in(sentence) else 0
    if sentence.start - 1 <= block_start:
        return None
    before = ctx.sentence(sentence.start - 2, SENTENCE_ENDS)
    claims = ctx.claims_in(Span(max(before.start, block_start), sentence.start))
    amounts = [c for c in claims if dimension(c)]
    if len(amounts) != 1 or any(c.quantity.dimension == "percent" for c in claims):
        return None
    return amounts[0]


def sentence_groups(ctx: Context, vocabulary: Vocabulary, sentence: Span) -> Iterator[Constraint]:
    claims = ctx.claims_in(sentence)
    parts = classify(ctx, vocabulary, claims, sentence.start)
    kinds = [p.kind for p in parts]
    group_end, shared_current = -1, None
    for i, rate in enumerate(parts):
        if rate.kind != "rate":
            continue
        change = None
        if i - 1 > group_end and kinds[i - 1] == "change":
            change = i - 1
        elif i + 1 < len(parts) and kinds[i + 1] == "change" and not (i + 2 < len(parts) and kinds[i + 2] == "rate"):
            change = i + 1  # 增长14.6%，增收4,376万元
        first = change if change is not None and change < i else i
        base = first - 1 if first - 1 > group_end and kinds[first - 1] == "base" else None
        start = base if base is not None else first
        plain = [p.claim for p in parts[group_end + 1:start] if p.kind == "plain"]
        operands = [parts[j].claim for j in (change, base) if j is not None]
        plain = [c for c in plain if all(compatible(c, o) for o in operands)]
        current = previous = None
        if len(plain) == 1 or (plain and same_amount(plain)):
            current = plain[-1]
        elif len(plain) > 1 and base is None and change is None:
            pair = dated_pair(plain)
            current, previous = pair if pair else (None, None)
        elif not plain and parts[start].lead.lstrip("，,、").startswith(vocabulary.compare):
            # a comparison with no subject of its own compares the amount before it: the previous
            # group's (支出9.07万元，较年初预算减少…，较上年减少0.71万元) or the sentence before's
            current = shared_current if group_end >= 0 else lone_amount(ctx, sentence) if start == 0 else None
        if current is not None and not all(compatible(current, o) for o in operands):
            current = None
        group_end = max(j for j in (i, change, base) if j is not None)
        shared_current = current
        if base is not None:
            previous = parts[base].claim
        change_claim = parts[change].claim if change is not None else None
        known = [c for c in (current, previous, change_claim) if c is not None]
        if len(known) < 2:
            continue
        change_sign = parts[change].sign if change is not None else 0
        yield ctx.constraint("growth", "RAT005", [rate.claim, *known], "narrative",
                             current=current.id if current else None, previous=previous.id if previous else None,
                             change=change_claim.id if change_claim else None,
                             rate_sign=rate.sign, change_sign=change_sign, word=rate.word)
        if len(known) == 3:
            # 上年 ± 增减 = 本年: a wrong change amount is this sum's finding
            whole, others = (previous, [current, change_claim]) if change_sign < 0 else (current, [previous, change_claim])
            yield ctx.constraint("sum", "RAT005", [whole, *others], "narrative", relation="=")


def find(ctx: Context) -> Iterator[Constraint]:
    vocabulary = Vocabulary.of(ctx)
    seen: set[int] = set()
    for claim in ctx.narrative:
        if claim.quantity.dimension != "percent":
            continue
        sentence = ctx.sentence(claim.span.start, SENTENCE_ENDS)
        if sentence.start in seen:
            continue
        seen.add(sentence.start)
        yield from sentence_groups(ctx, vocabulary, sentence)
