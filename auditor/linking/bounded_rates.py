"""LOGIC003 on one figure: a rate that is a share of one population (满意度, 合格率, 覆盖率…:
`bounded_rates` in rules/bounds.yaml) stated above 100%: the satisfied, the qualified or the
covered cannot outnumber all of them.

The rate is named by its indicator row (an indicator table's target or actual cell in the row of
that name) or by the words right before the figure in its clause, fillers aside (满意度达到96%).
A change (满意度较上年提高5%, `change_words`) or a rate that may pass its base (完成率, 执行率) is
none of these; a ceiling stated as one (≤120%) says nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from auditor.linking.context import CLAUSE_ENDS, Context, squash
from auditor.model import Claim, Constraint

MAX_CLAUSE = 40  # characters read back for the words before a narrative figure
ROW_ROLES = ("target", "actual")  # an indicator table's columns that state the rate itself


def name_before(ctx: Context, claim: Claim, fillers: tuple[str, ...]) -> str:
    start = claim.span.start
    while start > 0 and ctx.text[start - 1] not in CLAUSE_ENDS and claim.span.start - start < MAX_CLAUSE:
        start -= 1
    words = unicodedata.normalize("NFKC", squash(ctx.text[start:claim.span.start]))
    stripped = True
    while stripped:
        stripped = False
        for filler in fillers:
            if words.endswith(filler):
                words, stripped = words[: -len(filler)], True
    return words


def find(ctx: Context) -> Iterator[Constraint]:
    bounds = ctx.rules["bounds"]
    spec = bounds.get("bounded_rates")
    if not spec:
        return
    words, fillers = tuple(spec["words"]), tuple(sorted(spec.get("fillers", ()), key=len, reverse=True))
    changes = tuple(bounds.get("change_words", ()))
    for claim in ctx.claims:
        q = claim.quantity
        if q.dimension != "percent" or q.comparator not in ("=", ">=", ">", "~"):
            continue
        if claim.cell is not None:
            name = unicodedata.normalize("NFKC", squash(claim.subject)) if claim.role in ROW_ROLES else ""
            named = any(w in name for w in words)
        else:
            name = name_before(ctx, claim, fillers)
            named = name.endswith(words)
        if named and not any(c in name for c in changes):
            yield ctx.constraint("rate_bound", "LOGIC003", [claim], "link", part_name=name,
                                 ceiling=spec.get("ceiling", 100))
