"""Year constraints: the report's year against the periods its text (or an attached evaluation)
actually describes: a paragraph or sentence opening 'N年度' or 'N年末', 'N年…批复…预算',
'截至N年12月底', a heading of another year."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import NUMBERING, Context, squash
from auditor.linking.form_years import form_year_mentions
from auditor.model import Claim, Constraint, Span, TimeMention


def alternation(words: list[str]) -> str:
    return "(?:" + "|".join(map(re.escape, words)) + ")"


class Cues:
    """The cue words, patterns and windows of rules/lexicon.yaml (``periods``, ``year_references``)."""

    def __init__(self, ctx: Context) -> None:
        periods = ctx.rules["lexicon"].get("periods", {})
        self.period_end = re.compile(alternation(periods["period_end"]) + r"\s*$")
        self.year_end_after = re.compile(r"\s*" + periods["year_end"])
        self.approval_after = re.compile("^" + periods["approval"])
        self.heading = re.compile(alternation(periods["heading_words"]))
        self.heading_chars = int(periods["heading_chars"])
        self.opening_chars = int(periods["opening_chars"])
        self.opening_ends = periods["opening_ends"]
        self.own_year_words = tuple(periods["own_year_words"])
        self.title_year = re.compile(r"((?:19|20)\d\d)\s*年度?[^\n]{0,%d}?" % int(periods["title_window"])
                                     + alternation(periods["title_words"]))
        self.title_blocks = int(periods["title_blocks"])
        self.metadata = tuple(periods["metadata"])
        spec = ctx.rules["lexicon"].get("year_references", {})
        self.deadline = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末)?\s*"
                                   + alternation(spec["deadline_before"]) + r"\s*" + alternation(spec["deadline_verbs"]))
        self.past_markers = tuple(spec["past_markers"])
        self.reason = re.compile(r"(?:^|[。；;\n])[ \t\u3000]*((?:19|20)\d\d)\s*年度?[^，,。；;\n]{0,%d}?"
                                 % int(spec["reason_window"]) + spec["change_reason"])
        self.min_digits = int(spec["min_digits"])
        self.comparison = re.compile(alternation(spec["comparison_words"]))


def period_mentions(ctx: Context, year: int) -> list[tuple[TimeMention, Span]]:
    """The years that date the period the text describes, of whatever year, each with the span that
    says so; a year other than the report's only where nothing makes it a comparison."""
    cues = Cues(ctx)
    out = []
    block_starts = {ctx.block(i).span.start for i in ctx.paragraphs}
    for t in ctx.reading.times:
        if t.kind != "year" or t.block < 0 or ctx.block(t.block).kind != "paragraph":
            continue
        block = ctx.block(t.block).span
        after = ctx.text[t.span.end:t.span.end + 30]
        before = ctx.text[max(block.start, t.span.start - 4):t.span.start]
        leading = not squash(ctx.text[block.start:t.span.start])
        line = squash(ctx.at(block))
        if t.year != year:
            sentence = ctx.sentence(t.span.start, "。！？!?\n")
            rest = ctx.text[t.span.end:sentence.end]
            if str(year) in rest or any(w in rest for w in cues.own_year_words) or comparing(ctx, t.block, cues):
                continue  # the report's own year is named too: a comparison or a forward reference
        year_end = cues.year_end_after.match(ctx.text, t.span.start + 4)  # after the digits: 2021年底, 2021年12月31日
        opening = opening_sentence(ctx, t, cues)
        if leading and t.text.endswith("年度") and after[:1] in "，,":
            out.append((t, Span(t.span.start, t.span.end + 1)))  # 2022年度，…: the period the text is about
        elif leading and cues.approval_after.match(after):
            out.append((t, t.span))  # 2022年区财政局批复…预算: the budget being evaluated
        elif year_end and cues.period_end.search(before):
            start = t.span.start - len(cues.period_end.search(before).group(0))
            out.append((t, Span(start, year_end.end())))
        elif leading and len(line) <= cues.heading_chars and cues.heading.search(line) and t.text.endswith("年度") and block.start in block_starts:
            out.append((t, block))
        elif opening and year_end:
            out.append((t, Span(t.span.start, year_end.end())))  # 2021年末，…; （一）2021年12月31日项目目标完成情况
        elif opening and t.text.endswith("年度"):
            out.append((t, t.span))  # 1.总体情况。2022年度收入总计…: a sentence opening a paragraph dates its facts
    return out


def opening_sentence(ctx: Context, t: TimeMention, cues: Cues) -> bool:
    """The year opens a sentence (after a list number at most) within the first characters of its
    paragraph: 2022年度收入总计…, 1.总体情况。2022年度…, 一、项目概况：2022年度…"""
    block = ctx.block(t.block).span
    if len(squash(ctx.text[block.start:t.span.start])) > cues.opening_chars:
        return False
    start = max(block.start, ctx.sentence(t.span.start, cues.opening_ends).start)
    return not NUMBERING.sub("", squash(ctx.text[start:t.span.start]))


def other_year_references(ctx: Context, year: int, own: list[Claim]) -> Iterator[Constraint]:
    """Years of the work itself that are not the report's: a deadline set before the report's year
    (2021年10月31日前完成 in a 2022 report), an annual plan of another year cited as the basis of
    the goals (依据《…2020年…防治方案》 in a 2021 report). Documents cited by number (and
    funds 提前下达) are read by cited_years (YEAR003); 上年 comparisons are not years of the work.
    Every deadline and plan forms a constraint; the check raises only on a year before the report's."""
    spec = ctx.rules["lexicon"].get("year_references", {})
    plans = tuple(spec.get("annual_plans", ()))
    basis = tuple(spec.get("basis_cues", ()))
    targets = tuple(spec.get("deadline_cues", ()))
    cues = Cues(ctx)
    for m in cues.deadline.finditer(ctx.text):
        before = squash(ctx.text[max(0, m.start() - 20):m.start()])
        if before.endswith(cues.past_markers) or not any(cue in before for cue in targets):
            continue  # 已于2021年12月前完成: a past fact, not the year's deadline
        stated = ctx.year_claim(Span(m.start(1), m.end(1)), int(m.group(1)))
        yield ctx.constraint("year_reference", "YEAR002", [stated, *own], "link", spans=(Span(m.start(), m.end()),),
                             report_year=year, stated=stated.year, what="完成时限", before=True)
    for m in CITED_TITLE.finditer(ctx.text):
        title = squash(m.group(1))
        years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", title)]
        before = squash(ctx.text[max(0, m.start() - 8):m.start()])
        if len(years) != 1 or re.search(r"\d{4}\s*[-—至~]", title):
            continue
        if title.endswith(plans) and before.endswith(basis):
            digits = re.search(r"((?:19|20)\d\d)\s*年", m.group(1))
            stated = ctx.year_claim(Span(m.start(1) + digits.start(1), m.start(1) + digits.end(1)), years[0])
            yield ctx.constraint("year_reference", "YEAR002", [stated, *own], "link", spans=(Span(m.start(), m.end()),),
                                 report_year=year, stated=years[0], what="绩效目标依据的年度方案", before=True)


def reasons_of_another_year(ctx: Context, year: int, own: list[Claim]) -> Iterator[Constraint]:
    """2015年…同比下降的原因 in a 2016 report: the reasons given are this year's change, dated
    another year."""
    for m in Cues(ctx).reason.finditer(ctx.text):
        stated = int(m.group(1))
        if stated == year or str(year) not in m.group(0):
            span = Span(m.start(1), m.end())
            claim = ctx.year_claim(Span(m.start(1), m.end(1)), stated)
            yield ctx.constraint("year_reference", "YEAR002", [claim, *own], "link", spans=(span,), report_year=year,
                                 stated=stated, what="增减原因的年度")


CLAUSE_ENDS = "，,。；;！？!?\n"


def clause_year(ctx: Context, pos: int) -> tuple[int | None, str]:
    """The year the clause dates its amount by (not a full date: 2022年12月 is when, not whose)."""
    span = ctx.sentence(pos, CLAUSE_ENDS)
    left = squash(ctx.text[span.start:pos])
    years = re.findall(r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)", left)
    return (int(years[-1]) if years else None), left


def same_amount_two_years(ctx: Context, year: int, report: list[Claim]) -> Iterator[Constraint]:
    """612.384万元 “2023年度安排” and “2022年上级下达”: one sum of money given two years."""
    skip = tuple(ctx.rules["lexicon"].get("year_references", {}).get("not_this_years_money", ()))
    min_digits = Cues(ctx).min_digits  # an amount distinctive enough to be one sum of money wherever it is written
    by_value: dict[tuple, list] = {}
    for claim in ctx.narrative:
        q = claim.quantity
        digits = len(str(q.value).replace(".", "").lstrip("0"))
        if q.dimension == "money" and q.comparator == "=" and digits >= min_digits and q.decimals >= 2:
            by_value.setdefault((q.value, q.factor), []).append(claim)
    for claims in by_value.values():
        dated = [(c, *clause_year(ctx, c.span.start)) for c in claims]
        own = [c for c, y, _ in dated if y == year]
        other = [(c, y) for c, y, left in dated if y is not None and y != year and not any(w in left for w in skip)]
        if own and other and len({y for _, y in other}) == 1:
            claim, stated = other[0]
            span = ctx.sentence(claim.span.start, CLAUSE_ENDS)
            yield ctx.constraint("year_reference", "YEAR002", [claim, own[0], *report], "link",
                                 spans=(Span(span.start, claim.span.end),), report_year=year, stated=stated,
                                 what="同一笔资金" + claim.text + "的年度")


CITED_TITLE = re.compile(r"《([^《》\n]{4,60})》")


def comparing(ctx: Context, block: int, cues: Cues) -> bool:
    """The paragraph sits under a heading about the previous year (六、与上年对比)."""
    for index in range(block - 1, max(-1, block - 4), -1):
        b = ctx.block(index)
        if b.kind != "paragraph":
            continue
        line = squash(ctx.at(b.span))
        if len(line) <= 30:
            return bool(cues.comparison.search(line))
    return False


def report_year(ctx: Context) -> tuple[int | None, Span | None]:
    """The year of the report's heading line (2019年度项目绩效自评报告) and where it is written, else
    the reader's guess (which a page's publication date, 发布日期2021-04-17, can mislead) and its
    first mention."""
    cues = Cues(ctx)
    for index, block in enumerate(ctx.doc.blocks[:cues.title_blocks]):
        if block.kind != "paragraph":
            continue
        line = squash(ctx.at(block.span))
        if len(line) > 80 or line.startswith(cues.metadata) or any(w in line[:6] for w in cues.metadata):
            continue
        m = cues.title_year.search(line)
        if m:
            year = int(m.group(1))
            where = next((t.span for t in ctx.reading.times if t.block == index and t.year == year), None)
            return year, where
    year = ctx.reading.report_year
    anchor = next((t for t in ctx.reading.times if t.year == year and t.kind == "year"), None)
    return year, (anchor.span if anchor is not None else None)


def report_year_claim(ctx: Context, year: int, where: Span | None) -> list[Claim]:
    """The report's year as a claim (none when the reader guessed a year it never found written)."""
    return [ctx.year_claim(where, year)] if where is not None else []


def find(ctx: Context) -> Iterator[Constraint]:
    year, where = report_year(ctx)
    if year is None:
        return
    own = report_year_claim(ctx, year, where)
    yield from other_year_references(ctx, year, own)
    yield from same_amount_two_years(ctx, year, own)  # the report's year, beside the amount's two
    yield from reasons_of_another_year(ctx, year, own)
    mentions = period_mentions(ctx, year) + form_year_mentions(ctx)
    if not mentions:
        return
    title = []
    anchor = next((t for t in ctx.reading.times if t.year == year and t.kind == "year"), None)
    if anchor is not None and anchor.block >= 0:
        title = [ctx.block(anchor.block).span]
    dated = [ctx.year_claim(t.span, t.year, t.block) for t, _ in mentions]
    claims = list({c.id: c for c in [*own, *dated]}.values())
    # ``dated`` in the order of the mentions' spans: the check reads which span dates each claim
    yield ctx.constraint("year", "YEAR001", claims, "link", spans=(*(s for _, s in mentions), *title),
                         report_year=year, mentioned=len(mentions), dated=tuple(c.id for c in dated))
