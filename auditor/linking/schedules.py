"""A count of activities against the schedule stated with it (每季度开展督导一次，共4次): within
the report's year a regular schedule allows at most frequency × periods (4 quarters, 12 months):
LOGIC006.

A row is a clause's period word (rules: LOGIC006 periods), then a frequency in 次 and, after it
with only a joiner between (，共 / ，全年共开展), the count in 次. A floor (至少一次, 不少于) or words of
more than one year (累计, 三年) in the sentence make the schedule no ceiling: nothing is said. Fewer
than the schedule allows is no contradiction (a work started in the year's course); the rows of a
document are one relation, checked row by row.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint, Span

SENTENCE_ENDS = "。！？!?；;\n"
MAX_LEAD = 16  # characters between the period word and its frequency (每季度开展一次技术督导)
GAP_MARKS = "，,、 "


def is_times(claim: Claim, unit: str) -> bool:
    q = claim.quantity
    return claim.cell is None and q.unit == unit and q.comparator == "=" and q.value > 0


def find(ctx: Context) -> Iterator[Constraint]:
    params = ctx.rules.check("LOGIC006").get("params", {})
    unit, joiners = params["unit"], set(params["joiners"])
    periods = {word: int(n) for word, n in params["periods"].items()}
    vetoes = tuple(params["floors"]) + tuple(params["many_years"])
    narrative = [c for c in ctx.narrative if is_times(c, unit)]
    rows: list[tuple[Claim, Claim, int, str]] = []
    for frequency, count in zip(narrative, narrative[1:]):
        sentence = ctx.sentence(frequency.span.start, SENTENCE_ENDS)
        if count.span.start >= sentence.end:
            continue
        if squash(ctx.text[frequency.span.end:count.span.start]).strip(GAP_MARKS) not in joiners:
            continue  # words beyond a joiner (共排查隐患) may name another count
        lead_start = max(sentence.start, frequency.span.start - MAX_LEAD)
        lead = ctx.text[lead_start:frequency.span.start]
        found = [(lead.rfind(word) + len(word), n, word) for word, n in periods.items() if word in lead]
        if not found or any(v in ctx.text[sentence.start:sentence.end] for v in vetoes):
            continue
        end, n, word = max(found)  # the period word nearest the frequency (每个季度 over 季度)
        if ctx.claims_in(Span(lead_start + end, frequency.span.start)):
            continue  # another figure between the period and the frequency: not one schedule
        rows.append((frequency, count, n, word))
    if rows:
        yield ctx.constraint("schedule_count", "LOGIC006", [c for f, n, *_ in rows for c in (f, n)], "link",
                             rows=[(f.id, n.id, k, word) for f, n, k, word in rows])
