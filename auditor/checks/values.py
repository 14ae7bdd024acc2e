"""Shared helpers for checks: intervals of claims and how figures are written back to people."""

from __future__ import annotations

from decimal import Decimal

from auditor.intervals import Interval, fmt
from auditor.model import Claim


def interval(claim: Claim, factor: Decimal | None = None) -> Interval:
    """The claim's interval in base units; ``factor`` overrides the unit's (to test a unit slip)."""
    q = claim.quantity
    f = q.factor if factor is None else factor
    return Interval(q.low * f, q.high * f)


def in_unit(value: Decimal, claim: Claim) -> str:
    """``value`` (base units) written in ``claim``'s unit: 14294600 元 -> '1429.46万元'."""
    factor = claim.quantity.factor or Decimal(1)
    return fmt(value / factor, max(2, claim.quantity.decimals)) + claim.quantity.unit


def percent(value: Decimal, places: int = 2) -> str:
    return fmt(value, places) + "%"


def is_slipped_yuan(claim: Claim, money_unit: str) -> bool:
    """A figure written in 元 in a report that works in 万元 (a likely missing 万)."""
    return claim.quantity.dimension == "money" and claim.quantity.unit == "元" and money_unit == "万元"


def written(claim: Claim) -> str:
    """The figure as written, with the unit its table header gives when the cell has none."""
    if claim.unit_text or not claim.quantity.unit or claim.text.endswith(claim.quantity.unit):
        return claim.text
    return claim.text + claim.quantity.unit
