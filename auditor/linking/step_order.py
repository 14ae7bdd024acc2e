"""The dated steps of one piece of work in their natural order (LOGIC007): 招标 → 开标 → 中标 →
签订合同 → 开工 → 竣工 → 验收 (rules: LOGIC007 steps, earliest first). A step is a clause that
names one step and one date (2023年3月5日, 同年4月 read with the year stated just before it in the
paragraph); a later step dated strictly before an earlier one is a contradiction.

The steps of one paragraph are one relation; nothing is said for a paragraph that may hold several
works (a batch word, one step dated twice), nor for a clause that plans (计划, 前) or spans a
period (2023年3月至5月)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from auditor.linking.context import CLAUSE_ENDS, Context
from auditor.model import Claim, Constraint, Span

CLAUSE_CHARS = 60  # at most this far either side of a date
MONTH_DAY = re.compile(r"\s{0,2}(\d{1,2}|元)\s{0,2}月(?:\s{0,2}(\d{1,2})\s{0,2}[日号])?")
RANGE_AFTER = re.compile(r"\s{0,2}(?:份|底|初|末)?\s{0,2}[至到\-—~－]")
RANGE_BEFORE = re.compile(r"[至到\-—~－]\s{0,2}$")


def find(ctx: Context) -> Iterator[Constraint]:
    params = ctx.rules.check("LOGIC007").get("params", {})
    ranks = {word: rank for rank, words in enumerate(params["steps"]) for word in words}
    words = sorted(ranks, key=len, reverse=True)
    same_year = tuple(params["same_year"])
    by_block: dict[int, list[tuple[Claim, int, int, int, str, Span]]] = {}
    last_year: dict[int, Claim] = {}
    for year_claim, month, day, block, span in dates(ctx, same_year, last_year):
        clause = clause_of(ctx, span)
        text = ctx.at(clause)
        if any(w in text for w in params["plans"]):
            continue
        named = {ranks[w] for w in words if w in text}
        if len(named) != 1:
            continue  # no step, or several in one clause: which one the date is of is not said
        rank = named.pop()
        step = next(w for w in words if ranks[w] == rank and w in text)
        by_block.setdefault(block, []).append((year_claim, month, day, rank, step, clause))
    for block, steps in by_block.items():
        if len({rank for _, _, _, rank, _, _ in steps}) < 2 or mixed(ctx, block, steps, params["batches"]):
            continue
        claims = list({c.id: c for c, *_ in steps}.values())
        yield ctx.constraint("step_order", "LOGIC007", claims, "link", spans=tuple(s[5] for s in steps),
                             steps=tuple((c.id, month, day, rank, step) for c, month, day, rank, step, _ in steps))


def dates(ctx: Context, same_year: tuple[str, ...], last_year: dict[int, Claim]) -> Iterator[tuple]:
    """(year claim, month, day or 0, block, span of the date) of each full date, in text order: a
    year mention followed by its month, or a same-year word (同年) followed by one, read with the
    last year stated in its paragraph."""
    found = []
    for t in ctx.reading.times:
        if t.kind == "year" and t.text.endswith("年") and t.block >= 0:
            found.append((t.span.start, t))
    if same_year:
        pattern = re.compile("(?:" + "|".join(map(re.escape, same_year)) + ")(?=" + MONTH_DAY.pattern + ")")
        found += [(m.start(), m) for m in pattern.finditer(ctx.text)]
    found.sort(key=lambda x: x[0])
    starts = [b.span.start for b in ctx.doc.blocks]
    for start, item in found:
        if isinstance(item, re.Match):
            block = bisect_right(starts, start) - 1
            claim = last_year.get(block)
            if claim is None:
                continue
            end = item.end()
        else:
            block, end = item.block, item.span.end
        md = MONTH_DAY.match(ctx.text, end)
        if md is None or RANGE_AFTER.match(ctx.text, md.end()) or RANGE_BEFORE.search(ctx.text, max(0, start - 3), start):
            if not isinstance(item, re.Match):
                last_year[block] = ctx.year_claim(item.span, item.year, block)
            continue
        if not isinstance(item, re.Match):
            claim = last_year[block] = ctx.year_claim(item.span, item.year, block)
        month = 1 if md.group(1) == "元" else int(md.group(1))
        day = int(md.group(2)) if md.group(2) else 0
        if 1 <= month <= 12 and day <= 31:
            yield claim, month, day, block, Span(start, md.end())


def clause_of(ctx: Context, span: Span) -> Span:
    """The clause around a date, within a bounded window (a text without marks stays linear)."""
    low, high = max(0, span.start - CLAUSE_CHARS), min(len(ctx.text), span.end + CLAUSE_CHARS)
    start = max(ctx.text.rfind(c, low, span.start) for c in CLAUSE_ENDS) + 1 or low
    ends = [at for at in (ctx.text.find(c, span.end, high) for c in CLAUSE_ENDS) if at >= 0]
    return Span(max(start, low), min(ends, default=high))


def mixed(ctx: Context, block: int, steps: list, batches: list[str]) -> bool:
    """Several works may be told in one paragraph: a batch word, or one step with two dates."""
    if any(w in ctx.at(ctx.block(block).span) for w in batches):
        return True
    dated: dict[int, set] = {}
    for claim, month, day, rank, _, _ in steps:
        dated.setdefault(rank, set()).add((claim.year, month, day))
    return any(len(d) > 1 for d in dated.values())
