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


DEADLINE = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末)?\s*(?:前|之前|以前)\s*(?:完成|拨付|支付|下达|到位)")


def other_year_references(ctx: Context, year: int) -> Iterator[Constraint]:
    """Years of the work itself that are not the report's: a deadline set before the report's year
    (2021年11月30日前完成 in a 2022 report), an annual plan of another year cited as the basis of
    the goals (依据《…2020年…防治方案》 in a 2021 report). Documents cited by number, funds
    提前下达, 上年 comparisons are not: they are not read here."""
    spec = ctx.rules["lexicon"].get("year_references", {})
    plans = tuple(spec.get("annual_plans", ()))
    basis = tuple(spec.get("basis_cues", ()))
    targets = tuple(spec.get("deadline_cues", ()))
    for m in DEADLINE.finditer(ctx.text):
        before = squash(ctx.text[max(0, m.start() - 20):m.start()])
        if before.endswith(("已", "已于", "于")) or not any(cue in before for cue in targets):
            continue  # 已于2021年12月前完成: a past fact, not the year's deadline
        if int(m.group(1)) < year:
            yield ctx.constraint("year_reference", "YEAR002", [], "link", spans=(Span(m.start(), m.end()),),
                                 report_year=year, stated=int(m.group(1)), what="完成时限")
    for m in CITED_TITLE.finditer(ctx.text):
        title = squash(m.group(1))
        years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", title)]
        before = squash(ctx.text[max(0, m.start() - 8):m.start()])
        if len(years) != 1 or years[0] >= year or re.search(r"\d{4}\s*[-—至~]", title):
            continue
        if title.endswith(plans) and before.endswith(basis):
            yield ctx.constraint("year_reference", "YEAR002", [], "link", spans=(Span(m.start(), m.end()),),
                                 report_year=year, stated=years[0], what="绩效目标依据的年度方案")


REASON = re.compile(r"(?:^|[。；;\n])[ \t\u3000]*((?:19|20)\d\d)\s*年度?[^，,。；;\n]{0,40}?(?:同比|较上年|比上年)?(?:下降|增长|增加|减少|变动|增减)的原因")


def reasons_of_another_year(ctx: Context, year: int) -> Iterator[Constraint]:
    """2015年…同比下降的原因 in a 2016 report: the reasons given are this year's change, dated
    another year."""
    for m in REASON.finditer(ctx.text):
        stated = int(m.group(1))
        if stated != year and str(year) not in m.group(0):
            span = Span(m.start(1), m.end())
            yield ctx.constraint("year_reference", "YEAR002", [], "link", spans=(span,), report_year=year,
                                 stated=stated, what="增减原因的年度")


CLAUSE_ENDS = "，,。；;！？!?\n"
MIN_DIGITS = 5  # an amount distinctive enough to be one sum of money wherever it is written


def clause_year(ctx: Context, pos: int) -> tuple[int | None, str]:
    """The year the clause dates its amount by (not a full date: 2022年12月 is when, not whose)."""
    span = ctx.sentence(pos, CLAUSE_ENDS)
    left = squash(ctx.text[span.start:pos])
    years = re.findall(r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)", left)
    return (int(years[-1]) if years else None), left


def same_amount_two_years(ctx: Context, year: int) -> Iterator[Constraint]:
    """547.615万元 “2023年度安排” and “2022年上级下达”: one sum of money given two years."""
    skip = tuple(ctx.rules["lexicon"].get("year_references", {}).get("not_this_years_money", ()))
    by_value: dict[tuple, list] = {}
    for claim in ctx.narrative:
        q = claim.quantity
        digits = len(str(q.value).replace(".", "").lstrip("0"))
        if q.dimension == "money" and q.comparator == "=" and digits >= MIN_DIGITS and q.decimals >= 2:
            by_value.setdefault((q.value, q.factor), []).append(claim)
    for claims in by_value.values():
        dated = [(c, *clause_year(ctx, c.span.start)) for c in claims]
        own = [c for c, y, _ in dated if y == year]
        other = [(c, y) for c, y, left in dated if y is not None and y != year and not any(w in left for w in skip)]
        if own and other and len({y for _, y in other}) == 1:
            claim, stated = other[0]
            span = ctx.sentence(claim.span.start, CLAUSE_ENDS)
            yield ctx.constraint("year_reference", "YEAR002", [claim, own[0]], "link",
                                 spans=(Span(span.start, claim.span.end),), report_year=year, stated=stated,
                                 what="同一笔资金" + claim.text + "的年度")


CITED_TITLE = re.compile(r"《([^《》\n]{4,60})》")
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


TITLE_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?[^\n]{0,40}?(?:报告|说明|自评表|评价表|公开)")
METADATA = ("发布", "索引", "公开目录", "日期", "来源", "时间")
TITLE_BLOCKS = 15


def report_year(ctx: Context) -> int | None:
    """The year of the report's heading line (2019年度项目绩效自评报告), else the reader's guess
    (which a page's publication date, 发布日期2020-06-28, can mislead)."""
    for block in ctx.doc.blocks[:TITLE_BLOCKS]:
        if block.kind != "paragraph":
            continue
        line = squash(ctx.at(block.span))
        if len(line) > 80 or line.startswith(METADATA) or any(w in line[:6] for w in METADATA):
            continue
        m = TITLE_YEAR.search(line)
        if m:
            return int(m.group(1))
    return ctx.reading.report_year


def find(ctx: Context) -> Iterator[Constraint]:
    year = report_year(ctx)
    if year is None:
        return
    yield from other_year_references(ctx, year)
    yield from same_amount_two_years(ctx, year)
    yield from reasons_of_another_year(ctx, year)
    mentions = period_mentions(ctx, year)
    if not mentions:
        return
    anchor = next((t for t in ctx.reading.times if t.year == year and t.kind == "year"), None)
    title = []
    if anchor is not None and anchor.block >= 0:
        title = [ctx.block(anchor.block).span]
    yield ctx.constraint("year", "YEAR001", [], "link", spans=(*mentions, *title), report_year=year,
                         mentioned=len(mentions))
