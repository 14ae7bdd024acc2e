"""check: each kind of constraint is evaluated by one function registered for that kind; the code,
category, message and documentation of each finding come from ``rules/catalogue.yaml``. A check
reads a :class:`CheckContext`: the claims, the text and the rules, read-only, not the linking
stage's working object.

After every constraint is evaluated, each finding's severity is decided once by what the slip
changes (auditor.checks.severity) and it gets its rule page's anchor; then findings about the same
broken fact are consolidated: one finding per contradiction, with all its evidence, under the
most specific category.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from auditor.model import SEVERITIES, Claim, Constraint, Document, Evidence, Finding, Reading, Span
from auditor.rules import RuleSet


@dataclass(frozen=True)
class CheckContext:
    """What a check may read about one report, built once from the linking stage's Context: its
    claims by id, the text the finders read (cue words simplified, original offsets), each claim's
    name for messages, the report's money unit and the rules."""

    text: str
    claims: tuple[Claim, ...]
    by_id: Mapping[int, Claim]
    names: Mapping[int, str]
    money_unit: str
    rules: RuleSet
    tables: Mapping[int, tuple[int, int | None]] = field(default_factory=dict)  # block -> (表n as in the HTML, page)

    @classmethod
    def of(cls, context: Any) -> CheckContext:  # auditor.linking.context.Context
        return cls(text=context.text, claims=tuple(context.claims), by_id=MappingProxyType(dict(context.by_id)),
                   names=MappingProxyType({c.id: context.name_of(c) for c in context.claims}),
                   money_unit=context.money_unit, rules=context.rules, tables=table_numbers(context.doc.blocks))

    def at(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def name_of(self, claim: Claim) -> str:
        return self.names.get(claim.id, claim.subject)


def table_numbers(blocks: Any) -> Mapping[int, tuple[int, int | None]]:
    """Each table block's number in reading order (表1, 表2, as the HTML page labels them) and page."""
    order = sorted((i for i, b in enumerate(blocks) if b.kind == "table" and b.rows),
                   key=lambda i: (blocks[i].span.start, blocks[i].span.end))
    return MappingProxyType({i: (n, blocks[i].page) for n, i in enumerate(order, 1)})


Check = Callable[[Constraint, CheckContext], "Finding | Iterable[Finding] | None"]
CHECKS: dict[str, Check] = {}
MODULES = ("sums", "ratios", "scores", "crossref", "identity", "years", "units", "logic", "bounds", "products",
           "placements", "forms")

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
            expected: str, uncertain: bool = False, **fields: str) -> Finding:
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
        severity="warning",  # a placeholder: severity.assess decides every finding's level
        message=message, evidence=tuple(unique),
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
            merged[key] = replace(old, evidence=old.evidence + extra, severity=min(old.severity, f.severity,
                                                                                    key=SEVERITIES.index))
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
    from auditor.checks import severity
    from auditor.rule_docs import anchor

    checks = load_checks()
    view = CheckContext.of(graph.context)
    found: list[Finding] = []
    for constraint in graph.constraints:
        # a constraint checking several relations at once (an indicator table's rows) names them all
        codes = constraint.params.get("codes") or (constraint.params.get("code", ""),)
        fn = checks.get(constraint.kind)
        if fn is None or not any(rules.enabled(c) for c in codes):
            continue
        result = fn(constraint, view)
        if isinstance(result, Finding):
            found.append(result)
        elif result:
            found.extend(result)
    found = [replace(f, doc=anchor(f.code)) for f in severity.assess(found, graph.context, rules)]
    return consolidate(found)
