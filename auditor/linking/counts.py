"""Stated counts against the names listed with them (SUM006): 设9个内设机构，分别为：A、B、… or
A、B、C5个临床科室. Words in ``rules/lists.yaml`` (counted_items)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.lists import sentence
from auditor.model import Constraint, Span

ITEM_SEPARATOR = "、"
NAME_ENDS = "。；;！？!?\n"
COLON_LEAD = re.compile(r"\s*[^\d、，,（(。；：:]{0,12}[：:]\s*")
NAME = re.compile(r"[\u4e00-\u9fff·]{1,16}")  # a plain name: Chinese characters only, no table debris


def counted_items(ctx: Context) -> Iterator[Constraint]:
    """SUM006: 设9个内设机构，分别为：A、B、…（8 names) or A、B、C5个临床科室: a stated count against
    the names listed with it. Names that nest (brackets) or that look glued together (one far longer
    than the others) give no single count."""
    spec = ctx.rules["lists"].get("counted_items", {})
    units, cues = tuple(spec.get("units", ())), tuple(spec.get("cues", ()))
    leads = tuple(spec.get("lead_words", ()))
    for claim in ctx.narrative:
        q = claim.quantity
        if q.dimension != "count" or q.unit not in units or q.decimals or not 1 <= q.value <= 60:
            continue
        here = sentence(ctx.text, claim.span.start, NAME_ENDS)
        after = ctx.text[claim.span.end:here.end].rstrip(NAME_ENDS)
        lead = re.match(r"\s*[，,：:]?[^\d、，,（(。；]{0,12}?[，,：:]?\s*(?:" + "|".join(map(re.escape, cues)) + r")\s*[：:]?",
                        after) or COLON_LEAD.match(after)  # 共5个单位：A、B、… (the names after a colon)
        names, spans_from = None, 0
        if lead and ITEM_SEPARATOR in after[lead.end():]:
            names, spans_from = after[lead.end():], claim.span.end + lead.end()
        else:
            before = ctx.text[here.start:claim.span.start]
            clause_start = max(before.rfind(ch) for ch in "，,：:") + 1
            if ITEM_SEPARATOR in before[clause_start:]:
                names, spans_from = before[clause_start:], here.start + clause_start
        if names is None:
            continue
        items, open_ended = _names(names, leads if spans_from < claim.span.start else ())
        if items is None:
            continue
        spans = (Span(spans_from, spans_from + len(names.rstrip())),)
        yield ctx.constraint("count_items", "SUM006", [claim], "narrative", spans=spans, items=len(items),
                             relation=">=" if open_ended else "=", names="、".join(items))


def _names(text: str, leads: tuple[str, ...] = ()) -> tuple[list[str] | None, bool]:
    """The names of a 、 list, and whether it ends in 等; None when the list is not plainly one level.
    ``leads``: words that may open the first name's clause (卫生院设内科、外科…: 设), cut off it."""
    text = squash(text)
    if any(ch in text for ch in "（()）[]【】") or re.search(r"\d", text):
        return None, False
    open_ended = bool(re.search(r"等[^、]{0,8}$", text))
    text = re.sub(r"等[^、]{0,8}$", "", text)
    items = [i for i in text.split(ITEM_SEPARATOR)]
    if len(items) < 2 or any(not NAME.fullmatch(i) for i in items) or re.search(r"[和及与]", items[-1]):
        return None, False  # not plain names; or …、B和C, whose last name may be two
    first = items[0]
    cut = max((first.rfind(w) + len(w) for w in leads if w in first[:-1]), default=0)
    lengths = sorted(len(i) for i in [first[cut:], *items[1:]])
    if lengths[-1] > 1.5 * lengths[(len(lengths) - 1) // 2] + 1:
        return None, False  # one name far longer than the rest: a separator is missing somewhere
    return items, open_ended


def find(ctx: Context) -> Iterator[Constraint]:
    yield from counted_items(ctx)
