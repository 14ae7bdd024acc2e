"""Property tests (Hypothesis) of what reads untrusted input (issue 7).

Random and mutated reports, in every format, go through the real path (``auditor.ingest.load``,
the audit, the HTML page): each either is refused with an ``InputError`` or is audited within the
per-character time budget of SECURITY.md, and the page made of it holds none of its markup. The
figure reader is held to properties a person would check by hand: every number written in any of
the ways reports write them is read back at its value and precision, and nothing it returns lies
outside the text.

Coverage-guided fuzzing of the same paths, for longer, is ``fuzz/fuzz_audit.py`` (atheris).
Under CI (``CI`` set) the examples are derandomised, so that a red build can be reproduced;
``AUDITOR_HYPOTHESIS_PROFILE=long`` tries 1,000 examples a test instead of 40.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from decimal import Decimal
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.ingest import load
from auditor.nlp.claims import lexicon
from auditor.nlp.numbers import find_figures
from auditor.pipeline import audit_document
from auditor.report.html import render_html
from auditor.rules import RuleSet
from tests.conftest import budget, cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
RENDITIONS = ROOT / "corpora" / "renditions"

settings.register_profile("default", deadline=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, database=None)
settings.register_profile("long", parent=settings.get_profile("default"), max_examples=1_000)  # on demand
settings.load_profile(os.environ.get("AUDITOR_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

# Fragments hostile or broken reports hold, spliced into the seeds.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "javascript:alert(1)", "\u202e", "\u200b", "\ufeff", "\x00", "\r", "\t", "\t\t\t\n", "\n\n",
    "1,", "9" * 40, "(((((", "）" * 9, "其中：", "合计", "万元", "亿元", "%", "个百分点", "≥", "以上",
    "百分之九十", "十三场", "２０２３", "１，２３４．５", "〔2023〕1号", "第3页", "1.", "（三）", "一是",
    "得分", "分值", "执行率", "预算数", "执行数", "年初预算", "1362.16", "97.65", "100%", "-", "~",
    "项目名称\t预算数\t执行数\n", "\t1\t2\t3\n",
]


@lru_cache(maxsize=1)
def rules() -> RuleSet:
    rules = RuleSet.load()
    render_html(audit_document(load(SEEDS[0]), rules))  # jieba, lexicons, templates loaded once
    return rules


@lru_cache(maxsize=None)
def seed_text(index: int) -> str:
    return SEEDS[index].read_text(encoding="utf-8")


def audit_bytes(data: bytes, suffix: str) -> str | None:
    """Load, audit and render ``data`` as a file with ``suffix``; the page, or None if refused."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        ruleset = rules()
        start = cpu_seconds()
        try:
            document = load(path)
        except InputError as exc:
            message = str(exc)
            assert message.startswith(str(path)) and "\n" not in message, message
            return None
        result = audit_document(document, ruleset)
        page = render_html(result)
        seconds = cpu_seconds() - start
    allowed = budget(len(document.text), len(data), document.format)
    assert seconds <= allowed, f"{len(data)} bytes, {len(document.text)} characters took {seconds:.2f} s CPU (budget {allowed:.2f} s)"
    text = document.text
    for finding in result.findings:
        for evidence in finding.evidence:
            assert 0 <= evidence.span.start <= evidence.span.end <= len(text)
    for claim in result.reading.claims:
        assert 0 <= claim.span.start < claim.span.end <= len(text)
    return page


class _Markup(HTMLParser):
    """The elements and attributes of a page, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "script":
            self.scripts.append(data)


def assert_inert(page: str) -> None:
    """None of the markup spliced into the report reaches the page as markup: no element of it, no
    event attribute, no javascript: address, no script of it."""
    markup = _Markup()
    markup.feed(page)
    for tag, attrs in markup.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    assert not any("alert(" in script for script in markup.scripts)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A slice of a seed report with random edits: hostile fragments spliced in, ranges deleted,
    duplicated or moved, characters replaced by ones the readers look for."""
    text = seed_text(draw(st.integers(0, len(SEEDS) - 1)))
    start = draw(st.integers(0, len(text) - 1))
    text = text[start:start + draw(st.integers(1, 6_000))]
    for _ in range(draw(st.integers(0, 12))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "replace"]))
        if action == "insert":
            text = text[:pos] + draw(st.sampled_from(HOSTILE) | st.text(max_size=8)) + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 200)):]
        elif action == "duplicate":
            piece = text[pos:pos + draw(st.integers(1, 300))]
            text = text[:pos] + piece * draw(st.integers(2, 20)) + text[pos:]
        elif pos < len(text):
            text = text[:pos] + draw(st.sampled_from("0123456789.,%\t\n（）()其中万元亿分一十百")) + text[pos + 1:]
    return text


@given(mutated_seed(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
@example("预算<script>alert(1)</script>1,234.5万元\t<img src=x onerror=alert(1)>\n", "utf-8")
def test_mutated_reports_are_audited_within_budget_and_render_inert(text, encoding):
    data = text.encode(encoding, errors="replace")
    page = audit_bytes(data, ".txt")
    if page is not None:
        assert_inert(page)


@given(st.binary(max_size=3_000), st.sampled_from([".txt", ".html", ".docx", ".xlsx", ".xls", ".doc", ".pdf"]))
@example(b"PK\x03\x04" + b"\x00" * 200, ".docx")
@example(b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 20, ".pdf")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".docx")  # LibreOffice's start-up (found with the long profile)
def test_random_bytes_in_any_format_are_refused_or_audited(data, suffix):
    audit_bytes(data, suffix)


@lru_cache(maxsize=None)
def rendition(fmt: str, index: int) -> bytes:
    files = sorted((RENDITIONS / fmt).glob(f"*.{fmt}"))
    return files[index % len(files)].read_bytes()


@given(st.sampled_from(["docx", "xlsx", "pdf", "xls"]), st.integers(0, 4), st.data())
@settings(max_examples=25)
def test_mutated_office_files_are_refused_or_audited(fmt, index, data):
    """Bytes of a real rendition flipped, cut or repeated: most are refused (checksums), the rest audited."""
    raw = bytearray(rendition(fmt, index))
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "repeat"]))
        if action == "flip":
            raw[pos] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[pos:pos + data.draw(st.integers(1, 4_000))]
        else:
            raw[pos:pos] = raw[pos:pos + data.draw(st.integers(1, 2_000))] * 3
        if not raw:
            raw = bytearray(b"x")
    audit_bytes(bytes(raw), f".{fmt}")


def _main_part(fmt: str) -> str:
    return "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"


@given(st.sampled_from(["docx", "xlsx"]), st.integers(0, 4), st.data())
@settings(max_examples=25)
def test_office_files_with_mutated_xml_are_refused_or_audited(fmt, index, data):
    """The main XML part edited and the package zipped again, valid, so that edits reach the XML
    walkers: unbalanced tags, entities, huge spans, deep nesting."""
    source = zipfile.ZipFile(io.BytesIO(rendition(fmt, index)))
    part = _main_part(fmt)
    xml = source.read(part).decode("utf-8")
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(xml)))
        xml = xml[:pos] + data.draw(st.sampled_from([
            "<", ">", "</w:tc>", "<w:tc>", "</w:tr>", "<w:tr>", '<w:gridSpan w:val="99999"/>', '<w:vMerge/>',
            "&amp;", "&lt;", "&#0;", "&#x110000;", "&undefined;", '<c r="XFD1048576"><v>1</v></c>',
            '<mergeCell ref="A1:XFD1048576"/>', '<c r="A1" t="s"><v>999999</v></c>', "<row>" * 50,
            "<w:p><w:r><w:t>预算1,234.5万元</w:t></w:r></w:p>", "\x00", "]]>", "<![CDATA[",
        ])) + xml[pos + data.draw(st.integers(0, 40)):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, xml.encode("utf-8") if item.filename == part else source.read(item))
    audit_bytes(out.getvalue(), f".{fmt}")


# --- the figure reader ------------------------------------------------------------------------

# Full-width digits and point; the thousands separator stays ",": the full-width "，" is the clause
# comma of Chinese text ("分别为1，200，300" lists three figures) and is never read as a separator.
FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
SOUP = list("0123456789.,，%％()（）-—~～:：;；。、 \t\n\u3000/＜>=≥≤+") + [
    "其中", "占", "万元", "元", "亿元", "万", "亿", "分", "人", "万人", "个", "次", "场", "年", "月", "日", "号",
    "一", "二", "两", "十", "百", "千", "百分之", "个百分点", "以上", "不低于", "第", "页", "〔", "〕", "电话", "预算"]


def written(value: Decimal, decimals: int, thousands: bool, fullwidth: bool) -> str:
    text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    return text.translate(FULLWIDTH) if fullwidth else text


@given(st.integers(0, 10**12), st.integers(0, 4), st.booleans(), st.booleans(),
       st.sampled_from(["万元", "元", "亿元", "%", "分", "人", "个", "次"]),
       st.sampled_from(["预算", "执行数为", "得分", "完成", "共计"]))
@example(136216, 2, False, False, "万元", "年初预算")
@example(1000000, 0, True, True, "元", "共计")
def test_a_written_number_is_read_back_at_its_value_and_precision(mantissa, decimals, thousands, fullwidth, unit, cue):
    value = Decimal(mantissa).scaleb(-decimals)
    number = written(value, decimals, thousands, fullwidth)
    text = f"其中{cue}{number}{unit}，较上年有所增长。"
    figures = [f for f in find_figures(text, lexicon(rules()).units) if f.tag == "figure"]
    assert len(figures) == 1, (text, figures)
    figure = figures[0]
    assert figure.value == value and figure.decimals == decimals, (text, figure)
    assert text[figure.number_start:figure.number_end] == number
    assert figure.unit_text == unit


@given(st.lists(st.sampled_from(SOUP), max_size=300).map("".join))
@example("1," * 100 + "万元")
@example("百分之" + "九" * 30 + "十三场两次")
def test_figures_lie_within_the_text_and_do_not_overlap(text):
    figures = find_figures(text, lexicon(rules()).units)
    end = 0
    for figure in figures:
        assert 0 <= figure.start <= figure.number_start < figure.number_end <= figure.end <= len(text), figure
        assert figure.start >= end, (text, figures)  # in order, none inside another
        end = figure.end
        assert figure.value.is_finite() and figure.decimals >= 0
        if figure.high is not None:
            assert figure.high.is_finite()


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_the_page_of_a_seed_with_markup_everywhere_is_inert(index):
    """Every line of a seed report prefixed with markup: still read, and no markup on the page."""
    text = "\n".join(f"<img src=x onerror=alert({n})>{line}" for n, line in enumerate(seed_text(index).splitlines()))
    page = audit_bytes(text.encode("utf-8"), ".txt")
    assert page is not None
    assert_inert(page)
