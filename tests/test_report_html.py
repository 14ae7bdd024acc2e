"""The annotated HTML page, rendered from AuditResults built by hand.

The builders here (``DocBuilder``, ``sample_result``, ``hostile_result``) are also used by the
browser test.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.model import (
    AuditResult,
    Block,
    Cell,
    Claim,
    Document,
    Evidence,
    Finding,
    Quantity,
    Reading,
    Span,
)
from auditor.report.html import finding_order, render_html

# --------------------------------------------------------------------------------------------
# Builders


class DocBuilder:
    """Builds a Document's text and blocks together, so every span is right by construction."""

    def __init__(self, path: str = "/reports/示例报告.txt") -> None:
        self.path = path
        self.text = ""
        self.blocks: list[Block] = []

    def para(self, text: str, page: int | None = None) -> Span:
        start = len(self.text)
        self.text += text
        span = Span(start, len(self.text))
        self.blocks.append(Block("paragraph", span, page=page))
        self.text += "\n\n"
        return span

    def table(self, rows: list[list[str | tuple[str, int, int]]], header_rows: int = 1,
              page: int | None = None) -> Block:
        """Rows of cells; a cell is its text or (text, rowspan, colspan). Tab-separated lines."""
        start = len(self.text)
        out_rows: list[tuple[Cell, ...]] = []
        covered: set[tuple[int, int]] = set()
        headers: list[str] = []
        for r, row in enumerate(rows):
            cells = []
            col = 0
            for item in row:
                text, rowspan, colspan = (item, 1, 1) if isinstance(item, str) else item
                while (r, col) in covered:
                    col += 1
                self.text += "\t"
                cstart = len(self.text)
                self.text += text
                is_header = r < header_rows
                if is_header:
                    headers.append(text)
                cells.append(Cell(
                    row=r, col=col, span=Span(cstart, len(self.text)), text=text,
                    header_path=() if is_header else (rows[0][col] if isinstance(rows[0][col], str) else rows[0][col][0],)
                    if col < len(rows[0]) else (),
                    row_header=() if is_header or col == 0 else (row[0] if isinstance(row[0], str) else row[0][0],),
                    rowspan=rowspan, colspan=colspan, is_header=is_header,
                ))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        covered.add((r + dr, col + dc))
                col += colspan
            out_rows.append(tuple(cells))
            self.text += "\n"
        block = Block("table", Span(start, len(self.text) - 1), rows=tuple(out_rows), page=page)
        self.blocks.append(block)
        self.text += "\n"
        return block

    def raw(self, text: str) -> None:
        """Text outside every block (a loader may leave some)."""
        self.text += text

    def document(self) -> Document:
        return Document(path=self.path, text=self.text, blocks=tuple(self.blocks), format="txt",
                        sha256=Document.digest(self.text.encode("utf-8", "surrogatepass")), encoding="utf-8")

    def find(self, needle: str, occurrence: int = 0, after: int = 0) -> Span:
        start = after - 1
        for _ in range(occurrence + 1):
            start = self.text.index(needle, start + 1)
        return Span(start, start + len(needle))


def quantity(value: str, unit: str, comparator: str = "=") -> Quantity:
    v = Decimal(value)
    decimals = max(0, -v.as_tuple().exponent)
    half = Decimal(5) * Decimal(10) ** (-decimals - 1)
    return Quantity(value=v, unit=unit, low=v - half, high=Decimal("Infinity") if comparator == ">=" else v + half,
                    comparator=comparator, decimals=decimals)


def claim(cid: int, doc: Document, span: Span, value: str, unit: str, kind: str, role: str,
          subject: str, comparator: str = "=") -> Claim:
    return Claim(id=cid, quantity=quantity(value, unit, comparator), span=span, text=doc.at(span),
                 kind=kind, role=role, subject=subject, year=2023)


def evidence(doc: Document, span: Span, role: str = "", value: str = "", unit: str = "") -> Evidence:
    return Evidence(span=span, text=doc.at(span), role=role, value=value, unit=unit)


def sample_result(triage: bool = False, pages: bool = False) -> AuditResult:
    """A small report with a narrative, a funding table (with a merged cell) and an indicator
    table; findings whose evidence lies in the narrative, in table cells, and overlaps."""
    b = DocBuilder()
    p1 = 1 if pages else None
    p2 = 2 if pages else None
    b.para("关于2023年度老字号项目绩效自评报告", page=p1)
    b.para("一、基本情况", page=p1)
    b.para("老字号项目全年预算数为680万元，执行数为661.7252万元，完成预算的100%。"
           "项目支出524.23元，老字号项目绩效自评得分为100分。", page=p1)
    b.table([
        ["项目", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
        ["年度资金总额", "680", "661.7252", "10", "100%", "10"],
        ["其中：本年财政拨款", "680", "661.7252", "10", "100%", "10"],
    ], page=p1)
    b.table([
        ["一级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        [("产出指标(50分)", 2, 1), "扶持企业数量", "≥5家", "6家", "20", "20"],
        ["宣传次数", "≥3次", "2次", "10", "10"],
        ["总分", ("", 1, 3), "100", "100"],
    ], page=p2)
    b.para("二、存在问题：无。", page=p2)
    doc = b.document()

    claims = [
        claim(1, doc, b.find("680万元"), "680", "万元", "money", "budget", "老字号项目"),
        claim(2, doc, b.find("661.7252万元"), "661.7252", "万元", "money", "executed", "老字号项目"),
        claim(3, doc, b.find("100%"), "100", "%", "rate", "rate", "老字号项目"),
        claim(4, doc, b.find("524.23元"), "524.23", "元", "money", "executed", "项目支出"),
        claim(5, doc, b.find("100分"), "100", "分", "score", "score", "老字号项目"),
        claim(6, doc, b.find("661.7252", 1), "661.7252", "万元", "money", "executed", "年度资金总额"),
        claim(7, doc, b.find("100%", 1), "100", "%", "rate", "rate", "年度资金总额"),
        claim(8, doc, b.find("≥3次"), "3", "次", "count", "target", "宣传次数", ">="),
        claim(9, doc, b.find("2次"), "2", "次", "count", "actual", "宣传次数"),
    ]
    # Findings. Evidence of 1 covers claim 2 and claim 3 (a claim inside an evidence span) and
    # overlaps evidence of 5; evidence of 2 and 3 sits in table cells.
    narrative_rate = b.find("执行数为661.7252万元，完成预算的100%")
    findings = [
        Finding("RATIO001", "ratio.rate-recompute", "ratio_mismatch", "error",
                "执行率陈述为100%，按 661.7252/680 重算为97.31%",
                (evidence(doc, narrative_rate, "executed", "661.7252", "万元"),
                 evidence(doc, b.find("100%", 1), "rate", "100", "%")),
                stated="100%", expected="97.31%", difference="2.69个百分点", tolerance="0.5%",
                formula="661.7252 ÷ 680 = 97.31%"),
        Finding("SCORE002", "score.rate-full-marks", "score_inconsistent", "warning",
                "执行率97.31%却得满分10分，按执行率×分值应得9.73分",
                (evidence(doc, b.find("10", 2, after=b.find("100%", 1).start), "score", "10", "分"),),
                stated="10", expected="9.73", formula="97.31% × 10"),
        Finding("SCORE004", "score.target-missed-full-marks", "score_inconsistent", "error",
                "宣传次数实际2次，未达年度指标值≥3次，却得满分10分",
                (evidence(doc, b.find("≥3次"), "target"), evidence(doc, b.find("2次"), "actual"),
                 evidence(doc, b.find("10", 1, after=b.find("2次").start), "score")),
                stated="10", expected="< 10"),
        Finding("UNIT001", "unit.bare-yuan", "unit_anomaly", "warning",
                "“项目支出524.23元”的单位为元，全文其余金额以万元计",
                (evidence(doc, b.find("项目支出524.23元")),),
                stated="524.23元", expected="524.23万元"),
        Finding("SUM003", "sum.total-vs-narrative", "sum_mismatch", "info",
                "自评得分100分与表内分项合计不一致（按分项为90分）",
                (evidence(doc, b.find("100%。项目支出")), evidence(doc, b.find("100分"))),
                stated="100", expected="90", uncertain=True),
    ]
    triage_map = None
    if triage:
        triage_map = {
            findings[0].fingerprint: {"state": "confirmed", "who": "王审计", "note": "已与单位核实"},
            findings[3].fingerprint: {"state": "dismissed", "who": "李科长", "note": "<b>元</b> 为笔误"},
        }
    result = AuditResult(doc, Reading(tuple(claims), report_year=2023, title="关于2023年度老字号项目绩效自评报告",
                                      unit_name="烈山区人社局"), tuple(findings), ruleset="default",
                         version="0.1.0")
    return (result, triage_map) if triage else result


HOSTILE_BITS = [
    "<script>window.__pwned = 1; document.title = 'pwned'; alert('x')</script>",
    "<img src=x onerror=\"window.__pwned=2;alert(2)\">",
    "<a href=\"javascript:window.__pwned=3\">点此</a>",
    "</p></td></table><svg onload=window.__pwned=4>",
    "&lt;b&gt;实体&amp;amp;&#x3C;script&#x3E;",
    "{{ 7*7 }}{% raw %}",
    "\u202e反转\u202c 零宽\u200b字符\u200d 和\ufeff以及\x00\x07控制",
    "\"' onmouseover=\"window.__pwned=5\" data-x='",
    "<iframe src=\"data:text/html,<script>parent.__pwned=6</script>\"></iframe>",
    "<style>body{display:none}</style><link rel=stylesheet href=http://evil.example/x.css>",
]


def hostile_result() -> AuditResult:
    """A report whose text tries to run script everywhere text is shown: narrative, table cells,
    evidence, claim tooltips, title, unit, finding message and triage notes."""
    b = DocBuilder(path="/tmp/<script>alert(1)</script>.txt")
    b.para("<script>document.title='pwned'</script>报告标题")
    spans = [b.para(f"第{i}段：{bit}预算1362.16万元") for i, bit in enumerate(HOSTILE_BITS)]
    b.table([["项目", "金额"], [HOSTILE_BITS[0], "680万元"], [HOSTILE_BITS[1], HOSTILE_BITS[2]]])
    doc = b.document()
    claims = tuple(
        Claim(id=i, quantity=quantity("1362.16", "万元"), span=b.find("1362.16万元", i), text="1362.16万元",
              kind="money", role="budget", subject=HOSTILE_BITS[i % len(HOSTILE_BITS)])
        for i in range(len(HOSTILE_BITS)))
    findings = tuple(
        Finding("HOST%03d" % i, "test.hostile", "crossref_mismatch", "error",
                f"消息里也有：{bit}", (evidence(doc, span, role=bit, value=bit),),
                stated=bit, expected=bit, formula=bit)
        for i, (bit, span) in enumerate(zip(HOSTILE_BITS, spans)))
    findings += (Finding("HOSTTAB", "test.hostile-table", "logic_contradiction", "warning", HOSTILE_BITS[1],
                         (evidence(doc, b.find(HOSTILE_BITS[0], 1)), evidence(doc, b.find(HOSTILE_BITS[2], 1)))),)
    reading = Reading(claims, report_year=2023, title=HOSTILE_BITS[0], unit_name=HOSTILE_BITS[1])
    return AuditResult(doc, reading, findings, ruleset="<script>r</script>", version="0.1.0")


def hostile_triage(result: AuditResult) -> dict[str, dict[str, str]]:
    return {f.fingerprint: {"state": "confirmed", "who": HOSTILE_BITS[0], "note": HOSTILE_BITS[1]}
            for f in result.findings}


# --------------------------------------------------------------------------------------------
# A tiny DOM for assertions (stdlib parser: elements with attributes, text, children).


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "wbr", "source"}


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        assert node is not self.root, f"stray </{tag}>"
        assert self.cur is node, f"</{tag}> closes <{self.cur.tag}>: markup is unbalanced"
        self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.cur is builder.root, f"unclosed <{builder.cur.tag}>"
    return builder.root


def document_pane(root: Node) -> Node:
    (pane,) = root.find_all("main", id="document")
    return pane


def evidence_text(root: Node, key: str) -> str:
    pane = document_pane(root)
    return "".join(n.text() for n in pane.iter() if key in (n.attrs.get("data-ev") or "").split())


# --------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def sample() -> AuditResult:
    return sample_result()


@pytest.fixture(scope="module")
def sample_html(sample: AuditResult) -> str:
    return render_html(sample)


def test_page_is_well_formed_and_self_contained(sample_html: str) -> None:
    root = parse(sample_html)
    assert sample_html.startswith("<!DOCTYPE html>")
    assert root.find_all("html")[0].attrs["lang"] == "zh-CN"
    # No network: no external resource of any kind, and a CSP that forbids it.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", sample_html)
    assert "@import" not in sample_html and "url(" not in sample_html
    (csp,) = [m for m in root.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp.attrs["content"]
    assert "unsafe-inline" not in csp.attrs["content"]
    assert len(root.find_all("script")) == 1 and "src" not in root.find_all("script")[0].attrs
    assert len(root.find_all("style")) == 1


def test_csp_hashes_match_the_inline_style_and_script(sample_html: str) -> None:
    import base64
    import hashlib

    root = parse(sample_html)
    (csp,) = [m for m in root.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    for tag in ("style", "script"):
        body = root.find_all(tag)[0].text()
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.attrs["content"], tag


def test_header_shows_title_unit_year_counts_and_file_facts(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    (title,) = root.find_all("h1")
    assert title.text() == "关于2023年度老字号项目绩效自评报告"
    header = root.find_all("header")[0].text()
    for expected in ("烈山区人社局", "2023 年度", "示例报告.txt", sample.document.sha256, "auditor 0.1.0",
                     "default", "比率不符", "得分与完成情况矛盾", "单位异常", "合计不符"):
        assert expected in header
    tallies = {n.attrs["class"].split()[1]: n.find_all("span", "big")[0].text()
               for n in root.find_all("div", "tally-sev")}
    assert tallies == {"sev-error": "2", "sev-warning": "2", "sev-info": "1"}


def test_missing_title_unit_and_year_are_said_to_be_missing(sample: AuditResult) -> None:
    bare = AuditResult(sample.document, Reading(sample.reading.claims), sample.findings)
    root = parse(render_html(bare))
    assert "未识别报告标题" in root.find_all("h1")[0].text()
    assert root.find_all("header")[0].text().count("未识别") >= 3


def test_every_finding_is_listed_most_severe_first(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    cards = root.find_all("li", "finding")
    assert len(cards) == len(sample.findings)
    severities = [c.attrs["data-severity"] for c in cards]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    by_print = {c.attrs["data-fingerprint"]: c for c in cards}
    for f in sample.findings:
        card = by_print[f.fingerprint]
        text = card.text()
        assert f.message in text and f.code in text and f.stated in text and f.expected in text
        assert card.attrs["data-category"] == f.category
        if f.formula:
            assert f.formula in text
        links = card.find_all("a", "evidence")
        assert len(links) == len(f.evidence)
    uncertain = by_print[sample.findings[4].fingerprint]
    assert uncertain.find_all("span", "uncertain")


def test_every_evidence_span_is_highlighted_with_its_text(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    pane = document_pane(root)
    ids = {n.attrs["id"] for n in pane.iter() if "id" in n.attrs}
    for card in root.find_all("li", "finding"):
        for link in card.find_all("a", "evidence"):
            key = link.attrs["data-ev"]
            assert link.attrs["href"] == f"#{key}"
            assert key in ids, f"no anchor for {key}"
            highlighted = evidence_text(root, key)
            snippet = link.find_all("mark")[0].text()
            assert highlighted, key
            # The highlight is the evidence text, less the whitespace between table cells.
            assert "".join(highlighted.split()) == "".join(snippet.replace("│", "").split())
            for node in pane.iter():
                if key in (node.attrs.get("data-ev") or "").split():
                    assert card.attrs["id"] in node.attrs["data-f"].split()
                    assert "ev" in node.classes


def test_highlight_colour_is_the_most_severe_finding(sample_html: str) -> None:
    root = parse(sample_html)
    pane = document_pane(root)
    overlapped = [n for n in pane.iter() if len((n.attrs.get("data-f") or "").split()) > 1]
    assert overlapped, "the sample has overlapping evidence"
    for n in overlapped:
        assert "multi" in n.classes
    # "100%" (claim 3) lies in evidence of the error finding and the info finding: error colour.
    spans = [n for n in pane.iter() if "ev" in n.classes and n.text() == "100%"]
    assert spans and all("sev-error" in n.classes for n in spans)


def test_claims_inside_evidence_are_marked_and_explained(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    pane = document_pane(root)
    claims = [n for n in pane.iter() if "claim" in n.classes]
    text_of_claims = "".join(n.text() for n in claims)
    for c in sample.reading.claims:
        assert c.text in text_of_claims
    inner = [n for n in claims if "ev" in n.classes and n.text() == "661.7252万元"]
    assert inner, "claim inside an evidence span is both a claim and evidence"
    title = inner[0].attrs["title"]
    assert "661.7252万元" in title and "执行数" in title and "老字号项目" in title and "[1]" in title


def test_segments_never_nest_and_rebuild_the_text(sample: AuditResult, sample_html: str) -> None:
    """Highlighting splits text at every boundary: marked spans never contain marked spans, and
    each paragraph's visible text is the paragraph's own text."""
    root = parse(sample_html)
    pane = document_pane(root)
    for n in pane.iter():
        if n.classes & {"ev", "claim"}:
            assert not any(m is not n and m.classes & {"ev", "claim"} for m in n.iter())
    doc = sample.document
    paras = pane.find_all("p", "para")
    blocks = [b for b in doc.blocks if b.kind == "paragraph"]
    assert len(paras) == len(blocks)
    for p, b in zip(paras, blocks):
        visible = "".join(c if isinstance(c, str) else ("" if c.tag == "sup" else c.text())
                          for c in p.children)
        assert visible == doc.at(b.span)


def test_tables_are_rebuilt_with_merged_cells(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    tables = document_pane(root).find_all("table")
    assert len(tables) == 2
    rows = tables[1].find_all("tr")
    assert [len(r.find_all("td") + r.find_all("th")) for r in rows] == [6, 6, 5, 4]
    merged = rows[1].find_all("td")[0]
    assert merged.attrs.get("rowspan") == "2" and merged.text() == "产出指标(50分)"
    assert rows[3].find_all("td")[1].attrs.get("colspan") == "3"
    assert [th.text() for th in rows[0].find_all("th")][:3] == ["一级指标", "三级指标", "年度指标值"]


def test_evidence_in_a_table_cell_is_highlighted_inside_that_cell(sample: AuditResult, sample_html: str) -> None:
    root = parse(sample_html)
    error_rate = sample.findings[0]
    card = [c for c in root.find_all("li", "finding") if c.attrs["data-fingerprint"] == error_rate.fingerprint][0]
    key = card.find_all("a", "evidence")[1].attrs["data-ev"]
    nodes = [n for n in document_pane(root).iter() if key in (n.attrs.get("data-ev") or "").split()]
    assert nodes and all(any(a.tag == "td" for a in n.ancestors()) for n in nodes)
    cell = next(a for a in nodes[0].ancestors() if a.tag == "td")
    assert cell.text().startswith("100%") and "has-ev" in cell.classes
    # Its location names the table, the row and the column.
    assert "表1" in card.find_all("a", "evidence")[1].text()
    assert "执行率（B/A）" in card.find_all("a", "evidence")[1].text()
    # The narrative and the table evidence of one finding are both listed.
    locations = [n.find_all("span", "ev-loc")[0].text() for n in card.find_all("a", "evidence")]
    assert any("正文" in loc for loc in locations) and any("表1" in loc for loc in locations)


def test_page_numbers_are_shown(sample_html: str) -> None:
    paged = render_html(sample_result(pages=True))
    root = parse(paged)
    marks = root.find_all("div", "page-mark")
    assert [m.attrs["data-page"] for m in marks] == ["1", "2"]
    assert "第 2 页" in marks[1].text()
    locations = " ".join(n.text() for n in root.find_all("span", "ev-loc"))
    assert "第1页" in locations and "第2页" in locations
    assert "页数" in root.find_all("header")[0].text()
    assert not parse(sample_html).find_all("div", "page-mark")


def test_triage_state_is_shown_beside_each_finding() -> None:
    result, triage = sample_result(triage=True)
    root = parse(render_html(result, triage=triage))
    cards = {c.attrs["data-fingerprint"]: c for c in root.find_all("li", "finding")}
    first, unit = result.findings[0], result.findings[3]
    assert cards[first.fingerprint].attrs["data-triage"] == "confirmed"
    assert "已确认" in cards[first.fingerprint].text() and "王审计" in cards[first.fingerprint].text()
    assert cards[unit.fingerprint].attrs["data-triage"] == "dismissed"
    assert "<b>元</b> 为笔误" in cards[unit.fingerprint].text()  # escaped, shown as text
    others = [c for fp, c in cards.items() if fp not in triage]
    assert others and all(c.attrs["data-triage"] == "open" and "待处理" in c.text() for c in others)
    assert root.find_all("input", name="triage")
    # Without triage, no triage UI at all.
    plain_root = parse(render_html(result))
    assert not plain_root.find_all("input", name="triage")
    assert not [c for c in plain_root.find_all("li", "finding") if "data-triage" in c.attrs]


def test_unknown_triage_state_counts_as_open(sample: AuditResult) -> None:
    f = sample.findings[0]
    root = parse(render_html(sample, triage={f.fingerprint: {"state": "<weird>", "who": None}}))
    card = [c for c in root.find_all("li", "finding") if c.attrs["data-fingerprint"] == f.fingerprint][0]
    assert card.attrs["data-triage"] == "open"


def test_long_evidence_is_abridged_in_its_card_but_highlighted_whole() -> None:
    b = DocBuilder()
    sentence = "甲" * 100 + "中间" + "乙" * 100
    span = b.para(sentence)
    doc = b.document()
    f = Finding("L", "l", "logic_contradiction", "info", "长", (evidence(doc, span),))
    root = parse(render_html(AuditResult(doc, Reading(()), (f,))))
    mark = root.find_all("a", "evidence")[0].find_all("mark")[0].text()
    assert len(mark) < 130 and mark.startswith("甲" * 20) and mark.endswith("乙" * 20) and " … " in mark
    assert evidence_text(root, "ev-1-0") == sentence


def test_no_findings_says_so(sample: AuditResult) -> None:
    clean = AuditResult(sample.document, sample.reading, ())
    root = parse(render_html(clean))
    assert "未发现相互矛盾的数字" in root.text()
    assert not document_pane(root).find_all(cls="ev")


# ---- Escaping and odd text.


@pytest.fixture(scope="module")
def hostile_html() -> str:
    result = hostile_result()
    return render_html(result, triage=hostile_triage(result))


def test_hostile_text_is_escaped_everywhere(hostile_html: str) -> None:
    root = parse(hostile_html)
    # The only elements are ours: no script, img, svg, iframe, link, a[href=javascript:], style
    # beyond the page's own, and no event handler attribute anywhere.
    assert len(root.find_all("script")) == 1 and len(root.find_all("style")) == 1
    for tag in ("img", "svg", "iframe", "link", "object", "embed"):
        assert not root.find_all(tag), tag
    for node in root.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            assert "javascript:" not in (value or "").lower() or name == "title", (node.tag, name, value)
            if name == "href":
                assert value.startswith("#"), value
    # The hostile strings come back as text, intact (apart from the invisible characters).
    text = root.text()
    for bit in HOSTILE_BITS:
        if not any(ch in bit for ch in "\u202e\u200b\x00"):
            assert bit in text, bit
    assert "{{ 7*7 }}{% raw %}" in document_pane(root).text()


def test_entities_are_shown_literally(hostile_html: str) -> None:
    assert "&amp;lt;b&amp;gt;实体&amp;amp;amp;&amp;#x3C;script&amp;#x3E;" in hostile_html
    assert "&lt;b&gt;实体&amp;amp;&#x3C;script&#x3E;" in parse(hostile_html).text()


def test_script_text_never_appears_unescaped(hostile_html: str) -> None:
    body = hostile_html.split("<script>")[0]  # everything before our own script
    assert "<script" not in body.replace("&lt;script", "")
    tags = set(re.findall(r"<([a-zA-Z][\w-]*)", body))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "header", "div", "span", "h1", "h2",
                    "i", "ul", "li", "dl", "dt", "dd", "code", "aside", "form", "label", "input", "b", "kbd",
                    "ol", "p", "mark", "a", "sup", "main", "article", "figure", "figcaption", "table", "tr",
                    "td", "th", "footer"}, tags


def test_invisible_characters_are_shown_and_isolated(hostile_html: str) -> None:
    root = parse(hostile_html)
    marks = {n.attrs["data-cp"]: n for n in root.find_all("span", "cc")}
    for cp in ("U+202E", "U+202C", "U+200B", "U+200D", "U+FEFF", "U+0000", "U+0007"):
        assert cp in marks, cp
    # A bidi override stays in the text (copying keeps it) but only inside its isolated mark.
    assert marks["U+202E"].text() == "\u202e"
    assert marks["U+0000"].text() == "" and marks["U+0007"].text() == ""
    assert "\x00" not in hostile_html and "\x07" not in hostile_html
    outside = "".join(c for n in root.iter() if "cc" not in n.classes for c in n.children if isinstance(c, str))
    assert "\u202e" not in outside and "\u200b" not in outside


def test_lone_surrogates_and_odd_unicode_do_not_break_rendering(sample: AuditResult) -> None:
    b = DocBuilder()
    b.para("坏字符\udcff和私用区\ue000和𠮷（扩展B）和 emoji 📈 以及 ﬁ 连字 和 ℃")
    doc = b.document()
    result = AuditResult(doc, Reading(()), ())
    html = render_html(result)
    html.encode("utf-8")  # no surrogate reaches the output
    text = parse(html).text()
    assert "𠮷（扩展B）" in text and "📈" in text and "ﬁ" in text


def test_evidence_at_odd_places_is_handled() -> None:
    """Zero-length evidence, evidence across two cells, evidence outside every block, and
    evidence beyond the end of the text."""
    b = DocBuilder()
    b.para("前言一段")
    b.table([["项目", "分值", "得分"], ["总分", "100", "100"]])
    b.raw("块外的文字：合计90分")
    doc = b.document()
    across = Span(b.find("100").start, b.find("100", 1).end)  # "100\t100"
    loose = b.find("合计90分")
    empty = Span(b.find("前言").start, b.find("前言").start)
    findings = (
        Finding("SUM001", "sum.x", "sum_mismatch", "error", "跨单元格", (evidence(doc, across),)),
        Finding("SUM002", "sum.y", "sum_mismatch", "warning", "块外", (evidence(doc, loose),)),
        Finding("LOG001", "logic.z", "logic_contradiction", "info", "零长度", (evidence(doc, empty),)),
        Finding("LOG002", "logic.w", "logic_contradiction", "info", "越界",
                (Evidence(Span(10_000, 10_005), "不存在"),)),
    )
    root = parse(render_html(AuditResult(doc, Reading(()), findings)))
    cards = root.find_all("li", "finding")
    assert len(cards) == 4
    assert evidence_text(root, "ev-1-0") == "100100"
    cells = [n for n in document_pane(root).iter() if "ev-1-0" in (n.attrs.get("data-ev") or "")]
    assert len(cells) == 2 and all(any(a.tag == "td" for a in n.ancestors()) for n in cells)
    assert evidence_text(root, "ev-2-0") == "合计90分"
    point = [n for n in document_pane(root).iter() if "point" in n.classes]
    assert len(point) == 1 and point[0].attrs["data-ev"] == "ev-3-0"
    missing = cards[3].find_all("div", "evidence")
    assert missing and "missing" in missing[0].classes and "无法显示" in missing[0].text()


def test_document_without_blocks_still_shows_its_text() -> None:
    text = "第一行 预算100万元\n\n第二行 执行90万元"
    doc = Document("x.txt", text, (), "txt", Document.digest(text.encode()))
    span = Span(text.index("90万元"), text.index("90万元") + 4)
    f = Finding("R", "r", "ratio_mismatch", "error", "m", (Evidence(span, "90万元"),))
    root = parse(render_html(AuditResult(doc, Reading(()), (f,))))
    assert "第一行 预算100万元" in document_pane(root).text()
    assert evidence_text(root, "ev-1-0") == "90万元"


def gold_result(seed) -> AuditResult:
    """A seed as the real loader reads it, with one finding per gold finding whose evidence is
    every occurrence of its quotes: what the checks should find, shown by the renderer."""
    import json

    from auditor import ingest

    doc = ingest.load(seed)
    gold = json.loads(seed.with_name(seed.name.replace(".txt", ".gold.json")).read_text(encoding="utf-8"))
    findings = []
    for i, g in enumerate(gold["findings"]):
        spans = []
        for quote in g["quotes"]:
            start = doc.text.find(quote)
            while start >= 0:
                spans.append(Evidence(Span(start, start + len(quote)), quote))
                start = doc.text.find(quote, start + 1)
        findings.append(Finding(f"GOLD{i:03d}", "gold", g["category"], ("error", "warning", "info")[i % 3],
                                g["explanation"], tuple(spans)))
    return AuditResult(doc, Reading(()), tuple(findings), version="gold")


SEEDS = sorted((Path(__file__).resolve().parent.parent / "corpora" / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_every_gold_quote_of_every_seed_is_highlighted(seed) -> None:
    result = gold_result(seed)
    root = parse(render_html(result))
    cards = root.find_all("li", "finding")
    assert len(cards) == len(result.findings)
    for card in cards:
        for link in card.find_all("div", "evidence"):
            raise AssertionError(f"{seed.name}: evidence not shown: {link.text()}")
        for link in card.find_all("a", "evidence"):
            key = link.attrs["data-ev"]
            n = int(key.split("-")[1])
            f = sorted(result.findings, key=finding_order)[n - 1]
            quote = f.evidence[int(key.split("-")[2])].text
            assert "".join(evidence_text(root, key).split()) == "".join(quote.split()), (seed.name, quote)


def test_rendering_is_deterministic(sample: AuditResult) -> None:
    assert render_html(sample) == render_html(sample)


def test_cli_writes_the_page(tmp_path, monkeypatch, sample: AuditResult) -> None:
    from auditor import cli

    monkeypatch.setattr("auditor.pipeline.audit_document", lambda *a, **k: sample)
    report = tmp_path / "whatever.txt"
    report.write_text("年初预算100万元。", encoding="utf-8")
    out = tmp_path / "out.html"
    code = cli.main(["audit", str(report), "-o", str(out)])
    assert code == 1
    assert out.read_text(encoding="utf-8") == render_html(sample)


@pytest.mark.parametrize(("rows", "spans"), [
    ([["某县学生资助统计表"], ["学段", "人数", "金额"], ["初中", "12", "3.6"]], ["3", None, None]),
    ([["学段", "人数", "金额"], ["一、义务教育"], ["初中", "12", "3.6"]], [None, "3", None]),
    ([["学段", "金额"], ["初中", "3.6"]], [None, None]),
])
def test_a_line_alone_in_a_table_spans_its_width(rows: list[list[str]], spans: list[str | None]) -> None:
    from auditor.report.html import MarkIndex, RenderState, build_cells
    b = DocBuilder("t.txt")
    block = b.table(rows, header_rows=0)
    cells = build_cells(block, b.text, MarkIndex([]), RenderState())
    assert [str(r[0].colspan) if len(r) == 1 and r[0].colspan > 1 else None for r in cells] == spans
    assert all(sum(c.colspan for c in r) == max(len(x) for x in rows) for r in cells)
