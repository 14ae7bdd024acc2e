"""Year constraints: the report's year against the periods its text (or an attached evaluation)
actually describes: a paragraph opening 'N年度，', 'N年…批复…预算', '截至N年12月底', a heading of
another year."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Constraint, Span

PERIOD_END = re.compile(r"(?:截至|截止|至)\s*$")
YEAR_END_AFTER = re.compile(r"^\s*(?:12\s*月\s*(?:底|末|31日)|年底|年末)")
APPROVAL_AFTER = re.compile(r"^[^，。；]{0,12}?批复[^，。；]{0,20}?预算")
HEADING = re.compile(r"报告|自评表|说明|评价表")


def period_mentions(ctx: Context, year: int) -> list[Span]:
    out = []
    block_starts = {ctx.block(i).span.start for i in ctx.paragraphs}
    for t in ctx.reading.times:
        if t.kind != "year" or t.year == year or t.block < 0 or ctx.block(t.block).kind != "paragraph":
            continue
        block = ctx.block(t.block).span
        after = ctx.text[t.span.end:t.span.end + 30]
        before = ctx.text[max(block.start, t.span.start - 4):t.span.start]
        leading = not squash(ctx.text[block.start:t.span.start])
        line = squash(ctx.at(block))
        sentence = ctx.sentence(t.span.start, "。！？!?\n")
        rest = ctx.text[t.span.end:sentence.end]
        if str(year) in rest or "本年" in rest or comparing(ctx, t.block):
            continue  # the report's own year is named too: a comparison or a forward reference
        if leading and t.text.endswith("年度") and after[:1] in "，,":
            out.append(Span(t.span.start, t.span.end + 1))  # 2022年度，…: the period the text is about
        elif leading and APPROVAL_AFTER.match(after):
            out.append(t.span)  # 2022年区财政局批复…预算: the budget being evaluated
        elif PERIOD_END.search(before) and YEAR_END_AFTER.match(after):
            start = t.span.start - len(PERIOD_END.search(before).group(0))
            out.append(Span(start, t.span.end + len(YEAR_END_AFTER.match(after).group(0))))
        elif leading and len(line) <= 40 and HEADING.search(line) and t.text.endswith("年度") and block.start in block_starts:
            out.append(block)
    return out


COMPARISON = re.compile(r"上年|去年|对比|比较|同比")


def comparing(ctx: Context, block: int) -> bool:
    """The paragraph sits under a heading about the previous year (六、与上年对比)."""
    for index in range(block - 1, max(-1, block - 4), -1):
        b = ctx.block(index)
        if b.kind != "paragraph":
            continue
        line = squash(ctx.at(b.span))
        if len(line) <= 30:
            return bool(COMPARISON.search(line))
    return False


def find(ctx: Context) -> Iterator[Constraint]:
    year = ctx.reading.report_year
    if year is None:
        return
    mentions = period_mentions(ctx, year)
    if not mentions:
        return
    anchor = next((t for t in ctx.reading.times if t.year == year and t.kind == "year"), None)
    title = []
    if anchor is not None and anchor.block >= 0:
        title = [ctx.block(anchor.block).span]
    yield ctx.constraint("year", "YEAR001", [], "link", spans=(*mentions, *title), report_year=year,
                         mentioned=len(mentions))
