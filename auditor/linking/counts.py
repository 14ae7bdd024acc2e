"""Stated counts against the items listed with them (SUM006): 设9个内设机构，分别为：A、B、… or
A、B、C5个临床科室, or 共13项，合计X万元，其中A a万元、B b万元… Words in ``rules/lists.yaml``
(counted_items). The constraint relates the count to each item listed: a name as a claim of one
(Context.listed_item), an item with its amount by that amount's claim."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from auditor.linking.context import Context, squash
from auditor.linking.lists import sentence
from auditor.model import Claim, Constraint, Span

ITEM_SEPARATOR = "、"
NAME_ENDS = "。；;！？!?\n"
COLON_LEAD = re.compile(r"\s*[^\d、，,（(。；：:]{0,12}[：:]\s*")
NAME = re.compile(r"[\u4e00-\u9fff·]{1,16}")  # a plain name: Chinese characters only, no table debris
OPEN_END = re.compile(r"等[^、]{0,8}$")


@dataclass(frozen=True)
class Listing:
    """The items a count counts: each item's span, its amount's claim when it has one."""

    items: tuple[Span, ...]
    amounts: tuple[Claim, ...]  # empty for plain names
    open_ended: bool  # …等: the items named are some of them
    region: Span


def counted_items(ctx: Context) -> Iterator[Constraint]:
    """SUM006: 设9个内设机构，分别为：A、B、…（8 names) or A、B、C5个临床科室: a stated count against
    the names listed with it. Names that nest (brackets) or that look glued together (one far longer
    than the others) give no single count."""
    spec = ctx.rules["lists"].get("counted_items", {})
    units = tuple(spec.get("units", ()))
    for claim in ctx.narrative:
        q = claim.quantity
        if q.dimension != "count" or q.unit not in units or q.decimals or not 1 <= q.value:
            continue
        listing = _listing(ctx, claim, spec)
        if listing is None:
            continue
        if not listing.amounts and q.value > spec.get("max_names", 60):
            continue  # a count of names so large is no list written out in full
        members = list(listing.amounts) or [ctx.listed_item(s, q.unit, claim.block) for s in listing.items]
        yield ctx.constraint("count_items", "SUM006", [claim, *members], "narrative", spans=(listing.region,),
                             items=len(listing.items), relation=">=" if listing.open_ended else "=",
                             names="、".join(squash(ctx.doc.text[s.start:s.end]) for s in listing.items))


def _listing(ctx: Context, claim: Claim, spec: dict) -> Listing | None:
    """The items listed after the count (after a cue or a colon, or after its total: 共13项，合计…，其中…)
    or before it in its clause (A、B、C5个临床科室)."""
    cues = tuple(spec.get("cues", ()))
    here = sentence(ctx.text, claim.span.start, NAME_ENDS)
    after = ctx.text[claim.span.end:here.end].rstrip(NAME_ENDS)
    lead = re.match(r"\s*[，,：:]?[^\d、，,（(。；]{0,12}?[，,：:]?\s*(?:" + "|".join(map(re.escape, cues)) + r")\s*[：:]?",
                    after)
    colon = lead is None and COLON_LEAD.match(after)  # 共5个单位：A、B、… (the names after a colon)
    lead = lead or colon
    if lead:
        start = claim.span.end + lead.end()
        enumerating = not colon and re.search("|".join(map(re.escape, spec.get("single_name_cues", ()))) or "$^",
                                              lead.group()) and re.search(r"[：:]\s*$", lead.group())
        listing = _items(ctx, Span(start, claim.span.end + len(after)), single=bool(enumerating))
        if listing is not None:
            return listing
    total = _total_then_parts(ctx, claim, after, spec)
    if total is not None:
        return total
    before = ctx.text[here.start:claim.span.start]
    clause_start = max(before.rfind(ch) for ch in "，,：:") + 1
    if ITEM_SEPARATOR not in before[clause_start:]:
        return None
    return _items(ctx, Span(here.start + clause_start, claim.span.start), leads=tuple(spec.get("lead_words", ())))


def _total_then_parts(ctx: Context, claim: Claim, after: str, spec: dict) -> Listing | None:
    """共13项，合计金额118,156万元，其中A 40,671万元、B…: the parts listed after the total are all of
    them when their amounts add up to it; then there are as many parts as the count says."""
    totals, parts = spec.get("total_words", ()), spec.get("parts_cues", ())
    if not totals or not parts:
        return None
    lead = re.match(r"\s*[，,]\s*(?:" + "|".join(map(re.escape, totals)) + r")[^\d，,。；、]{0,8}", after)
    if lead is None:
        return None
    following = ctx.claims_in(Span(claim.span.end + lead.end(), claim.span.end + len(after)))
    total = following[0] if following else None
    if total is None or total.span.start != claim.span.end + lead.end() or total.quantity.dimension != "money":
        return None
    rest = ctx.text[total.span.end:claim.span.end + len(after)]
    cue = re.match(r"\s*[，,]\s*(?:" + "|".join(map(re.escape, parts)) + r")\s*[：:]?\s*", rest)
    if cue is None:
        return None
    listing = _items(ctx, Span(total.span.end + cue.end(), claim.span.end + len(after)))
    if listing is None or not listing.amounts or listing.open_ended:
        return None
    low = sum((a.quantity.base_low for a in listing.amounts), Decimal(0))
    high = sum((a.quantity.base_high for a in listing.amounts), Decimal(0))
    if low > total.quantity.base_high or high < total.quantity.base_low:
        return None  # the parts named are not all of the total
    return listing


def _items(ctx: Context, region: Span, leads: tuple[str, ...] = (), single: bool = False) -> Listing | None:
    """The items of a 、 list in ``region``: plain names, or names each with one money amount at its
    end; None when the list is not plainly one level. ``leads``: words that may open the first name's
    clause (卫生院设内科、外科…: 设), cut off it. ``single``: one name alone counts (共1个，包括：A)."""
    text = ctx.text[region.start:region.end]
    stripped = text.rstrip()
    open_end = OPEN_END.search(stripped)
    if open_end:
        stripped = stripped[:open_end.start()]
    pieces, spans, at = stripped.split(ITEM_SEPARATOR), [], region.start
    for piece in pieces:
        inner = len(piece) - len(piece.lstrip())
        spans.append(Span(at + inner, at + len(piece.rstrip())))
        at += len(piece) + len(ITEM_SEPARATOR)
    if len(spans) < 2 and not (single and not open_end):
        return None
    raw = ctx.text[spans[0].start:spans[0].end]
    cut = max((raw.rfind(w) + len(w) for w in leads if w in raw[:-1]), default=0)
    spans[0] = Span(spans[0].start + cut, spans[0].end)
    if any(ch in ctx.text[spans[0].start:spans[-1].end] for ch in "（()）[]【】"):
        return None  # names that nest
    amounts = _amounts(ctx, spans) if re.search(r"\d", ctx.text[spans[0].start:spans[-1].end]) else []
    if amounts is None:
        return None
    names = [squash(ctx.text[s.start:(a.span.start if amounts else s.end)]) for s, a in
             zip(spans, amounts or spans, strict=True)]
    if any(not NAME.fullmatch(n) for n in names) or (len(names) > 1 and re.search(r"[和及与]", names[-1])):
        return None  # not plain names; or …、B和C, whose last name may be two
    lengths = sorted(len(n) for n in names)
    if not amounts and lengths[-1] > 1.5 * lengths[(len(lengths) - 1) // 2] + 1:
        return None  # one name far longer than the rest: a separator is missing somewhere
    return Listing(tuple(spans), tuple(amounts), bool(open_end), Span(region.start, region.start + len(text.rstrip())))


def _amounts(ctx: Context, spans: list[Span]) -> list[Claim] | None:
    """Each item's one money figure, written at its end (森林抚育补贴资金16,800万元); None otherwise."""
    amounts = []
    for span in spans:
        inside = ctx.claims_in(span)
        if len(inside) != 1 or inside[0].quantity.dimension != "money" or inside[0].span.end != span.end:
            return None
        amounts.append(inside[0])
    return amounts


def find(ctx: Context) -> Iterator[Constraint]:
    yield from counted_items(ctx)
