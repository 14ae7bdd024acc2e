"""XREF001, the narrative against an indicator table: a sentence reporting what was done
(完成…防护栏杆80米) states the same quantity as the indicator row of that name (防护栏杆 |
≥80米 | 86.4米): its 实际完成值.

Only when it cannot be another quantity: the indicator's name stands in the figure's clause
before it or right after it (已建成12个村级服务站), the
sentence (within its table cell) reports an achievement (a cue of `achievement_cues`) and no plan
(`plan_cues`: 计划, 完成后…), no total over years (`cumulative_cues`: 累计) and no other year than the
report's, the unit is the actual value's own, and the
document gives one actual value for that name. Two indicators named in one clause, or figures of
two values for one indicator (two scopes, two phases), say nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import Context, label, squash
from auditor.linking.keys import CLAUSE_ENDS, YEAR, Subjects
from auditor.linking.restated import clusters
from auditor.linking.tables import is_indicator, rows_of
from auditor.model import Claim, Constraint

CELL_ENDS = "|\t"


def indicator_actuals(ctx: Context) -> tuple[dict[str, list[Claim]], set[tuple[int, int]]]:
    """Actual values of the indicator rows by name, and the (block, row) of every indicator row."""
    actuals: dict[str, list[Claim]] = defaultdict(list)
    rows: set[tuple[int, int]] = set()
    min_name = int(ctx.rules.param("XREF001", "min_indicator_name"))  # 户数, 面积: words of any sentence
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            if not is_indicator(row):
                continue
            rows.add((row.block, row.index))
            actual = row.one("actual")
            name = squash(unicodedata.normalize("NFKC", label(row.labels[-1]) if row.labels else row.first_label))
            if actual is None or len(name) < min_name or actual.quantity.comparator != "=":
                continue
            if actual.quantity.dimension in ("percent", "points_pct", "points", "") or not actual.quantity.unit:
                continue
            actuals[name].append(actual)
    return actuals, rows


def find(ctx: Context) -> Iterator[Constraint]:
    actuals, indicator_rows = indicator_actuals(ctx)
    if not actuals:
        return
    spec = ctx.rules["subjects"]
    achieved, planned = tuple(spec.get("achievement_cues", ())), tuple(spec.get("plan_cues", ()))
    cumulative = tuple(spec.get("cumulative_cues", ()))
    part = re.compile(spec.get("part_scope", "其中"))
    subjects = Subjects.of(ctx)
    statements: dict[str, list[Claim]] = defaultdict(list)
    for claim in ctx.claims:
        q = claim.quantity
        if q.comparator != "=" or not q.unit or (claim.cell is not None and (claim.block, claim.cell[0]) in indicator_rows):
            continue
        clause, after = subjects.left(claim).split("|")[-1], following(ctx, claim)
        names = [name for name, values in actuals.items()
                 if (name in clause or after.startswith(name)) and values[0].quantity.unit == q.unit]
        if len(names) != 1 or any(cue in clause.replace(names[0], "") for cue in subjects.not_a_statement):
            continue  # the name's own words (高标准农田) are no comparison cue (标准)
        if part.search(clause.split(names[0])[0]):
            continue  # 其中甲镇…: a part's figure, not the indicator's
        lead = sentence_lead(ctx, claim)
        if not any(cue in lead for cue in achieved) or any(cue in lead for cue in planned + cumulative):
            continue
        if any(int(y) != ctx.reading.report_year for y in YEAR.findall(lead)):
            continue  # another year's work (2022年已完成…) is not this year's actual value
        if subjects.period(claim.span.start):
            continue  # a half-year's figure is not the year's
        statements[names[0]].append(claim)
    for name, claims in statements.items():
        table = clusters(actuals[name])
        if len(table) != 1:
            continue
        actual = table[0][0]
        if len(clusters(claims)) != 1:
            continue
        yield ctx.constraint("same_quantity", "XREF001", [actual, *claims], "link", what=name, every=True)


def following(ctx: Context, claim: Claim) -> str:
    """The words right after the figure in its clause (已建成12个村级服务站)."""
    end = claim.span.end
    stop, most = end, int(ctx.rules.param("XREF001", "max_after_figure"))
    while stop < len(ctx.text) and stop - end < most and ctx.text[stop] not in CLAUSE_ENDS + CELL_ENDS:
        stop += 1
    return unicodedata.normalize("NFKC", squash(ctx.text[end:stop]))


def sentence_lead(ctx: Context, claim: Claim) -> str:
    """The words of the figure's sentence before it, within its table cell."""
    sentence = ctx.sentence(claim.span.start, "。！？!?\n")
    lead = ctx.text[sentence.start:claim.span.start]
    cut = max(lead.rfind(end) for end in CELL_ENDS)
    return unicodedata.normalize("NFKC", squash(lead[cut + 1:]))
