"""Counts of things the text refers to rather than names in a 、 list (SUM006): the dates a count of
batches was issued on (分别于3月5日、6月8日、9月1日下达3批资金) and the documents a count of
documents cites (依据《A》（…号）、《B》（…号）两个文件). Words in ``rules/lists.yaml``
(counted_references); the constraint is the one of counts.py: the count against each item."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from auditor.linking.context import CLAUSE_ENDS, SENTENCE_ENDS, Context, squash
from auditor.linking.counts import Listing, _constraint
from auditor.linking.lists import sentence
from auditor.model import Claim, Constraint, Span

# one date of a list: 2022年6月17日, 9月13日, 12月 (a month alone)
DATE = r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?"
DATES = re.compile(rf"{DATE}(?:、{DATE})+")
TITLE_CLOSE = "》"
TITLE_OPEN = "《"
MAX_GAP = 12  # the count stands this close after the dates (…将3批) or before the cue (分3批，分别于)
SHARED_NOUN = 4  # 3批中央农业…资金 and 将3批中央农业…资金: the same batches


def title_tail(spec: dict) -> re.Pattern[str]:
    """After the last title only its document number, a document noun and a joining word before the
    count (…》（财建〔2021〕1号）两个文件)."""
    nouns = "|".join(map(re.escape, spec.get("document_nouns", ())))
    joiners = "".join(map(re.escape, spec.get("title_joiners", "")))
    return re.compile(rf"^(?:[（(][^（()）]{{0,30}}[）)]?)?(?:{nouns})?" + (f"[{joiners}]?$" if joiners else "$"))


def dated_counts(ctx: Context, spec: dict) -> Iterator[Constraint]:
    """分别于A、B、C将3批资金分解下达: a count of batches (or times) against the dates listed after
    ``cues`` in its sentence; only one such count and one such list in the sentence."""
    cues, units = tuple(spec.get("date_cues", ())), tuple(spec.get("date_units", ()))
    ordinals = tuple(spec.get("ordinals", ()))  # 第3批 names one batch, not how many
    if not cues or not units:
        return
    for claim in ctx.narrative:
        q = claim.quantity
        if q.unit not in units or q.decimals or not 1 <= q.value or ctx.text[:claim.span.start].endswith(ordinals):
            continue
        here = sentence(ctx.text, claim.span.start, SENTENCE_ENDS)
        text = ctx.text[here.start:here.end]
        lists = [m for cue in cues for m in re.finditer(re.escape(cue) + r"\s*(" + DATES.pattern + ")", text)]
        counts = [c for c in ctx.claims_in(here) if c.quantity.unit in units]
        if len(lists) != 1 or len(counts) != 1:
            continue
        found = lists[0]
        start, end = here.start + found.start(1), here.start + found.end(1)
        after = claim.span.start - end
        before = here.start + found.start() - claim.span.end
        if not (0 <= after <= MAX_GAP and not any(ch in ctx.text[end:claim.span.start] for ch in CLAUSE_ENDS)) \
                and not 0 <= before <= MAX_GAP:
            continue
        items, at = [], start
        for piece in found.group(1).split("、"):
            items.append(Span(at, at + len(piece)))
            at += len(piece) + 1
        if len({squash(ctx.text[s.start:s.end]) for s in items}) != len(items):
            continue  # a date twice is no list of issues
        constraint = _constraint(ctx, claim, Listing(tuple(items), (), False, Span(start, end)))
        earlier = _restated(ctx, claim, here, units)
        if earlier is not None:  # 下达3批资金。分别于A、B、C将3批资金…: the first count is of the same batches
            constraint = replace(constraint, claims=(*constraint.claims, earlier.id),
                                 params={**constraint.params, "restated": [earlier.id]})
        yield constraint


def _restated(ctx: Context, claim: Claim, here: Span, units: tuple[str, ...]) -> Claim | None:
    """The one count of the sentence before (same block) in the same unit whose noun (the words
    right after it) begins as this count's does, for ``SHARED_NOUN`` characters."""
    if here.start == 0 or ctx.block(claim.block).span.start >= here.start - 1:
        return None
    before = sentence(ctx.text, here.start - 1, SENTENCE_ENDS)
    noun = squash(ctx.text[claim.span.end:claim.span.end + 20])[:SHARED_NOUN]
    found = [c for c in ctx.claims_in(before) if c.quantity.unit == claim.quantity.unit]
    if len(found) != 1 or len(noun) < SHARED_NOUN or \
            squash(ctx.text[found[0].span.end:found[0].span.end + 20])[:SHARED_NOUN] != noun:
        return None
    return found[0]


def cited_documents(ctx: Context, spec: dict) -> Iterator[Constraint]:
    """依据《A》（…号）、《B》（…号）两个文件: a count of documents against the titles closed (》) in
    its clause before it, with nothing but a document number after the last; none when a title
    holds another (《关于印发《办法》的通知》) or the titles are some of them (…等两个文件)."""
    nouns, units = tuple(spec.get("document_nouns", ())), tuple(spec.get("document_units", ()))
    if not nouns or not units:
        return
    tail = title_tail(spec)
    for claim in ctx.narrative:
        q = claim.quantity
        if q.unit not in units or q.decimals or not 1 <= q.value:
            continue
        if not ctx.text.startswith(nouns, claim.span.end):
            continue
        start = claim.span.start
        while start > 0 and ctx.text[start - 1] not in CLAUSE_ENDS:
            start -= 1
        clause = ctx.text[start:claim.span.start]
        closes = [i for i, ch in enumerate(clause) if ch == TITLE_CLOSE]
        opens = clause.count(TITLE_OPEN)
        if not closes or not tail.match(squash(clause[closes[-1] + 1:])) or (opens and opens != len(closes)):
            continue
        if opens and _nested(clause):
            continue
        items, begin = [], 0
        for close in closes:
            open_at = clause.rfind(TITLE_OPEN, begin, close)
            items.append(Span(start + (open_at + 1 if open_at >= 0 else begin), start + close))
            begin = close + 1
        yield _constraint(ctx, claim, Listing(tuple(items), (), False, Span(items[0].start, claim.span.start)))


def _nested(clause: str) -> bool:
    depth = 0
    for ch in clause:
        depth += (ch == TITLE_OPEN) - (ch == TITLE_CLOSE)
        if depth > 1 or depth < 0:
            return True
    return False


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["lists"].get("counted_references", {})
    yield from dated_counts(ctx, spec)
    yield from cited_documents(ctx, spec)

