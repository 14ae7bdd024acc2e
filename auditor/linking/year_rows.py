"""XREF001, the narrative against a table whose rows are years (年度 | 合计 | 因公出国(境)经费 | …,
rows 2022年, 2023年): the cell of an item's column in a year's row states that item for that year.

Only items a report states once per stage and year (`unique_items`: the 三公 items…), only when the
table's title names one stage (2021年决算数与2020年决算数对比情况) and the figure's own words, its
sentence's lead or, failing both, the stage its paragraph names last before it is the same one, and the figure's year is its words' or the only year
its paragraph names. Budget-type names (一般公共预算) are no stage cue (`budget_types`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import Context, label, squash
from auditor.linking.keys import YEAR, Subjects
from auditor.linking.restated import clusters, sentence_stage
from auditor.linking.tables import rows_of
from auditor.model import Claim, Constraint

YEAR_ROW = re.compile(r"^((?:19|20)\d\d)年度?$")
MAX_TITLE = 40  # the line right above a table, as its title
TABLE_STAGES = ("budget", "adjusted", "final")  # the stages a table of yearly figures compares


def stages_named(subjects: Subjects, text: str, budget_types: tuple[str, ...]) -> set[str]:
    text = unicodedata.normalize("NFKC", squash(text))
    for name in budget_types:
        text = text.replace(name, "")
    return {stage for cue, stage in subjects.stages if cue in text and stage in TABLE_STAGES}


def last_stage(subjects: Subjects, lead: str, budget_types: tuple[str, ...]) -> str:
    """The stage named last before the figure in its paragraph (决算数2364万元，…分项情况是：…)."""
    lead = unicodedata.normalize("NFKC", squash(lead))
    for name in budget_types:
        lead = lead.replace(name, "_" * len(name))
    found = [(lead.rfind(cue) + len(cue), stage) for cue, stage in subjects.stages
             if stage in TABLE_STAGES and cue in lead]
    return max(found)[1] if found else ""


def year_cells(ctx: Context, subjects: Subjects, budget_types: tuple[str, ...]) -> dict[tuple, list[Claim]]:
    """Cells of year rows under a unique item's column, by (item, stage, year)."""
    out: dict[tuple, list[Claim]] = defaultdict(list)
    for sheet in ctx.sheets:
        rows = rows_of(ctx, sheet)
        title = ctx.at(ctx.block(sheet[0] - 1).span).strip().split("\n")[-1][-MAX_TITLE:] if sheet[0] > 0 else ""
        title += "".join(r.first_label for r in rows if not r.claims)
        stages = stages_named(subjects, title, budget_types)
        if len(stages) != 1:
            continue
        stage = stages.pop()
        for row in rows:
            year = YEAR_ROW.match(squash(row.first_label))
            if not year:
                continue
            for claim in row.claims:
                cell = next((c for c in row.cells if c.col == claim.cell[1]), None)
                if cell is None or not row.whole(claim) or claim.quantity.unit or len(cell.header_path) != 1:
                    continue
                item = subjects.item(label(cell.header_path[0]), "")
                if any(u == item for u in subjects.unique):
                    out[(item, stage, int(year.group(1)))].append(claim)
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    subjects = Subjects(ctx)
    budget_types = tuple(ctx.rules["subjects"].get("budget_types", ()))
    cells = year_cells(ctx, subjects, budget_types)
    if not cells:
        return
    for claim in ctx.narrative:
        key = subjects.key(claim, need_stage=False)
        if key is None or not key.unique or key.period or claim.quantity.dimension != "money":
            continue
        paragraph = ctx.at(ctx.sentence(claim.span.start, "\n"))
        lead = ctx.text[ctx.sentence(claim.span.start, "\n").start:claim.span.start]
        stage = key.stage or sentence_stage(ctx, subjects, claim) or last_stage(subjects, lead, budget_types)
        years = {int(y) for y in YEAR.findall(paragraph)}
        year = key.year or (years.pop() if len(years) == 1 else None)
        values = clusters(cells.get((key.item, stage, year), []))
        if stage and year and len(values) == 1:
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], claim], "link", what=key.item,
                                 adopt_unit=True)
