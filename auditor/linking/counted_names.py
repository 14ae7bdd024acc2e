"""A count of works opening a clause after the clauses that name them (SUM006): 完成甲河治理工程…，乙渠
改造工程…；2个工程均已验收. Each earlier clause of the sentence names one work ending in the counted
noun (工程); the count stands first in its clause (or after a word that points back: 上述, 以上).
A clause naming none or two, a name given twice, or the noun right after a figure (3个工程) leaves
the sentence unread. Words in ``rules/lists.yaml`` (counted_names)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import FULL_STOPS, Context
from auditor.linking.counts import Listing, _constraint
from auditor.model import Claim, Constraint, Span

CLAUSE = re.compile(r"[，,；;：:]")
NAME = re.compile(r"[\u4e00-\u9fff]+$")
MIN_NAME = 4  # characters of a name with its noun (乙渠改造工程), not the bare noun
MAX_NAME = 30  # characters read back for a name (one endless clause stays linear)


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["lists"].get("counted_names", {})
    nouns = tuple(spec.get("nouns", ()))
    units = tuple(spec.get("units", ()))
    openers = tuple(spec.get("openers", ()))
    leads = re.compile("|".join(map(re.escape, spec.get("lead_cues", ()))) or "(?!)")
    if not nouns:
        return
    for claim in ctx.narrative:
        q = claim.quantity
        if q.dimension != "count" or q.unit not in units or q.decimals or not 2 <= q.value:
            continue
        noun = next((n for n in nouns if ctx.text.startswith(n, claim.span.end)), None)
        if noun is None:
            continue
        listing = names_before(ctx, claim, noun, openers, leads)
        if listing is not None:
            yield _constraint(ctx, claim, listing)


def names_before(ctx: Context, claim: Claim, noun: str, openers: tuple[str, ...],
                 leads: re.Pattern[str]) -> Listing | None:
    sentence = ctx.sentence(claim.span.start, FULL_STOPS)
    before = ctx.text[sentence.start:claim.span.start]
    marks = list(CLAUSE.finditer(before))
    if not marks or before[marks[-1].end():].strip() not in ("", *openers):
        return None  # the count does not open its clause
    items: list[Span] = []
    start = sentence.start
    for mark in marks:
        clause = ctx.text[start:sentence.start + mark.start()]
        at = clause.find(noun)
        if at < 0 or clause.find(noun, at + len(noun)) >= 0 or any(
                c.span.end == start + at for c in ctx.claims_in(Span(start, start + at))):
            return None  # a clause naming no work, two, or counting them (3个工程)
        m = NAME.search(clause[max(0, at - MAX_NAME):at])
        name = leads.split(m.group())[-1] if m else ""
        if len(name) + len(noun) < MIN_NAME:
            return None
        end = start + at + len(noun)
        items.append(Span(end - len(name) - len(noun), end))
        start = sentence.start + mark.end()
    names = [ctx.text[s.start:s.end] for s in items]
    if len(items) < 2 or len(set(names)) < len(names):
        return None
    return Listing(items=tuple(items), amounts=(), open_ended=False,
                   region=Span(items[0].start, claim.span.end))
