"""Restated quantities (XREF001): narrative figures with the same subject key (keys.py) state one
quantity; when they carry two values, one of them is wrong.

Only unambiguous keys: a group whose figures name different explicit scopes, or that holds more
than two different values, says nothing (which pair is the contradiction cannot be told).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from auditor.intervals import Interval
from auditor.linking.context import Context
from auditor.linking.keys import Subjects
from auditor.model import Claim, Constraint


def clusters(claims: list[Claim]) -> list[list[Claim]]:
    """Figures grouped by value: two figures whose intervals meet are one value."""
    out: list[list[Claim]] = []
    for claim in claims:
        here = Interval.of(claim.quantity)
        for group in out:
            if Interval.of(group[0].quantity).meets(here):
                group.append(claim)
                break
        else:
            out.append([claim])
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    subjects = Subjects(ctx)
    groups: dict[tuple, list[tuple[Claim, str]]] = defaultdict(list)
    for claim in ctx.narrative:
        key = subjects.key(claim)
        if key is not None and key.unique:
            groups[(key.item, key.stage, key.year, claim.quantity.dimension)].append((claim, key.scope))
    for (item, stage, year, _), members in groups.items():
        scopes = {scope for _, scope in members if scope}
        if len(scopes) > 1:
            continue
        values = clusters([c for c, _ in members])
        if len(values) != 2:
            continue
        first, second = values[0][0], values[1][0]
        yield ctx.constraint("same_quantity", "XREF001", [first, second], "link", what=item)
