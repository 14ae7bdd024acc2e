"""A unique item's narrative figure and its row in a table without stage or year columns (XREF001):
本部门安排“三公”经费60万元…公务接待费5万元 beside a table whose row 公务接待费 reads 5.00 under 合计.

restated.py pairs a narrative figure with a dated stage column (2024年决算数); a table of one total
column (合计 | 一般公共预算 | 政府性基金预算) says neither, so which stage and year it states is
read from the narrative: only when the report states that item with one value (one stage, the
report's year, no part of the year) anywhere in its text, and the table is the only one with a row
of that item, and the words just before the table name no other stage (2023年决算表 beside 预算…).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import Context, label
from auditor.linking.keys import Subjects
from auditor.linking.restated import ROLE_STAGE, clusters, paragraph_stage
from auditor.linking.tables import rows_of
from auditor.model import Claim, Constraint

CAPTION_CHARS = 60  # characters before a table read for the stage its caption names


def unstaged_rows(ctx: Context, subjects: Subjects) -> dict[str, list[tuple[Claim, str]]]:
    """The total cell of each unique item's row in tables with no stage or year, with the stage the
    words right before its table name (or none)."""
    out: dict[str, list[tuple[Claim, str]]] = defaultdict(list)
    for sheet in ctx.sheets:
        start = ctx.block(sheet[0]).span.start
        caption = subjects.last_stage(ctx.text[max(0, start - CAPTION_CHARS):start])
        for row in rows_of(ctx, sheet):
            name = subjects.item(label(row.labels[-1]) if row.labels else row.first_label, "")
            if name not in subjects.unique or any(c.year or c.role in ROLE_STAGE for c in row.claims):
                continue
            money = [c for c in row.claims if row.whole(c) and c.quantity.dimension == "money"]
            if money and (len(money) == 1 or label(money[0].header_path[-1] if money[0].header_path else "")
                          in subjects.column_totals):
                out[name].append((money[0], caption))
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    subjects = Subjects.of(ctx)
    rows = unstaged_rows(ctx, subjects)
    if not rows:
        return
    stated: dict[str, list[tuple[Claim, object]]] = defaultdict(list)
    for claim in ctx.narrative:
        key = subjects.key(claim, need_stage=False)
        if key is not None and key.item in rows and claim.quantity.dimension == "money":
            stated[key.item].append((claim, key))
    year = ctx.reading.report_year
    for item, members in stated.items():
        if len(rows[item]) != 1 or any(k.period or (k.year and k.year != year) for _, k in members):
            continue  # two tables of the item, or a figure of another year or part of it
        # a figure without a stage cue of its own takes its sentence's or paragraph's (安排“三公”经费…，其中…)
        stages = {k.stage or paragraph_stage(ctx, subjects, c) for c, k in members}
        cell, caption = rows[item][0]
        if len(stages - {""}) > 1 or (caption and stages != {caption}):
            continue
        values = clusters([c for c, _ in members])
        if len(values) == 1:
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], cell], "link", what=item)
