"""A table row followed by rows numbered 1., 2., 3. … (or (1), (2) …) from one (SUM001): the row is
the sum of the numbered rows, column by column, up to a row of an outer level or a total:

    三公经费            | 1.20 | 4.00 | 1.35
    1.公务用车购置和维护 | 0    | 0    | 0
    其中：公务车购置     | 0    | 0    | 0
    2.出国经费          | 0    | 0    | 0
    3.公务接待          | 1.20 | 4.00 | 1.35

Rows between two numbered ones that are not numbered at their level (其中 rows, unnumbered or
deeper rows) are items of the numbered row above them and are not added. The numbers must run on
without a gap, and the row above them be unnumbered or numbered at an outer level. Whether the
numbered rows break the row above down is read from the table itself: the sums are formed only
when they hold, over a nonzero total, in at least as many columns as they fail (a row that is a
sibling of the list, not its total, fails in every column)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from auditor.linking.context import Context
from auditor.linking.table_sums import LEVELS, Line, is_rate, is_total, level_of, sum_constraint, table_segments, tables
from auditor.model import Claim, Constraint

ARABIC_LEVELS = (2, 3)  # 1. and (1): their numbers are read to see that they run on
NUMBER = re.compile(r"\d{1,2}")


def number(name: str) -> int | None:
    found = NUMBER.search(name[:4])
    return int(found.group()) if found else None


def numbered_items(rows: list[Line], n: int, words: dict) -> list[Line] | None:
    """The rows numbered 1, 2, 3 … right under row ``n``, at one level, its outer or unnumbered."""
    head = rows[n]
    if n + 1 >= len(rows) or head.empty or is_rate(head.name, words["rate_words"]):
        return None
    first = rows[n + 1]
    level = level_of(first.name)
    if level not in ARABIC_LEVELS or number(first.name) != 1 or first.group != head.group:
        return None
    if level_of(head.name) >= level and level_of(head.name) != len(LEVELS):
        return None
    items = [first]
    for row in rows[n + 2:]:
        row_level = level_of(row.name)
        if row.group != head.group or row_level < level or is_total(row.name, words["total_words"]):
            break
        if row_level == level:
            if number(row.name) != len(items) + 1:
                return None  # the numbering restarts or skips: which list is which is not certain
            items.append(row)
    return items if len(items) >= 2 else None


def bounds(claim: Claim, places: int) -> tuple[Decimal, Decimal]:
    """A figure's interval in base units; a whole amount among parts written with ``places``
    decimals takes their precision (domain.md), as the sum check reads them (siblings=True)."""
    q = claim.quantity
    if q.dimension != "money" or q.decimals or not places or q.low == q.high:
        return q.base_low, q.base_high
    half = Decimal(5).scaleb(-(places + 1))
    return (q.value - half) * q.factor, (q.value + half) * q.factor


def holds(whole: Claim, parts: list[Claim]) -> bool:
    places = max((p.quantity.decimals for p in parts if p.quantity.unit == whole.quantity.unit), default=0)
    spans = [bounds(p, places) for p in parts]
    low, high = sum((lo for lo, _ in spans), Decimal(0)), sum((hi for _, hi in spans), Decimal(0))
    return low <= whole.quantity.base_high and whole.quantity.base_low <= high


def column_sum(ctx: Context, head: Line, items: list[Line], at: int) -> Constraint | None:
    """The head's figure at ``at`` against the items' (table_sums.sum_constraint), the items read
    as siblings: a 0 among figures of two decimals is 0.00, not 0 ± 0.5."""
    found = sum_constraint(ctx, head, items, at, "numbered")
    if found is None:
        return None
    return ctx.constraint("sum", "SUM001", [ctx.by_id[i] for i in found.claims], "table", table="numbered",
                          siblings=True)


def find(ctx: Context) -> Iterator[Constraint]:
    for index, _, words, placeholders in tables(ctx):
        for columns, rows in table_segments(ctx, index, placeholders, tuple(words.get("serial_headers", ()))):
            amounts = [c for c in columns if not is_rate(c.name, words["rate_words"])]
            for n in range(len(rows)):
                items = numbered_items(rows, n, words)
                if items is None:
                    continue
                found = [c for c in (column_sum(ctx, rows[n], items, col.index) for col in amounts) if c is not None]
                wholes = [ctx.by_id[c.claims[0]] for c in found]
                verdicts = [holds(w, [ctx.by_id[i] for i in c.claims[1:]]) for w, c in zip(wholes, found, strict=True)]
                evidence = sum(1 for w, ok in zip(wholes, verdicts, strict=True) if ok and w.quantity.value)
                if evidence and evidence >= verdicts.count(False):
                    yield from found
