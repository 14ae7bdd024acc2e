"""check: each kind of constraint is evaluated by one function registered for that kind; the code,
category, severity, message and documentation of each finding come from ``rules/catalogue.yaml``.

After every constraint is evaluated, findings about the same broken fact are consolidated: one
finding per contradiction, with all its evidence, under the most specific category.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from collections.abc import Callable, Iterable
from typing import Any

from auditor.model import CATEGORIES, SEVERITIES, Claim, Constraint, Document, Evidence, Finding, Reading, Span
from auditor.rules import RuleSet

Check = Callable[[Constraint, Any], "Finding | Iterable[Finding] | None"]
CHECKS: dict[str, Check] = {}
MODULES = ("sums", "ratios", "scores", "crossref", "identity", "years", "units", "logic")

# A finding of the first category on a figure makes one of the second on the same figure redundant:
# a score above its points also breaks the score formula, but the cap is the contradiction to report.
SUBSUMES = {("score_exceeds_max", "score_inconsistent")}


def check(kind: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[kind] = fn
        return fn

    return register


def load_checks() -> dict[str, Check]:
    for module in MODULES:
        importlib.import_module(f"auditor.checks.{module}")
    return CHECKS


def evidence(item: Claim | tuple[Span, str], role: str = "") -> Evidence:
    if isinstance(item, Claim):
        q = item.quantity
        return Evidence(item.span, item.text, role or item.role, str(q.value), q.unit)
    span, text = item
    return Evidence(span, text, role)


def finding(ctx: Any, constraint: Constraint, items: Iterable[Claim | tuple[Span, str]], stated: str,
            expected: str, severity: str | None = None, uncertain: bool = False, **fields: str) -> Finding:
    """A finding for ``constraint``'s code, its message filled from the catalogue template."""
    code = constraint.params["code"]
    spec = ctx.rules.check(code)
    values = {"stated": stated, "expected": expected, "difference": "", "formula": "", "subject": "", **fields}
    try:
        message = spec.get("message", "{stated} / {expected}").format(**values)
    except (KeyError, IndexError):
        message = f"{spec.get('summary', code)}：{stated}，应为{expected}"
    seen: set[tuple[int, int]] = set()
    unique = []
    for item in items:
        ev = evidence(item)
        if (ev.span.start, ev.span.end) not in seen:
            seen.add((ev.span.start, ev.span.end))
            unique.append(ev)
    return Finding(
        code=code, name=spec.get("name", code), category=spec.get("category", "logic_contradiction"),
        severity=severity or spec.get("severity", "warning"), message=message, evidence=tuple(unique),
        stated=stated, expected=expected, difference=values["difference"], tolerance=fields.get("tolerance", ""),
        formula=values["formula"], uncertain=uncertain,
    )


def consolidate(findings: list[Finding]) -> tuple[Finding, ...]:
    # 1. the same contradiction found twice (narrative and table, a total row and its 其中 row)
    merged: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = (f.code, f.stated, f.expected)
        if key in merged:
            old = merged[key]
            spans = {(e.span.start, e.span.end) for e in old.evidence}
            extra = tuple(e for e in f.evidence if (e.span.start, e.span.end) not in spans)
            merged[key] = replace(old, evidence=old.evidence + extra)
        else:
            merged[key] = f
    # 2. a finding subsumed by another on the same primary figure is dropped
    primary: dict[tuple[int, int], set[str]] = {}
    for f in merged.values():
        if f.evidence:
            primary.setdefault((f.evidence[0].span.start, f.evidence[0].span.end), set()).add(f.category)
    out = [f for f in merged.values()
           if not f.evidence or not any((other, f.category) in SUBSUMES
                                        for other in primary[(f.evidence[0].span.start, f.evidence[0].span.end)])]
    out.sort(key=lambda f: (SEVERITIES.index(f.severity), f.evidence[0].span.start if f.evidence else 0))
    return tuple(out)


def run(graph: Any, document: Document, reading: Reading, rules: RuleSet) -> tuple[Finding, ...]:
    checks = load_checks()
    found: list[Finding] = []
    for constraint in graph.constraints:
        code = constraint.params.get("code", "")
        fn = checks.get(constraint.kind)
        if fn is None or not rules.enabled(code):
            continue
        result = fn(constraint, graph.context)
        if isinstance(result, Finding):
            found.append(result)
        elif result:
            found.extend(result)
    return consolidate(found)


def catalogue_lines(rules: RuleSet) -> str:
    lines = []
    for code, spec in sorted(rules.checks.items()):
        state = "" if spec.get("enabled", True) else " (off)"
        lines.append(f"{code:<9}{spec.get('name', ''):<34}{spec.get('category', ''):<21}"
                     f"{spec.get('severity', ''):<8}{spec.get('summary', '')}{state}")
    return "\n".join(lines)


def catalogue_doc(rules: RuleSet) -> str:
    out = ["# auditor 规则说明", ""]
    for code, spec in sorted(rules.checks.items()):
        out += [f"## {code} {spec.get('name', '')}", "",
                f"类别 `{spec.get('category', '')}`，默认严重程度 `{spec.get('severity', '')}`。{spec.get('summary', '')}", ""]
        for heading in ("问题", "为何重要", "错误示例", "正确示例"):
            text = spec.get("doc", {}).get(heading)
            if text:
                out += [f"**{heading}**：{text}", ""]
        if spec.get("params"):
            out += ["参数：" + "，".join(f"`{k}` = {v}" for k, v in spec["params"].items()), ""]
    return "\n".join(out)


def validate(rules: RuleSet) -> list[str]:
    """Problems in the catalogue (used by tests and when loading a --rules file)."""
    problems = []
    for code, spec in rules.checks.items():
        if spec.get("category") not in CATEGORIES:
            problems.append(f"{code}: unknown category {spec.get('category')!r}")
        if spec.get("severity") not in SEVERITIES:
            problems.append(f"{code}: unknown severity {spec.get('severity')!r}")
    return problems
