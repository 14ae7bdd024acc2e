"""RAT001, a rate stated beside the words that the funds were all used: ``项目资金总额100万元。该资金已
全部投入项目实施，资金执行率100%``. What was used is what was budgeted, so the rate is that amount over
itself, 100%; ``资金已全部支付，支付率92%`` contradicts itself.

The words of full use go with the rates they settle (`named_rates.full_use` in rules/ratios.yaml: 全部拨付 says
nothing of 执行率, funds passed down may be unspent); they stand in the rate's sentence with no figure
between them and the rate. The amount is the one money value stated before them in that sentence
or, when it states none, in the sentence before (in its paragraph)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.growth import Vocabulary
from auditor.model import Claim, Constraint, Span

FULL_STOPS = "。！？!?"


def amount_before(ctx: Context, rate: Claim, start: int, changes: object) -> Claim | None:
    """The one money value before ``start`` in the rate's sentence, else in the sentence before."""
    sentence = ctx.sentence(rate.span.start, FULL_STOPS + "\n")
    spans = [Span(sentence.start, start)]
    if sentence.start >= 2 and ctx.text[sentence.start - 1] in FULL_STOPS:
        spans.append(ctx.sentence(sentence.start - 2, FULL_STOPS + "\n"))
    for span in spans:
        amounts = [c for c in ctx.claims_in(span) if c.quantity.dimension == "money" and c.block == rate.block
                   and c.quantity.comparator == "=" and c.role not in ("change", "balance") and not changes(c)]
        if amounts:
            return amounts[-1] if len({c.quantity.base_value for c in amounts}) == 1 else None
    return None


def find(ctx: Context) -> Iterator[Constraint]:
    settled = ctx.rules["ratios"].get("named_rates", {}).get("full_use", {})
    if not settled:
        return
    growth_words = Vocabulary.of(ctx)

    def changes(c: Claim) -> bool:
        lead = squash(ctx.text[c.context.start:c.span.start]) if c.context else ""
        return growth_words.ending(lead, growth_words.changes) is not None

    for claim in ctx.narrative:
        if claim.quantity.dimension != "percent" or claim.context is None:
            continue
        lead = squash(ctx.text[claim.context.start:claim.span.start])
        name = next((r for r in settled if r in lead), None)
        if name is None:
            continue
        sentence = ctx.sentence(claim.span.start, FULL_STOPS + "\n")
        previous = [c for c in ctx.claims_in(Span(sentence.start, claim.span.start))]
        start = previous[-1].span.end if previous else sentence.start
        words = ctx.text[start:claim.span.start]
        at = max((words.rfind(w) for w in settled[name]), default=-1)
        if at < 0:
            continue
        amount = amount_before(ctx, claim, start + at, changes)
        if amount is not None:
            yield ctx.constraint("ratio", "RAT001", [claim, amount, amount], "narrative", denominators=1, word=name)
