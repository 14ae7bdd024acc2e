"""The short human summary printed by ``auditor audit`` and the per-claim records."""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.model import SEVERITIES, AuditResult

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def render_summary(result: AuditResult) -> str:
    doc = result.document
    counts = Counter(f.severity for f in result.findings)
    parts = [f"{counts[s]} {SEVERITY_LABEL[s]}" for s in SEVERITIES if counts[s]]
    head = f"{doc.path}: {len(result.reading.claims)} 个数字陈述，{len(result.findings)} 项发现"
    lines = [head + (f"（{'，'.join(parts)}）" if parts else "")]
    for f in sorted(result.findings, key=lambda f: (f.rank, f.evidence[0].span.start if f.evidence else 0)):
        where = f"第{line_of(doc.text, f.evidence[0].span.start)}行" if f.evidence else ""
        lines.append(f"  {SEVERITY_LABEL[f.severity]} {f.code} {f.category} {where}: {f.message}")
    return "\n".join(lines) + "\n"


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
