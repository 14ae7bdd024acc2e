"""Units missing or garbled after a figure (UNIT005, UNIT006).

Missing: a bare figure whose siblings of the same role carry one unit, in the same sentence (or
table cell): the base of a change stated with a unit (较上年5.16减少0.12万元), a change among
changes with a unit (共减少6.35 beside 增加18.62万元), an item of a list whose other items carry
a unit (开工86420（其中城镇85310套…）), a standard per head beside standards in 元 (1150/人·月
beside 1800元/人·月). A table cell whose header gives the unit is not bare.
Garbled: a unit followed by a unit of another dimension (17.36万元亩), or letters that are a known
unit with its last letter doubled while the sentence writes that unit (8.75hmm beside 326.40hm).
Vocabulary in rules/units.yaml (``unit_gaps``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from auditor.linking.context import Context
from auditor.model import Claim, Constraint, Span
from auditor.nlp.numbers import normalise
from auditor.strings import CJK

SENTENCE = "。！？!?\n"
LABEL_START = "，,、；;：:。！？!?\n\t（("
LIST_END = "，,、；;）)(（。"
PERCENT_IN_BRACKETS = re.compile(r"[（(]\s*%\s*[）)]")
LETTERS_AFTER_NUMBER = re.compile(r"(?<![0-9.A-Za-z])([0-9]+(?:\.[0-9]+)?)([A-Za-z]+)(?![A-Za-z])")


class GapRules:
    def __init__(self, ctx: Context) -> None:
        spec = ctx.rules["units"].get("unit_gaps", {})
        # cue -> class: 增加 and 减少 are one role (a change), 同比增长 and 同比下降 another
        self.cues = sorted(((cue, cls) for cls, cues in spec.get("change_cues", {}).items() for cue in cues),
                           key=lambda p: len(p[0]), reverse=True)
        self.letter_units = frozenset(spec.get("letter_units", ()))
        self.not_garbled = tuple(spec.get("not_garbled", ()))
        self.per_unit_after = tuple(spec.get("per_unit_after", ("/", "／")))
        self.amount_words = tuple(spec.get("amount_words", ()))
        self.rate_words = tuple(spec.get("rate_words", ("率",)))
        self.max_label = int(spec["max_label"])
        self.min_label = int(spec["min_label"])


class Gaps:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rules = GapRules(ctx)
        self.norm = normalise(ctx.text)

    def scope(self, claim: Claim) -> Span:
        if claim.cell is not None and claim.context is not None:
            return claim.context
        return self.ctx.sentence(claim.span.start, SENTENCE)

    def cue(self, claim: Claim) -> str:
        """The change cue ending right before the figure, as its class ('' when none)."""
        before = self.norm[max(0, claim.span.start - 8):claim.span.start].rstrip(" ")
        for cue, cls in self.rules.cues:
            if before.endswith(cue):
                return cls
        return ""

    @staticmethod
    def bare(claim: Claim) -> bool:
        q = claim.quantity
        # a narrative figure's unit lent by its partner (auditor/nlp/inherited_units.py) is still unwritten
        return ((not q.unit or claim.cell is None) and not claim.unit_text and q.comparator == "="
                and claim.text.strip()[-1:].isdigit())

    def after(self, claim: Claim, n: int = 1) -> str:
        return self.norm[claim.span.end:claim.span.end + n]

    # --- missing ----------------------------------------------------------------------------
    def missing(self) -> Iterator[tuple[Claim, list[Claim], str]]:
        for claim in self.ctx.claims:
            if not self.bare(claim):
                continue
            siblings = [c for c in self.ctx.claims_in(self.scope(claim), narrative_only=False)
                        if c.id != claim.id and c.quantity.unit]
            found = (self.change_base(claim, siblings) or self.same_cue(claim, siblings)
                     or self.list_item(claim, siblings) or self.per_head(claim, siblings)
                     or self.same_label(claim))
            if found:
                yield claim, *found

    def change_base(self, claim: Claim, siblings: list[Claim]) -> tuple[list[Claim], str] | None:
        """5.16减少0.12万元: the base of a change stated with a unit takes that unit."""
        nxt = next((c for c in siblings if c.span.start >= claim.span.end), None)
        if nxt is None or nxt.quantity.dimension in ("percent", "points_pct") or self.cue(nxt) != "change":
            return None
        between = self.norm[claim.span.end:nxt.span.start].strip()
        if not between or len(between) > 4 or CJK.sub("", between):
            return None
        return [nxt], nxt.quantity.unit

    def same_cue(self, claim: Claim, siblings: list[Claim]) -> tuple[list[Claim], str] | None:
        """共减少6.35 beside 增加18.62万元, 增加2.57万元: one role, one unit, one figure without."""
        cls = self.cue(claim)
        if not cls:
            return None
        peers = [c for c in siblings if self.cue(c) == cls]
        units = {c.quantity.unit for c in peers}
        if len(units) != 1 or any(self.bare(c) for c in peers):
            return None
        return peers, units.pop()

    def list_item(self, claim: Claim, siblings: list[Claim]) -> tuple[list[Claim], str] | None:
        """An item `label+figure` ending a list item among items `label+figure+unit` of one unit."""
        if not self.item_shape(claim):
            return None
        peers = [c for c in siblings if self.item_shape(c) and c.quantity.dimension not in ("percent", "points_pct", "money")]
        units = {c.quantity.unit for c in peers}
        if len(peers) < 2 or len(units) != 1:
            return None
        return peers, units.pop()

    def item_shape(self, claim: Claim) -> bool:
        before = self.norm[claim.span.start - 1:claim.span.start]
        return bool(CJK.match(before)) and self.after(claim) in LIST_END and claim.cell is None

    def label(self, claim: Claim) -> str:
        i = claim.span.start
        while i > 0 and self.norm[i - 1] not in LABEL_START and claim.span.start - i < self.rules.max_label:
            i -= 1
        return re.sub(r"\s+", "", self.norm[i:claim.span.start]).strip("“”\"")

    def same_label(self, claim: Claim) -> tuple[list[Claim], str] | None:
        """服务21 where the same paragraph states 服务21人: the same label with a unit."""
        if claim.cell is not None:
            return None
        name = self.label(claim)
        if len(name) < self.rules.min_label or not CJK.search(name[-1:]):
            return None
        peers = [c for c in self.ctx.in_block[claim.block] if c.id != claim.id and c.cell is None
                 and c.quantity.unit and self.label(c) == name]
        units = {c.quantity.unit for c in peers}
        if len(units) != 1:
            return None
        return peers, units.pop()

    def per_head(self, claim: Claim, siblings: list[Claim]) -> tuple[list[Claim], str] | None:
        """1350/人·月 beside 2000元/人·月: a standard per head without its money unit."""
        if not self.after(claim).startswith(self.rules.per_unit_after):
            return None
        peers = [c for c in siblings if self.after(c).startswith(self.rules.per_unit_after)]
        units = {c.quantity.unit for c in peers}
        if not peers or len(units) != 1:
            return None
        return peers, units.pop()

    # --- percent on an amount ---------------------------------------------------------------
    def percent_amounts(self) -> Iterator[tuple[str, Span, list[Claim]]]:
        """合作社带动增收(%) 6500 9342.18: an amount measured in percent, figures far above 100."""
        words = self.rules.amount_words
        if not words or not PERCENT_IN_BRACKETS.search(self.norm):
            return  # the marker below ends in (%): most reports have none, and it is slow to try everywhere
        marker = re.compile(r"([\u4e00-\u9fff]{2,24}?(?:" + "|".join(map(re.escape, words)) + r"))\s*[（(]\s*%\s*[）)]")
        for m in marker.finditer(self.norm):
            name = m.group(1)
            if any(w in name for w in self.rules.rate_words):
                continue
            line_end = self.norm.find("\n", m.end())
            line = Span(m.end(), len(self.norm) if line_end < 0 else line_end)
            figures = [c for c in self.ctx.claims_in(line, narrative_only=False) if not c.quantity.unit][:2]
            if figures and all(c.quantity.value > 100 for c in figures):
                yield name, Span(m.start(), m.end()), figures

    # --- garbled ----------------------------------------------------------------------------
    @cached_property
    def garbled(self) -> list[tuple[Claim, Span, str, str]]:
        return list(self.unit_then_unit())

    @cached_property
    def meant(self) -> dict[int, str]:
        return {claim.id: unit for claim, _, _, unit in self.garbled}

    def unit_then_unit(self) -> Iterator[tuple[Claim, Span, str, str]]:
        """17.36万元亩: a unit of another dimension right after the figure's unit, ending the word;
        the unit meant is the last one with the first's magnitude (万亩)."""
        lexicon = self.ctx.rules["units"]["units"]
        by_first: dict[str, list[str]] = {}  # in the lexicon's order, as max() below breaks ties by it
        for unit in lexicon:
            by_first.setdefault(unit[:1], []).append(unit)
        for claim in self.ctx.claims:
            if not claim.unit_text or not claim.quantity.dimension:
                continue  # 万亩, 万亿元: a magnitude before the unit
            rest = self.norm[claim.span.end:claim.span.end + 6]
            second = max((u for u in by_first.get(rest[:1], ()) if rest.startswith(u)), key=len, default="")
            if not second or lexicon[second].get("dimension", "") in ("", claim.quantity.dimension):
                continue
            if (claim.unit_text + second).startswith(self.rules.not_garbled):
                continue
            end = claim.span.end + len(second)
            if end < len(self.norm) and (CJK.match(self.norm[end]) or self.norm[end].isalnum()):
                continue  # 万元项目: the next word, not a unit
            magnitude = claim.unit_text[0] if claim.unit_text[0] in "万亿千" else ""
            yield claim, Span(claim.span.start, end), claim.unit_text + second, magnitude + second

    def doubled_letters(self) -> Iterator[tuple[Span, str, str]]:
        """8.75hmm among figures in hm: a known letter unit with its last letter doubled."""
        for m in LETTERS_AFTER_NUMBER.finditer(self.norm):
            letters = m.group(2)
            if letters in self.rules.letter_units or len(letters) < 2 or letters[-1] != letters[-2]:
                continue
            unit = letters[:-1]
            if unit not in self.rules.letter_units:
                continue
            sentence = self.ctx.sentence(m.start(), SENTENCE)
            written = [x for x in LETTERS_AFTER_NUMBER.finditer(self.norm, sentence.start, sentence.end)
                       if x.group(2) == unit]
            if written:
                yield Span(m.start(), m.end()), letters, unit


def meant_units(ctx: Context) -> dict[int, str]:
    """The unit each figure with a garbled unit means (31.26万元亩 -> 万亩), for the finders that read it."""
    return ctx.once("unit_gaps", Gaps).meant


def find(ctx: Context) -> Iterator[Constraint]:
    gaps = ctx.once("unit_gaps", Gaps)
    for claim, peers, unit in gaps.missing():
        yield ctx.constraint("unit_missing", "UNIT005", [claim, *peers[:3]], "narrative", unit=unit)
    for name, span, figures in gaps.percent_amounts():
        yield ctx.constraint("amount_percent", "UNIT004", figures, "narrative", spans=(span,), indicator=name)
    for claim, span, written, meant in gaps.garbled:
        yield ctx.constraint("unit_garbled", "UNIT006", [claim], "narrative", spans=(span,), written=written,
                             usual=meant)
    for span, written, unit in gaps.doubled_letters():
        yield ctx.constraint("unit_garbled", "UNIT006", [], "narrative", spans=(span,), written=written, usual=unit)
