"""Tables whose columns come in groups by period (rules/tables.yaml column_groups):

    学段 | 项目 | 2024年春 | 2024年秋 | 全年
    下达资金 | 资助金额 | 资助人数 | 其中：1类 | 2类 | 下达资金 | 资助金额 | 资助人数 | 其中：1类 | 2类 | 资助人数 | 资助金额
    人数 | 金额 | 人数 | 金额 | 人数 | 金额 | 人数 | 金额

Each part period runs the same columns, the whole period some of them; a class column (1类)
splits into the measures of the third row. Two relations follow from the heading alone: in each
part period the classes of a measure add up to the column naming that measure (资助人数 = 1类人数 +
2类人数), and the whole period's column adds up the part periods' columns of the same name (a
count of people there lies between the largest period's and their sum: persons or person-times).

A row's empty cells are often lost when such a table is flattened to text, so which column a
figure sits in is not known. The row is one constraint (``column_groups``): its figures in order
and the relations between columns; the check asks whether ANY placement of the figures in the
columns, in their order and whole numbers under a count, makes every relation hold whose total
and at least one part are written. Only a row no placement balances is reported."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from auditor.linking.context import Context
from auditor.linking.table_sums import BLANK, WORDS, cell_value, tables
from auditor.model import Claim, Constraint
from auditor.strings import squash


@lru_cache(maxsize=64)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _label(ctx: Context, cell, words: dict) -> str:  # noqa: ANN001
    return _pattern(words["brackets"]).sub("", squash(ctx.at(cell.span)))


def _periods(labels: list[str], words: dict) -> int | None:
    """How many part periods a heading row names before its whole period (春 | 秋 | 全年 -> 2)."""
    names = [_pattern(words["year_prefix"]).sub("", label) for label in labels]
    wholes = [i for i, n in enumerate(names) if n in words["whole_periods"]]
    if len(wholes) != 1 or wholes[0] != len(names) - 1:
        return None
    parts = 0
    while parts < wholes[0] and names[wholes[0] - 1 - parts] in words["part_periods"]:
        parts += 1
    return parts if parts >= 2 else None


def columns(periods: int, labels: list[str], measures: list[str], words: dict) -> list[tuple[int, str, str]] | None:
    """(period, column label, measure or '') of every column; ``periods`` part periods then the whole
    (numbered ``periods``). None unless the labels run alike in every part period."""
    for size in range(1, len(labels) // periods + 1):
        runs = [labels[p * size:(p + 1) * size] for p in range(periods)]
        whole = labels[periods * size:]
        if any(run != runs[0] for run in runs) or not whole or not set(whole) <= set(runs[0]):
            continue
        classes = [label for label in runs[0] if _pattern(words["class_pattern"]).match(label)]
        if not classes or len(measures) % (periods * len(classes)):
            return None
        split = measures[:len(measures) // (periods * len(classes))]
        if measures != split * (periods * len(classes)) or len(set(split)) != len(split):
            return None
        out = []
        for p, run in enumerate(runs):
            for label in run:
                out += [(p, label, m) for m in split] if label in classes else [(p, label, "")]
        return out + [(periods, label, "") for label in whole]
    return None


def relations(cols: list[tuple[int, str, str]], periods: int) -> list[tuple[int, list[int]]]:
    """(total column, part columns) of each relation the heading states."""
    found = []
    measures = {m for _, _, m in cols if m}
    for p in range(periods):
        for m in measures:
            totals = [i for i, (q, label, sub) in enumerate(cols) if q == p and not sub and m in label]
            parts = [i for i, (q, _, sub) in enumerate(cols) if q == p and sub == m]
            if len(totals) == 1 and len(parts) >= 2:
                found.append((totals[0], parts))
    for i, (q, label, sub) in enumerate(cols):
        # only columns of a measure add up over periods (资助人数, not 资助标准 or a rate)
        if q == periods and any(m in label for m in measures):
            parts = [j for j, (p, other, s) in enumerate(cols) if p < periods and other == label and s == sub]
            if len(parts) == periods:
                found.append((i, parts))
    return found


def _heading(ctx: Context, rows, r: int, words: dict):  # noqa: ANN001, ANN202
    """(periods, columns) when rows r, r+1, r+2 are a period heading, its columns and their measures."""
    if r + 3 >= len(rows):
        return None
    labels = [_label(ctx, c, words) for c in rows[r] if squash(c.text)]
    periods = _periods(labels, words)
    if periods is None:
        return None
    names = [_label(ctx, c, words) for c in rows[r + 1] if squash(c.text)]
    measures = [_label(ctx, c, words) for c in rows[r + 2] if squash(c.text)]
    lead, tier = _pattern(words["class_lead"]), _pattern(words["class_pattern"])
    cols = columns(periods, [lead.sub("", n) if tier.match(n) else n for n in names], measures, words)
    return (periods, labels[-periods - 1:], cols) if cols else None


def row_figures(ctx: Context, block: int, row: int, placeholders: tuple[str, ...]) -> list[Claim | None] | None:
    """The row's figures in order after its leading labels, None for a placeholder (—); None when
    words follow a figure."""
    claims = ctx.rows.get((block, row), [])
    out: list[Claim | None] = []
    for cell in ctx.block(block).rows[row]:
        value = cell_value(ctx, cell, claims, placeholders)
        if value is WORDS:
            if out:
                return None
            continue
        if value is BLANK:
            if out and squash(cell.text):
                out.append(None)
            continue
        out.append(value)  # type: ignore[arg-type]
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    groups = ctx.rules["tables"].get("column_groups")
    if not groups:
        return
    for index, block, _, placeholders in tables(ctx):
        rows = block.rows
        for r in range(len(rows) - 3):
            heading = _heading(ctx, rows, r, groups)
            if heading is None:
                continue
            periods, period_names, cols = heading
            rels = relations(cols, periods)
            if not rels:
                continue
            counts = [i for i, (_, label, m) in enumerate(cols)
                      if any(w in label + m for w in groups["count_measures"])]
            # the year's count may be of persons (one aided in both terms counted once): at least the
            # largest term's, at most their sum
            bounded = [k for k, (t, _) in enumerate(rels) if t in counts and cols[t][0] == periods]
            split = [k for k, (t, _) in enumerate(rels) if cols[t][0] < periods]  # tiers of a period's column
            for row in range(r + 3, len(rows)):
                figures = row_figures(ctx, index, row, placeholders)
                if figures is None or len(figures) > len(cols):
                    break
                claims = [c for c in figures if c is not None]
                if len(claims) < 3 or len({c.quantity.unit for c in claims}) != 1:
                    continue
                yield ctx.constraint("column_groups", "SUM001", claims, "table", relations=[[t, *ps] for t, ps in rels],
                                     counts=counts, sequence=[c.id if c else None for c in figures], bounded=bounded, split=split,
                                     names=[period_names[p] + label + m for p, label, m in cols])
