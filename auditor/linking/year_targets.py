"""XREF001, a year's target restated: a sentence that gives the tasks of several years at once
(2020年、2021年分别计划修建乡村道路45公里、52公里) against a passage that states one of those
years' targets (2021年度绩效目标。修建乡村道路52公里…): the value listed for that year states the
same quantity as the figure of the same work and unit under that year's target.

Only when it cannot be another quantity: the list's sentence names a task (`target_cues`: 计划,
任务, 立项…) and its values follow 分别 one per year, in the years' order, in one run of one
unit (45公里、52公里); the other figure's line or sentence names that one year and a target cue
before it; neither speaks of what was done (`achievement_cues`) nor of a total over years
(`cumulative_cues`, 到2025年); the two clauses share a name of `min_shared` characters or more
(乡村道路) that no other run of the list's sentence shares. Vocabulary in rules/subjects.yaml
(year_targets).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.linking.context import CLAUSE_ENDS, FULL_STOPS, Context, squash
from auditor.linking.keys import YEAR
from auditor.model import Claim, Constraint
from auditor.strings import CJK

ONE_YEAR = r"(?:19|20)\d\d\s*(?:年度?\s*)?"
RUN_JOINS = "、 \u3000"  # between the values of one run: 45公里、52公里
CJK_RUN = re.compile(CJK.pattern + "+")
MAX_CLAUSE = 60  # characters read back for the words before a figure


def year_list(joins: str) -> re.Pattern[str]:
    """Two or more years joined (2021年、2022年, 2021年和2022年, 2021、2022年) by one of ``joins``."""
    return re.compile(f"{ONE_YEAR}(?:[{re.escape(joins)}]\\s*{ONE_YEAR})+")


@dataclass(frozen=True)
class Listed:
    claim: Claim
    year: int
    name: str  # the words of the run's clause before its first value


def clause_before(ctx: Context, pos: int) -> str:
    """The words of the figure's clause before it (a run's values share them: 修建乡村道路45公里、52公里)."""
    start = pos
    while start > 0 and ctx.text[start - 1] not in CLAUSE_ENDS and pos - start < MAX_CLAUSE:
        start -= 1
    return unicodedata.normalize("NFKC", squash(ctx.text[start:pos]))


def runs(ctx: Context, claims: list[Claim]) -> list[list[Claim]]:
    """Claims of one unit standing one after another with only 、 between them."""
    out: list[list[Claim]] = []
    for claim in claims:
        if out and out[-1][-1].quantity.unit == claim.quantity.unit and \
                not ctx.text[out[-1][-1].span.end:claim.span.start].strip(RUN_JOINS):
            out[-1].append(claim)
        else:
            out.append([claim])
    return out


def listed(ctx: Context, spec: dict) -> list[list[Listed]]:
    """Per sentence of yearly tasks, its runs of values, each value with its year."""
    respective, cues = spec["respective_cue"], tuple(spec["target_cues"])
    years_joined = year_list(spec["year_joins"])
    done = tuple(ctx.rules["subjects"].get("achievement_cues", ()))
    out: list[list[Listed]] = []
    for sentence in ctx.narrative_sentences(FULL_STOPS):
        text = ctx.text[sentence.start:sentence.end]
        years = years_joined.search(text)
        cue = text.find(respective, years.end()) if years else -1
        if cue < 0 or not any(c in text for c in cues) or any(c in text for c in done):
            continue
        order = [int(y) for y in re.findall(r"(?:19|20)\d\d", years.group(0))]
        after = [c for c in ctx.claims_in(sentence) if c.span.start > sentence.start + cue]
        found = []
        for run in runs(ctx, after):
            if len(run) == len(order) and len(order) == len(set(order)):
                name = clause_before(ctx, run[0].span.start)
                own = ctx.text[max(sentence.start + cue + len(respective), run[0].span.start - len(name)):run[0].span.start]
                if any(j in own for j in spec["year_joins"]):
                    continue  # 分别新建和改造…: the values are of the works it joins, not of the years
                found += [Listed(c, y, name) for c, y in zip(run, order)]
        if found:
            out.append(found)
    return out


def target_year(ctx: Context, claim: Claim, cues: tuple[str, ...], done: tuple[str, ...]) -> int | None:
    """The one year the figure's line names before it, followed by a target cue (2021年度绩效目标。…)
    and no word of what was done (2021年度绩效目标完成情况 reports the actual values)."""
    line = ctx.sentence(claim.span.start, "\n")
    lead = unicodedata.normalize("NFKC", squash(ctx.text[line.start:claim.span.start]))
    years = {int(y) for y in YEAR.findall(lead)}
    if len(years) != 1:
        return None
    year = years.pop()
    at = lead.find(str(year))
    after = lead[at:]
    return year if any(c in after for c in cues) and not any(c in after for c in done) else None


def shared(a: str, b: str, least: int) -> str:
    """The longest run of CJK characters both names hold, when it is ``least`` long or longer."""
    best = ""
    for i in range(len(a)):
        for j in range(i + least, len(a) + 1):
            piece = a[i:j]
            if not CJK_RUN.fullmatch(piece) or piece not in b:
                break
            if len(piece) > len(best):
                best = piece
    return best if len(best) >= least else ""


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["subjects"].get("year_targets")
    if not spec:
        return
    sentences = listed(ctx, spec)
    if not sentences:
        return
    subjects = ctx.rules["subjects"]
    cues = tuple(spec["target_cues"])
    done = tuple(subjects.get("achievement_cues", ()))
    cumulative = tuple(subjects.get("cumulative_cues", ()))
    deadline = re.compile(spec["deadline"])  # 到2025年: a total by then, not one year's
    least = int(spec.get("min_shared", 4))
    taken = {x.claim.id for s in sentences for x in s}
    pairs: dict[tuple[int, int], list[tuple[Claim, Claim, str]]] = {}  # (sentence, year) -> its pairs
    for claim in ctx.narrative:
        if claim.id in taken or claim.quantity.comparator != "=":
            continue
        name = clause_before(ctx, claim.span.start)
        lead = ctx.text[ctx.sentence(claim.span.start).start:claim.span.start]
        if any(c in name for c in done + cumulative) or deadline.search(lead):
            continue
        year = target_year(ctx, claim, cues, done)
        if year is None:
            continue
        for k, sentence in enumerate(sentences):
            if ctx.sentence(claim.span.start, FULL_STOPS) == ctx.sentence(sentence[0].claim.span.start, FULL_STOPS):
                continue
            alike = [x for x in sentence if x.claim.quantity.unit == claim.quantity.unit
                     and shared(x.name, name, least)]
            match = [x for x in alike if x.year == year]
            if len({x.name for x in alike}) != 1 or len(match) != 1:
                continue  # two runs of the list name the same work: which one is not certain
            pairs.setdefault((k, year), []).append((match[0].claim, claim, shared(match[0].name, name, least)))
    for found in pairs.values():
        if len({a.id for a, _, _ in found}) != len(found):
            continue  # one listed value restated by two figures of its year: which one is not certain
        yield ctx.constraint("same_quantities", "XREF001", [c for a, b, _ in found for c in (a, b)], "link",
                             names=[n for _, _, n in found])
