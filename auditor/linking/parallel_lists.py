"""Parallel lists (SUM001, kind ``parallel_sums``): one breakdown stated in several columns at once,
财政总收入完成A，年度预算B，较上年C。其中：上划收入完成A1，年度预算B1，较上年C1。地方收入A2，年度预算B2，
较上年C2: the lists A = A1 + A2, B = B1 + B2, C = C1 + C2 are one relation over all the figures. Lists
are parallel when their totals share a sentence and so does each of their parts, position by
position; the constraint holds every column, each checked as its own list (SUM001, whose finding
is the same and is merged with it)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context
from auditor.linking.lists import PartLists, part_sums
from auditor.model import Constraint

ENDS = "。！？!?\n"


def find(ctx: Context) -> Iterator[Constraint]:
    columns = list(part_sums(ctx, PartLists.of(ctx)))
    if len(columns) < 2:
        return

    def sentences(column: Constraint) -> tuple[int, ...]:
        return tuple(ctx.sentence(ctx.by_id[i].span.start, ENDS).start for i in column.claims)

    by_layout: dict[tuple[int, ...], list[Constraint]] = {}
    for column in columns:
        by_layout.setdefault(sentences(column), []).append(column)
    for group in by_layout.values():
        ids = [i for column in group for i in column.claims]
        if len(group) < 2 or len(set(ids)) < len(ids) or len(set(sentences(group[0]))) < 2:
            continue  # one column, a figure in two columns, or a list inside one sentence: nothing joint
        yield ctx.constraint("parallel_sums", "SUM001", [ctx.by_id[i] for i in ids], "narrative",
                             columns=[(list(c.claims), dict(c.params)) for c in group])
