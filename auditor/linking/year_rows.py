"""XREF001, the narrative against a table whose rows are years (年度 | 合计 | 因公出国(境)经费 | …,
rows 2022年, 2023年): the cell of an item's column in a year's row states that item for that year.

Only items a report states once per stage and year (`unique_items`: the 三公 items…), only when the
table's title names one stage (2021年决算数与2020年决算数对比情况) and the figure's own words, its
sentence's lead or, failing both, the stage its paragraph names last before it is the same one, and the figure's year is its words' or the only year
its paragraph names. Budget-type names (一般公共预算) are no stage cue (`budget_types`).

A column under a whole's header (公车购置及运行维护费 | 合计 | 车辆购置 | 车辆运行) states the whole
or the part `sub_items` names; the table's own 合计 beside all the parts of one whole states that
whole. When a whole and all its parts are each stated in the text and in the table, the pairs are
also checked jointly (`restated_sum`): 612|613, 41|40 and 571|572 each agree within ±0.5, but no
values allowed by both sides make the parts add up to the whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator

from auditor.linking import year_growth
from auditor.linking.context import Context, label, squash
from auditor.linking.keys import ACCOUNT_STAGES, YEAR, Subjects
from auditor.linking.restated import clusters, sentence_stage
from auditor.linking.tables import rows_of
from auditor.model import Claim, Constraint

YEAR_ROW = re.compile(r"^((?:19|20)\d\d)年度?$")
SIGNS = "-−－"  # −15.00 in a growth row: a fall
MAX_TITLE = 40  # the line right above a table, as its title
TABLE_STAGES = ACCOUNT_STAGES  # the stages a table of yearly figures compares


def stages_named(subjects: Subjects, text: str, budget_types: tuple[str, ...]) -> set[str]:
    text = unicodedata.normalize("NFKC", squash(text))
    for name in budget_types:
        text = text.replace(name, "")
    return {stage for cue, stage in subjects.stages if cue in text and stage in TABLE_STAGES}


def year_cells(ctx: Context, subjects: Subjects, budget_types: tuple[str, ...],
               rates: dict[tuple, list[Claim]] | None = None) -> dict[tuple, list[Claim]]:
    """Cells of year rows under a unique item's column, by (item, stage, year); into ``rates``
    those of its growth row (2016年比2015年增减%), by the later year."""
    out: dict[tuple, list[Claim]] = defaultdict(list)
    growth_words = tuple(ctx.rules["tables"].get("relations", {}).get("growth_words", ()))
    for sheet in ctx.sheets:
        rows = rows_of(ctx, sheet)
        title = ctx.at(ctx.block(sheet[0] - 1).span).strip().split("\n")[-1][-MAX_TITLE:] if sheet[0] > 0 else ""
        title += "".join(r.first_label for r in rows if not r.claims)
        stages = stages_named(subjects, title, budget_types)
        if len(stages) != 1:
            continue
        stage = stages.pop()
        whole = table_whole(subjects, rows)
        for row in rows:
            year = YEAR_ROW.match(squash(row.first_label))
            later = year_growth.growth_row(row.first_label, growth_words) if rates is not None and not year else None
            if not year and later is None:
                continue
            for claim in row.claims:
                cell = next((c for c in row.cells if c.col == claim.cell[1]), None)
                if cell is None or claim.quantity.unit or not (
                        row.whole(claim) or (not year and squash(cell.text).lstrip(SIGNS) == squash(claim.text))):
                    continue
                item = whole(cell.header_path) or column_item(subjects, cell.header_path)
                if any(u == item for u in subjects.unique):
                    if year:
                        out[(item, stage, int(year.group(1)))].append(claim)
                    elif rates is not None:
                        rates.setdefault((item, stage, later), []).append(claim)
    return out


def table_whole(subjects: Subjects, rows: list) -> Callable[[tuple[str, ...]], str]:
    """A table's own 合计 column (年度 | 合计 | 因公出国(境)费 | 公务接待费 | …) states the whole of
    ``sub_items`` whose parts are all the table's other columns."""
    tops = {column_item(subjects, c.header_path[:1]) for row in rows for c in row.cells if c.header_path}
    wholes = [w for w, parts in subjects.sub_items.items() if set(parts) <= tops]

    def of(path: tuple[str, ...]) -> str:
        if len(path) == 1 and len(wholes) == 1 and squash(label(path[0])) in subjects.column_totals:
            return wholes[0]
        return ""

    return of


def column_item(subjects: Subjects, path: tuple[str, ...]) -> str:
    """The item a column states: its one header, or under a unique item's header its 合计 column
    (the item itself) or a sub-column named in ``sub_items`` (公车购置及运行维护费 | 车辆购置)."""
    if len(path) == 1:
        return subjects.item(label(path[0]), "")
    if len(path) != 2:
        return ""
    parent, child = subjects.item(label(path[0]), ""), squash(label(path[1]))
    if child in subjects.column_totals:
        return parent
    for item, names in subjects.sub_items.get(parent, {}).items():
        if child in names:
            return item
    return ""


def find(ctx: Context) -> Iterator[Constraint]:
    subjects = Subjects.of(ctx)
    budget_types = tuple(ctx.rules["subjects"].get("budget_types", ()))
    rates: dict[tuple, list[Claim]] = {}
    cells = year_cells(ctx, subjects, budget_types, rates)
    if not cells:
        return
    pairs: dict[tuple, tuple[Claim, Claim]] = {}
    for claim in ctx.narrative:
        key = subjects.key(claim, need_stage=False)
        if key is None or not key.unique or key.period or claim.quantity.dimension != "money":
            continue
        paragraph = ctx.at(ctx.sentence(claim.span.start, "\n"))
        lead = ctx.text[ctx.sentence(claim.span.start, "\n").start:claim.span.start]
        stage = key.stage or sentence_stage(ctx, subjects, claim) or subjects.last_stage(lead)
        years = {int(y) for y in YEAR.findall(paragraph)}
        year = key.year or (years.pop() if len(years) == 1 else None)
        values = clusters(cells.get((key.item, stage, year), []))
        if stage and year and len(values) == 1:
            pairs.setdefault((key.item, stage, year), (values[0][0], claim))
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], claim], "link", what=key.item,
                                 adopt_unit=True)
    yield from restated_sums(ctx, subjects, pairs)
    yield from year_growth.constraints(ctx, cells, rates, pairs)


def restated_sums(ctx: Context, subjects: Subjects, pairs: dict[tuple, tuple[Claim, Claim]]) -> Iterator[Constraint]:
    """A whole and its parts (``sub_items``) each stated in the text and in the table: the pairs
    are checked jointly (612 | 613, 41 | 40, 571 | 572 each agree to ±0.5, but not all at once)."""
    for (item, stage, year), whole in pairs.items():
        parts = [pairs.get((part, stage, year)) for part in subjects.sub_items.get(item, {})]
        if parts and all(parts):
            claims = [c for pair in (whole, *parts) for c in pair]
            yield ctx.constraint("restated_sum", "XREF001", claims, "link",
                                 names=[item, *subjects.sub_items[item]], adopt_unit=True)
