"""The five stages end to end: load → read → link → check (render is the caller's choice)."""

from __future__ import annotations

import os

from auditor import __version__
from auditor.model import AuditResult, Document
from auditor.rules import RuleSet


def audit_document(document: Document, rules: RuleSet | None = None) -> AuditResult:
    from auditor import checks, graph, nlp

    rules = rules or RuleSet.load()
    reading = nlp.read(document, rules)
    consistency = graph.build(document, reading, rules)
    findings = checks.run(consistency, document, reading, rules)
    return AuditResult(document, reading, findings, ruleset=rules.name, version=__version__)


def audit(path: str | os.PathLike[str], rules: RuleSet | None = None, max_bytes: int | None = None,
          max_chars: int | None = None) -> AuditResult:
    """Audit one file. Raises InputError (and only that) for input auditor cannot use."""
    from auditor import ingest

    return audit_document(ingest.load(path, max_bytes=max_bytes, max_chars=max_chars, rules=rules), rules)
