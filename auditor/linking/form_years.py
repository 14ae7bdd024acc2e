"""The year a self-evaluation form states for itself, read as a period the report describes (YEAR001):
a key-value cell (评价年度 | 2023), the year heading a form's first rows (项目支出绩效自评表 | (2023年度)),
a line that is the year alone or a form's heading ending in it (…自评表（2023年度）), a part or section
heading naming its year (第二部分 …2019年部门决算表, （二）2017年重点工作完成情况), a paragraph opening with a
year it calls 本年. Each is a period the report states as its own; the check raises on another year."""

from __future__ import annotations

import re

from auditor.linking.context import NUMBERING, Context, squash
from auditor.model import Span, TimeMention

YEAR_VALUE = re.compile(r"((?:19|20)\d\d)\s{0,2}(?:年度?)?")
FORM_YEAR = re.compile(r"[（(]?\s{0,2}((?:19|20)\d\d)\s{0,2}年度\s{0,2}[)）]?")
PART = re.compile(r"((?:19|20)\d\d)年度?[^\d年]{2,30}$")
OPENING = re.compile(r"((?:19|20)\d\d)年")
HEADED = re.compile(r"[（(]\s{0,2}((?:19|20)\d\d)\s{0,2}年度\s{0,2}[)）]$")


def mention(ctx: Context, start: int, year: int, block: int) -> tuple[TimeMention, Span]:
    span = Span(start, start + 4)
    return TimeMention(year, span, ctx.text[span.start:span.end], "year", block), span


def key_value(ctx: Context, keys: tuple[str, ...]) -> list[tuple[TimeMention, Span]]:
    """评价年度 | 2023: the cell right of a form-year key holding a year and nothing else."""
    out = []
    for index, block in enumerate(ctx.doc.blocks):
        if block.kind != "table":
            continue
        for cells in block.rows:
            filled = [c for c in cells if squash(ctx.at(c.span))]
            for key, value in zip(filled, filled[1:]):
                if squash(ctx.at(key.span)) not in keys:
                    continue
                view = ctx.at(value.span)
                m = YEAR_VALUE.fullmatch(view.strip())
                if m:
                    out.append(mention(ctx, value.span.start + view.index(view.strip()) + m.start(1), int(m.group(1)), index))
    return out


def headings(ctx: Context, words: tuple[str, ...], ends: tuple[str, ...], titles: tuple[str, ...], chars: int) -> list[tuple[TimeMention, Span]]:
    """A section heading opening with the year and ending in a word of ``ends`` (（二）2017年重点工作完成情况);
    （2021年度） alone on a line, or ending a short line naming a form (…绩效自评表（2023年度））."""
    out = []
    for index in ctx.paragraphs:
        block = ctx.block(index).span
        view = ctx.at(block)
        line = view.rstrip()
        if len(squash(line)) > chars:
            continue
        part = PART.search(squash(line))
        if part and squash(line).endswith(titles):
            start = block.start + view.index(part.group(1))
            out.append(mention(ctx, start, int(part.group(1)), index))  # 第三部分 …2019年部门决算情况说明
            continue
        opening = OPENING.match(NUMBERING.sub("", squash(line), count=1))
        if opening and squash(line).rstrip("。").endswith(ends):
            start = block.start + view.index(opening.group(1))
            out.append(mention(ctx, start, int(opening.group(1)), index))  # （二）2017年重点工作完成情况
            continue
        m = HEADED.search(line)
        if not m:
            continue
        head = squash(line[:m.start()])
        if not head or head.endswith(words):
            out.append(mention(ctx, block.start + m.start(1), int(m.group(1)), index))
    return out


def form_heading(ctx: Context, index: int) -> list[tuple[TimeMention, Span]]:
    """项目支出绩效自评表 | (2023年度): a cell of a form's first rows holding the year alone."""
    for cells in ctx.block(index).rows[:3]:
        for cell in cells:
            view = ctx.at(cell.span)
            m = FORM_YEAR.fullmatch(view.strip())
            if m:
                return [mention(ctx, cell.span.start + view.index(view.strip()) + m.start(1), int(m.group(1)), index)]
    return []


def called_own_year(ctx: Context, words: tuple[str, ...], window: int, breaks: str) -> list[tuple[TimeMention, Span]]:
    """2017年林业局本年收入合计…: a paragraph opening with a year it calls 本年 within a few characters,
    with no word between that compares the two (2023年与本年相比)."""
    if not words:
        return []
    pattern = re.compile(r"((?:19|20)\d\d)\s{0,2}年度?[^，,。；;：:\n\d%s]{0,%d}?" % (re.escape(breaks), window) + "(?:" + "|".join(map(re.escape, words)) + ")")
    out = []
    for index in ctx.paragraphs:
        block = ctx.block(index).span
        view = ctx.at(block)
        head = view[:window * 2 + 12]
        m = pattern.search(head)
        if m and not NUMBERING.sub("", squash(head[:m.start()])):
            out.append(mention(ctx, block.start + m.start(1), int(m.group(1)), index))
    return out


def form_year_mentions(ctx: Context) -> list[tuple[TimeMention, Span]]:
    periods = ctx.rules["lexicon"].get("periods", {})
    keys = tuple(periods.get("form_year_keys", ()))
    found = called_own_year(ctx, tuple(periods.get("own_year_words", ())), int(periods.get("own_year_window", 0)),
                            periods.get("own_year_breaks", ""))
    found += key_value(ctx, keys) + headings(ctx, tuple(periods.get("form_words", ())), tuple(periods.get("section_ends", ())),
                       tuple(periods.get("document_ends", ())), int(periods["heading_chars"]))
    for sheet in ctx.sheets:
        found.extend(form_heading(ctx, sheet[0]))
    return list({m.span: (m, s) for m, s in found}.values())
