"""The risk score that ranks a batch's reports: where an auditor should look first.

    risk = Σ over the report's findings of  weight(severity) × certainty × triage

    weight     error 10, warning 3, info 1
    certainty  0.5 for a finding the check marked uncertain, else 1
    triage     0 for a dismissed finding, 1 otherwise; a confirmed finding counts as certain

So one error outweighs three warnings, a report with many contradictions ranks above one with
few, dismissing a false alarm lowers its report's rank, and confirming an uncertain finding raises
it. Ties are broken by the number of errors, then warnings, then the report's path. A report that
could not be audited has no score and is listed apart, at the top.
"""

from __future__ import annotations

from collections.abc import Iterable

SEVERITY_WEIGHT = {"error": 10.0, "warning": 3.0, "info": 1.0}
UNCERTAIN_FACTOR = 0.5
TRIAGE_STATES = ("open", "confirmed", "dismissed")


def finding_weight(severity: str, uncertain: bool = False, state: str | None = None) -> float:
    if state == "dismissed":
        return 0.0
    weight = SEVERITY_WEIGHT.get(severity, 1.0)
    if uncertain and state != "confirmed":
        weight *= UNCERTAIN_FACTOR
    return weight


def risk_score(findings: Iterable[tuple[str, bool, str | None]]) -> float:
    """``findings``: (severity, uncertain, triage state or None) per finding."""
    return round(sum(finding_weight(*f) for f in findings), 2)


def rank_key(row: dict) -> tuple:
    """Sort key for report rows (dicts with risk, errors, warnings, path): riskiest first."""
    return (-(row.get("risk") or 0.0), -(row.get("errors") or 0), -(row.get("warnings") or 0), row["path"])
