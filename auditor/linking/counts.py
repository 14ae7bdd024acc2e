"""Stated counts against the items listed with them (SUM006): 设9个内设机构，分别为：A、B、… or
A、B、C5个临床科室, or 共13项，合计X万元，其中A a万元、B b万元… Words in ``rules/lists.yaml``
(counted_items). The constraint relates the count to each item listed: a name as a claim of one
(Context.listed_item), an item with its amount by that amount's claim."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from auditor.linking.context import Context, squash
from auditor.linking.lists import sentence
from auditor.model import Claim, Constraint, Span

ITEM_SEPARATOR = "、"
NAME_ENDS = "。；;！？!?\n"
FULL_STOP = "。\n"
COLON_LEAD = re.compile(r"\s*[^\d、，,（(。；：:]{0,12}[：:]\s*")
NAME = re.compile(r"[\u4e00-\u9fff·]{1,20}")  # a plain name: Chinese characters only, no table debris
OPEN_END = re.compile(r"等[^、]{0,8}$")
# an outer name with the names in its bracket, then the separator: 东镇（上村、下村）、
NESTED_ITEM = re.compile(r"(?P<name>[\u4e00-\u9fff·]{1,16})(?:[（(](?P<inner>[^（()）]{1,200})[）)])?(?:、|$)")
# one numbered name and what closes it: 1.办公室；  （2）财务科，
NUMBERED_ITEM = re.compile(r"(?:[（(](?P<bracketed>\d{1,2})[）)]|(?P<dotted>\d{1,2})[.．、])\s*"
                           r"(?P<name>[^；;，,。、（()）\d\s]{1,16})\s*(?:[；;，,]\s*|$)")
NOUN = re.compile(r"[\u4e00-\u9fff]{1,6}")  # the noun of a count: 5个乡镇


@dataclass(frozen=True)
class Listing:
    """The items a count counts: each item's span, its amount's claim when it has one."""

    items: tuple[Span, ...]
    amounts: tuple[Claim, ...]  # empty for plain names
    open_ended: bool  # …等: the items named are some of them
    region: Span
    inner: Listing | None = None  # the names in brackets after the names (东镇（上村、下村）): a count of their own


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
        if listing.inner is None:
            yield _constraint(ctx, claim, listing)
        else:
            yield from _nested_counts(ctx, claim, listing, units)


def _nested_counts(ctx: Context, claim: Claim, listing: Listing, units: tuple[str, ...]) -> list[Constraint]:
    """东镇（上村、下村）、西镇（前村）2个乡镇3个村: the outer names against the first count, the names
    inside against the count right after it; only when each count's noun names what its names are
    (every name ends in a character of the noun: 镇 and 乡 in 乡镇, 村 in 村)."""
    inner_count = _count_right_after(ctx, claim, units)
    if inner_count is None or listing.inner is None:
        return []
    inner_noun = NOUN.match(ctx.text, inner_count.span.end)
    nouns = (squash(ctx.text[claim.span.end:inner_count.span.start]), inner_noun.group() if inner_noun else "")
    for noun, items in zip(nouns, (listing.items, listing.inner.items), strict=True):
        if not noun or any(squash(ctx.text[s.start:s.end])[-1:] not in noun for s in items):
            return []
    return [_constraint(ctx, claim, listing), _constraint(ctx, inner_count, listing.inner)]


def _constraint(ctx: Context, claim: Claim, listing: Listing) -> Constraint:
    members = list(listing.amounts) or [ctx.listed_item(s, claim.quantity.unit, claim.block) for s in listing.items]
    return ctx.constraint("count_items", "SUM006", [claim, *members], "narrative", spans=(listing.region,),
                          items=len(listing.items), relation=">=" if listing.open_ended else "=",
                          names="、".join(squash(ctx.doc.text[s.start:s.end]) for s in listing.items))


def _count_right_after(ctx: Context, claim: Claim, units: tuple[str, ...]) -> Claim | None:
    """The count that follows ``claim`` and its noun at once (5个乡镇11个村: 11个), if any."""
    following = ctx.claims_in(Span(claim.span.end, min(len(ctx.text), claim.span.end + 12)))
    if not following:
        return None
    q = following[0].quantity
    between = squash(ctx.text[claim.span.end:following[0].span.start])
    if q.dimension != "count" or q.unit not in units or q.decimals or not NOUN.fullmatch(between):
        return None
    return following[0]


def _listing(ctx: Context, claim: Claim, spec: dict) -> Listing | None:
    """The items listed after the count (after a cue or a colon, or after its total: 共13项，合计…，其中…)
    or before it in its clause (A、B、C5个临床科室)."""
    cues = tuple(spec.get("cues", ()))
    here = sentence(ctx.text, claim.span.start, NAME_ENDS)
    after = ctx.text[claim.span.end:here.end].rstrip(NAME_ENDS)
    lead = re.match(r"\s*[，,：:]?[^\d、，,（(。；]{0,12}?[，,：:]?\s*(?:" + "|".join(map(re.escape, cues)) + r")\s*[：:]?",
                    after)
    colon = lead is None and (COLON_LEAD.match(after) or _intro(after, spec))  # 共5个单位：A、B、…
    lead = lead or colon
    if lead:
        start = claim.span.end + lead.end()
        enumerating = not colon and re.search("|".join(map(re.escape, spec.get("single_name_cues", ()))) or "$^",
                                              lead.group()) and re.search(r"[：:]\s*$", lead.group())
        listing = _items(ctx, Span(start, claim.span.end + len(after)), single=bool(enumerating))
        listing = listing or _numbered(ctx, Span(start, sentence(ctx.text, claim.span.start, FULL_STOP).end))
        if listing is not None:
            return listing
    total = _total_then_parts(ctx, claim, after, spec)
    if total is not None:
        return total
    before = ctx.text[here.start:claim.span.start]
    clause_start = max(before.rfind(ch) for ch in "，,：:") + 1
    if ITEM_SEPARATOR not in before[clause_start:]:
        return None
    region, leads = Span(here.start + clause_start, claim.span.start), tuple(spec.get("lead_words", ()))
    listing = _items(ctx, region, leads=leads)
    if listing is not None and not listing.amounts and _counts_something_else(ctx, claim, listing):
        return None
    return listing or _nested(ctx, region, leads)


def _intro(after: str, spec: dict) -> re.Match[str] | None:
    """5所学校，具体学校如下：A、B、…: the names after a clause that announces them and a colon."""
    intros = spec.get("list_intros", ())
    if not intros:
        return None
    return re.match(r"[^\d、，,（(。；：:]{0,12}[，,][^\d、，,（(。；：:]{0,8}?(?:"
                    + "|".join(map(re.escape, intros)) + r")\s*[：:]\s*", after)


def _counts_something_else(ctx: Context, claim: Claim, listing: Listing) -> bool:
    """东镇、西镇、南镇12个村: most names end in a character (镇) that the count's noun (村) lacks,
    so the count counts what lies inside the things named, not the things named."""
    noun = NOUN.match(ctx.text, claim.span.end)
    if noun is None:
        return False
    ends = Counter(squash(ctx.text[s.start:s.end])[-1:] for s in listing.items)
    end, times = ends.most_common(1)[0]
    return 2 * times >= len(listing.items) and end not in noun.group()


def _nested(ctx: Context, region: Span, leads: tuple[str, ...]) -> Listing | None:
    """东镇（上村、下村）、西镇（前村）: the outer names, with the names in their brackets as ``inner``;
    None unless every bracket holds a plain 、 list and every outer name is plain."""
    start = region.start + _lead_cut(ctx.text[region.start:region.end], leads)
    text = ctx.text[start:region.end].rstrip()
    open_end = OPEN_END.search(text)
    if open_end:
        text = text[:open_end.start()]
    outer, inner, at = [], [], start
    while at - start < len(text):
        m = NESTED_ITEM.match(text, at - start)
        if m is None or m.end() == at - start:
            return None  # something between the items that is neither a name nor a bracket
        outer.append(Span(start + m.start("name"), start + m.end("name")))
        if m.group("inner") is not None:
            base = start + m.start("inner")
            for piece in m.group("inner").split(ITEM_SEPARATOR):
                inner.append(Span(base, base + len(piece)))
                base += len(piece) + len(ITEM_SEPARATOR)
        at = start + m.end()
    if at != start + len(text) or not inner or len(outer) < 2:
        return None
    outer_names, inner_names = ([squash(ctx.text[s.start:s.end]) for s in spans] for spans in (outer, inner))
    if any(not NAME.fullmatch(n) or OPEN_END.search(n) for n in (*outer_names, *inner_names)):
        return None  # not plain names, or a bracket that names only some (东镇（上村等）)
    if _glued(outer_names) or (len(inner_names) > 1 and _glued(inner_names)):
        return None
    inside = Listing(tuple(inner), (), bool(open_end), Span(outer[0].start, start + len(text)))
    return Listing(tuple(outer), (), bool(open_end), Span(start, start + len(text)), inner=inside)


def _numbered(ctx: Context, region: Span) -> Listing | None:
    """设3个科室：1.办公室；2.财务科；3.业务科。: names numbered 1, 2, … n in one sentence, each a plain
    name; None when anything else stands between them or the numbers skip."""
    text = ctx.text[region.start:region.end].rstrip().rstrip(FULL_STOP).rstrip()
    items, at = [], len(text) - len(text.lstrip())
    while at < len(text):
        m = NUMBERED_ITEM.match(text, at)
        if m is None:
            return None
        serial = m.group("bracketed") or m.group("dotted")
        if int(serial) != len(items) + 1 or not NAME.fullmatch(squash(m.group("name"))):
            return None
        items.append(Span(region.start + m.start("name"), region.start + m.end("name")))
        at = m.end()
    if at != len(text) or len(items) < 2 or OPEN_END.search(squash(ctx.text[items[-1].start:items[-1].end])):
        return None
    return Listing(tuple(items), (), False, Span(region.start, region.start + len(text)))


def _lead_cut(first: str, leads: tuple[str, ...]) -> int:
    """Where the first name begins after the words that open its clause (设内科: 1)."""
    return max((first.rfind(w) + len(w) for w in leads if w in first[:-1]), default=0)


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
    spans[0] = Span(spans[0].start + _lead_cut(ctx.text[spans[0].start:spans[0].end], leads), spans[0].end)
    if any(ch in ctx.text[spans[0].start:spans[-1].end] for ch in "（()）[]【】"):
        return None  # names that nest
    amounts = _amounts(ctx, spans) if re.search(r"\d", ctx.text[spans[0].start:spans[-1].end]) else []
    if amounts is None:
        return None
    names = [squash(ctx.text[s.start:(a.span.start if amounts else s.end)]) for s, a in
             zip(spans, amounts or spans, strict=True)]
    if any(not NAME.fullmatch(n) for n in names) or re.search(r"[和及与]", names[-1]):
        return None  # not plain names; or …、B和C, whose last name may be two
    if not amounts and _glued(names):
        return None
    return Listing(tuple(spans), tuple(amounts), bool(open_end), Span(region.start, region.start + len(text.rstrip())))


def _glued(names: list[str]) -> bool:
    """One name far longer than the rest, with a seam: a separator is missing somewhere. The seam is
    another name's last character inside it (果树栽培蔬菜育苗: 作物栽培 ends in 培); a long name with
    none (劳动就业和社会保障服务所 beside 农业服务中心, 退役军人服务站) is one name."""
    lengths = sorted(len(n) for n in names)
    cut = 1.5 * lengths[(len(lengths) - 1) // 2] + 1
    ends = {n[-1] for n in names}
    return any(len(n) > cut and any(ch in ends for ch in n[:-1]) for n in names)


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
