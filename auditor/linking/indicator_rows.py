"""One constraint per indicator table over all its rows (``each row: score ≤ points, a missed target
not scored in full``): the table's rows are one relation of the form, checked row by row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditor.linking.context import Context
from auditor.model import Claim, Constraint


@dataclass(frozen=True)
class IndicatorRow:
    target: Claim | None  # with its actual value when both measure the same thing, else None
    actual: Claim | None
    points: Claim
    score: Claim
    indicator: str = ""  # the indicator's name, for messages


def constraint(ctx: Context, rows: Iterable[IndicatorRow]) -> Iterator[Constraint]:
    rows = list(rows)
    if not rows:
        return
    claims = list({c.id: c for r in rows for c in (r.score, r.points, r.target, r.actual) if c is not None}.values())
    yield ctx.constraint("indicator_rows", "SCO003", claims, "table", codes=("CAP001", "SCO003"),
                         rows=[(r.target.id if r.target else None, r.actual.id if r.actual else None,
                                r.points.id, r.score.id, r.indicator) for r in rows])
