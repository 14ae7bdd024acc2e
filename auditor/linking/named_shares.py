"""A share whose part and whole are named, not written beside it (RAT002): 地方财政收入完成48600万元
…税收收入完成31590万元…，税收收入占地方财政收入65%. The part is the one amount of the sentences
above whose own words name the part (税收收入), the whole the one naming the whole; two values of
either name, or an amount (no change on last year) right before the share in its sentence (the
shares finder's case), and nothing is said."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.growth import Vocabulary
from auditor.model import Claim, Constraint, Span

NAME_BREAKS = set("，,。；;：:（()）、 \t\n0123456789.%")
MIN_NAME, MAX_NAME = 2, 16
WHOLE_OPENINGS = ("全部", "全")
WHOLE_ENDINGS = ("为", "达", "比重", "比例", "的")
WINDOW_BLOCKS = 2
SUMMABLE = ("money", "people", "count")


def own_words(ctx: Context, claim: Claim) -> str:
    return squash(ctx.text[claim.context.start:claim.span.start]) if claim.context else ""


def names(lead: str) -> tuple[str, str] | None:
    """(part, whole) of a lead ending 税收收入占地方财政收入(的比重为): the words either side of its
    last 占, each 2–16 characters with no punctuation or digit (string scans, no backtracking)."""
    tail = lead[-(2 * MAX_NAME + 8):]
    at = tail.rfind("占")
    if at < 0:
        return None
    whole = tail[at + 1:]
    for word in WHOLE_OPENINGS:
        whole = whole.removeprefix(word)
    for _ in range(3):
        for word in WHOLE_ENDINGS:
            whole = whole.removesuffix(word)
    start = at
    while start > 0 and at - start < MAX_NAME and tail[start - 1] not in NAME_BREAKS:
        start -= 1
    part = tail[start:at]
    if not (MIN_NAME <= len(part) <= MAX_NAME and MIN_NAME <= len(whole) <= MAX_NAME) \
            or any(ch in NAME_BREAKS for ch in whole):
        return None
    return part, whole


def find(ctx: Context) -> Iterator[Constraint]:
    growth_words = Vocabulary.of(ctx)
    for claim in ctx.narrative:
        if claim.quantity.dimension != "percent" or claim.quantity.comparator != "=":
            continue
        clause = ctx.sentence(claim.span.start, "。；;！？!?\n，,")
        named = names(squash(ctx.text[max(clause.start, claim.span.start - 4 * MAX_NAME):claim.span.start]))
        if named is None:
            continue
        part_name, whole_name = named
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        before = [c for c in ctx.claims_in(Span(sentence.start, claim.span.start)) if c.quantity.dimension in SUMMABLE]
        if part_name in whole_name or whole_name in part_name or \
                (before and not growth_words.ending(own_words(ctx, before[-1]), growth_words.changes)):
            continue  # an amount right before the share is its part: the shares finder's case
        nearby = [c for block in range(max(0, claim.block - WINDOW_BLOCKS), claim.block + 1) for c in ctx.in_block[block]]
        earlier = [c for c in nearby if c.cell is None and c.span.end <= claim.span.start
                   and c.quantity.dimension in SUMMABLE and c.quantity.comparator == "="
                   and not growth_words.ending(own_words(ctx, c), growth_words.changes)]
        parts = [c for c in earlier if part_name in own_words(ctx, c) and whole_name not in own_words(ctx, c)]
        wholes = [c for c in earlier if whole_name in own_words(ctx, c) and part_name not in own_words(ctx, c)]
        if len({c.quantity.base_value for c in parts}) != 1 or len({c.quantity.base_value for c in wholes}) != 1:
            continue
        part, whole = parts[-1], wholes[-1]
        if part.quantity.dimension == whole.quantity.dimension:
            yield ctx.constraint("ratio", "RAT002", [claim, part, whole], "narrative", denominators=1)
