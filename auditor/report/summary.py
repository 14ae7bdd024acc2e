"""The short human summary printed by ``auditor audit``, the per-claim records, and where each
piece of evidence is as the HTML page names it (``第2页 · 表1 第6行``, ``正文第8段``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from auditor.batch.display import terminal_safe
from auditor.model import SEVERITIES, AuditResult, Document

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def evidence_locator(doc: Document) -> Callable[[int, int], str]:
    """``locate(start, end)``: the place of a text range the way the report's HTML page labels it
    (page, table and row with their names, or paragraph), not a line of the extracted text,
    which a reader of the original document cannot find."""
    from auditor.report.html import Layout, MarkIndex, RenderState, build_blocks

    layout = Layout()
    build_blocks(doc, MarkIndex([]), RenderState(), layout)

    def locate(start: int, end: int) -> str:
        if not 0 <= start <= end <= len(doc.text):
            return "偏移超出正文范围"
        return layout.locate(start, end)

    return locate


def add_locations(result: AuditResult, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (``result.to_dict()``) with a ``location`` on each finding's evidence."""
    locate = evidence_locator(result.document)
    for finding in data.get("findings") or ():
        for evidence in finding.get("evidence") or ():
            if isinstance(evidence.get("start"), int) and isinstance(evidence.get("end"), int):
                evidence["location"] = locate(evidence["start"], evidence["end"])
    return data


def render_summary(result: AuditResult) -> str:
    from auditor.report.html import CATEGORY_LABEL

    doc = result.document
    counts = Counter(f.severity for f in result.findings)
    parts = [f"{counts[s]} {SEVERITY_LABEL[s]}" for s in SEVERITIES if counts[s]]
    head = f"{doc.path}: {len(result.reading.claims)} 个数字陈述，{len(result.findings)} 项发现"
    lines = [head + (f"（{'，'.join(parts)}）" if parts else "")]
    locate = evidence_locator(doc) if result.findings else None
    for f in sorted(result.findings, key=lambda f: (f.rank, f.evidence[0].span.start if f.evidence else 0)):
        where = f" {locate(f.evidence[0].span.start, f.evidence[0].span.end)}" if f.evidence and locate else ""
        category = CATEGORY_LABEL.get(f.category, f.category)
        lines.append(f"  {SEVERITY_LABEL[f.severity]} {f.code} {category}{where}: {f.message}")
    return "\n".join(terminal_safe(line) for line in lines) + "\n"  # report text can hold escape sequences


def claim_records(result: AuditResult) -> list[dict[str, Any]]:
    records = []
    for c in result.reading.claims:
        q = c.quantity
        records.append({
            "id": c.id,
            "value": str(q.value),
            "unit": q.unit,
            "comparator": q.comparator,
            "interval": [str(q.low), str(q.high)],
            "kind": c.kind,
            "role": c.role,
            "subject": c.subject,
            "year": c.year,
            "start": c.span.start,
            "end": c.span.end,
            "text": c.text,
            "cell": list(c.cell) if c.cell else None,
        })
    return records
