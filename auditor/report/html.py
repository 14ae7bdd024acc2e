"""The annotated HTML page: one self-contained file per audited report.

The page shows the findings (most severe first) beside the report's own text, with the tables
rebuilt as HTML tables, every numeric claim marked lightly and every piece of evidence highlighted
in its finding's severity colour.

Safety rules, kept by construction:

- Every piece of text taken from the report goes through Jinja2's autoescaping; nothing from the
  report is ever marked safe. The only markup marked safe is our own stylesheet and script.
- Report text never reaches the script: the script reads the page through the DOM and writes it
  back with ``textContent`` only.
- A Content-Security-Policy allows exactly our inline style and script (by hash), and nothing from
  the network, so even a rendering bug could not run or fetch anything.
- Invisible format characters (bidi controls, zero-width characters) are shown as small labelled
  marks, each isolated so that a right-to-left override cannot reorder the text around it.

Highlighting with overlapping spans: the text of each paragraph and of each table cell is split at
every boundary of every claim and every evidence span inside it, and each piece carries the set of
claims and findings that cover it. Pieces never nest, so any overlap renders correctly.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

import jinja2
import regex
from markupsafe import Markup, escape

from auditor.model import CATEGORIES, SEVERITIES, AuditResult, Block, Cell, Claim, Document, Finding

TEMPLATES = Path(__file__).resolve().parent / "templates"

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_LABEL = {
    "sum_mismatch": "合计不符",
    "ratio_mismatch": "比率不符",
    "score_exceeds_max": "得分超过分值",
    "score_inconsistent": "得分与完成情况矛盾",
    "crossref_mismatch": "前后数值不一致",
    "entity_mismatch": "名称与内容不符",
    "year_mismatch": "年度不符",
    "unit_anomaly": "单位异常",
    "logic_contradiction": "逻辑矛盾",
}
ROLE_LABEL = {
    "budget": "预算数",
    "initial_budget": "年初预算数",
    "adjusted_budget": "调整后预算数",
    "addition": "追加数",
    "executed": "执行数",
    "rate": "比率",
    "target": "目标值",
    "actual": "实际完成值",
    "score": "得分",
    "max": "分值",
    "max_score": "分值",
    "total": "合计",
    "part": "分项",
    "count": "数量",
    "people": "人数",
    "value": "数值",
    "income": "收入",
    "balance": "结余",
    "establishment": "编制数",
    "staff": "实有人数",
}
KIND_LABEL = {
    "money": "金额",
    "rate": "比率",
    "score": "得分",
    "max_score": "分值",
    "count": "数量",
    "people": "人数",
    "area": "面积",
    "other": "其他",
}
COMPARATOR_LABEL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "~": "约", "range": "范围"}
TRIAGE_STATES = ("open", "confirmed", "dismissed")
TRIAGE_LABEL = {"open": "待处理", "confirmed": "已确认", "dismissed": "已排除"}

SNIPPET_CONTEXT = 18  # characters of context either side of a piece of evidence in a finding card
# (the evidence itself is abridged beyond 120 characters)

# Line breaks and tabs keep their meaning in the report; every other character that is invisible
# or changes the direction of text is shown as a labelled mark.
_KEEP = {"\n", "\t", "\r"}
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NUMERIC_CELL = re.compile(r"[\s\d.,，%％+\-−–≥≤<>＜＞=约万亿千元分人个次项户家所名天月年]+")  # with a digit (_DIGIT)
_DIGIT = re.compile(r"\d")
_WHITESPACE_RUN = re.compile(r"\s+")


def is_hidden_char(ch: str) -> bool:
    """True for characters that render as nothing or reorder text (shown as a labelled mark)."""
    if ch in _KEEP:
        return False
    if ch in _BIDI:
        return True
    return unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp", "Co", "Cs", "Cn") and ch != " "


def char_label(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def char_title(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"不可见字符 {char_label(ch)} {name}".rstrip()


# Every character is_hidden_char may call hidden (the scan runs in C; the few hits are checked).
_HIDDEN_CANDIDATE = regex.compile(r"[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]")


def pieces(text: str) -> list[tuple[str, str]]:
    """Split text into (text, "") runs and (hidden_char, "U+XXXX") marks."""
    out: list[tuple[str, str]] = []
    run_start = 0
    for m in _HIDDEN_CANDIDATE.finditer(text):
        ch, i = m.group(), m.start()
        if is_hidden_char(ch):
            if run_start < i:
                out.append((text[run_start:i], ""))
            out.append((ch, char_label(ch)))
            run_start = i + 1
    if run_start < len(text):
        out.append((text[run_start:], ""))
    return out


def text_markup(text: str) -> Markup:
    """Report text for the page: escaped, hidden characters shown as labelled marks. (A filter in
    Python rather than a template macro: it runs for every run of text on the page.)"""
    if _HIDDEN_CANDIDATE.search(text) is None:
        return escape(text)
    out = []
    for shown, label in pieces(text):
        if label:
            out.append(Markup('<span class="cc" data-cp="{}" title="{}">{}</span>').format(
                label, char_title(shown), visible_raw(shown)))
        else:
            out.append(escape(shown))
    return Markup("").join(out)


def segments_markup(segments: list[Segment]) -> Markup:
    """The runs of a paragraph or cell, with their marks. (In Python rather than a template macro:
    a page has tens of thousands of segments, and a macro call costs ten times this.)"""
    out: list[str] = []
    for s in segments:
        out.extend(f'<span class="anchor" id="{escape(a)}"></span>' for a in s.anchors)
        if s.point:
            out.append(f'<span class="ev point sev-{escape(s.severity)}" data-f="{escape(s.data_f)}" '
                       f'data-ev="{escape(s.data_ev)}" title="{escape(s.title)}" tabindex="0" role="button">⌖</span>')
        elif s.marked:
            data = (f' data-f="{escape(s.data_f)}" data-ev="{escape(s.data_ev)}" tabindex="0" role="button"'
                    if s.findings else f' data-c="{escape(s.claims[0].claim.id)}"')
            out.append(f'<span class="{escape(s.css)}"{data} title="{escape(s.title)}">{text_markup(s.text)}</span>')
        else:
            out.append(text_markup(s.text))
        if s.refs:
            out.append('<sup class="refs">' + "".join(
                f'<a class="ref sev-{escape(f.finding.severity)}" href="#{escape(f.dom_id)}" '
                f'data-goto="{escape(f.dom_id)}" title="查看发现 {f.number}">{f.number}</a>' for f in s.refs) + "</sup>")
    return Markup("".join(out))


def visible_raw(ch: str) -> str:
    """What of a hidden character stays in the page: format characters (kept, isolated, so the
    text copies faithfully) but no control characters, surrogates or unassigned code points."""
    return ch if unicodedata.category(ch) in ("Cf", "Zl", "Zp") else ""


def plain(text: str) -> str:
    """Text for attributes (tooltips): hidden characters replaced by their labels."""
    if not any(is_hidden_char(m.group()) for m in _HIDDEN_CANDIDATE.finditer(text)):
        return text
    return "".join(f"[{char_label(ch)}]" if is_hidden_char(ch) else ch for ch in text)


def flatten(text: str) -> str:
    """One line for a snippet: a line break or tab (a table's cell border) becomes │."""

    def sub(m: re.Match[str]) -> str:
        return " │ " if ("\n" in m.group() or "\t" in m.group()) else " "

    return _WHITESPACE_RUN.sub(sub, text)


# --------------------------------------------------------------------------------------------
# The view model: plain data the template walks.


@dataclass
class Mark:
    """One annotation interval over the document text: a claim or a piece of evidence."""

    start: int
    end: int
    claim: ClaimView | None = None
    key: str = ""  # evidence key, e.g. "ev-3-1"
    finding: FindingView | None = None


@dataclass
class ClaimView:
    claim: Claim
    title: str


@dataclass
class Segment:
    """A run of text covered by one fixed set of marks (or a zero-length evidence point)."""

    text: str
    start: int
    anchors: list[str] = field(default_factory=list)  # ids placed just before this segment
    claims: list[ClaimView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    refs: list[FindingView] = field(default_factory=list)  # evidence ending here: [n] after
    point: bool = False

    @property
    def pieces(self) -> list[tuple[str, str]]:
        return pieces(self.text)

    @property
    def marked(self) -> bool:
        return bool(self.claims or self.findings)

    @property
    def severity(self) -> str:
        return min((f.finding.severity for f in self.findings), key=SEVERITIES.index, default="")

    @property
    def css(self) -> str:
        classes = []
        if self.claims:
            classes.append("claim")
        if self.findings:
            classes += ["ev", f"sev-{self.severity}"]
            if len({f.number for f in self.findings}) > 1:
                classes.append("multi")
        return " ".join(classes)

    @property
    def data_f(self) -> str:
        return " ".join(sorted({f.dom_id for f in self.findings}, key=lambda s: int(s[1:])))

    @property
    def data_ev(self) -> str:
        return " ".join(self.keys)

    @property
    def title(self) -> str:
        lines = [c.title for c in self.claims]
        seen: set[int] = set()
        for f in self.findings:
            if f.number not in seen:
                seen.add(f.number)
                lines.append(f"[{f.number}] {SEVERITY_LABEL[f.finding.severity]} {f.finding.code} {f.category_label}")
        if self.findings:
            lines.append("（点击查看发现）")
        return plain("\n".join(lines))


@dataclass
class CellView:
    tag: str  # td | th
    rowspan: int
    colspan: int
    segments: list[Segment]
    numeric: bool = False
    empty: bool = False
    has_evidence: bool = False

    @property
    def css(self) -> str:
        return " ".join(name for name, on in (("num", self.numeric), ("empty", self.empty),
                                              ("has-ev", self.has_evidence)) if on)


@dataclass
class BlockView:
    kind: str  # paragraph | table
    dom_id: str
    number: int  # paragraph or table number, 1-based
    page: int | None
    page_break: bool
    segments: list[Segment] = field(default_factory=list)
    rows: list[list[CellView]] = field(default_factory=list)
    before: list[BlockView] = field(default_factory=list)  # text inside a table block, outside cells
    after: list[BlockView] = field(default_factory=list)


@dataclass
class EvidenceView:
    key: str
    text: str
    before: str
    after: str
    location: str
    detail: str
    found: bool = False


@dataclass
class FindingView:
    finding: Finding
    number: int
    evidence: list[EvidenceView] = field(default_factory=list)
    triage: dict[str, str] | None = None

    @property
    def dom_id(self) -> str:
        return f"f{self.number}"

    @property
    def category_label(self) -> str:
        return CATEGORY_LABEL.get(self.finding.category, self.finding.category)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.finding.severity]

    @property
    def extras(self) -> list[tuple[str, str]]:
        f = self.finding
        return [(label, value) for label, value in (("差额", f.difference), ("容差", f.tolerance)) if value]


# --------------------------------------------------------------------------------------------
# Building the view.


def bound(value: Any) -> str:
    """An interval bound: open ends (None or ±Infinity) as ∞."""
    if value is None:
        return "∞"
    try:
        if value.is_infinite():
            return "−∞" if value < 0 else "∞"
    except AttributeError:
        pass
    return str(value)


def claim_title(claim: Claim) -> str:
    q = claim.quantity
    comparator = COMPARATOR_LABEL.get(q.comparator, "")
    value = f"{comparator}{q.value}{q.unit}"
    interval = f"[{bound(q.low)}, {bound(q.high)}]"
    parts = [f"识别：{value}"]
    role = ROLE_LABEL.get(claim.role, claim.role)
    kind = KIND_LABEL.get(claim.kind, claim.kind)
    if role:
        parts.append(f"角色：{role}")
    if kind:
        parts.append(f"类型：{kind}")
    if claim.subject:
        parts.append(f"对象：{claim.subject}")
    if claim.year:
        parts.append(f"年度：{claim.year}")
    parts.append(f"精度区间：{interval}")
    return " · ".join(parts)


def segment_range(text: str, start: int, end: int, marks: list[Mark], state: RenderState) -> list[Segment]:
    """Split text[start:end] at every mark boundary; each segment knows the marks covering it."""
    bounds = {start, end}
    points: dict[int, list[Mark]] = {}
    spans: list[Mark] = []
    for m in marks:
        if m.start == m.end:
            if start <= m.start <= end and m.key not in state.placed:
                points.setdefault(m.start, []).append(m)
        elif m.start < end and start < m.end:
            spans.append(m)
            bounds.add(max(m.start, start))
            bounds.add(min(m.end, end))
    ordered = sorted(bounds)
    # A sweep over the boundaries: the marks covering a segment are those opened at or before its
    # start and not yet closed (kept in ``spans`` order), so the cost is linear in the marks, not
    # quadratic, when a paragraph holds thousands of claims.
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for n, m in enumerate(spans):
        opening.setdefault(max(m.start, start), []).append(n)
        closing.setdefault(min(m.end, end), []).append(n)
    active: dict[int, Mark] = {}
    out: list[Segment] = []
    for i, pos in enumerate(ordered):
        for n in closing.get(pos, ()):
            active.pop(n, None)
        for n in opening.get(pos, ()):
            active[n] = spans[n]
        for m in points.get(pos, ()):
            if m.key in state.placed:
                continue
            state.placed.add(m.key)
            out.append(Segment(text="", start=pos, anchors=[m.key], findings=[m.finding], keys=[m.key],
                               point=True))
        if i + 1 == len(ordered):
            break
        a, b = pos, ordered[i + 1]
        seg = Segment(text=text[a:b], start=a)
        for _, m in sorted(active.items()) if len(active) > 1 else active.items():
            if m.start <= a and b <= m.end:
                if m.claim is not None:
                    seg.claims.append(m.claim)
                else:
                    seg.findings.append(m.finding)
                    seg.keys.append(m.key)
                    if m.key not in state.placed:
                        state.placed.add(m.key)
                        seg.anchors.append(m.key)
        out.append(seg)
    state.segments.extend(out)
    return out


@dataclass
class RenderState:
    placed: set[str] = field(default_factory=set)  # evidence keys already anchored
    finding_of: dict[str, FindingView] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)  # every segment, in page order

    def place_refs(self) -> None:
        """Each piece of evidence gets its finding's number once, after its last visible piece."""
        last: dict[str, Segment] = {}
        for seg in self.segments:
            for key in seg.keys:
                last[key] = seg
        for key, seg in last.items():
            finding = self.finding_of[key]
            if finding not in seg.refs:
                seg.refs.append(finding)
        for seg in last.values():
            seg.refs.sort(key=lambda f: f.number)


class MarkIndex:
    """Marks sorted by start, for the marks overlapping a range."""

    def __init__(self, marks: list[Mark]) -> None:
        self.marks = sorted(marks, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.marks]
        # The furthest end among the marks up to each one: the first mark that can reach ``start``
        # is found by bisection, however long one mark is.
        self.reach = list(itertools.accumulate((m.end for m in self.marks), max))

    def overlapping(self, start: int, end: int) -> list[Mark]:
        lo = bisect.bisect_left(self.reach, start)
        hi = bisect.bisect_right(self.starts, end)
        return [m for m in self.marks[lo:hi]
                if (m.start < end and start < m.end) or (m.start == m.end and start <= m.start <= end)]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def has_ink(text: str) -> bool:
    return bool(text) and not text.isspace()


def build_cells(block: Block, text: str, index: MarkIndex, state: RenderState) -> list[list[CellView]]:
    width = max((c.col + max(c.colspan, 1) for c in block.cells), default=0)
    covered: set[tuple[int, int]] = set()
    rows: list[list[CellView]] = []
    for r, row in enumerate(block.rows):
        if len(row) == 1 and row[0].col == 0 and row[0].rowspan <= 1 and width > 1 \
                and not any(c[0] == r for c in covered):
            # a line standing alone in the table (its title, 单位：万元, a section label) spans it
            rows.append([replace(cell_view(row[0], text, index, state), colspan=width)])
            covered.update((r, col) for col in range(width))
            continue
        out: list[CellView] = []
        next_col = 0
        for cell in sorted(row, key=lambda c: c.col):
            for col in range(next_col, cell.col):
                if (r, col) not in covered:
                    out.append(CellView("td", 1, 1, [], empty=True))
            out.append(cell_view(cell, text, index, state))
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    covered.add((r + dr, cell.col + dc))
            next_col = max(next_col, cell.col + max(cell.colspan, 1))
        for col in range(next_col, width):
            if (r, col) not in covered:
                out.append(CellView("td", 1, 1, [], empty=True))
        rows.append(out)
    return rows


def cell_view(cell: Cell, text: str, index: MarkIndex, state: RenderState) -> CellView:
    start, end = cell.span.start, cell.span.end
    segments = segment_range(text, start, end, index.overlapping(start, end), state)
    content = text[start:end]
    return CellView(
        tag="th" if cell.is_header else "td",
        rowspan=max(cell.rowspan, 1),
        colspan=max(cell.colspan, 1),
        segments=segments,
        numeric=bool(_NUMERIC_CELL.fullmatch(content) and _DIGIT.search(content)) and not cell.is_header,
        empty=not has_ink(content),
        has_evidence=any(s.findings for s in segments),
    )


@dataclass(frozen=True)
class Place:
    """Where a rendered range sits: a paragraph, or a cell of a table (for evidence locations)."""

    page: int | None
    table: int = 0  # 0 for a paragraph
    number: int = 0  # paragraph number, or the cell's row (1-based)
    row_name: str = ""
    col_name: str = ""

    @property
    def page_prefix(self) -> str:
        return f"第{self.page}页 · " if self.page is not None else ""

    def label(self) -> str:
        if not self.table:
            return f"{self.page_prefix}正文第{self.number}段"
        names = " × ".join(x for x in (self.row_name, self.col_name) if x)
        return f"{self.page_prefix}表{self.table} 第{self.number}行" + (f"（{names}）" if names else "")


def short(label: str, limit: int = 14) -> str:
    label = flatten(label).strip(" │：:")
    return label if len(label) <= limit else label[: limit - 1] + "…"


class Layout:
    """Which rendered block (and cell) each offset of the text belongs to: evidence locations."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int, Place]] = []  # in text order once sorted
        self._starts: list[int] = []
        self._reach: list[int] = []  # the furthest end among the ranges up to each one

    def add(self, start: int, end: int, place: Place) -> None:
        self.ranges.append((start, end, place))

    def _between(self, reach: int, start_at_most: int, strict: bool = False) -> range:
        """Indices of the sorted ranges that may end at or after ``reach`` (after it when
        ``strict``) and start at or before ``start_at_most``: bisection, so that locating every
        piece of evidence stays linear in the size of the report."""
        if len(self._starts) != len(self.ranges):
            self.ranges.sort(key=lambda r: (r[0], r[1]))
            self._starts = [a for a, _, _ in self.ranges]
            self._reach = list(itertools.accumulate((b for _, b, _ in self.ranges), max))
        lo = (bisect.bisect_right if strict else bisect.bisect_left)(self._reach, reach)
        return range(lo, bisect.bisect_right(self._starts, start_at_most))

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The rendered range (paragraph or cell) holding the evidence's first and last character:
        its snippet's context stays inside them."""
        ranges = self.ranges
        first = next((ranges[i][0] for i in self._between(start, start, strict=True)
                      if ranges[i][0] <= start < ranges[i][1]), None)
        last = next((ranges[i][1] for i in reversed(self._between(end, end))
                     if ranges[i][0] < end <= ranges[i][1]), None)
        return (start if first is None else first, end if last is None else last)

    def locate(self, start: int, end: int) -> str:
        places: list[Place] = []
        seen: set[Place] = set()
        for i in self._between(start, end):
            a, b, place = self.ranges[i]
            if (a < end and start < b) or (start == end and a <= start <= b):
                if place not in seen:
                    seen.add(place)
                    places.append(place)
        if not places:
            return "未在正文中定位"
        if len(places) == 1:
            return places[0].label()
        first, last = places[0], places[-1]
        if first.table and all(p.table == first.table and p.page == first.page for p in places):
            rows = sorted({p.number for p in places})
            if len(rows) == 1:
                cols = [p.col_name for p in places if p.col_name]
                cols_text = "、".join(cols) if len(cols) <= 3 else f"{cols[0]} 至 {cols[-1]}"
                names = " × ".join(x for x in (first.row_name, cols_text) if x)
                return f"{first.page_prefix}表{first.table} 第{rows[0]}行" + (f"（{names}）" if names else "")
            return f"{first.page_prefix}表{first.table} 第{rows[0]}至{rows[-1]}行"
        if len(places) == 2:
            return f"{first.label()}；{last.label()}"
        return f"{first.label()} 至 {last.label()}"


def build_blocks(doc: Document, index: MarkIndex, state: RenderState, layout: Layout) -> list[BlockView]:
    text = doc.text
    views: list[BlockView] = []
    counters = {"paragraph": 0, "table": 0}
    last_page: list[int | None] = [None]

    def paragraph(start: int, end: int, page: int | None) -> BlockView | None:
        start, end = trimmed(text, start, end)
        if start >= end:
            return None
        counters["paragraph"] += 1
        n = counters["paragraph"]
        layout.add(start, end, Place(page, number=n))
        view = BlockView("paragraph", f"p{n}", n, page, page_break=False,
                         segments=segment_range(text, start, end, index.overlapping(start, end), state))
        return view

    def place(view: BlockView | None) -> None:
        if view is None:
            return
        if view.page is not None and view.page != last_page[0]:
            view.page_break = True
            last_page[0] = view.page
        views.append(view)

    def gap(start: int, end: int, page: int | None) -> None:
        if start < end and has_ink(text[start:end]):
            place(paragraph(start, end, page))

    blocks = sorted(doc.blocks, key=lambda b: (b.span.start, b.span.end))
    pos = 0
    for block in blocks:
        if block.span.start > pos:
            gap(pos, block.span.start, block.page)
        start = max(block.span.start, pos)
        end = block.span.end
        if end <= start and block.kind != "table":
            continue
        if block.kind == "table" and block.rows:
            counters["table"] += 1
            t = counters["table"]
            view = BlockView("table", f"t{t}", t, block.page, page_break=False)
            # Text inside the table's span but outside every cell (a caption, stray words).
            cells = sorted(block.cells, key=lambda c: c.span.start)
            outside = []
            cursor = block.span.start
            for c in cells:
                if c.span.start > cursor:
                    outside.append((cursor, c.span.start))
                cursor = max(cursor, c.span.end)
            if block.span.end > cursor:
                outside.append((cursor, block.span.end))
            first_cell = cells[0].span.start if cells else block.span.end
            before = [(a, b) for a, b in outside if b <= first_cell and has_ink(text[a:b])]
            after = [(a, b) for a, b in outside if b > first_cell and has_ink(text[a:b])]
            # Evidence is anchored in reading order: text before the cells, the cells, text after.
            view.before = [v for v in (paragraph(a, b, block.page) for a, b in before) if v]
            for c in block.cells:
                row_label = next((h for h in reversed(c.row_header) if h.strip()), "")
                col_label = next((h for h in reversed(c.header_path) if h.strip()), "")
                layout.add(c.span.start, c.span.end,
                           Place(block.page, t, c.row + 1, short(row_label), short(col_label)))
            view.rows = build_cells(block, text, index, state)
            view.after = [v for v in (paragraph(a, b, block.page) for a, b in after) if v]
            place(view)
        else:
            place(paragraph(start, end, block.page))
        pos = max(pos, end)
    gap(pos, len(text), blocks[-1].page if blocks else None)
    layout.ranges.sort(key=lambda r: (r[0], r[1]))
    return views


def evidence_views(fv: FindingView, doc: Document, layout: Layout) -> list[EvidenceView]:
    text = doc.text
    out = []
    for i, ev in enumerate(fv.finding.evidence):
        key = f"ev-{fv.number}-{i}"
        s, e = ev.span.start, ev.span.end
        valid = 0 <= s <= e <= len(text)
        shown = text[s:e] if valid else ev.text
        # Context stays inside the paragraph or the table cell the evidence sits in.
        lo, hi = layout.around(s, e) if valid else (s, e)
        before = text[max(lo, s - SNIPPET_CONTEXT):s] if valid else ""
        after = text[e:min(hi, e + SNIPPET_CONTEXT)] if valid else ""
        clipped_before = valid and s - SNIPPET_CONTEXT > lo
        clipped_after = valid and e + SNIPPET_CONTEXT < hi
        details = []
        if ev.role:
            details.append(f"角色：{ROLE_LABEL.get(ev.role, ev.role)}")
        if ev.value:
            details.append(f"数值：{ev.value}{ev.unit}")
        elif ev.unit:
            details.append(f"单位：{ev.unit}")
        out.append(EvidenceView(
            key=key,
            text=abridged(flatten(shown).strip(" │") or shown),
            before=("…" if clipped_before else "") + flatten(before).lstrip(),
            after=flatten(after).rstrip() + ("…" if clipped_after else ""),
            location=layout.locate(s, e) if valid else "偏移超出正文范围",
            detail=" · ".join(details),
        ))
    return out


def abridged(text: str, limit: int = 120) -> str:
    """Long evidence (a whole sentence or table row) keeps its beginning and its end in a card."""
    if len(text) <= limit:
        return text
    return text[: limit * 2 // 3] + " … " + text[-(limit // 3):]


def finding_order(finding: Finding) -> tuple[int, int, str]:
    first = min((e.span.start for e in finding.evidence), default=0)
    return (finding.rank, first, finding.code)


def file_name(path: str) -> str:
    if "\\" in path and "/" not in path:
        return PureWindowsPath(path).name or path
    return PurePath(path).name or path


@dataclass
class PageView:
    result: AuditResult
    findings: list[FindingView]
    blocks: list[BlockView]
    severity_counts: list[tuple[str, str, int]]
    category_counts: list[tuple[str, str, int]]
    triage_counts: list[tuple[str, str, int]] | None
    meta: list[tuple[str, str]]
    title: str
    unit_name: str
    report_year: int | None
    file_name: str
    claim_count: int
    pages: int
    unplaced: int


def build_page(result: AuditResult, triage: dict[str, dict[str, Any]] | None) -> PageView:
    doc = result.document
    text = doc.text
    findings = [FindingView(f, n) for n, f in enumerate(sorted(result.findings, key=finding_order), start=1)]
    state = RenderState()
    marks: list[Mark] = []
    for claim in result.reading.claims:
        s, e = claim.span.start, claim.span.end
        if 0 <= s < e <= len(text):
            marks.append(Mark(s, e, claim=ClaimView(claim, claim_title(claim))))
    for fv in findings:
        if triage is not None:
            entry = triage.get(fv.finding.fingerprint) or {}
            st = entry.get("state", "open")
            st = st if st in TRIAGE_STATES else "open"
            fv.triage = {"state": st, "label": TRIAGE_LABEL[st],
                         "who": str(entry.get("who") or ""), "note": str(entry.get("note") or "")}
        for i, ev in enumerate(fv.finding.evidence):
            key = f"ev-{fv.number}-{i}"
            state.finding_of[key] = fv
            s, e = ev.span.start, ev.span.end
            if 0 <= s <= e <= len(text):
                marks.append(Mark(s, e, key=key, finding=fv))
    layout = Layout()
    blocks = build_blocks(doc, MarkIndex(marks), state, layout)
    state.place_refs()
    unplaced = 0
    for fv in findings:
        fv.evidence = evidence_views(fv, doc, layout)
        for ev in fv.evidence:
            ev.found = ev.key in state.placed
            unplaced += not ev.found

    sev = Counter(f.severity for f in result.findings)
    cat = Counter(f.category for f in result.findings)
    severity_counts = [(s, SEVERITY_LABEL[s], sev[s]) for s in SEVERITIES]
    category_counts = [(c, CATEGORY_LABEL[c], cat[c]) for c in CATEGORIES if cat[c]]
    triage_counts = None
    if triage is not None:
        tc = Counter(fv.triage["state"] for fv in findings if fv.triage)
        triage_counts = [(s, TRIAGE_LABEL[s], tc[s]) for s in TRIAGE_STATES if tc[s]]
    reading = result.reading
    name = file_name(doc.path)
    pages = len({b.page for b in doc.blocks if b.page is not None})
    meta = [
        ("文件", name),
        ("格式", doc.format + (f"（{doc.encoding}）" if doc.encoding else "")),
        ("字符数", f"{len(text):,}"),
    ]
    if pages:
        meta.append(("页数", str(max(b.page for b in doc.blocks if b.page is not None))))
    meta += [
        ("识别数字", f"{len(reading.claims)} 个"),
        ("版本", f"auditor {result.version}" if result.version else "auditor"),
        ("规则集", result.ruleset),
    ]
    return PageView(
        result=result,
        findings=findings,
        blocks=blocks,
        severity_counts=severity_counts,
        category_counts=category_counts,
        triage_counts=triage_counts,
        meta=meta,
        title=reading.title.strip(),
        unit_name=reading.unit_name.strip(),
        report_year=reading.report_year,
        file_name=name,
        claim_count=len(reading.claims),
        pages=pages,
        unplaced=unplaced,
    )


# --------------------------------------------------------------------------------------------
# Rendering.


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str, str]:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return css, js, _csp_hash(css), _csp_hash(js)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pieces"] = pieces
    env.filters["txt"] = text_markup
    env.filters["segments"] = segments_markup
    env.filters["plain"] = plain
    env.filters["visible_raw"] = visible_raw
    env.filters["char_title"] = char_title
    return env


def render_html(result: AuditResult, *, triage: dict[str, dict[str, Any]] | None = None) -> str:
    """The annotated, self-contained HTML page for one audit.

    ``triage`` maps a finding's fingerprint to the reviewer's decision
    (``{'state': 'open'|'confirmed'|'dismissed', 'who': str, 'note': str}``); when given, each
    finding shows its state (``open`` when the fingerprint is absent) and the page can filter by it.
    """
    css, js, css_hash, js_hash = _assets()
    page = build_page(result, triage)
    csp = (f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    template = _environment().get_template("report.html.j2")
    return template.render(
        page=page,
        css=Markup(css),  # our own stylesheet, not report text
        js=Markup(js),  # our own script, not report text
        csp=csp,
        severity_label=SEVERITY_LABEL,
        category_label=CATEGORY_LABEL,
    )
