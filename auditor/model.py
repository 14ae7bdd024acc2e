"""The one data model every stage shares.

Everything here is frozen: a stage builds these and hands them on; nothing downstream mutates
them. Every offset is a Python string index into ``Document.text``.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CATEGORIES = (
    "sum_mismatch",
    "ratio_mismatch",
    "score_exceeds_max",
    "score_inconsistent",
    "crossref_mismatch",
    "entity_mismatch",
    "year_mismatch",
    "unit_anomaly",
    "logic_contradiction",
)
SEVERITIES = ("error", "warning", "info")  # most severe first


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a rebuilt table.

    ``text`` is the cell's content with its own line breaks kept; ``span`` covers exactly that
    text in the document (a zero-length span at the cell's place when the cell is empty).
    ``header_path`` is the column's header path (``('项目资金', '全年执行数')``), ``row_header``
    the labels of the row's leading cells (``('产出指标(50分)', '数量指标', '运转保障率')``).
    A merged cell is stored once, at its top-left position, with its row and column span.
    """

    row: int
    col: int
    span: Span
    text: str
    header_path: tuple[str, ...] = ()
    row_header: tuple[str, ...] = ()
    rowspan: int = 1
    colspan: int = 1
    is_header: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or a table, in reading order. ``page`` is set by paged formats (PDF)."""

    kind: str  # "paragraph" | "table"
    span: Span
    rows: tuple[tuple[Cell, ...], ...] = ()
    page: int | None = None

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for row in self.rows for c in row)


@dataclass(frozen=True)
class NormalisedText:
    """A document's text as the readers see it (auditor.ingest.normalise), and the way back.

    ``origin[i]`` is the original offset of character ``i`` of ``text``, strictly increasing
    (characters are replaced one for one or dropped, never inserted); ``None`` when nothing was
    dropped and offsets are the same. ``length`` is the original text's length.
    """

    text: str
    origin: array | None
    length: int

    def to_original(self, offset: int) -> int:
        """The original offset of normalised ``offset`` (the end maps to the end)."""
        if self.origin is None:
            return offset
        return self.origin[offset] if offset < len(self.origin) else self.length

    def span_to_original(self, start: int, end: int) -> Span:
        """The original span from the first to the last character of a normalised span."""
        if self.origin is None:
            return Span(start, end)
        if end <= start:
            at = self.to_original(start)
            return Span(at, at)
        return Span(self.origin[start], self.origin[end - 1] + 1)

    def to_normalised(self, offset: int) -> int:
        """The normalised offset of original ``offset``: of the first character kept at or after it."""
        if self.origin is None:
            return offset
        return bisect_left(self.origin, offset)


@dataclass(frozen=True)
class Document:
    path: str
    text: str
    blocks: tuple[Block, ...]
    format: str  # txt, docx, doc, pdf, xlsx, xls, html
    sha256: str
    encoding: str | None = None
    # The normalised view (auditor.ingest.normalise), attached by ingest.load; the read stage
    # builds it for a Document made without it.
    normalised: NormalisedText | None = field(default=None, compare=False, repr=False)

    def at(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A stated figure: its value in the unit as written, and the interval its precision allows.

    ``low``/``high`` bound every value the writer could have rounded to ``value`` (``88%`` is
    [87.5, 88.5]); a comparator widens it (``≥90%`` is [89.5, Infinity)).
    ``factor`` converts the unit to its dimension's base unit (万元 → 元 is 10000).
    """

    value: Decimal
    unit: str
    low: Decimal
    high: Decimal
    dimension: str = ""  # money, percent, points, score, people, count, area, ...
    factor: Decimal = Decimal(1)
    comparator: str = "="  # "=", ">=", "<=", ">", "<", "~", "range"
    decimals: int = 0

    @property
    def base_low(self) -> Decimal:
        return self.low * self.factor

    @property
    def base_high(self) -> Decimal:
        return self.high * self.factor

    @property
    def base_value(self) -> Decimal:
        return self.value * self.factor


@dataclass(frozen=True, slots=True)
class SubjectKey:
    """What quantity a figure states, normalised: fund source × stage × year × item
    (``中央 × 到位 × 2023 × 项目资金``). Claims with equal non-empty keys state one quantity.
    Empty parts are unknown, not 'none'."""

    source: str = ""  # 中央, 省级, 县级, 财政拨款, 上年结转, 自筹, …
    stage: str = ""  # 预算, 调整, 到位, 支付, 执行, 结转, 决算
    year: int | None = None
    item: str = ""  # the line or indicator, cue words removed

    def __str__(self) -> str:
        return "×".join(str(p) for p in (self.source, self.stage, self.year or "", self.item))


@dataclass(frozen=True, slots=True)
class Claim:
    """A numeric claim: a figure with what it measures and the role it plays.

    ``role`` is the reading the nearest cue gives; ``roles`` every reading the words allow (the
    cue on the left, the cue on the right, the column header), ``role`` first. ``header_path``
    is the normalised header path of a table figure's column; ``section`` the heading of the
    section it sits in (numbering removed).
    """

    id: int
    quantity: Quantity
    span: Span  # the figure and its unit
    text: str  # document text at span
    kind: str  # money, rate, score, max_score, count, people, area, other
    role: str  # budget, adjusted_budget, executed, rate, target, actual, score, max, total, part, count, ...
    subject: str  # the indicator / project / fund line it measures
    year: int | None = None
    block: int = -1  # index into Document.blocks
    cell: tuple[int, int] | None = None  # (row, col) when the claim sits in a table cell
    unit_text: str = ""  # the unit exactly as written (``万元元`` stays doubled)
    context: Span | None = None  # the clause (narrative) or the cell (table) it was read from
    key: SubjectKey = SubjectKey()
    roles: tuple[str, ...] = ()
    header_path: tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A year as a year (not a claim): report year, years of titles, figures and documents."""

    year: int
    span: Span
    text: str
    kind: str  # "year" (2023年, 2023年度), "date" (2023年7月5日), "docno" (〔2023〕1号), "period"
    block: int = -1


@dataclass(frozen=True)
class Reading:
    """What the read stage understood of a document."""

    claims: tuple[Claim, ...]
    times: tuple[TimeMention, ...] = ()
    report_year: int | None = None
    title: str = ""
    unit_name: str = ""
    money_unit: str = ""  # the money unit the report declares (单位：万元), "" when it declares none


@dataclass(frozen=True)
class Constraint:
    """A relation the figures must satisfy: a node of the consistency graph."""

    id: str
    kind: str  # sum, ratio, score_cap, score_formula, same_quantity, identity, year, unit, logic, ...
    claims: tuple[int, ...]  # claim ids, in the order the kind defines (e.g. total first)
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    origin: str = ""  # table, narrative, link
    spans: tuple[Span, ...] = ()  # evidence that is not a claim (names, phrases)


@dataclass(frozen=True, slots=True)
class Evidence:
    span: Span
    text: str
    role: str = ""
    value: str = ""
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.span.start, "end": self.span.end, "text": self.text}
        for key in ("role", "value", "unit"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    category: str
    severity: str
    message: str
    evidence: tuple[Evidence, ...]
    stated: str = ""
    expected: str = ""
    difference: str = ""
    tolerance: str = ""
    formula: str = ""
    uncertain: bool = False
    doc: str = ""  # the rule's page: docs/rules.md#code

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def fingerprint(self) -> str:
        """Stable across re-runs: the code and the evidence texts, whitespace removed."""
        parts = [self.code] + sorted("".join(e.text.split()) for e in self.evidence)
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
            "stated": self.stated,
            "expected": self.expected,
        }
        for key in ("difference", "tolerance", "formula"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.uncertain:
            out["uncertain"] = True
        if self.doc:
            out["doc"] = self.doc
        out["fingerprint"] = self.fingerprint
        return out


@dataclass(frozen=True)
class AuditResult:
    """Everything one audit produced: what render and the batch store consume."""

    document: Document
    reading: Reading
    findings: tuple[Finding, ...]
    ruleset: str = "default"
    version: str = ""

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "document": {
                "path": doc.path,
                "sha256": doc.sha256,
                "format": doc.format,
                "chars": len(doc.text),
            },
            "findings": [f.to_dict() for f in self.findings],
        }
