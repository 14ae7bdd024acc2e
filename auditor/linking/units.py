"""Constraints on units: a written unit doubled, cost indicators without a unit or written as a
percentage (元 among 万元 is found by unit_slips, a missing or garbled unit by unit_gaps)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.tables import is_funding, rows_of
from auditor.model import Constraint


def doubled(ctx: Context) -> Iterator[Constraint]:
    for claim in ctx.claims:
        # written longer than the unit read (万元元); a bare 万 read as 万元 is shorter, not doubled
        if claim.unit_text and len(claim.unit_text) > len(claim.quantity.unit):
            yield ctx.constraint("unit_written", "UNIT001", [claim], "narrative")


def cost_indicators(ctx: Context) -> Iterator[Constraint]:
    cues = ctx.rules["units"].get("cost_indicators", {})
    row_words, rate_words = tuple(cues["row_words"]), tuple(cues["rate_words"])
    for sheet in ctx.sheets:
        rows = rows_of(ctx, sheet)
        funding = next((r for r in rows if is_funding(r)), None)
        budget = funding.one("adjusted_budget", "budget") if funding else None
        for row in rows:
            if not any(w in squash(label) for label in row.labels[:-1] for w in row_words):
                continue
            name = squash(row.labels[-1]) if row.labels else ""
            values = [c for c in row.claims if c.role in ("target", "actual") and row.whole(c)]
            if not values:
                continue
            percents = [c for c in values if c.quantity.dimension == "percent"]
            if percents and not any(w in name for w in rate_words):
                yield ctx.constraint("cost_percent", "UNIT004", percents[:1], "table", indicator=name)
            bare = [c for c in values if not c.quantity.unit]
            if bare and budget is not None and budget.quantity.unit == "万元":
                yield ctx.constraint("cost_unit", "UNIT003", [*bare, budget], "table", indicator=name)


def find(ctx: Context) -> Iterator[Constraint]:
    yield from doubled(ctx)
    yield from cost_indicators(ctx)
