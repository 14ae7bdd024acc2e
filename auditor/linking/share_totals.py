"""Shares of one whole stated side by side (其中：财政拨款收入…，占91.3%；事业收入…，占8.7%; 税收收入
…占全部收入的42.5%，非税收入…占全部收入的57.5%) cannot add up to more than the
whole: their sum is at most 100% (RAT002, kind ``shares_total``). Only a flat list: a share written
after 其中 or 包括 may be of a part listed before it (税收收入占85%，其中增值税占40%). Shares in
sentences of their own (1.基本支出…占总支出的70%。2.项目支出…占总支出的30%) are of one whole when
each names it alike and the same figure was found as its total, one paragraph after another; a run
ends where its shares make up 100% (税务部门…47.15%；财政部门…52.85%。税收收入…41.25%: two breakdowns).

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

HUNDRED = Decimal(100)
NEXT_BLOCKS = 1  # a share of the run stands at most this many blocks after the one before


def find(ctx: Context, groups: list[list[tuple[Claim, Claim, Claim | None]]]) -> Iterator[Constraint]:
    for shares in groups:
        rates = [rate for rate, _, _ in shares]
        parts = [part for _, part, _ in shares]
        if len(shares) < 2 or len({p.id for p in parts}) < len(parts) or len({r.id for r in rates}) < len(rates):
            continue
        between = squash(ctx.text[parts[0].span.end:rates[-1].span.start])
        if any(word in between for word in ctx.rules["lists"].get("nesting_cues", ())):
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
        if any(word in squash(ctx.text[parts[0].span.end:shares[-1][0].span.start]) for word in ctx.rules["lists"].get("nesting_cues", ())):
            continue
        low = sum((rate.quantity.low for rate, _ in shares), Decimal(0))
        high = sum((rate.quantity.high for rate, _ in shares), Decimal(0))
        if low <= 100 <= high:
            yield ctx.constraint("sum", "SUM001", [ctx.by_id[total_id], *parts], "narrative", relation="=")


def across_sentences(ctx: Context, found: list[tuple[Claim, Claim, Claim, str]]) -> list[list[tuple[Claim, Claim, Claim | None]]]:
    """Runs of shares (share, part, total, whole's name) naming one whole and found of one figure,
    in consecutive blocks, with parts of distinct names and values (a share restated is no other
    part), not all in one sentence (that one is grouped by its sentence)."""
    runs: list[list[tuple[Claim, Claim, Claim, str]]] = []
    open_runs: dict[tuple[int, str], list[tuple[Claim, Claim, Claim, str]]] = {}
    for share in sorted(found, key=lambda s: s[0].span.start):
        key = (share[2].id, share[3])
        run = open_runs.get(key)
        if run is None or share[0].block - run[-1][0].block > NEXT_BLOCKS:
            run = open_runs[key] = []
            runs.append(run)
        run.append(share)
        if sum((r.quantity.low for r, *_ in run), Decimal(0)) <= HUNDRED <= sum((r.quantity.high for r, *_ in run), Decimal(0)):
            del open_runs[key]  # the whole is made up: a share after it begins another breakdown
    groups = []
    for run in runs:
        parts = [part for _, part, _, _ in run]
        sentences = {ctx.sentence(rate.span.start, "。！？!?\n").start for rate, _, _, _ in run}
        if len(run) < 2 or len(sentences) < 2 or len({p.subject for p in parts}) < len(parts) \
                or len({p.quantity.base_value for p in parts}) < len(parts):
            continue
        groups.append([(rate, part, total) for rate, part, total, _ in run])
    return groups
