"""Restated quantities (XREF001): narrative figures with the same subject key (keys.py) state one
quantity; when they carry two values, one of them is wrong.

Only unambiguous keys: a group whose figures name different explicit scopes, or that holds more
than two different values, says nothing (which pair is the contradiction cannot be told).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from auditor.intervals import Interval
from auditor.linking.context import Context
from auditor.linking.keys import Subjects
from auditor.model import Claim, Constraint, Span

# A template's unfilled figure: 因公出国（境）费为XX万元.
PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx]{2,3}|×{2,3}|Ｘ{2,3})\s*(?=万元|元|%|人|个|户|辆|次)")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


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
    yield from placeholders(ctx)
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


def placeholders(ctx: Context) -> Iterator[Constraint]:
    """A figure left as XX where the same item is stated with a value elsewhere."""
    subjects = Subjects(ctx)
    keyed = None
    for m in PLACEHOLDER.finditer(ctx.text):
        sentence = ctx.sentence(m.start())
        years = YEAR.findall(ctx.text[sentence.start:m.start()])
        key = subjects.read(subjects.left_of(m.start()), m.start(), int(years[-1]) if years else None, False)
        if key is None or not key.unique:
            continue
        if keyed is None:
            keyed = [(c, subjects.key(c, need_stage=False)) for c in ctx.narrative]
        twins = [c for c, k in keyed if k is not None and k.item == key.item and k.stage == key.stage
                 and (k.year is None or key.year is None or k.year == key.year)]
        if len({c.quantity.value for c in twins}) == 1:
            yield ctx.constraint("placeholder", "XREF001", twins[:1], "link", spans=(Span(m.start(), m.end()),),
                                 what=key.item)
