"""An execution rate stated alone, its figures in other paragraphs (RAT001): 专项资金执行率为96%。 with
…专项资金预算246.30万元 above and …专项资金共支231.875万元 in a later paragraph. The spent figure is
the one total spent (a figure led by a word of `lone_rates.spent_totals`, rules/ratios.yaml) of the
same funds in the document: its name and the rate's end alike in at least MIN_SHARED characters
(专项资金); two such values, or none, and nothing is said. The budget is each one stated above
(earlier_budgets.readings): the rate holds when it fits one of them."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking import earlier_budgets
from auditor.linking.context import FULL_STOPS, Context, squash
from auditor.linking.growth import Vocabulary
from auditor.linking.narrative import left_text, summable
from auditor.model import Claim, Constraint

MIN_SHARED = 3  # characters the names of the funds share at their end (专项资金; 资金 alone is any funds)
FILLERS = ("为", "达", "是", "达到")


def shared_ending(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def funds_of(words: str, endings: tuple[str, ...]) -> str | None:
    """The funds' name before one of ``endings`` (执行率为 → …专项资金), fillers after it allowed."""
    for filler in ("", *FILLERS):
        stem = words.removesuffix(filler) if filler else words
        for ending in endings:
            if stem.endswith(ending):
                return stem[: -len(ending)]
    return None


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["ratios"].get("lone_rates", {})
    cues, totals = tuple(spec.get("cues", ())), tuple(spec.get("spent_totals", ()))
    if not cues or not totals:
        return
    growth_words = Vocabulary.of(ctx)

    def changes(c: Claim) -> bool:
        return growth_words.ending(left_text(ctx, c), growth_words.changes) is not None

    spent: list[tuple[Claim, str]] = []
    for claim in ctx.narrative:
        if claim.quantity.dimension == "money" and claim.quantity.comparator == "=":
            name = funds_of(left_text(ctx, claim), totals)
            if name:
                spent.append((claim, name))
    if not spent:
        return
    for rate in ctx.narrative:
        if rate.quantity.dimension != "percent" or rate.quantity.comparator != "=":
            continue
        funds = funds_of(left_text(ctx, rate), cues)
        if not funds:
            continue
        sentence = ctx.sentence(rate.span.start, FULL_STOPS)
        if any(summable(c) for c in ctx.claims_in(sentence)):
            continue  # a figure in its sentence: the named rates' case
        of_funds = [c for c, name in spent if shared_ending(squash(funds), squash(name)) >= MIN_SHARED
                    and (c.year is None or rate.year is None or c.year == rate.year)]
        if len({c.quantity.base_value for c in of_funds}) != 1:
            continue
        numerator = of_funds[-1]
        budgets = earlier_budgets.readings(ctx, rate, numerator, changes)
        if budgets:
            cue = next(c for c in cues if c in left_text(ctx, rate))
            yield ctx.constraint("ratio", "RAT001", [rate, numerator, *budgets], "narrative", denominators=1,
                                 denominator_readings=[c.id for c in budgets], word=cue)
