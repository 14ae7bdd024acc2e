"""read: every numeric claim of a document, with what it measures and the role it plays.

Narrative figures take their meaning from the words before them in their clause; table figures
from their cell's column headers (role, unit, year) and row labels (subject).

The reader works on the document's normalised view (simplified characters, half-width forms, no
pinyin glosses, hard wraps rejoined: auditor.ingest.normalise); every span it hands on is mapped
back to the original text, and a claim's ``text`` is the original text at its span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from auditor.ingest.normalise import fold, view_of
from auditor.model import Block, Cell, Claim, Document, NormalisedText, Quantity, Reading, Span, SubjectKey, TimeMention
from auditor.nlp.inherited_units import inherited_units
from auditor.nlp.keys import KeyLexicon, is_change, subject_key, without_titles
from auditor.nlp.numbers import Figure, UnitLexicon, find_figures
from auditor.nlp.segment import Tokens
from auditor.rules import RuleSet
from auditor.strings import squash

CLAUSE_BREAKS = set("，,。；;！？!?\n\t：:、（(（")
SENTENCE_BREAKS = set("。；;！？!?\n")
INFINITY = Decimal("Infinity")
YEAR_IN_HEADER = re.compile(r"((?:19|20)\d\d)\s*年")
MAX_LEFT = 40
MAX_HEADING = 40
MAX_LABEL = 30  # a longer row label is a passage (a goal, a scoring rule), not a name
CHANGE_FREE_DIMENSIONS = ("percent", "points_pct", "points")  # 增长3.5%: a rate, not a change
# A declaration of the money unit (单位：万元) reaches a table starting this many characters below.
DECLARED_UNIT_REACH = 200
TRAILING_PARTICLES = re.compile(r"[为是达的了约共计有]+$")
OPEN_BRACKETS, CLOSE_BRACKETS = "(（[【", ")）]】"
PER_UNIT_MARKS = ("/", "／")
LEADING_YEAR = re.compile(r"^(?:19|20)[\dXx]{2}年度?")  # 20xx年: a year left as a placeholder
LEADING_NUMBERING = re.compile(r"^(?:\d+[.、．]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)+")

KIND_BY_DIMENSION = {"money": "money", "percent": "rate", "points_pct": "rate", "people": "people",
                     "count": "count", "area": "area", "duration": "count"}


@dataclass(frozen=True)
class Lexicon:
    units: UnitLexicon
    header_roles: tuple[tuple[str, str], ...]
    header_units: tuple[tuple[str, str], ...]
    last_cue: re.Pattern[str]  # narrative cues reversed, longest first: the first match in a reversed text ends last
    cue_roles: dict[str, str]  # each narrative cue's role (its first, longest cues first)
    lead_stop: frozenset[str]
    trail_stop: frozenset[str]
    keys: KeyLexicon
    declared_unit: re.Pattern[str]
    declared_skip: tuple[str, ...]
    section: re.Pattern[str]
    money_cues: tuple[str, ...]  # words naming money: a bare 万 after them is 万元
    summing_openers: frozenset[str] = frozenset()  # 共计 opening a clause: it sums up the clause before

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Lexicon:
        lex = rules["lexicon"]
        by_length = lambda pairs: tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))  # noqa: E731
        cues = by_length([(cue, role) for role, words in lex.get("narrative_roles", {}).items() for cue in words])
        cue_roles: dict[str, str] = {}
        for cue, role in cues:
            cue_roles.setdefault(cue, role)
        return cls(
            units=UnitLexicon(rules["units"]),
            header_roles=by_length(lex.get("header_roles", {}).items()),
            header_units=by_length(lex.get("header_units", {}).items()),
            last_cue=re.compile("|".join(re.escape(cue[::-1]) for cue, _ in cues) or "(?!)"),
            cue_roles=cue_roles,
            lead_stop=frozenset(lex.get("subject_lead_stop", ())),
            trail_stop=frozenset(lex.get("subject_trail_stop", ())),
            keys=KeyLexicon.from_mapping(lex),
            declared_unit=declared_unit_pattern(lex.get("declared_unit_labels", ()), rules["units"]),
            declared_skip=tuple(lex.get("declared_unit_skip_headers", ())),
            section=re.compile("|".join(f"(?:{p})" for p in lex.get("section_numbering", ())) or "(?!)"),
            money_cues=tuple(rules["units"].get("bare_magnitude_money", {}).get("cues", ())),
            summing_openers=frozenset(lex.get("summing_openers", ())),
        )


def declared_unit_pattern(labels: list[str], units: dict) -> re.Pattern[str]:
    """单位：万元, 金额单位:元, （单位：万元）, （万元） on a line of its own: a declared money unit."""
    money = sorted((u for u, spec in units.get("units", {}).items() if spec.get("dimension") == "money"),
                   key=len, reverse=True)
    label = "|".join(map(re.escape, sorted(labels, key=len, reverse=True))) or "(?!)"
    written = "|".join(map(re.escape, money)) or "(?!)"
    return re.compile(rf"(?:{label})\s*[:：]\s*({written})(?![\u4e00-\u9fff])"
                      rf"|^[ \t]*\(\s*({written})\s*\)[ \t]*$", re.MULTILINE)


_LEXICONS: dict[int, Lexicon] = {}


def lexicon(rules: RuleSet) -> Lexicon:
    key = id(rules.data)
    if key not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[key] = Lexicon.from_rules(rules)
    return _LEXICONS[key]


def quantity(figure: Figure, unit_text: str, lex: UnitLexicon) -> Quantity:
    unit = lex.units.get(unit_text) if unit_text else None
    exact = bool(unit and unit.exact and figure.decimals == 0)
    half = Decimal(0) if exact else Decimal(5) / Decimal(10) ** (figure.decimals + 1)
    low, high = figure.value - half, (figure.high if figure.high is not None else figure.value) + half
    # A bound (≥95%, 不超过300万元) is a threshold someone set, not a rounded measurement: exact.
    if figure.comparator in (">=", ">"):
        low, high = figure.value, INFINITY
    elif figure.comparator in ("<=", "<"):
        low, high = -INFINITY, figure.value
    return Quantity(
        value=figure.value, unit=unit_text, low=low, high=high,
        dimension=unit.dimension if unit else "", factor=unit.factor if unit else Decimal(1),
        comparator=figure.comparator, decimals=figure.decimals,
    )


class Reader:
    def __init__(self, document: Document, rules: RuleSet) -> None:
        self.doc = document
        self.view = view_of(document)
        self.text = self.view.text  # every offset below is a normalised one, until a claim is made
        self.original = document.text
        self.lex = lexicon(rules)
        self.rules = rules
        self._numbered: dict[int, tuple[set[int], set[int]]] = {}
        self.block_spans = [self.normalised(b.span) for b in document.blocks]
        self.block_starts = [s.start for s in self.block_spans]
        self._cell_index: dict[int, tuple[list[int], list[int], list[Cell]]] = {}
        self._next_start = len(self.text)  # where the figure after the one being read starts
        self._inherited: dict[int, str] = {}  # figure start -> a unit given by its certain partner
        self._previous_start, self._previous_end = 0, 0  # the figure before the one being read
        self._table_keys: dict[tuple[tuple[str, ...], int | None, str], SubjectKey] = {}

    def normalised(self, span: Span) -> Span:
        return Span(self.view.to_normalised(span.start), self.view.to_normalised(span.end))

    def original_span(self, span: Span) -> Span:
        return self.view.span_to_original(span.start, span.end)

    @cached_property
    def words(self) -> Tokens:
        """The normalised text's words, segmented where asked: subjects are cut from the clauses
        before narrative figures; tables take their meaning from headers."""
        return Tokens(self.text)

    def block_of(self, pos: int) -> tuple[int, Block | None]:
        i = bisect_right(self.block_starts, pos) - 1
        if i >= 0 and self.block_spans[i].start <= pos < max(self.block_spans[i].end, pos + 1):
            return i, self.doc.blocks[i]
        return -1, None

    def cell_of(self, block: Block | None, start: int, end: int) -> Cell | None:
        if block is None or block.kind != "table":
            return None
        # The table's filled cells by position (their spans never overlap), found by bisection: a
        # scan of every cell for every figure took quadratic time on tables of thousands of cells.
        index = self._cell_index.get(id(block))
        if index is None:
            cells = sorted((c for c in block.cells if len(c.span)), key=lambda c: c.span.start)
            spans = [self.normalised(c.span) for c in cells]
            index = self._cell_index[id(block)] = ([s.start for s in spans], [s.end for s in spans], cells)
        starts, ends, cells = index
        i = bisect_right(starts, start) - 1
        if i >= 0 and starts[i] <= start and end <= ends[i]:
            return cells[i]
        return None

    # --- narrative ------------------------------------------------------------------------
    def clause_start(self, pos: int, floor: int) -> int:
        i = pos
        limit = max(floor, pos - MAX_LEFT)
        while i > limit and self.text[i - 1] not in CLAUSE_BREAKS:
            i -= 1
        return i

    def subject(self, start: int, end: int, floor: int = 0) -> str:
        line_start = self.text.rfind("\n", 0, max(start, end - 1)) + 1  # a hard-wrapped sentence is one line
        start = self._outside_brackets(max(start, line_start), end, max(floor, line_start))
        words = self.words.between(start, end)
        if words and words[0][2] in PER_UNIT_MARKS:
            del words[:2]  # 1200元/生标准投入: the tail of the figure before (元/生), not a subject
        while words and (words[0][2] in self.lex.lead_stop or YEAR_IN_HEADER.match(words[0][2] + "年")
                         and words[0][2].isdigit() or not any(map(is_word_char, words[0][2]))):
            words.pop(0)  # stop words, years, and punctuation or numbering left over from the clause break
        while words and words[-1][2] in self.lex.trail_stop:
            words.pop()
        if not words:
            return ""
        subject = squash(self.text[words[0][0]:words[-1][1]]).strip("“”\"'《》")
        return LEADING_YEAR.sub("", LEADING_NUMBERING.sub("", TRAILING_PARTICLES.sub("", subject)))

    def _outside_brackets(self, start: int, end: int, floor: int) -> int:
        """Where a subject starts when the clause before the figure opens inside brackets and closes
        them: 因公出国(境)费 takes its words before the bracket when the clause began at the bracket
        (the bracket was a clause break); （单位：万元，下同）一般公共预算收入 starts after it."""
        depth, close = 0, -1
        for i in range(start, end):
            char = self.text[i]
            if char in OPEN_BRACKETS:
                depth += 1
            elif char in CLOSE_BRACKETS:
                if depth:
                    depth -= 1
                else:
                    close = i  # the last bracket closed that the clause did not open
        if close < 0:
            return start
        opened = start - 1
        if opened >= floor and self.text[opened] in OPEN_BRACKETS \
                and not any(c in CLAUSE_BREAKS for c in self.text[start:close]):
            before = self.clause_start(opened, floor)
            if before < opened:
                return before
        return close + 1

    def narrative_roles(self, left: str, right: str, unit_dim: str, in_parens: bool) -> tuple[str, ...]:
        """The roles the words allow: the nearest cue on the left, then a cue on the right
        (资金500万元已全部到位), which leads when the left has none. A change cue after the last
        stage cue (较上年决算数减少) makes a money or count figure a change first."""
        first = self.narrative_role(left, unit_dim, in_parens)
        if unit_dim not in CHANGE_FREE_DIMENSIONS and is_change(self.lex.keys, without_titles(left)):
            # 较上年减少83.47万元: a change, whatever the cue before it (决算数, 收入)
            return ("change", first) if first not in ("value", "actual") else ("change",)
        after = self.lex.keys.roles_after.after(without_titles(right))
        if not after:
            return (first,)
        second = self._adjusted(after, "", unit_dim, in_parens)
        if first == "value":
            return (second,)
        return (first,) if second == first else (first, second)

    def narrative_role(self, left: str, unit_dim: str, in_parens: bool) -> str:
        left = without_titles(left)  # 《关于下达…预算的通知》: a title's words are not cues
        # the cue ending last, the longest of those (the first in cues' order): searched backwards
        last = self.lex.last_cue.search(left[::-1])
        best = self.lex.cue_roles[last.group()[::-1]] if last else ""
        return self._adjusted(best, left, unit_dim, in_parens)

    @staticmethod
    def _adjusted(best: str, left: str, unit_dim: str, in_parens: bool) -> str:
        if best == "budget" and any(cue in left for cue in ("追加", "调增")):
            best = "addition"  # 追加预算安排: an addition to the budget, not the budget
        elif best == "budget" and any(cue in left for cue in ("调减", "核减")):
            best = "reduction"
        elif best in ("executed", "budget") and "计划" in left:
            best = "target"  # 计划征收4,860万元: what was planned, not what was done
        if unit_dim == "points":
            if in_parens and best not in ("score",):
                return "max"
            return best if best in ("score", "max") else "score"
        if unit_dim == "percent" and best not in ("rate",):
            return "rate"
        if best == "rate" and unit_dim not in ("percent", "points_pct", ""):
            # 完成1126人: a completed amount, not a rate
            return "actual"
        return best or "value"

    # --- tables ---------------------------------------------------------------------------
    def header_role(self, header: str) -> str:
        for key, role in self.lex.header_roles:
            if key in header:
                return role
        return ""

    def header_unit(self, headers: tuple[str, ...]) -> str:
        for header in reversed(headers):
            for key, unit in self.lex.header_units:
                if key in header:
                    return unit
        return ""

    def numbers_a_line(self, cell: Cell, block: Block) -> bool:
        """A line's or a column's number (行次 | 28, 栏次 | 1 | 2): a label, no figure."""
        if not cell.text.strip().isdigit():
            return False
        numbered = self._numbered.get(id(block))
        if numbered is None:  # once per table: its columns headed 行次/序号, its rows opening 栏次
            tables = self.rules["tables"]
            serial, columns = tables.get("serial_terms", ()), tables.get("column_number_terms", ())
            numbered = self._numbered[id(block)] = (
                {c.col for row in block.rows for c in row if fold(c.text).strip() in serial},
                {row[0].row for row in block.rows if row and fold(row[0].text).strip() in columns})
        cols, rows = numbered
        return cell.col in cols or cell.row in rows

    def table_subject(self, cell: Cell, block: Block) -> str:
        for label in reversed(cell.row_header):
            label = fold(label)
            if label and not re.fullmatch(r"[\d.%\s]*", label):
                return re.sub(r"^(?:其中[:：]?|\d+[.、．]|[一二三四五六七八九十]+、)", "", label).rstrip("：:")
        return ""

    def read(self) -> Reading:
        claims: list[Claim] = []
        times: list[TimeMention] = []
        previous_end = 0
        figures = find_figures(self.text, self.lex.units, self.text)  # the view's forms are already half-width
        self._inherited = inherited_units(self.text, figures, self.rules["lexicon"].get("inherited_units", {}))
        for n, fig in enumerate(figures):
            self._next_start = figures[n + 1].start if n + 1 < len(figures) else len(self.text)
            block_index, block = self.block_of(fig.number_start)
            if fig.tag != "figure":
                if fig.tag in ("year", "docno", "date") and fig.end - fig.start >= 1:
                    mention = self._time(fig, block_index)
                    if mention:
                        times.append(mention)
                previous_end = fig.end
                continue
            cell = self.cell_of(block, fig.number_start, fig.number_end)
            if cell is not None and self.numbers_a_line(cell, block):
                previous_end = fig.end
                continue
            self._previous_end = previous_end
            self._previous_start = figures[n - 1].start if n else 0
            claim = (self._table_claim(fig, block, block_index, cell, len(claims)) if cell
                     else self._narrative_claim(fig, block_index, previous_end, len(claims)))
            claims.append(claim)
            previous_end = fig.end
        report_year = report_year_of(self.text, times)
        times = [replace(t, span=(span := self.original_span(t.span)), text=self.original[span.start:span.end])
                 for t in times]
        declared = {unit for _, unit in self.declared_units}
        return Reading(tuple(claims), tuple(times), report_year, title_of(self.doc, self.view, self.rules),
                       unit_name_of(self.doc, self.view, self.rules), money_unit=declared.pop() if len(declared) == 1 else "")

    def _time(self, fig: Figure, block_index: int) -> TimeMention | None:
        if fig.tag == "year" or (fig.tag == "docno" and 1900 <= fig.value <= 2100):
            end = fig.number_end
            follow = self.text[end:end + 3].lstrip(" ")
            kind = fig.tag
            if follow.startswith("年度"):
                end = self.text.index("年度", end) + 2
            elif follow.startswith("年"):
                end = self.text.index("年", end) + 1
            return TimeMention(int(fig.value), Span(fig.number_start, end), self.text[fig.number_start:end], kind,
                               block_index)
        return None

    def _narrative_claim(self, fig: Figure, block_index: int, previous_end: int, cid: int) -> Claim:
        start = self.clause_start(fig.start, previous_end)
        in_parens = start > 0 and self.text[start - 1] in "(（"
        subject_start, subject_end = start, fig.start
        if in_parens and start == fig.start:
            subject_end = start - 1
            subject_start = self.clause_start(subject_end, max(0, subject_end - MAX_LEFT))
        left = squash(self.text[subject_start:fig.start])
        right = squash(self.text[fig.end:self.clause_end(fig.end)])
        unit_text = (self._money_magnitude(fig, left) or (fig.unit.text if fig.unit else "")
                     or self._inherited.get(fig.start, ""))
        q = quantity(fig, unit_text, self.lex.units)
        roles = self.narrative_roles(left, right, q.dimension, in_parens)
        if roles == ("value",) and self._sums_up_clause_before(start, left):
            # past a count in that clause (下达我省3批…资金，共计5200万元): its cue governs the money too
            before = self._outside_brackets(self.clause_start(start - 1, 0), start - 1, 0)
            roles = self.narrative_roles(squash(self.text[before:start - 1]) + left, right, q.dimension, in_parens)
        span = self.original_span(Span(fig.start, fig.end))
        subject, year = self.subject(subject_start, subject_end, previous_end), self._year_before(fig.start)
        return Claim(
            id=cid, quantity=q, span=span, text=self.original[span.start:span.end],
            kind=kind_of(q.dimension, roles[0]), role=roles[0], subject=subject,
            year=year, block=block_index, cell=None, unit_text=fig.unit_text,
            context=self.original_span(Span(subject_start, fig.end)),
            key=subject_key(self.lex.keys, left, right, (), year, subject), roles=roles,
            section=self.section_at(fig.start),
        )

    def _sums_up_clause_before(self, start: int, left: str) -> bool:
        """下达…资金(水利部分)，共计5200万元: a clause that is only 共计 and its figure, after a comma,
        sums up what the clause before names; that clause's words give the figure its role."""
        return start > 0 and self.text[start - 1] in "，," and left.rstrip("为达了") in self.lex.summing_openers

    def _subject_in_cell(self, pos: int, cell_start: int) -> str:
        """The words before ``pos`` in its clause inside a cell of text; for a figure right after
        another (候车亭1座45平方米), the words before that one."""
        floor = max(cell_start, self._previous_end)
        subject = self.subject(self.clause_start(pos, floor), pos, floor)
        if not subject and cell_start <= self._previous_start and not squash(self.text[self._previous_end:pos]):
            subject = self.subject(self.clause_start(self._previous_start, cell_start), self._previous_start, cell_start)
        return subject

    def _money_magnitude(self, fig: Figure, left: str) -> str:
        """资金8516.375万。: a bare 万 or 亿 read as 万元/亿元 where its clause names money and
        no noun follows it; "" otherwise."""
        if fig.unit is None or fig.unit.dimension or not any(cue in left for cue in self.lex.money_cues):
            return ""
        follow = self.text[fig.end:fig.end + 1]
        if "\u4e00" <= follow <= "\u9fff":
            return ""  # 2万群众: the noun's 万
        written = fig.unit.text + "元"
        unit = self.lex.units.units.get(written)
        return written if unit is not None and unit.dimension == "money" else ""

    def table_key(self, labels: tuple[str, ...], year: int | None, subject: str) -> SubjectKey:
        """The key of a table figure: the same for every figure of a row under one header."""
        found = self._table_keys.get((labels, year, subject))
        if found is None:
            found = self._table_keys[(labels, year, subject)] = subject_key(self.lex.keys, "", "", labels, year, subject)
        return found

    def clause_end(self, pos: int) -> int:
        """Where the clause after a figure ends: a clause break or the next figure."""
        end = pos
        limit = min(self._next_start, pos + MAX_LEFT)
        while end < limit and self.text[end] not in CLAUSE_BREAKS:
            end += 1
        return end

    def section_at(self, pos: int) -> str:
        i = bisect_right(self.section_starts, pos) - 1
        return self.sections[i][1] if i >= 0 else ""

    @cached_property
    def sections(self) -> list[tuple[int, str]]:
        """Headings (二、收入决算情况说明, （一）项目概况) in text order, numbering removed."""
        found = []
        for block, span in zip(self.doc.blocks, self.block_spans):
            if block.kind != "paragraph":
                continue
            end = self.text.find("\n", span.start)  # the whole normalised line: wraps rejoined
            line = squash(self.text[span.start:len(self.text) if end < 0 else end])
            numbering = self.lex.section.match(line)
            if numbering and len(line) <= MAX_HEADING and not any(c in line for c in "。；;"):
                found.append((span.start, line[numbering.end():].rstrip("：:")))
        return found

    @cached_property
    def section_starts(self) -> list[int]:
        return [start for start, _ in self.sections]

    @cached_property
    def declared_units(self) -> list[tuple[int, str]]:
        """Declared money units (单位：万元) with their places, in text order."""
        return [(m.start(), m.group(1) or m.group(2)) for m in self.lex.declared_unit.finditer(self.text)]

    def declared_unit(self, table_start: int, pos: int) -> str:
        """The money unit declared for a table: inside it before ``pos``, or just above it."""
        unit = ""
        for at, written in self.declared_units:
            if at >= pos:
                break
            if at >= table_start - DECLARED_UNIT_REACH:
                unit = written
        return unit

    def _year_before(self, pos: int) -> int | None:
        low = max(0, pos - 80)  # after the last sentence break in the 80 characters before pos
        i = max(low, max(self.text.rfind(mark, low, pos) for mark in SENTENCE_BREAKS) + 1)
        found = YEAR_IN_HEADER.findall(self.text[i:pos])
        return int(found[-1]) if found else None

    def _table_claim(self, fig: Figure, block: Block, block_index: int, cell: Cell, cid: int) -> Claim:
        headers = tuple(fold(h) for h in cell.header_path)
        role = self.header_role(headers[-1]) if headers else ""
        if not role:
            for h in reversed(headers):
                role = self.header_role(h)
                if role:
                    break
        unit_text = fig.unit.text if fig.unit else ""
        cell_span = self.normalised(cell.span)
        whole_cell = squash(self.text[cell_span.start:cell_span.end]) == squash(self.text[fig.start:fig.end])
        if not unit_text and whole_cell:
            unit_text = self.header_unit(headers)
            if not unit_text and not any(word in h for h in headers for word in self.lex.declared_skip):
                unit_text = self.declared_unit(self.block_spans[block_index].start, fig.start)
        subject = self.table_subject(cell, block)
        if not whole_cell and subject and (squash(subject) == squash(fold(cell.text)) or len(subject) > MAX_LABEL):
            # a figure inside a cell of text labelling its own row, or whose row label is a passage
            # (年度总体目标: 新建候车亭45平方米): named by the words before it in the cell, as in the narrative
            subject = self._subject_in_cell(fig.start, cell_span.start) or subject
        if not whole_cell:
            left = squash(self.text[self.normalised(cell.span).start:fig.start])
            if left.endswith(("(", "（")) and fig.unit is not None and fig.unit.dimension == "points":
                role, subject = "max", left[:-1]  # 产出指标(50分): the group's point budget
            elif left.endswith(("：", ":")):
                # 其中：基本支出：451.78: a label and its figure inside one cell
                subject = re.sub(r"^其中[:：]?", "", left.rstrip("：:"))
                role = self.narrative_role(left, fig.unit.dimension if fig.unit else "", False)
                if not unit_text:
                    unit_text = self.header_unit(headers)
            else:
                role = role or "value"
        q = quantity(fig, unit_text, self.lex.units)
        year = None
        for h in headers:
            found = YEAR_IN_HEADER.search(h)
            if found:
                year = int(found.group(1))
        span = self.original_span(Span(fig.start, fig.end))
        role = role or "value"
        labels = headers + tuple(fold(label) for label in cell.row_header)
        header_role = self.header_role(headers[-1]) if headers else ""
        return Claim(
            id=cid, quantity=q, span=span, text=self.original[span.start:span.end],
            kind=kind_of(q.dimension, role), role=role, subject=subject,
            year=year, block=block_index, cell=(cell.row, cell.col), unit_text=fig.unit_text, context=cell.span,
            key=self.table_key(labels, year, subject),
            roles=(role,) if header_role in ("", role) else (role, header_role),
            header_path=headers, section=self.section_at(fig.start),
        )


def is_word_char(char: str) -> bool:
    """A character a subject may start with: a Chinese character, a letter or a digit, or an
    opening quote or bracket (“三公”经费, 《…》); not a dash, a dot or a list mark."""
    return char.isalnum() or char in "“\"《(（"


def kind_of(dimension: str, role: str) -> str:
    if dimension == "points":
        return "max_score" if role == "max" else "score"
    if role == "rate":
        return "rate"
    if role in ("max",):
        return "max_score"
    if role == "score":
        return "score"
    return KIND_BY_DIMENSION.get(dimension, "other")


TITLE_LINES = 6


def report_year_of(text: str, times: list[TimeMention]) -> int | None:
    """The year the report is about: a year in its first lines' title, else the most cited 'N年度'."""
    head_end = 0
    for _ in range(TITLE_LINES):
        nl = text.find("\n", head_end)
        head_end = len(text) if nl < 0 else nl + 1
    title_years = [t for t in times if t.span.start < head_end and t.kind == "year"
                   and ("年度" in t.text or "报告" in text[t.span.end:t.span.end + 30])]
    if title_years:
        return title_years[0].year
    counts = Counter(t.year for t in times if t.kind == "year" and t.text.endswith("年度"))
    if not counts:
        counts = Counter(t.year for t in times if t.kind == "year")
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


LIST_ITEM = ("-", "*", "•", "·", "#")  # a web page's list of catalogue fields (- 公开目录 - 绩效自评报告)
UNIT_LABEL = re.compile(r"(?:单位名称|部门名称|预算部门名称|实施单位)[:：]?\s*([\u4e00-\u9fff][^\s（(：:]{2,39})")  # a name, not a cell's figure
UNIT_IN_TITLE = re.compile(r"^(?:关于)?([^\d，。；：:]{2,30}?)(?:\d{4}年度?)?(?:部门|单位)?(?:整体|项目)?(?:支出)?(?:预算)?绩效(?:自评|评价)报告$")
UNIT_NAME = re.compile(r"^[^\d，。；：:>＞/]{2,40}?(?:中心|局|委员会|委|办公室|厅|院|学校|医院|站|所|队|馆|部)$")


def title_of(document: Document, view: NormalisedText | None = None, rules: RuleSet | None = None) -> str:
    """The report's title: the first short line near the top that names a report (normalised).

    A web page's list items (- 索引号, • 发布机构) before it are page furniture: they are skipped
    and not counted among the lines searched."""
    view = view or view_of(document)
    rules = rules or RuleSet.load()
    spec = rules["lexicon"].get("titles", {})
    is_title, heading = title_pattern(spec), lexicon(rules).section
    searched = 0
    for block in document.blocks:
        if searched >= int(spec.get("blocks", 12)):
            break
        if block.kind != "paragraph":
            searched += 1
            continue
        line = squash(_normalised_at(view, block.span))
        if line.startswith(LIST_ITEM):
            continue
        searched += 1
        if (len(line) <= int(spec.get("max_chars", 60)) and is_title.search(line) and not heading.match(line)
                and not line.startswith(("说明", "备注", "注"))):
            return line
    return ""


_TITLE_PATTERNS: dict[str, re.Pattern[str]] = {}


def title_pattern(spec: dict) -> re.Pattern[str]:
    """A title's words anywhere, its endings at the end, its dated endings after a year in a line
    that is no sentence (no clause punctuation) and no numbered heading."""
    key = repr(sorted(spec.items()))
    if key not in _TITLE_PATTERNS:
        alternation = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)"  # noqa: E731
        _TITLE_PATTERNS[key] = re.compile(
            rf"{alternation(spec.get('words', ()))}|(?:{alternation(spec.get('endings', ()))})$"
            rf"|^(?![一二三四五六七八九十\d]+[、.．]|[(（][一二三四五六七八九十\d]+[)）])[^，。；：,;:]{{0,60}}"
            rf"(?:19|20)\d\d年[^，。；：,;:]{{0,60}}(?:{alternation(spec.get('dated_endings', ()))})$")
    return _TITLE_PATTERNS[key]


def unit_name_of(document: Document, view: NormalisedText | None = None, rules: RuleSet | None = None) -> str:
    """The budget unit the report is about: a labelled name, else a line that is an organisation's name."""
    view = view or view_of(document)
    head = view.text[:4000]
    labelled = UNIT_LABEL.search(head)
    if labelled:
        return labelled.group(1)
    for block in document.blocks[:8]:
        if block.kind == "paragraph":
            line = squash(_normalised_at(view, block.span))
            if UNIT_NAME.match(line):
                return line
    for block in document.blocks[:8]:
        for cell in block.cells:
            if UNIT_NAME.match(fold(cell.text)):
                return fold(cell.text)
    title = UNIT_IN_TITLE.match(title_of(document, view, rules))  # 峨边彝族自治县部门整体绩效自评报告
    return title.group(1) if title else ""


def _normalised_at(view: NormalisedText, span: Span) -> str:
    return view.text[view.to_normalised(span.start):view.to_normalised(span.end)]


def read(document: Document, rules: RuleSet) -> Reading:
    return Reader(document, rules).read()
