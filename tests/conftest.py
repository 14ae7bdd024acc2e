from __future__ import annotations

import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))

# Tools some tests need that a machine with only Python lacks: those tests skip, saying why.
CONVERTER = shutil.which("soffice") or shutil.which("libreoffice") or shutil.which("antiword")
needs_converter = pytest.mark.skipif(not CONVERTER, reason="reading .doc needs LibreOffice or antiword, "
                                                            "neither is installed")

# The time budget of SECURITY.md that hostile inputs are held to (test_hostile, test_properties):
# CPU seconds per character of text (measured on the seeds: ~11 us to audit, ~4 us to render), per
# byte of file (pdfminer takes 3-7 us a byte), a fixed allowance, and more for a .doc or .rtf
# (LibreOffice takes 1.5-3 s to start, whatever it converts).
BUDGET_PER_CHAR = 100e-6
BUDGET_PER_BYTE = 30e-6
BUDGET_FIXED = 1.0
BUDGET_CONVERTER = 5.0


def budget(chars: int, size: int = 0, fmt: str = "txt") -> float:
    """CPU seconds allowed to load, audit and render a document of ``chars`` characters read from
    a file of ``size`` bytes in format ``fmt``."""
    converter = BUDGET_CONVERTER if fmt in ("doc", "rtf") else 0.0
    return BUDGET_FIXED + BUDGET_PER_CHAR * chars + BUDGET_PER_BYTE * size + converter


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the PDF parser runs in a child)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@lru_cache(maxsize=None)
def audited(path: str):
    from auditor.pipeline import audit

    return audit(path)


@lru_cache(maxsize=None)
def gold(path: str) -> dict:
    return json.loads(Path(path).with_suffix("").with_suffix(".gold.json").read_text(encoding="utf-8")) \
        if path.endswith(".gold.json") else json.loads(Path(path[: -len(Path(path).suffix)] + ".gold.json").read_text(encoding="utf-8"))


@pytest.fixture(params=SEEDS, ids=lambda p: p.name[:3])
def seed(request):
    return request.param


@pytest.fixture
def context(tmp_path: Path):  # noqa: ANN201 - a factory of Contexts over a report's text
    from auditor.ingest import load
    from auditor.linking.context import Context
    from auditor.nlp import read
    from auditor.rules import RuleSet

    rules = RuleSet.load()

    def make(text: str):  # noqa: ANN202
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
        document = load(path, rules=rules)
        return Context(document, read(document, rules), rules)
    return make
