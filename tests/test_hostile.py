"""Hostile and broken input (issue 7): the auditor never crashes, never hangs, never runs what it reads.

Each test here feeds the real code path a crafted input: the loaders through ``auditor.ingest.load``,
the whole audit through ``auditor.pipeline``, the page through ``render_html``. An input the auditor
cannot use must raise ``InputError`` (one line a person can act on) and nothing else; an input it can
use must be audited within the time budget per character that SECURITY.md states. Times are CPU
times of this process (robust to a busy machine); budgets are generous multiples of what was
measured, so that only a super-linear path (a hang in the making) fails them.

Reproducers of what fuzzing found (fuzz/fuzz_audit.py) are kept at the end of this file.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.ingest import load
from auditor.model import AuditResult, Document
from auditor.pipeline import audit_document
from auditor.report.html import render_html
from auditor.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))

# CPU seconds per character allowed for load + audit + HTML page on a crafted text, plus a fixed
# allowance. Measured on the seeds: ~11 µs/char to audit, ~4 µs/char to render (SECURITY.md).
BUDGET_PER_CHAR = 100e-6
BUDGET_FIXED = 1.0


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    rules = RuleSet.load()
    audit_document(load(SEEDS[0]), rules)  # spaCy, jieba and the lexicons loaded once
    return rules


def cpu(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def audit_file(path: Path, rules: RuleSet, **limits: int) -> AuditResult | None:
    """Load, audit and render ``path``; None when it is refused with an InputError."""
    try:
        document = load(path, **limits)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message, message
        return None
    result = audit_document(document, rules)
    render_html(result)
    return result


def within_budget(tmp_path: Path, rules: RuleSet, name: str, text: str) -> AuditResult | None:
    seconds, result = cpu(lambda: audit_file(write(tmp_path, name, text), rules))
    budget = BUDGET_FIXED + BUDGET_PER_CHAR * len(text)
    assert seconds <= budget, f"{name}: {len(text)} characters took {seconds:.2f} s CPU (budget {budget:.2f} s)"
    return result


def grows_linearly(make: Callable[[int], object], n: int, factor: int = 4, slack: float = 2.0) -> None:
    """``make(factor * n)`` costs at most ``slack`` times ``factor`` times ``make(n)`` (a quadratic
    path costs ``factor`` squared times): best of two runs, so that a pause does not decide."""
    small = min(cpu(lambda: make(n))[0] for _ in range(2))
    large = min(cpu(lambda: make(factor * n))[0] for _ in range(2))
    assert large <= slack * factor * max(small, 0.01), f"{n} -> {factor * n}: {small:.3f} s -> {large:.3f} s"


# --- figures and claims ------------------------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    ("digits", "9" * 200_000 + "万元"),  # overflowed Decimal arithmetic
    ("decimals", "0." + "1" * 200_000 + "%"),
    ("range", "1-" + "9" * 5_000 + "万元"),
    ("numeral", "一" * 100_000 + "人"),  # cn2an took quadratic time over a long numeral
    ("percent-numeral", "百分之" + "九" * 100_000),
])
def test_long_runs_of_digits_and_numerals_are_not_figures(tmp_path, rules, name, text):
    result = within_budget(tmp_path, rules, f"{name}.txt", text)
    assert result is not None
    assert all(len(c.text) < 100 for c in result.reading.claims)


def test_a_paragraph_over_a_million_characters_is_segmented():
    from auditor.nlp.segment import Tokens

    text = "a" * 1_000_001  # spaCy refuses more than 1,000,000 characters unless told otherwise
    assert Tokens(text).between(0, len(text))


def test_many_claims_in_one_paragraph_render_in_linear_time(rules):
    """The page split each paragraph at its claims in quadratic time (20,000 figures: minutes)."""

    def make(n: int) -> None:
        text = "完成1.5万元，" * n
        doc = load_text(text)
        render_html(audit_document(doc, rules))

    grows_linearly(make, 1_000)


def load_text(text: str) -> Document:
    from auditor.ingest import text as text_loader

    return text_loader.load("report.txt", text.encode("utf-8"))
