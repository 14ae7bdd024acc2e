"""What every finder needs to look things up: claims by block and row, sentences, table cells."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from auditor.ingest.normalise import aligned
from auditor.model import Block, Cell, Claim, Constraint, Document, Quantity, Reading, Span
from auditor.rules import RuleSet
from auditor.strings import end_marks, squash

T = TypeVar("T")

SENTENCE_ENDS = "。；;！？!?\n"  # a sentence or one of its ；-segments
FULL_STOPS = "。！？!?\n"  # a whole sentence
CLAUSE_ENDS = "，,。；;：:！？!?\n"  # a clause
FULL_STOP = "。!?！？\n"
NUMBERING = re.compile(r"^(?:其中[:：]?|\d+[.、．]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)+")
POINTS_IN_LABEL = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]")


@lru_cache(maxsize=1 << 14)
def label(text: str) -> str:
    """A row or item label for comparing names: whitespace, numbering and point budgets removed
    (the same cells' labels are compared by a dozen finders: kept per text)."""
    text = squash(text)
    text = NUMBERING.sub("", text)
    text = POINTS_IN_LABEL.sub("", text)
    return text.strip("：:，,。")


def remembered(cache: dict, key: object, make: Callable[..., T], *args: object) -> T:
    """``cache[key]``, made by ``make(*args)`` the first time it is asked for (the per-report answers
    many finders ask of the same figures and positions)."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = make(*args)
    return found


class Context:
    def __init__(self, document: Document, reading: Reading, rules: RuleSet) -> None:
        self.doc = document
        self.text = aligned(document)  # simplified characters at the original offsets: cue words match
        self.reading = reading
        self.rules = rules
        self._once: dict[str, Any] = {}
        self.claims = reading.claims
        self.by_id = {c.id: c for c in reading.claims}
        self.starts = [c.span.start for c in reading.claims]  # claims come in text order
        self.in_block: dict[int, list[Claim]] = defaultdict(list)
        self.rows: dict[tuple[int, int], list[Claim]] = defaultdict(list)
        self._sentences: dict[tuple[int, str], Span] = {}  # (pos, ends): the same figures' sentences are asked for often
        self._per_head: dict[int, bool] = {}  # claim id -> per_head: a dozen finders ask of the same figures
        for claim in self.claims:
            self.in_block[claim.block].append(claim)
            if claim.cell is not None:
                self.rows[(claim.block, claim.cell[0])].append(claim)

    # --- text ---------------------------------------------------------------------------------
    def at(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def block(self, index: int) -> Block:
        return self.doc.blocks[index]

    def sentence(self, pos: int, ends: str = SENTENCE_ENDS) -> Span:
        """The sentence around ``pos`` (within its line): from after the last end mark before it to
        its next end mark, included. The marks are found once per set of ends and bisected, so that
        a text of one endless sentence with many figures stays linear."""
        return remembered(self._sentences, (pos, ends), self._sentence, pos, ends)

    def _sentence(self, pos: int, ends: str) -> Span:
        pos = max(0, min(pos, len(self.text)))
        marks = end_marks(self.text, ends)
        k = bisect_left(marks, pos)  # the first mark at or after pos
        start = marks[k - 1] + 1 if k else 0
        end = marks[k] + 1 if k < len(marks) else len(self.text)
        return Span(start, end)

    def narrative_sentences(self, ends: str = SENTENCE_ENDS) -> Iterator[Span]:
        """Each sentence that holds a narrative figure, once, in the order of the text."""
        last = -1
        for claim in self.narrative:
            span = self.sentence(claim.span.start, ends)
            if span.start > last:
                last = span.start
                yield span

    def claims_in(self, span: Span, narrative_only: bool = True) -> list[Claim]:
        out = []
        for claim in self.claims[bisect_left(self.starts, span.start):]:
            if claim.span.start >= span.end:
                break
            if claim.span.end <= span.end and (claim.cell is None or not narrative_only):
                out.append(claim)
        return out

    @cached_property
    def narrative(self) -> list[Claim]:
        return [c for c in self.claims if c.cell is None]

    @cached_property
    def paragraphs(self) -> list[int]:
        return [i for i, b in enumerate(self.doc.blocks) if b.kind == "paragraph"]

    # --- tables -------------------------------------------------------------------------------
    @cached_property
    def cells(self) -> dict[tuple[int, int, int], Cell]:
        out = {}
        for index, block in enumerate(self.doc.blocks):
            if block.kind == "table":
                for cell in block.cells:
                    out[(index, cell.row, cell.col)] = cell
        return out

    def row_cells(self, block: int, row: int) -> list[Cell]:
        b = self.doc.blocks[block]
        return list(b.rows[row]) if row < len(b.rows) else []

    @cached_property
    def sheets(self) -> list[list[int]]:
        """Logical tables: a table block, joined by the blocks right after it that repeat its header
        rows (one table split across pages or by a blank line)."""
        runs: list[list[int]] = []
        previous: int | None = None
        for index, block in enumerate(self.doc.blocks):
            if block.kind == "table":
                header = self.header_signature(block)
                if previous is not None and header and header == self.header_signature(self.doc.blocks[previous]):
                    runs[-1].append(index)
                else:
                    runs.append([index])
                previous = index
            elif squash(self.at(block.span)):
                previous = None
        return runs

    @staticmethod
    def header_signature(block: Block) -> tuple[str, ...]:
        return tuple(squash(c.text) for row in block.rows[:3] for c in row if c.is_header and squash(c.text))

    # --- document-wide facts ------------------------------------------------------------------
    @cached_property
    def money_unit(self) -> str:
        """The money unit the report works in: the one it declares (单位：万元), else the most used
        written money unit."""
        if self.reading.money_unit:
            return self.reading.money_unit
        counts = Counter(c.quantity.unit for c in self.claims if c.quantity.dimension == "money" and c.unit_text
                         and not self.per_head(c))
        usual = self.rules["units"].get("report_money_unit", "万元")
        if counts[usual] >= 3:
            return usual  # a report that writes several figures in 万元 works in 万元, whatever its 元 standards
        return counts.most_common(1)[0][0] if counts else usual

    def per_head(self, claim: Claim) -> bool:
        """100元/年·人, 每人每月300元, 月发放100元: a standard per head, naturally written in 元."""
        return remembered(self._per_head, claim.id, self._is_per_head, claim)

    def _is_per_head(self, claim: Claim) -> bool:
        if self.text[claim.span.end:claim.span.end + 1] in ("/", "／"):
            return True
        lexicon = self.rules["lexicon"]
        start = claim.context.start if claim.context else claim.span.start
        if claim.id > 0 and self.claims[claim.id - 1].id == claim.id - 1:
            # the words after the figure before it: 800元/生投入57.6万元 names that figure's standard
            previous = self.claims[claim.id - 1].span.end
            if start <= previous <= claim.span.start:
                start = previous + (2 if self.text[previous:previous + 1] in ("/", "／") else 0)
        before = self.text[start:claim.span.start]
        for word in lexicon.get("per_head_not_cues", ()):
            before = before.replace(word, "")  # 高标准农田 is no standard per head
        last = max((before.rfind(cue) for cue in lexicon["per_head_cues"]), default=-1)
        # …标准投入71.25万元: a total reckoned at a standard, not the standard itself
        return last >= 0 and not any(w in before[last:] for w in lexicon.get("per_head_total_words", ()))

    def constraint(self, kind: str, code: str, claims: list[Claim] | tuple[Claim, ...], origin: str,
                   spans: tuple[Span, ...] = (), **params: object) -> Constraint:
        ids = tuple(c.id for c in claims)
        key = ",".join(map(str, ids)) or ",".join(f"{s.start}-{s.end}" for s in spans)
        return Constraint(id=f"{code}:{key}", kind=kind, claims=ids, params={"code": code, **params},
                          origin=origin, spans=spans)

    def once(self, name: str, make: Callable[[Context], T]) -> T:
        """What ``make(self)`` builds, built once per document for every finder that asks for it by
        ``name`` (the lists, the subject keys)."""
        return remembered(self._once, name, make, self)

    def listed_item(self, span: Span, unit: str, block: int) -> Claim:
        """A name of a list as a claim of one ``unit`` (办公室 in 设5个科室：办公室、…): what a stated
        count counts, so that the count's constraint relates it. Known by id to the graph and the
        checks, never among ``claims``: no finder reads a name as a figure."""
        one = Decimal(1)
        item = Claim(id=max(self.by_id, default=-1) + 1, quantity=Quantity(one, unit, one, one, "count"), span=span,
                     text=self.doc.text[span.start:span.end], kind="item", role="item", subject=self.at(span),
                     block=block)
        self.by_id[item.id] = item
        return item

    def year_claim(self, span: Span, year: int, block: int = -1) -> Claim:
        """A year the text names (2023年度, 〔2022〕) as a claim of dimension ``year``: what a year
        constraint relates, so that the graph shows it. Like a listed name, known by id to the graph
        and the checks, never among ``claims``: no money, rate or score finder reads a year."""
        years = self._once.setdefault("year claims", {})
        found = years.get((span.start, span.end))
        if found is None:
            value = Decimal(year)
            found = Claim(id=max(self.by_id, default=-1) + 1, quantity=Quantity(value, "年", value, value, "year"),
                          span=span, text=self.doc.text[span.start:span.end], kind="year", role="year",
                          subject=self.at(span), year=year, block=block)
            self.by_id[found.id] = years[(span.start, span.end)] = found
        return found

    def name_of(self, claim: Claim, simplified: bool = False) -> str:
        """What a figure belongs to, for messages: the label it sits in, else its subject;
        ``simplified`` reads the label in simplified characters, to match vocabulary."""
        if claim.cell is not None:
            cell = self.cells.get((claim.block, *claim.cell))
            text = (self.at(cell.span) if simplified else cell.text) if cell is not None else ""
            if cell is not None and squash(cell.text) != squash(claim.text) and label(text):
                return label(text)
        return claim.subject
