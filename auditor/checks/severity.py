"""Severity as a decision error (statcheck): how much a slip matters is what it changes.

- ``error``: the slip changes a conclusion: the grade band of a total (优/良/中/差, the bands of
  SCO004's params), full marks given for a shortfall (a score at its points, a rate at 100%,
  where less is due), or a total score or grade that the report's conclusion states;
- ``warning``: an inconsistency that changes nothing scored;
- ``info``: unit and wording slips (their category's level is info), a gap of a rounding step,
  and findings whose partner figure is uncertain.

Decided once for every finding, after the checks, from the finding's category, its stated and
expected values and the roles of its evidence; the thresholds are ``catalogue.severity`` in rules/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from auditor.model import Claim, Finding
from auditor.rules import RuleSet
from auditor.strings import squash

HUNDRED = Decimal(100)
NUMBER = re.compile(r"([-+−]?\d[\d,]*(?:\.\d+)?)\s*(\S*)")


@dataclass(frozen=True)
class Policy:
    bands: tuple[tuple[Decimal, str], ...]  # highest floor first
    categories: dict[str, str]
    codes: dict[str, str]  # a check's own level (catalogue ``severity:`` of that check)
    void_scores: frozenset[str]
    total_subjects: tuple[str, ...]
    rounding_steps: Decimal
    unit_factors: dict[str, Decimal]

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Policy:
        data = rules["catalogue"].get("severity", {})
        bands = rules.param("SCO004", "bands") or ()
        return cls(
            bands=tuple(sorted(((Decimal(str(f)), str(g)) for f, g in bands), reverse=True)),
            categories=dict(data.get("categories", {})),
            codes={code: spec["severity"] for code, spec in rules.checks.items() if spec.get("severity")},
            void_scores=frozenset(data.get("void_scores", ())),
            total_subjects=tuple(data.get("total_subjects", ("总分",))),
            rounding_steps=Decimal(str(data.get("rounding_steps", 1))),
            unit_factors={u: Decimal(str(spec.get("factor", 1))) for u, spec in rules["units"].get("units", {}).items()},
        )

    @property
    def grades(self) -> set[str]:
        return {grade for _, grade in self.bands}

    def band(self, value: Decimal) -> str:
        for floor, grade in self.bands:
            if value >= floor:
                return grade
        return self.bands[-1][1]


class Facts:
    """What the severity of any finding of one report is judged against: its claims and totals."""

    def __init__(self, context: Any, policy: Policy) -> None:
        self.text: str = context.text
        self.claims: tuple[Claim, ...] = tuple(context.claims)
        self.by_span = {(c.span.start, c.span.end): c for c in self.claims}
        self.context = context
        self.totals = [c for c in self.claims if self._is_total(c, policy)]
        self.quoted = [c for c in self.totals if c.cell is None]  # the conclusion's totals, in the narrative

    def _is_total(self, claim: Claim, policy: Policy) -> bool:
        """A total score: a score named 总分/自评得分/… (in its subject or the words just before it)
        on the 100-point scale (``（分值20分，自评得分19.84分）`` is a section's score, not a total)."""
        if claim.role == "max" or claim.quantity.unit != "分" or claim.quantity.value > HUNDRED:
            return False
        if claim.cell is not None:  # the 总分 row: its score column (a row of a narrower layout may lack the role)
            return any(w in squash(claim.subject) for w in policy.total_subjects)
        if claim.role != "score":
            return False
        sentence = self.context.sentence(claim.span.start)
        before = squash(self.text[sentence.start:claim.span.start])[-12:]
        if not any(w in squash(claim.subject) or w in before for w in policy.total_subjects):
            return False
        points = [c for c in self.context.claims_in(sentence) if c.role == "max" and c.quantity.unit == "分"]
        return all(p.quantity.value == HUNDRED for p in points)

    def claims_of(self, finding: Finding) -> list[Claim]:
        return [c for e in finding.evidence if (c := self.by_span.get((e.span.start, e.span.end)))]

    def totals_over(self, claim: Claim) -> list[Claim]:
        """The totals a score item adds up to: those of its own table, else the one the narrative quotes."""
        same_table = [t for t in self.totals if t.block == claim.block and t.cell is not None and t is not claim]
        if same_table:
            return same_table
        return self.quoted[:1] if len({t.quantity.value for t in self.quoted}) == 1 else []


def number(text: str, policy: Policy, unit: str = "") -> tuple[Decimal, Decimal] | None:
    """A finding's stated/expected string as (value as written, factor of its unit); None if it is words."""
    match = NUMBER.search(text.replace("低于", ""))
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "").replace("−", "-"))
    except InvalidOperation:
        return None
    written = match.group(2)
    factor = policy.unit_factors.get(written) or policy.unit_factors.get(unit) or Decimal(1)
    return value, factor


def stated_claim(finding: Finding, claims: list[Claim], policy: Policy) -> Claim | None:
    """The evidence claim that bears the stated figure (the first with its value), else the first claim."""
    written = squash(finding.stated)
    stated = number(finding.stated, policy)
    for claim in claims:
        if squash(claim.text) == written:
            return claim
    for claim in claims:
        if stated and claim.quantity.value == stated[0]:
            return claim
    return claims[0] if claims else None


def is_full_marks_for_shortfall(finding: Finding, claim: Claim, claims: list[Claim], facts: Facts,
                                policy: Policy) -> bool:
    stated = number(finding.stated, policy)
    expected = number(finding.expected, policy)
    if stated is None:
        return False
    below = finding.expected.startswith("低于") or (expected is not None and expected[0] < stated[0])
    if not below:
        return False
    if claim.role == "score":
        points = [c.quantity.value for c in claims if c.role == "max"]
        full = points[0] if points else (HUNDRED if claim in facts.totals else None)
        return full is not None and stated[0] == full  # above its points is CAP001, not full marks
    if claim.quantity.dimension == "percent" and claim.role == "rate":
        return stated[0] >= HUNDRED and expected is not None and expected[0] < HUNDRED
    return False


def changes_band(finding: Finding, claim: Claim, claims: list[Claim], facts: Facts, policy: Policy) -> bool:
    if finding.code in policy.void_scores:  # the points should not have been given at all
        scores = [c for c in claims if c.role == "score" and c not in facts.totals]
        if not scores:
            return False
        delta = -sum((c.quantity.value for c in scores), Decimal(0))
        return any(policy.band(t.quantity.value) != policy.band(t.quantity.value + delta)
                   for t in facts.totals_over(scores[0]))
    stated, expected = number(finding.stated, policy), number(finding.expected, policy)
    if claim.role != "score" or stated is None or expected is None or finding.expected.startswith("低于"):
        return False
    if claim in facts.totals:
        return policy.band(stated[0]) != policy.band(expected[0])
    delta = expected[0] - stated[0]
    return any(policy.band(t.quantity.value) != policy.band(t.quantity.value + delta)
               for t in facts.totals_over(claim))


def changes_quoted_total(claims: list[Claim], facts: Facts) -> bool:
    """A total score the conclusion quotes is part of the contradiction (stated, or equal to the quote)."""
    quoted = {t.quantity.value for t in facts.quoted}
    return any(c in facts.totals and (c.cell is None or c.quantity.value in quoted) for c in claims)


def is_rounding_slip(finding: Finding, claim: Claim, policy: Policy) -> bool:
    """The gap is at most ``rounding_steps`` steps of the stated figure's last written digit."""
    q = claim.quantity
    if not (q.low.is_finite() and q.high.is_finite()):
        return False  # ≥90% has no last digit to round
    step = q.high - q.low
    stated, expected = number(finding.stated, policy, q.unit), number(finding.expected, policy, q.unit)
    if step <= 0 or stated is None or expected is None or finding.expected.startswith("低于"):
        return False
    gap = abs(stated[0] * stated[1] - expected[0] * expected[1])
    return gap <= policy.rounding_steps * step * q.factor


def level(finding: Finding, facts: Facts, policy: Policy) -> str:
    if finding.uncertain:
        return "info"  # which figure is the partner is a guess: say so, do not accuse
    base = policy.codes.get(finding.code) or policy.categories.get(finding.category, "warning")
    if base in ("error", "info"):
        return base
    if {finding.stated, finding.expected} & policy.grades:
        return "error"  # the conclusion's grade itself is at stake
    claims = facts.claims_of(finding)
    claim = stated_claim(finding, claims, policy)
    if claim is None:
        return base
    if (is_full_marks_for_shortfall(finding, claim, claims, facts, policy)
            or changes_band(finding, claim, claims, facts, policy)
            or changes_quoted_total(claims, facts)):
        return "error"
    if is_rounding_slip(finding, claim, policy):
        return "info"
    return base


def assess(findings: list[Finding], context: Any, rules: RuleSet) -> list[Finding]:
    """``findings`` with the severity their decision consequence earns."""
    policy = Policy.from_rules(rules)
    facts = Facts(context, policy)
    return [replace(f, severity=level(f, facts, policy)) for f in findings]
