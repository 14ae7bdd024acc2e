"""A count restated with its counted noun (XREF001): 辖12个自然村 … 共有自然村12个, 新建9座温室 …
建成温室九座 (a count in Chinese numerals reads as its value). The noun is read on either side
of the figure: the words right after it (12个自然村，) or the words right before it (共有自然村12个);
two figures name one noun when the words after one begin, or the words before one end, with the
same run of at least ``min_noun_chars`` characters that the other names (after: begins; before:
ends), in two sentences of one report, of one kind (个 is not 户) and one year.

Nothing is formed for a figure that compares, changes, plans or sums up, a standard per unit
(每个…), a part (其中), a target beside an achievement, two labelled items or lines of a numbered
list (Statements of restated_pairs), a noun named with two scopes (全县 / 全镇), nor when a noun
carries more than two values. Vocabulary in rules/subjects.yaml (restated_counts).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import Context
from auditor.linking.restated import clusters
from auditor.linking.restated_pairs import Statements, kind, one_context
from auditor.model import Claim, Constraint

RUN = re.compile(r"[\u4e00-\u9fff]+")
LAST_RUN = re.compile(r"([\u4e00-\u9fff]+)\s*$")


class Nouns:
    """The runs of words on both sides of each counted figure."""

    def __init__(self, ctx: Context, statements: Statements) -> None:
        spec = ctx.rules["subjects"].get("restated_counts", {})
        self.ctx = ctx
        self.statements = statements
        self.min_chars = int(spec.get("min_noun_chars", 3))
        self.max_chars = int(spec.get("max_noun_chars", 12))
        self.max_statements = int(spec.get("max_statements", 12))
        self.dimensions = tuple(spec.get("dimensions", ("count",)))
        self.place = re.compile(ctx.rules["subjects"].get("part_scope", "(?!)"))
        self.parts = statements.words.parts + tuple(spec.get("part_cues", ()))
        self.lead_cut = re.compile("|".join(map(re.escape, spec.get("lead_cues", ()))) or "(?!)")
        ordinals, batches = spec.get("batch_ordinals", ""), spec.get("batch_words", ())
        self.batch = re.compile(f"[{re.escape(ordinals)}]{{1,3}}(?:{'|'.join(map(re.escape, batches))})"
                                if ordinals and batches else "(?!)")

    def scope_of(self, claim: Claim) -> str:
        """The scope its clause names, if any: a scope word (全县, 全镇) or a place (青禾镇)."""
        subjects = self.statements.words.subjects
        left = subjects.left_of(claim.span.start)
        place = self.place.search(left)
        return next((s for s in subjects.scopes if s in left), place.group() if place else "")

    def batch_of(self, claim: Claim) -> str:
        """The batch or phase its sentence names last (一批项目…, 二期工程…): one of several projects."""
        marks = self.batch.findall(self.statements.words.subjects.sentence_prefix(claim.span.end))
        return marks[-1] if marks else ""

    def neighbour(self, claim: Claim, step: int) -> Claim | None:
        i = bisect_left(self.ctx.starts, claim.span.start) + step
        return self.ctx.claims[i] if 0 <= i < len(self.ctx.claims) else None

    def after(self, claim: Claim) -> str:
        end = claim.span.end + self.max_chars
        following = self.neighbour(claim, 1)
        if following is not None:
            end = min(end, max(claim.span.end, following.span.start))
        m = RUN.match(self.ctx.text, claim.span.end, end)
        return m.group() if m else ""

    def before(self, claim: Claim) -> str:
        """The words right before a figure, back to the figure before it: none when they begin
        right after it (7个乡镇58个村庄: 乡镇 is what 7 counts)."""
        start = max(0, claim.span.start - self.max_chars)
        previous = self.neighbour(claim, -1)
        if previous is not None:
            start = max(start, min(claim.span.start, previous.span.end))
        m = LAST_RUN.search(self.ctx.text[start:claim.span.start])
        if not m or (m.start() == 0 and previous is not None and previous.span.end == start):
            return ""
        return self.lead_cut.split(m.group(1))[-1]  # 共有自然村 -> 自然村

    def counted(self, claim: Claim) -> bool:
        """A count of its own: not one within the scope the count right before it sets (5个乡镇18个
        行政村: the villages of those 5 towns)."""
        if claim.quantity.dimension not in self.dimensions:
            return False
        previous = self.neighbour(claim, -1)
        within = previous is not None and previous.quantity.dimension == "count" and bool(
            RUN.fullmatch(self.ctx.text, previous.span.end, claim.span.start))
        if within or not self.statements.stated(claim):
            return False
        left = self.statements.words.subjects.left_of(claim.span.start)
        return not any(cue in left for cue in self.parts)  # 其中5个自然村: a part


def named(sides: tuple[str, str], least: int) -> tuple[set[str], set[str]]:
    """The nouns a figure may name, ``(before, after)`` its words: (whole runs, every run of at least
    ``least`` characters that ends the words before it or begins the words after it)."""
    before, after = sides
    whole = {w for w in sides if len(w) >= least}
    cut = {before[-n:] for n in range(least, len(before) + 1)} | {after[:n] for n in range(least, len(after) + 1)}
    return whole, cut


def find(ctx: Context) -> Iterator[Constraint]:
    statements = Statements(ctx)
    nouns = Nouns(ctx, statements)
    counts = [c for c in ctx.narrative if nouns.counted(c)]
    if len(counts) < 2:
        return
    # two figures name one noun when it is a whole run of words beside one and begins or ends the
    # words beside the other (a run cut short on both sides is no noun: 村卫生室医生 is not 村卫生室)
    wholes: dict[str, list[Claim]] = defaultdict(list)
    cuts: dict[str, list[Claim]] = defaultdict(list)
    for claim in counts:
        whole, cut = named((nouns.before(claim), nouns.after(claim)), nouns.min_chars)
        for noun in whole:
            wholes[noun].append(claim)
        for noun in cut:
            cuts[noun].append(claim)
    longest: dict[tuple[int, int], tuple[str, Claim, Claim]] = {}
    for noun, named_whole in wholes.items():
        if len(cuts[noun]) > nouns.max_statements:
            continue  # a noun beside this many figures names many things (a table of villages)
        for a in named_whole:
            for b in cuts[noun]:
                pair = (min(a.id, b.id), max(a.id, b.id))
                if a.id != b.id and len(noun) > len(longest.get(pair, ("",))[0]):
                    longest[pair] = (noun, a, b)
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for noun, a, b in longest.values():
        if kind(a) != kind(b) or ctx.sentence(a.span.start).start == ctx.sentence(b.span.start).start:
            continue
        if not one_context([statements.context(a), statements.context(b)]) or nouns.batch_of(a) != nouns.batch_of(b):
            continue  # two years, labels or targets, or two lines of one numbered list (parallel items)
        key = (noun, kind(a), statements.context(a)[:3], nouns.batch_of(a))
        for c in (a, b):
            if c not in groups[key]:
                groups[key].append(c)
    for (noun, *_), members in groups.items():
        if len({nouns.scope_of(c) for c in members} - {""}) > 1:
            continue  # 全县…个, 全镇…个: two scopes
        if not one_context([statements.context(c) for c in members]):
            continue  # a summary paired with two items of one numbered list: the items are parallel
        values = clusters(members)
        if len(values) == 1:
            yield ctx.constraint("same_quantity", "XREF001", values[0], "link", what=noun, every=True)
        elif len(values) == 2:
            yield ctx.constraint("same_quantity", "XREF001", [values[0][0], values[1][0]], "link", what=noun)
