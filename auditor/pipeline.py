"""The five stages end to end: load → read → link → check (render is the caller's choice)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from auditor import __version__
from auditor.model import AuditResult, Document, Finding, Reading
from auditor.rules import RuleSet


@dataclass(frozen=True)
class Analysis:
    """One document read, linked and checked: the consistency graph kept beside the findings."""

    document: Document
    reading: Reading
    graph: Any  # auditor.graph.ConsistencyGraph (imported lazily, like every stage here)
    findings: tuple[Finding, ...]


def analyse(document: Document, rules: RuleSet) -> Analysis:
    from auditor import checks, graph, nlp

    reading = nlp.read(document, rules)
    consistency = graph.build(document, reading, rules)
    findings = checks.run(consistency, document, reading, rules)
    return Analysis(document, reading, consistency, findings)


def audit_document(document: Document, rules: RuleSet | None = None) -> AuditResult:
    rules = rules or RuleSet.load()
    analysis = analyse(document, rules)
    return AuditResult(document, analysis.reading, analysis.findings, ruleset=rules.name, version=__version__)


def broken_constraints(analysis: Analysis, rules: RuleSet) -> set[str]:
    """Ids of the constraints whose own check yields a finding (before findings are consolidated)."""
    from auditor.checks import CheckContext, load_checks

    checks = load_checks()
    view = CheckContext.of(analysis.graph.context)
    broken = set()
    for constraint in analysis.graph.constraints:
        check = checks.get(constraint.kind)
        if check is None or not rules.enabled(constraint.params.get("code", "")):
            continue
        result = check(constraint, view)  # a Finding, None, or an iterable of them
        if isinstance(result, Finding) or (result and any(True for _ in result)):
            broken.add(constraint.id)
    return broken


def audit(path: str | os.PathLike[str], rules: RuleSet | None = None, max_bytes: int | None = None,
          max_chars: int | None = None) -> AuditResult:
    """Audit one file. Raises InputError (and only that) for input auditor cannot use."""
    from auditor import ingest

    return audit_document(ingest.load(path, max_bytes=max_bytes, max_chars=max_chars, rules=rules), rules)
