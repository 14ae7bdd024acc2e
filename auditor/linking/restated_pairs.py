"""Figures restated side by side (XREF001): 受益1460户3928人 in one passage, 1460户低保户和边缘户3928人 in
another. Two figures stated next to each other (consecutive in their sentence, a few characters apart)
form a pair; two pairs of two sentences with the same kinds of figure in the same order (户 then 人),
one figure of which agrees in a value too precise to agree by chance (1460户), state one group: the
other figure is then the same quantity restated, and must agree too. A value of four significant
digits is too precise; one of three only when the two anchors' words, or the two partners', share a
two-character word (中央下达 / 中央资金); a smaller one only when both figures of both pairs are
named alike right after them (6个乡镇47个村庄 … 6个乡镇47个村庄1320盏路灯), then even in one sentence,
or when it was itself found restated so: a list restated link by link from one precise figure.

Nothing is formed for a figure that compares, changes, plans or sums up (较上年, 减少, 计划, 累计), a
standard per head, a target beside an achievement, two years, two labelled items (甲村：…, 乙村：…)
or two lines of one numbered list (1.甲项目…，2.乙项目…: parallel items alike in one figure), nor
when the anchor's partners carry more than two values. Vocabulary in rules/subjects.yaml
(restated_words; restated_pairs).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from auditor.linking.context import FULL_STOPS, Context, remembered
from auditor.linking.keys import YEAR
from auditor.linking.restated import clusters
from auditor.linking.restated_words import MEASURED, Words, significant_digits
from auditor.model import Claim, Constraint
from auditor.strings import CJK

NAMED_AFTER = re.compile(r"[\u4e00-\u9fff]{2,8}")


def kind(claim: Claim) -> tuple[str, str]:
    """What a figure counts: money and people by dimension (万元 and 元, 人 and 名 alike), other
    counts by unit (户 is not 个)."""
    q = claim.quantity
    return (q.dimension, "" if q.dimension in ("money", "people") else q.unit)


class Statements:
    """Which narrative figures state a quantity of their own, and each one's sentence, year and label."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.words = Words(ctx)
        spec = ctx.rules["subjects"].get("restated_pairs", {})
        self.max_gap = int(spec.get("max_gap_chars", 12))
        self.min_digits = int(ctx.rules["subjects"].get("restated_words", {}).get("corroborating_digits", 3))
        self.not_words = self.words.not_words + tuple(spec.get("not_a_statement", ()))
        self.lead_not_words = self.words.lead_not_words + tuple(spec.get("lead_not_a_statement", ()))
        self.list_marks = tuple(spec.get("list_marks", ()))
        self.closing = tuple(ctx.rules["lists"].get("closing_cues", ()))
        self.sure_digits = int(spec.get("sure_digits", 4))
        self.general = frozenset(spec.get("general_words", ()))
        self._contexts: dict[int, tuple] = {}  # claim id -> context: asked of the same figures pair after pair

    def named_after(self, claim: Claim) -> str:
        """The words right after a figure that name what it counts (47个村庄), if any."""
        m = NAMED_AFTER.match(self.ctx.text, claim.span.end)
        return m.group() if m and m.group() not in self.general else ""

    def linked(self, a: Claim, b: Claim) -> bool:
        """Whether two figures' words share a two-character word that is not too general
        (中央下达 and 中央资金 share 中央; 中央资金 and 地方资金 share only 资金)."""
        words = [self.words.subjects.left_of(c.span.start) for c in (a, b)]
        pairs = [{w[i:i + 2] for i in range(len(w) - 1)} - self.general for w in words]
        return any(CJK.fullmatch(p[0]) and CJK.fullmatch(p[1]) for p in pairs[0] & pairs[1])

    def stated(self, claim: Claim) -> bool:
        q = claim.quantity
        if q.comparator != "=" or not q.unit or q.dimension not in MEASURED or self.ctx.per_head(claim):
            return False
        left = self.words.not_cue_words.sub("", self.words.subjects.left_of(claim.span.start))
        sentence = self.words.subjects.sentence_prefix(claim.span.start)
        return not any(cue in left for cue in self.not_words) and not any(cue in sentence for cue in self.lead_not_words)

    def context(self, claim: Claim) -> tuple:
        """(year, target or not, sentence label, list numbering) of a figure's sentence."""
        return remembered(self._contexts, claim.id, self._context, claim)

    def _context(self, claim: Claim) -> tuple:
        sentence = self.words.subjects.sentence_prefix(claim.span.start)
        years = YEAR.findall(sentence)
        year = int(years[-1]) if years else claim.year or self.ctx.reading.report_year
        label = self.words.subjects.scope(claim.span.start, "")
        return (year, claim.role == "target", label if label.startswith("：") else "", self.words.item_mark(claim))


def pairs(ctx: Context, statements: Statements) -> list[tuple[Claim, Claim, int]]:
    """Figures stated next to each other: consecutive narrative figures of one sentence, at most
    ``max_gap_chars`` apart, both statements of their own; with the start of their sentence."""
    narrative = ctx.narrative
    out = []
    for a, b in zip(narrative, narrative[1:], strict=False):
        if b.span.start - a.span.end > statements.max_gap or a.block != b.block:
            continue
        gap = ctx.text[a.span.end:b.span.start]
        if any(cue in gap for cue in statements.words.parts + statements.closing) or any(
                mark in gap for mark in statements.list_marks):
            continue  # 总收入…，其中本年收入… / …3万元；共计10万元: a whole and its part; 办公费…、印刷费…: items of a list
        sentence = ctx.sentence(a.span.start, FULL_STOPS)
        if b.span.start >= sentence.end or not statements.stated(a) or not statements.stated(b):
            continue
        if statements.context(a) != statements.context(b):
            continue
        out.append((a, b, sentence.start))
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    statements = Statements(ctx)
    found = pairs(ctx, statements)
    if len(found) < 2:
        return
    # each figure of a pair as an anchor: its value and kind, with its place and its partner's kind
    anchored: dict[tuple, list[tuple[Claim, int, tuple]]] = defaultdict(list)
    chained: dict[tuple, list[tuple[Claim, int, tuple]]] = defaultdict(list)  # anchors of fewer digits
    for a, b, sentence in found:
        context = statements.context(a)
        for anchor, partner, side in ((a, b, 0), (b, a, 1)):
            nouns = (statements.named_after(anchor), statements.named_after(partner))
            value = (side, anchor.quantity.value.normalize(), anchor.quantity.unit, kind(anchor), kind(partner))
            if significant_digits(anchor) >= statements.min_digits:
                anchored[(*value, ())].append((anchor, partner, sentence, context))
            else:
                chained[value].append((anchor, partner, sentence, context))
            if all(nouns):
                anchored[(*value, nouns)].append((anchor, partner, sentence, context))
    established: set[int] = set()  # figures found restated, anchors and partners alike
    for (*_, partner_kind, nouns), members in anchored.items():
        anchors, partners = [a for a, *_ in members], list(dict.fromkeys(p for _, p, *_ in members))
        if len({sentence for _, _, sentence, _ in members} if not nouns else partners) < 2:
            continue  # one sentence (计划…，实际…), unless the figures are named alike right after them
        if not one_context([c for *_, c in members]):
            continue  # two years or labels, a target beside an achievement, or lines of numbered lists
        # 1.23万元 here and there may agree by chance: the words must then say they are one, before
        # the figures or right after both (6个乡镇47个村庄 … 6个乡镇47个村庄)
        if not nouns and significant_digits(anchors[0]) < statements.sure_digits and not (
                all(statements.linked(anchors[0], a) for a in anchors[1:])
                or all(statements.linked(partners[0], p) for p in partners[1:])):
            continue
        values = clusters(partners)
        if len(values) == 1:
            established.update(c.id for c in anchors + partners)
        yield from restated(ctx, values, partner_kind)
    # a figure found restated above anchors its other neighbour too, however few its digits (中央28.7万元，
    # 省级64万元，其他127.36万元 … 中央28.7万元，地方64万元，其他127.36万元: 127.36 makes 64 one, 64 then 28.7)
    for (*_, partner_kind), members in chained.items():
        anchors, partners = [a for a, *_ in members], list(dict.fromkeys(p for _, p, *_ in members))
        if len({sentence for _, _, sentence, _ in members}) < 2 or any(a.id not in established for a in anchors):
            continue
        if one_context([c for *_, c in members]):
            yield from restated(ctx, clusters(partners), partner_kind)


def one_context(contexts: list[tuple]) -> bool:
    """Whether pairs state one group: one year, label and target-or-not, and at most one of them on
    a numbered line (1.甲项目…，2.乙项目…: parallel items; a summary restated as one item of a list
    is one)."""
    return len({c[:3] for c in contexts}) == 1 and sum(c[3] is not None for c in contexts) <= 1


def restated(ctx: Context, values: list[list[Claim]], partner_kind: tuple) -> Iterator[Constraint]:
    """The partners of one anchor, one quantity: agreeing in one value, or differing in two."""
    what = ctx.name_of(values[0][0]) or partner_kind[1]
    if len(values) == 1:
        yield ctx.constraint("same_quantity", "XREF001", values[0], "link", what=what, every=True)
    elif len(values) == 2:
        yield ctx.constraint("same_quantity", "XREF001", [values[0][0], values[1][0]], "link", what=what)
