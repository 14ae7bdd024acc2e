"""Stand-in audit functions for the batch tests: they run in worker processes, so they live in a
module the workers can import (not in a test file). A fake report is a text file whose lines
steer the fake: ``FIND code category severity evidence`` adds a finding, ``UNIT name`` and
``YEAR 2023`` set what the reading found, ``BROKEN`` raises InputError, ``BUG`` raises a
RuntimeError, ``CRASH`` kills the worker with SIGSEGV, ``SLEEP seconds`` sleeps, ``ALLOC megabytes``
takes that much memory."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

from auditor.errors import InputError
from auditor.model import AuditResult, Document, Evidence, Finding, Reading, Span


def fake_audit(path: str, rules: object) -> AuditResult:
    data = Path(path).read_bytes()
    text = data.decode("utf-8")
    unit, year, found = "", None, []
    for line in text.splitlines():
        word, _, rest = line.partition(" ")
        if word == "BROKEN":
            raise InputError(path, "file is damaged", "export it again")
        if word == "BUG":
            raise RuntimeError("a bug in a check")
        if word == "CRASH":
            os.kill(os.getpid(), signal.SIGSEGV)
        if word == "SLEEP":
            time.sleep(float(rest))
        if word == "ALLOC":
            hoard = bytearray(int(rest) << 20)
            del hoard
        if word == "UNIT":
            unit = rest
        if word == "YEAR":
            year = int(rest)
        if word == "FIND":
            code, category, severity, evidence = rest.split(" ", 3)
            start = text.index(evidence)
            found.append(Finding(code=code, name=code.lower(), category=category, severity=severity,
                                 message=f"发现 {evidence}", stated=evidence, expected="?",
                                 evidence=(Evidence(Span(start, start + len(evidence)), evidence),)))
    doc = Document(path=path, text=text, blocks=(), format="txt", sha256=hashlib.sha256(data).hexdigest())
    return AuditResult(doc, Reading(claims=(), report_year=year, unit_name=unit), tuple(found), ruleset="fake")


def write_fake_batch(folder: Path, count: int, *, prefix: str = "r") -> list[Path]:
    """``count`` fake reports with 0-3 findings each, spread over units and years."""
    folder.mkdir(parents=True, exist_ok=True)
    severities = ("error", "warning", "info")
    categories = ("sum_mismatch", "ratio_mismatch", "unit_anomaly")
    out = []
    for i in range(count):
        lines = [f"报告 {i}", f"UNIT 单位{i % 7}", f"YEAR {2022 + i % 2}"]
        for j in range(i % 4):
            lines.append(f"FIND T{j:03d} {categories[j % 3]} {severities[(i + j) % 3]} 数字{i}-{j}")
        path = folder / f"{prefix}{i:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(path)
    return out
