"""Shares of one whole stated side by side (其中：财政拨款收入…，占91.3%；事业收入…，占8.7%; 税收收入
…占全部收入的42.5%，非税收入…占全部收入的57.5%) cannot add up to more than the
whole: their sum is at most 100% (RAT002, kind ``shares_total``). Only a flat list: a share written
after 其中 or 包括 may be of a part listed before it (税收收入占85%，其中增值税占40%).

Shares of one total found and named alike wherever they stand, as one per numbered item (1.基本支出…，
占财政拨款总支出的70.8%。 2.项目支出…，占…的29.2%。): when their rates add up to 100% they name all of
its parts, and the parts add up to it (SUM001).

The constraint carries each share's part and, when found, its total, so that the check leaves a
share that does not recompute from them to that share's own finding."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint

NESTING = ("其中", "包括", "含")


def find(ctx: Context, groups: list[list[tuple[Claim, Claim, Claim | None]]]) -> Iterator[Constraint]:
    for shares in groups:
        rates = [rate for rate, _, _ in shares]
        parts = [part for _, part, _ in shares]
        if len(shares) < 2 or len({p.id for p in parts}) < len(parts) or len({r.id for r in rates}) < len(rates):
            continue
        between = squash(ctx.text[parts[0].span.end:rates[-1].span.start])
        if any(word in between for word in NESTING):
            continue
        totals = [total.id if total is not None else None for _, _, total in shares]
        found = [ctx.by_id[i] for i in dict.fromkeys(t for t in totals if t is not None)]
        yield ctx.constraint("shares_total", "RAT002", [*rates, *parts, *found], "narrative",
                             shares=len(rates), totals=totals)


def whole_sums(ctx: Context, groups: dict[tuple[int, str], list[tuple[Claim, Claim, Claim | None]]],
               listed: set[tuple[int, frozenset[int]]]) -> Iterator[Constraint]:
    """SUM001: the parts whose shares of one found total, named alike, add up to 100% (at their
    stated precision) are all of it. Shares restated, or of a part and its own part, add up to more
    and form nothing; a list already read is not read again."""
    of_total: dict[tuple[int, str], list[tuple[Claim, Claim]]] = {}
    for (_, name), shares in groups.items():
        for rate, part, total in shares:
            if total is not None:
                of_total.setdefault((total.id, name), []).append((rate, part))
    for (total_id, _), shares in of_total.items():
        parts = [part for _, part in shares]
        if len(shares) < 2 or len({p.id for p in parts}) < len(parts) or total_id in {p.id for p in parts} \
                or len({p.subject for p in parts}) < len(parts) or (total_id, frozenset(p.id for p in parts)) in listed:
            continue
        if any(word in squash(ctx.text[parts[0].span.end:shares[-1][0].span.start]) for word in NESTING):
            continue
        low = sum((rate.quantity.low for rate, _ in shares), Decimal(0))
        high = sum((rate.quantity.high for rate, _ in shares), Decimal(0))
        if low <= 100 <= high:
            yield ctx.constraint("sum", "SUM001", [ctx.by_id[total_id], *parts], "narrative", relation="=")
