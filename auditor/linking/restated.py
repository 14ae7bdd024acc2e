"""Restated quantities (XREF001): narrative figures with the same subject key (keys.py) state one
quantity; when they carry two values, one of them is wrong.

Only unambiguous keys: a group whose figures name different explicit scopes, or that holds more
than two different values, says nothing (which pair is the contradiction cannot be told). A unique
item's figure without a stage cue of its own takes its sentence lead's stage or the account stage
its paragraph names last outside comparisons (“三公”经费决算数…。其中：公务接待费21.4万元).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from auditor.intervals import Interval
from auditor.linking.context import Context, label, squash
from auditor.linking.keys import Subjects
from auditor.linking.tables import rows_of
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
    yield from narrative_against_tables(ctx)
    subjects = Subjects.of(ctx)
    groups: dict[tuple, list[tuple[Claim, str]]] = defaultdict(list)
    for claim in ctx.narrative:
        key = subjects.key(claim, need_stage=False)
        if key is not None and key.unique and not key.stage:
            key = replace(key, stage=paragraph_stage(ctx, subjects, claim))
        if key is not None and key.unique and key.stage:
            groups[(key.item, key.stage, key.year, key.period, claim.quantity.dimension)].append((claim, key.scope))
    for (item, *_), members in groups.items():
        scopes = {scope for _, scope in members if scope}
        if len(scopes) > 1:
            continue
        values = clusters([c for c, _ in members])
        if len(values) == 1 and len(values[0]) > 1:
            # stated alike everywhere: every statement is checked against the first
            yield ctx.constraint("same_quantity", "XREF001", values[0], "link", what=item, every=True)
        elif len(values) == 2:
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], values[1][0]], "link", what=item)


def placeholders(ctx: Context) -> Iterator[Constraint]:
    """A figure left as XX where the same item is stated with a value elsewhere."""
    subjects = Subjects.of(ctx)
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
                 and k.period == key.period and (k.year is None or key.year is None or k.year == key.year)]
        if len({c.quantity.value for c in twins}) == 1:
            yield ctx.constraint("placeholder", "XREF001", twins[:1], "link", spans=(Span(m.start(), m.end()),),
                                 what=key.item)


ROLE_STAGE = {"executed": "final", "budget": "budget", "adjusted_budget": "adjusted"}
MAX_STAGE_LOOKBACK = 300  # characters of a paragraph read back for its stage (one endless line stays linear)
MIN_TABLE_LABEL = 8  # a row label long enough to name one fund line (not 合计, 其他资金), unless a unique item


def table_lines(ctx: Context, subjects: Subjects) -> dict[tuple, list[Claim]]:
    """Money cells of dated stage columns (2024年决算数) by (row label, stage, year)."""
    out: dict[tuple, list[Claim]] = defaultdict(list)
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            name = subjects.item(label(row.labels[-1]) if row.labels else row.first_label, "")
            if len(name) < MIN_TABLE_LABEL and name not in subjects.unique:
                continue
            for claim in row.claims:
                stage = ROLE_STAGE.get(claim.role)
                if stage and claim.year and row.whole(claim) and claim.quantity.dimension == "money":
                    out[(name, stage, claim.year)].append(claim)
    return out


def sentence_stage(ctx: Context, subjects: Subjects, claim: Claim) -> str:
    """The stage a sentence sets for its clauses (2024年全年支出中，…)."""
    sentence = ctx.sentence(claim.span.start)
    lead = squash(ctx.text[sentence.start:claim.span.start])
    for cue, stage in subjects.sentence_stages:
        if cue in lead:
            return stage
    return ""


def paragraph_stage(ctx: Context, subjects: Subjects, claim: Claim) -> str:
    """The stage a unique item's figure without a cue of its own takes: its sentence's lead
    (2024年全年支出中，…), else the stage named last before it in its paragraph
    (“三公”经费决算数186万元。分项情况是：公务接待费64万元)."""
    start = max(ctx.sentence(claim.span.start, "\n").start, claim.span.start - MAX_STAGE_LOOKBACK)
    return sentence_stage(ctx, subjects, claim) or subjects.last_stage(ctx.text[start:claim.span.start])


def narrative_against_tables(ctx: Context) -> Iterator[Constraint]:
    """A narrative figure and the table cell of the same fund line, stage and year."""
    subjects = Subjects.of(ctx)
    lines = table_lines(ctx, subjects)
    if not lines:
        return
    for claim in ctx.narrative:
        key = subjects.key(claim, need_stage=False)
        if key is None or (len(key.item) < MIN_TABLE_LABEL and not key.unique) or claim.quantity.dimension != "money":
            continue
        if key.period:
            continue  # a table's columns are whole years
        stage = key.stage or sentence_stage(ctx, subjects, claim)
        cells = lines.get((key.item, stage, key.year), [])
        values = clusters(cells)
        if len(values) == 1:
            yield ctx.constraint("same_quantity", "XREF001", [claim, values[0][0]], "link", what=key.item)
