"""A cited document's number year against the year of the funds or the work its title names
(YEAR003): 《关于提前下达2024年…资金的通知》（某财〔2023〕12号） sends next year's funds ahead, so its
number is of the year before or the same year, never later; 《关于开展2023年度…绩效自评工作的通知》
（某财〔2024〕3号） evaluates a year's funds, so it is of that year or later, never earlier. Other
citations (a plain 下达, a standing 管理办法) may be of any year: no constraint."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking import timeline
from auditor.linking.context import Context
from auditor.model import Constraint, Span
from auditor.strings import squash

YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s{0,2}年(度?)")
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s{0,2}年?\s{0,2}[-—至~到]")
TITLE_BEFORE = re.compile(r"《([^《》\n]{4,80})》[ \t]{0,3}[（(]?[^《》（）()\n]{0,12}$")  # 《title》（某财〔
TITLE_AFTER = re.compile(r"^[^《》（）()\n，。；]{0,6}《([^《》\n]{4,80})》")  # 〔2021〕5号《title》
# A heading line closed by its own number: 某局2016年…资金绩效评价报告（某财〔2017〕94号）
OWN_NUMBER_BEFORE = re.compile(r"[（(][^（）()\n]{0,12}$")
OWN_NUMBER_AFTER = re.compile(r"[^（）()\n]{0,8}[）)][ \t\u3000]{0,8}(?:\n|$)")


def title_of(ctx: Context, docno: Span, own_title_chars: int) -> tuple[str, int] | None:
    """The title cited with the document number at ``docno`` and where it starts: a 《title》 right
    before or after it, else the heading line it closes (of at most ``own_title_chars``)."""
    head = ctx.text[max(0, docno.start - 100):docno.start]
    m = TITLE_BEFORE.search(head)
    if m:
        return m.group(1), docno.start - len(head) + m.start(1)
    tail = ctx.text[docno.end:docno.end + 100]
    m = TITLE_AFTER.match(tail)
    if m:
        return m.group(1), docno.end + m.start(1)
    line_start = ctx.text.rfind("\n", max(0, docno.start - own_title_chars - 1), docno.start) + 1
    if docno.start - line_start > own_title_chars or (line_start == 0 and docno.start > own_title_chars):
        return None  # not a heading line
    bracket = OWN_NUMBER_BEFORE.search(ctx.text, line_start, docno.start)
    if bracket and OWN_NUMBER_AFTER.match(ctx.text, docno.end):
        return ctx.text[line_start:bracket.start()], line_start  # the heading's own document: its title is the line
    return None


def find(ctx: Context) -> Iterator[Constraint]:
    """One constraint per year of funds: every citation that sends that year's funds ahead or
    evaluates them, each number against the year (the funds of one year are sent ahead no later and
    evaluated no earlier than that year: one timeline)."""
    by_year: dict[int, list[tuple]] = {}
    for number, funds, relation, title in citations(ctx):
        by_year.setdefault(funds.year, []).append((number, funds, relation, title))
    for cited in by_year.values():
        claims = list({c.id: c for number, funds, _, _ in cited for c in (number, funds)}.values())
        yield ctx.constraint("document_year", "YEAR003", claims, "link",
                             cited=tuple((number.id, funds.id, relation, title) for number, funds, relation, title in cited))
    yield from against_report(ctx)


def citations(ctx: Context) -> Iterator[tuple]:
    """(number's year, funds' year, relation, title) of each citation whose title names one year of
    funds sent ahead (``ahead``) or evaluated (``evaluated``)."""
    spec = ctx.rules["lexicon"].get("cited_documents", {})
    ahead, evaluated, funds = tuple(spec.get("ahead", ())), tuple(spec.get("evaluation", ())), tuple(spec.get("funds_words", ()))
    for t in ctx.reading.times:
        if t.kind != "docno":
            continue
        cited = title_of(ctx, t.span, int(spec["own_title_chars"]))
        if cited is None:
            continue
        title, start = cited
        years = list(YEAR_IN_TITLE.finditer(title))
        if len({m.group(1) for m in years}) != 1 or YEAR_RANGE.search(title):
            continue  # no year, or several: which one the number should follow is not said
        first = years[0]
        after = title[first.end():]
        cue = min((at for at in (after.find(w) for w in evaluated) if at >= 0), default=-1)
        if any(w in title for w in ahead):
            relation = "ahead"  # 提前下达N年…资金: the number is of N or before
        elif cue >= 0 and (first.group(2) or any(w in after[:cue] for w in funds)):
            relation = "evaluated"  # 开展N年度…自评, N年…资金绩效评价: the number is of N or after
        else:
            continue  # 开展N年绩效评价工作: N may be the year of the work, not of the funds
        funds_year = ctx.year_claim(Span(start + first.start(1), start + first.end(1)), int(first.group(1)), t.block)
        number_year = ctx.year_claim(t.span, t.year, t.block)
        yield number_year, funds_year, relation, title


# The report's own date: 发布时间：2023-04-23, 填报日期：2023年3月1日, [ 发布日期 ] 2023-10-13
DATE_AFTER_WORD = r"[\s:：\]】\[•·]{0,8}((?:19|20)\d\d)\s{0,2}(?:年|[-/.])\s{0,2}\d{1,2}"
CLOSING_DATE = re.compile(r"((?:19|20)\d\d)\s{0,2}年\s{0,2}\d{1,2}\s{0,2}月\s{0,2}\d{1,2}\s{0,2}日|((?:19|20)\d\d)-\d{1,2}-\d{1,2}")


def own_dates(ctx: Context) -> list:
    """The year claims of the dates the report states for itself: after a date word (a web page's
    发布日期, a table's 填报日期), or a line that is only a date among the last blocks (the 落款)."""
    spec = ctx.rules["lexicon"].get("cited_documents", {})
    words = spec.get("own_date_words", ())
    out = []
    if words:
        pattern = re.compile("(?:" + "|".join(map(re.escape, words)) + ")" + DATE_AFTER_WORD)
        out += [ctx.year_claim(Span(m.start(1), m.end(1)), int(m.group(1))) for m in pattern.finditer(ctx.text)]
    blocks = ctx.doc.blocks
    for block in blocks[max(0, len(blocks) - int(spec.get("closing_blocks", 0))):]:
        if block.kind != "paragraph":
            continue
        line = ctx.at(block.span)
        m = CLOSING_DATE.search(line)
        if m and m.group().strip() and not squash(line.replace(m.group(), "")):
            group = 1 if m.group(1) else 2
            start = block.span.start + m.start(group)
            out.append(ctx.year_claim(Span(start, start + 4), int(m.group(group))))
    return out


def against_report(ctx: Context) -> Iterator[Constraint]:
    """Every cited number's year against the report's own date (a document cannot be cited before
    it is written): its year + the usual lag, or the latest date it states for itself when later."""
    numbers = [t for t in ctx.reading.times if t.kind == "docno"]
    if not numbers:
        return
    lag = int(ctx.rules["lexicon"].get("cited_documents", {}).get("unstated_lag", 1))
    year, where = timeline.report_year(ctx)
    dated = own_dates(ctx)
    if dated and (year is None or max(c.year for c in dated) > year + lag):
        # a date stated for itself extends the bound (a late evaluation), never narrows it: a closing
        # date may be an attachment's, a 填报日期 a form's of the year before
        bound = max(dated, key=lambda c: c.year)
        latest, source = bound.year, "stated"
    elif year is not None and where is not None:
        bound = ctx.year_claim(where, year)
        latest, source = year + lag, "report_year"
    else:
        return
    own = [ctx.year_claim(where, year)] if source == "stated" and where is not None else []
    claims = [ctx.year_claim(t.span, t.year, t.block) for t in numbers]
    # the report's year beside the date that extends its bound
    chars = int(ctx.rules["lexicon"].get("cited_documents", {}).get("own_title_chars", 80))
    named = tuple((c.id, (title_of(ctx, t.span, chars) or (number_text(ctx, t.span),))[0]) for c, t in zip(claims, numbers))
    yield ctx.constraint("document_date", "YEAR003", [bound, *own, *claims], "link", latest=latest, source=source,
                         numbers=named)


DOCNO_AROUND = re.compile(r"[^\s，,。；;：:、（）()《》]{0,8}$")
DOCNO_SERIAL = re.compile(r"[^\s，,。；;（）()《》]{0,8}?号")


def number_text(ctx: Context, year: Span) -> str:
    """The document number around its year (某财教〔2024〕21号), for messages."""
    left = DOCNO_AROUND.search(ctx.text, max(0, year.start - 10), year.start)
    right = DOCNO_SERIAL.match(ctx.text, year.end)
    return ctx.doc.text[left.start():right.end() if right else year.end]
