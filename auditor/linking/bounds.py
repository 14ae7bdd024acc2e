"""Parts that cannot exceed their whole (LOGIC003): 合格人数 ≤ 培训人数, 有效问卷 ≤ 发放问卷,
在职 ≤ 编制, 税收收入 ≤ 地方财政收入, 已拨付 ≤ 下达, 收入合计 ≤ 收入总计 (cue pairs); 市县收入 ≤
全省收入 (scopes); each source's spending ≤ that source's funds (nested breakdowns); a part in
brackets (总投资…（含建筑工程…）) ≤ its total.

The pairs are data (rules/bounds.yaml). A part is paired with a whole only when the pairing is
unambiguous: nearby (same or neighbouring sentence with figures), same dimension, same year,
same fund source words, and exactly one candidate whole; otherwise nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from auditor.linking import bound_chains
from auditor.linking.context import FULL_STOPS, NUMBERING, Context, squash
from auditor.model import Claim, Constraint, Span
from auditor.strings import CJK, any_of

LABEL_EDGES = "，,、；;：:（）()|｜ \t"


def alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, words))


@dataclass(frozen=True)
class Pair:
    name: str
    part: tuple[str, ...]
    whole: tuple[str, ...]
    dimensions: tuple[str, ...]
    unless: tuple[str, ...] = ()
    window: str = "sentence"  # or "document": the only figures so labelled in the report
    generic_whole: tuple[str, ...] = ()
    generic_not: tuple[str, ...] = ()
    same_item: bool = False


Group = tuple[Claim, dict[str, Claim], Claim]  # a breakdown: its total, its components by source, the last one


@dataclass(frozen=True)
class Label:
    text: str  # the words naming the figure
    state: int = 0  # 由A增加到B: A is state 0, B state 1


def last_cue(text: str, cues: tuple[str, ...]) -> int:
    """Where the last of ``cues`` ends in ``text`` (-1 when none)."""
    return max((text.rfind(c) + len(c) for c in cues if c in text), default=-1)


class Bounds:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        data = ctx.rules["bounds"]
        self.pairs = [Pair(p["name"], tuple(p["part"]), tuple(p["whole"]), tuple(p["dimensions"]),
                           tuple(p.get("unless", ())), p.get("window", "sentence"), tuple(p.get("generic_whole", ())),
                           tuple(p.get("generic_not", ())), bool(p.get("same_item"))) for p in data.get("pairs", ())]
        scopes = data.get("scopes", {})
        self.scopes = [(tuple(s["part"]), tuple(s["whole"])) for s in scopes.get("pairs", ())]
        self.scope_words = sorted({w for p, w in self.scopes for w in (*p, *w)}, key=len, reverse=True)
        self.min_item = int(scopes.get("min_item_chars", 4))
        self.bracket_cues = tuple(data.get("bracket_cues", ()))
        self.targets = tuple(data.get("targets", ()))
        self.person_units = frozenset(data.get("person_units", ()))
        self.generic = tuple(sorted(data.get("generic_words", ()), key=len, reverse=True))
        self.subjects = tuple(sorted(data.get("subjects", ()), key=len, reverse=True))
        self.sources = tuple(data.get("source_words", ()))
        self.regions = tuple(data.get("region_words", ()))
        self.change = tuple(data.get("change_words", ()))
        self.change_to = tuple(data.get("change_to", ()))
        self.transitions = tuple(sorted(data.get("transitions", ()), key=len, reverse=True))
        self.breakdown = data.get("breakdowns", {})
        self.verb_tail = re.compile(f"(?:{alternation(data['verb_lead'])})?(?:{alternation(data['verb_words'])})*$")
        self.time_anywhere = re.compile(r"^[度末底]|\d{4}年[度末底]?|\d{1,2}月(?:份)?|" + alternation(data["time_words"]))
        self.time_head = re.compile(r"^(?:\d{4}年(?:度)?|\d{1,2}月|截至\S*?底|[1-9]-\d{1,2}月|"
                                    + alternation(data["head_time_words"]) + ")+")
        self.skipped_sentences = int(data["skipped_sentences"])
        self.label_line_chars = int(data["label_line_chars"])
        self.subject_overlap = int(data["subject_overlap"])
        self.labels: dict[int, Label] = {}
        self.roles: dict[tuple[str, int], str] = {}  # (label words, id of a pair): role_of
        self.any_target = any_of(self.targets)
        self.any_cue = {id(p): any_of(p.part + p.whole) for p in self.pairs}

    # --- what names a figure ------------------------------------------------------------------
    def previous_in_clause(self, claim: Claim) -> Claim | None:
        start = claim.context.start if claim.context else self.ctx.sentence(claim.span.start, FULL_STOPS).start
        before = [c for c in self.ctx.claims_in(Span(start, claim.span.start)) if c.id != claim.id]
        return before[-1] if before else None

    def label(self, claim: Claim) -> Label:
        if claim.id not in self.labels:
            self.labels[claim.id] = self._label(claim)
        return self.labels[claim.id]

    def _label(self, claim: Claim) -> Label:
        ctx = self.ctx
        if claim.cell is not None:
            cell = ctx.cells.get((claim.block, *claim.cell))
            return Label(squash("".join(cell.header_path)) if cell and cell.header_path else self.column_top(claim))
        previous = self.previous_in_clause(claim)
        start = previous.span.end if previous else (claim.context.start if claim.context else claim.span.start)
        words = squash(ctx.text[start:claim.span.start]).strip(LABEL_EDGES)
        if words in self.transitions:
            sentence = ctx.sentence(claim.span.start, FULL_STOPS)
            before = [c for c in ctx.claims_in(Span(sentence.start, claim.span.start)) if c.id != claim.id]
            return Label(self.label(before[-1]).text, 1) if before else Label("")
        if len(CJK.findall(words)) >= 2 or previous is None and words:
            return Label(words.removesuffix("由").removesuffix("从"))  # 专项债务限额由5400亿元…
        if previous is not None:  # 793户3411人: one count in two units, named once
            return self.label(previous)
        return Label(self.line_above(claim))

    def column_top(self, claim: Claim) -> str:
        """A column's name when the reader found no header: its first row's cell, when that row has no figure."""
        block = self.ctx.block(claim.block)
        if not block.rows or self.ctx.rows.get((claim.block, 0)) or claim.cell[0] == 0:
            return ""
        top = next((c for c in block.rows[0] if c.col == claim.cell[1]), None)
        return squash(top.text) if top is not None else ""

    def line_above(self, claim: Claim) -> str:
        """The previous line, when it holds no figure and is short: a label cell above its value."""
        text = self.ctx.text
        line_start = text.rfind("\n", 0, claim.span.start) + 1
        if squash(text[line_start:claim.span.start]).strip(LABEL_EDGES):
            return ""
        above_end = line_start - 1
        while above_end > 0 and not text[above_end - 1:above_end].strip():
            above_end -= 1
        above_start = text.rfind("\n", 0, max(0, above_end)) + 1
        above = squash(text[above_start:above_end]).strip(LABEL_EDGES)
        if above_end <= 0 or self.ctx.claims_in(Span(above_start, above_end)) or len(above) > self.label_line_chars:
            return ""
        return above

    def is_change(self, claim: Claim) -> bool:
        words = self.label(claim).text
        for word in self.change:
            at = words.rfind(word)
            if at >= 0 and words[at + len(word):at + len(word) + 1] not in self.change_to:
                return True
        return False

    def sources_of(self, text: str) -> frozenset[str]:
        return frozenset(w for w in self.sources if w in text)

    # --- where a whole may be ----------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[Span]:
        text = self.ctx.text  # each sentence runs to its end mark, included: cut after every mark
        cuts = [0, *(m.end() for m in re.finditer(f"[{re.escape(FULL_STOPS)}]", text))]
        if cuts[-1] < len(text):
            cuts.append(len(text))
        return [Span(start, end) for start, end in zip(cuts, cuts[1:])]

    def sentence_index(self, pos: int) -> int:
        lo, hi = 0, len(self.sentences) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].end <= pos:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def neighbourhood(self, claim: Claim) -> list[Claim]:
        """Figures of the claim's sentence and of the nearest sentence with figures on each side."""
        index = self.sentence_index(claim.span.start)
        spans = [self.sentences[index]]
        for step in (-1, 1):
            n, skipped = index + step, 0
            while 0 <= n < len(self.sentences) and skipped <= self.skipped_sentences:
                if self.ctx.claims_in(self.sentences[n]):
                    spans.append(self.sentences[n])
                    break
                skipped += bool(squash(self.ctx.at(self.sentences[n])))  # blank lines are not sentences
                n += step
        return [c for span in sorted(spans, key=lambda s: s.start) for c in self.ctx.claims_in(span)]

    # --- pairing ------------------------------------------------------------------------------
    def comparable(self, part: Claim, whole: Claim) -> bool:
        p, w = part.quantity, whole.quantity
        if p.dimension != w.dimension or part.id == whole.id:
            return False
        if p.dimension in ("count", "people", "") and p.unit != w.unit \
                and not (p.unit in self.person_units and w.unit in self.person_units):
            return False  # 户 and 人, 人次 and 人 are different counts (人 and 名 are not)
        if part.year and whole.year and part.year != whole.year:
            return False
        return self.label(part).state == self.label(whole).state

    def role_in(self, claim: Claim, pair: Pair) -> str:
        if claim.role == "target":
            return ""
        words = self.label(claim).text
        found = self.roles.get((words, id(pair)))
        if found is None:
            found = self.roles[(words, id(pair))] = self.role_of(words, pair)
        return found

    def role_of(self, words: str, pair: Pair) -> str:
        """The role a label's words give its figure in ``pair`` (a table's column labels recur)."""
        if self.any_target.search(words):
            return ""
        if self.any_cue[id(pair)].search(words):
            part, whole = last_cue(words, pair.part), last_cue(words, pair.whole)
        else:
            part = whole = -1  # most labels hold no cue of the pair
        if part < 0 and whole < 0:
            generic = self.verb_tail.sub("", words).endswith(pair.generic_whole) if pair.generic_whole else False
            return "generic" if generic and not any(w in words for w in pair.generic_not) else ""
        return "part" if part > whole else "whole"

    def excused(self, part: Claim, whole: Claim, words: tuple[str, ...]) -> bool:
        """Words that let the part be larger: in the part's sentence, or after the whole in its own."""
        if not words:
            return False
        ctx = self.ctx
        first, second = sorted((part, whole), key=lambda c: c.span.start)
        spans = [ctx.sentence(part.span.start, FULL_STOPS), Span(first.span.end, second.span.start),
                 Span(whole.span.end, ctx.sentence(whole.span.start, FULL_STOPS).end)]
        return any(w in ctx.at(s) for s in spans for w in words)

    def same_source(self, part: Claim, whole: Claim, cues: tuple[str, ...]) -> bool:
        def bare(claim: Claim) -> str:
            text = self.label(claim).text
            for cue in sorted(cues, key=len, reverse=True):
                text = text.replace(cue, "")
            return text

        a, b = bare(part), bare(whole)
        regions = [frozenset(w for w in self.regions if w in text) for text in (a, b)]
        return self.sources_of(a) == self.sources_of(b) and (not all(regions) or regions[0] == regions[1])

    def cue_pairs(self) -> Iterator[Constraint]:
        ctx = self.ctx
        claims = [c for c in ctx.claims if c.quantity.comparator in ("=", "~")]
        for pair in self.pairs:
            # only a figure of the pair's dimensions can be its part or (comparable) whole
            roles = {c.id: self.role_in(c, pair) for c in ctx.claims if c.quantity.dimension in pair.dimensions}
            parts = [c for c in claims if roles.get(c.id) == "part" and not self.is_change(c)]
            for part in parts:
                if part.cell is not None:
                    nearby = ctx.rows.get((part.block, part.cell[0]), [])
                elif pair.window == "document":
                    rivals = [c for c in parts if c.cell is None and c.quantity.dimension == part.quantity.dimension
                              and c.quantity.unit == part.quantity.unit and c.quantity.value != part.quantity.value]
                    if rivals:
                        continue  # two such parts in the report: which whole is whose is not said
                    nearby = ctx.narrative
                else:
                    nearby = self.neighbourhood(part)
                candidates = [c for c in nearby if roles.get(c.id) in ("whole", "generic")
                              and (c.cell is None) == (part.cell is None)
                              and self.comparable(part, c)
                              and not self.is_change(c) and self.same_source(part, c, pair.part + pair.whole)]
                wholes = [c for c in candidates if roles[c.id] == "whole"] \
                    or [c for c in candidates if roles[c.id] == "generic"]
                if pair.same_item:
                    wholes = [c for c in wholes if self.item(c, pair) == self.item(part, pair)]
                # one whole, or one figure restated (document window): the same value each time
                if len({c.quantity.value for c in wholes}) != 1 or (len(wholes) > 1 and pair.window != "document"):
                    continue
                for whole in wholes:
                    if self.same_subject(part, whole, pair) and not self.excused(part, whole, pair.unless):
                        for restated in self.restatements(whole):
                            yield self.bound(part, restated, pair.name)

    def restatements(self, claim: Claim) -> list[Claim]:
        """The figure and its verbatim repeats elsewhere in the text (a summary repeated under a heading)."""
        sentence = squash(self.ctx.at(self.ctx.sentence(claim.span.start, FULL_STOPS)))
        return [claim] + [c for c in self.ctx.narrative if c.id != claim.id and c.quantity == claim.quantity
                          and self.label(c) == self.label(claim)
                          and squash(self.ctx.at(self.ctx.sentence(c.span.start, FULL_STOPS))) == sentence]

    def same_subject(self, part: Claim, whole: Claim, pair: Pair) -> bool:
        """The words before the part's cue name nothing, or what the whole's label names too."""
        words = self.label(part).text
        words = words[:min((words.find(c) for c in pair.part if c in words), default=len(words))]
        words = NUMBERING.sub("", self.time_anywhere.sub("", words))
        for word in (*self.subjects, *self.generic):
            words = words.replace(word, "")
        words = words.strip(LABEL_EDGES + "。.")
        if not words:
            return True
        other = self.label(whole).text
        shared = SequenceMatcher(None, words, other, autojunk=False).find_longest_match(0, len(words), 0, len(other)).size
        return shared >= max(self.subject_overlap, len(words) * 3 // 5)

    def item(self, claim: Claim, pair: Pair) -> str:
        """What a label says besides its cue, the time and who reports it."""
        words = self.label(claim).text
        for word in (*sorted(pair.part + pair.whole, key=len, reverse=True), *self.subjects):
            words = words.replace(word, "")
        words = self.time_anywhere.sub("", words)
        return self.verb_tail.sub("", words).strip(LABEL_EDGES + "。.")

    def scope_item(self, words: str) -> str:
        for word in self.scope_words:
            words = words.replace(word, "")
        words = self.time_head.sub("", words)
        return self.verb_tail.sub("", words)

    def scope_pairs(self) -> Iterator[Constraint]:
        ctx = self.ctx
        claims = [c for c in ctx.narrative if c.quantity.comparator in ("=", "~") and not self.is_change(c)]
        levels = {c.id for c in claims}
        for part_words, whole_words in self.scopes:
            for part in claims:
                words = self.label(part).text
                if not any(w in words for w in part_words):
                    continue
                item = self.scope_item(words)
                if len(item) < self.min_item:
                    continue
                block = ctx.block(part.block).span if part.block >= 0 else Span(0, len(ctx.text))
                previous = ctx.block(part.block - 1).span if part.block > 0 else block
                region = ctx.claims_in(Span(previous.start, block.end))
                wholes = [c for c in region if c.id in levels and self.comparable(part, c)
                          and any(w in self.label(c).text for w in whole_words)
                          and not any(w in self.label(c).text for w in part_words)
                          and self.scope_item(self.label(c).text) == item]
                if len(wholes) == 1:
                    yield self.bound(part, wholes[0], "范围")

    def component_key(self, claim: Claim) -> str | None:
        words = self.label(claim).text.removeprefix("其中").strip(LABEL_EDGES)
        if len(words) > self.breakdown.get("max_label_chars", 12):
            return None
        keys = [w for w in self.breakdown.get("components", ()) if words.startswith(w)]
        return max(keys, key=len) if keys else None

    def groups(self, block: int) -> list[Group]:
        """(total, components by source, last component) of each breakdown in a paragraph."""
        claims = [c for c in self.ctx.in_block[block] if c.cell is None and c.quantity.dimension == "money"]
        out = []
        for n, total in enumerate(claims):
            if self.component_key(total) is not None:
                continue
            components: dict[str, Claim] = {}
            for claim in claims[n + 1:]:
                key = self.component_key(claim)
                if key is None or key in components:
                    break
                components[key] = claim
            if len(components) >= 2:
                out.append((total, components, list(components.values())[-1]))
        return out

    def nested(self, first: Group, second: Group) -> bool:
        (total_a, _, last_a), (total_b, _, _) = first, second
        between = self.ctx.text[last_a.span.end:total_b.span.start]
        if "其中" in between:
            return True
        funds, spending = tuple(self.breakdown.get("funds", ())), tuple(self.breakdown.get("spending", ()))
        return (any(w in self.label(total_a).text for w in funds) and any(w in self.label(total_b).text for w in spending)
                and not self.excused(total_b, total_a, tuple(self.breakdown.get("unless", ()))))

    def breakdowns(self) -> Iterator[Constraint]:
        """Each component of a nested breakdown within the same-named component of its whole."""
        for block in self.ctx.paragraphs:
            groups = self.groups(block)
            for first, second in zip(groups, groups[1:]):
                if second[0].span.start < first[2].span.end or not self.nested(first, second):
                    continue
                if "其中" not in self.ctx.text[first[2].span.end:second[0].span.start] \
                        and self.comparable(second[0], first[0]):
                    yield self.bound(second[0], first[0], "分来源")  # spent of received (a 其中 is the sum check's)
                for key, part in second[1].items():
                    whole = first[1].get(key)
                    if whole is not None and self.comparable(part, whole):
                        yield self.bound(part, whole, "分来源")

    def portions(self) -> Iterator[Constraint]:
        """县级统筹中央财政资金800万元: a share of the 中央财政资金 named just before."""
        data = self.ctx.rules["bounds"].get("portions", {})
        words, min_chars = tuple(data.get("words", ())), int(data.get("min_name_chars", 4))

        def bare(claim: Claim) -> str:
            return self.verb_tail.sub("", self.label(claim).text.removeprefix("其中"))

        for part in self.ctx.narrative:
            label = bare(part)
            at = max((label.rfind(w) + len(w) for w in words if w in label), default=-1)
            name = label[at:] if at >= 0 else ""
            if len(CJK.findall(name)) < min_chars or self.is_change(part):
                continue
            wholes = [c for c in self.neighbourhood(part) if bare(c) == name and self.comparable(part, c)
                      and not self.is_change(c)]
            if len({c.quantity.value for c in wholes}) == 1:
                yield self.bound(part, wholes[0], "统筹")

    def brackets(self) -> Iterator[Constraint]:
        """总投资1862.5万元（含安装工程1710万元）: the one figure in the bracket is a part of the one before."""
        ctx = self.ctx
        text = ctx.text
        for whole in ctx.narrative:
            opening = whole.span.end
            while opening < len(text) and text[opening] in " \t":
                opening += 1
            if opening >= len(text) or text[opening] not in "（(":
                continue
            inside = squash(text[opening + 1:opening + 8])
            if not inside.startswith(self.bracket_cues):
                continue
            close = min((i for i in (text.find(")", opening), text.find("）", opening)) if i >= 0), default=-1)
            if close < 0:
                continue
            parts = ctx.claims_in(Span(opening, close))
            if len(parts) == 1 and self.comparable(parts[0], whole) and not self.is_change(whole):
                yield self.bound(parts[0], whole, "括号")

    def bound(self, part: Claim, whole: Claim, pair: str) -> Constraint:
        return self.ctx.constraint("bound", "LOGIC003", [part, whole], "narrative" if part.cell is None else "table",
                                   pair=pair, part_name=self.name(part), whole_name=self.name(whole))

    def name(self, claim: Claim) -> str:
        return self.label(claim).text.removeprefix("其中").removeprefix("度").strip(LABEL_EDGES)


def find(ctx: Context) -> Iterator[Constraint]:
    bounds = Bounds(ctx)
    seen: set[tuple[int, ...]] = set()
    found = []
    for constraint in (*bounds.cue_pairs(), *bounds.scope_pairs(), *bounds.breakdowns(), *bounds.portions(),
                       *bounds.brackets()):
        if constraint.claims not in seen:
            seen.add(constraint.claims)
            found.append(constraint)
    yield from bound_chains.joined(ctx, found, bounds.name, lambda c: bounds.verb_tail.sub("", bounds.name(c)))
