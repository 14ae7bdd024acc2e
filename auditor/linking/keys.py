"""Subject keys: which quantity a narrative figure states, as item × stage × year × scope.

The words before a figure in its clause (brackets kept: 因公出国(境)费) are read from the end: a
stage cue (预算, 决算, 下达, 支付, 结转…) right before the figure, the item before it, a year and a
scope word anywhere in the clause or the figure's year. A figure whose words compare, change, plan
or share (较上年, 增加, 计划, 占) states no quantity of its own and gets no key. Under a section
heading that names one unique item and a stage (一般公共预算支出决算情况说明), a figure whose words
are only a year and a stage (2017年决算数…) states that item, and the item's own figures there
without a stage cue take the heading's stage. A report's own definitions (行政经费（机关运行经费）：指…)
add spellings of one item for that report (auditor/linking/aliases.py). Vocabulary in rules/subjects.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from auditor.linking.aliases import defined_aliases
from auditor.linking.context import Context, squash
from auditor.model import Claim
from auditor.strings import CJK, any_of

CLAUSE_ENDS = "，,。；;！？!?\n\t、：:"
MAX_LEFT = 40
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
YEAR_WORD = re.compile(r"(?:19|20)(?:\d\d|[xX×]{2})\s*年度?")  # 20xx年: a template's year left unfilled
NUMBERING = re.compile(r"^(?:\d+[.、．]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．])+")
BRACKETS = re.compile(r"[()（）“”\"'《》〈〉【】\[\]\s]")
LEAD_LABEL = re.compile(r"^(?:\d+[.、．]|[(（][\d一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)?([^：:，,。；;]{1,20})[：:]")
FIGURE = re.compile(r"[\d.,]+\s*(?:万元|亿元|元|%)?")
RATE_CLAUSE = re.compile(r"%|％|率")
MAX_LINES_TO_HEADING = 12
MAX_BARE_LINE = 200
MAX_SENTENCE_LOOKBACK = 300  # characters of a sentence read back for its period and scope
ACCOUNT_STAGES = ("budget", "adjusted", "final")  # the stages an account of a year states
LEAD_JOINS = re.compile(r"^(?:其中|包括|另外|另|以及|及|和)")
SYMBOLS = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")


@dataclass(frozen=True)
class Key:
    item: str
    stage: str
    year: int | None
    scope: str
    unique: bool = False  # an item a report states once per stage and year (三公 items, 财政总收入…)
    period: str = ""  # part of the year (1-6月, 一季度): a different quantity than the year's

    def matches(self, other: Key) -> bool:
        return (self.item == other.item and self.stage == other.stage and self.year == other.year
                and self.period == other.period and (not self.scope or not other.scope or self.scope == other.scope))


class Subjects:
    def __init__(self, ctx: Context) -> None:
        spec = ctx.rules["subjects"]
        self.ctx = ctx
        self.stages = sorted(((cue, stage) for stage, cues in spec.get("stages", {}).items() for cue in cues),
                             key=lambda p: len(p[0]), reverse=True)
        self.fillers = sorted(spec.get("fillers", ()), key=len, reverse=True)
        self.filler_tuple = tuple(self.fillers)
        self.not_a_statement = tuple(spec.get("not_a_statement", ()))
        self.scopes = sorted(spec.get("scopes", ()), key=len, reverse=True)
        self.synonyms = sorted(((form, canonical) for canonical, forms in spec.get("synonyms", {}).items()
                                for form in forms), key=lambda p: len(p[0]), reverse=True)
        self.synonym_of: dict[str, str] = {}
        for form, canonical in self.synonyms:
            self.synonym_of.setdefault(form, canonical)  # the first listed of one form
        self.too_general = frozenset(spec.get("too_general", ()))
        self.min_item = int(spec.get("min_item_chars", 4))
        self.sentence_stages = tuple((cue, stage) for stage, cues in spec.get("sentence_stages", {}).items()
                                     for cue in cues)
        self.item_stages = frozenset(spec.get("item_stages", ()))
        self.periods = [re.compile(p) for p in spec.get("periods", ())]
        self.unique = tuple(spec.get("unique_items", ()))
        self._add_aliases(ctx)
        self.synonym_sizes = sorted({len(form) for form in self.synonym_of}, reverse=True)
        self.sub_items = spec.get("sub_items", {})
        self.column_totals = frozenset(spec.get("column_totals", ()))
        self.budget_types = tuple(spec.get("budget_types", ()))
        self._sections: dict[str, tuple[str, str] | None] = {}
        self.lead_ins = tuple(spec.get("lead_in_ends", ()))
        self.counted_scope = re.compile(spec.get("counted_scope", r"\d+个[省市州县区乡镇村]"))
        self._keys: dict[int, Key | None] = {}  # a claim's key, stage or not: read once per report
        self._lefts: dict[int, str] = {}  # position -> left_of
        self._prefixes: dict[tuple[int, bool], str] = {}  # (position, head) -> sentence_prefix

    def _add_aliases(self, ctx: Context) -> None:
        """The report's own definitions (行政经费（机关运行经费）：指…) as spellings of one item: the
        one a unique item names, else the name defined. A name already a spelling of another item,
        or defined twice, is left as it was."""
        pairs = [tuple(SYMBOLS.sub("", BRACKETS.sub("", name)) for name in pair) for pair in defined_aliases(ctx)]
        forms = [form for pair in pairs for form in pair]
        for pair in pairs:
            if any(forms.count(form) > 1 or len(form) < self.min_item for form in pair):
                continue
            canonicals = [self.synonym_of.get(form, form) for form in pair]
            named_unique = [c for c in canonicals if any(u in c for u in self.unique)]
            canonical = named_unique[0] if len(named_unique) == 1 else canonicals[0]
            if all(self.synonym_of.get(form, canonical) == canonical for form in pair):
                self.synonym_of.update({form: canonical for form in pair} | {canonical: canonical})

    @classmethod
    def of(cls, ctx: Context) -> Subjects:
        """The subjects of ``ctx``, built once for every finder that keys figures."""
        return ctx.once("subjects", cls)

    def key(self, claim: Claim, need_stage: bool = True) -> Key | None:
        if claim.id not in self._keys:
            self._keys[claim.id] = self._key(claim)
        key = self._keys[claim.id]
        if key is None or (need_stage and not key.stage):
            return None
        return key

    def _key(self, claim: Claim) -> Key | None:
        q = claim.quantity
        if claim.cell is not None or q.comparator != "=" or not q.unit or q.dimension in ("percent", "points_pct", ""):
            return None
        left = self.left_of(claim.span.start)
        key = self.read(left, claim.span.start, claim.year, False)
        heading = self.section_subject(claim.section)
        if heading is not None:
            item, stage = heading
            if key is None:
                key = self.bare_stage(left, claim, item)
            elif key.item == item and not key.stage:
                key = replace(key, stage=stage)  # the heading's item in its own section: the heading's stage
        return key

    def section_subject(self, section: str) -> tuple[str, str] | None:
        """The unique item and the stage a section heading names (一般公共预算支出决算情况说明)."""
        if not section:
            return None
        if section not in self._sections:
            text = unicodedata.normalize("NFKC", squash(section))
            masked = text
            for name in self.budget_types:
                masked = masked.replace(name, "_" * len(name))
            found = [(masked.rfind(cue), cue, stage) for cue, stage in self.stages if cue in masked]
            subject = None
            if found:
                at, _, stage = max(found, key=lambda f: (f[0], len(f[1])))
                item = self.item(text[:at], "")
                if item in self.unique:
                    subject = (item, stage)
            self._sections[section] = subject
        return self._sections[section]

    def bare_stage(self, left: str, claim: Claim, item: str) -> Key | None:
        """A figure whose words are only a year and a stage (2017年决算数…) under a heading naming
        one item: that item's figure of that stage. Not when its line names anything else before it
        (教育（类）支出。年初预算为…) or a numbered line stands between the heading and it (1.教育（类）支出):
        the figures are then that line's."""
        rest = YEAR_WORD.sub("", self.strip_fillers(left))
        stage = next((name for cue, name in self.stages if rest == cue), "")
        if not stage or self.names_another(claim) or self.numbered_since_heading(claim):
            return None
        years = YEAR.findall(left)
        return Key(item, stage, int(years[-1]) if years else claim.year, "", True, self.period(claim.span.start))

    def left(self, claim: Claim) -> str:
        return self.left_of(claim.span.start)

    def left_of(self, pos: int) -> str:
        found = self._lefts.get(pos)
        if found is None:
            text = self.ctx.text
            i = pos
            floor = max(0, i - MAX_LEFT)
            while i > floor and text[i - 1] not in CLAUSE_ENDS:
                i -= 1
            found = self._lefts[pos] = unicodedata.normalize("NFKC", squash(text[i:pos]))
        return found

    def read(self, left: str, pos: int, year: int | None, need_stage: bool = True) -> Key | None:
        """The key of what is stated at ``pos`` after the words ``left``; a key without a stage only
        when ``need_stage`` is false (to pair a placeholder with its filled twin)."""
        if not left or any_of(self.not_a_statement).search(left):
            return None
        stage, cue = "", ""
        rest = self.strip_fillers(left)
        for candidate, name in self.stages:
            if rest.endswith(candidate):
                stage, cue = name, candidate
                if name not in self.item_stages:
                    rest = rest[: -len(candidate)]
                break
        if not stage and need_stage:
            return None
        years = YEAR.findall(left)
        year = int(years[-1]) if years else year
        rest = YEAR_WORD.sub("", rest)
        scope = self.scope(pos, rest)
        item = self.item(rest, scope)
        if len(item) < self.min_item or item in self.too_general:
            return None
        phrase = item if stage in self.item_stages else item + SYMBOLS.sub("", cue)
        return Key(item, stage, year, scope, any(u in phrase for u in self.unique), self.period(pos))

    def names_another(self, claim: Claim) -> bool:
        """Whether the figure's line, before it, has words other than years, figures, stage cues and
        the words around them (2017年预算数…万元，调整数…万元，决算数)."""
        start = self.ctx.sentence(claim.span.start, "\n").start
        if claim.span.start - start > MAX_BARE_LINE:
            return True  # a long line names more than stages
        lead = YEAR_WORD.sub("", unicodedata.normalize("NFKC", squash(self.ctx.text[start:claim.span.start])))
        lead = FIGURE.sub("", lead)
        for word in [cue for cue, _ in self.stages] + self.fillers + list(self.not_a_statement):
            lead = lead.replace(word, "")
        return bool(CJK.search(lead))

    def numbered_since_heading(self, claim: Claim) -> bool:
        """Whether a numbered line (1.教育（类）支出) stands between the figure and its section heading."""
        heading = squash(claim.section)
        end = self.ctx.sentence(claim.span.start, "\n").start
        for _ in range(MAX_LINES_TO_HEADING):
            if end <= 0:
                return False
            line = self.ctx.sentence(end - 1, "\n")
            text = squash(self.ctx.text[line.start:line.end])
            if heading and heading in text:
                return False
            if NUMBERING.match(text):
                return True
            end = line.start
        return True  # the heading is too far away to tell

    def last_stage(self, lead: str) -> str:
        """The account stage named last in ``lead``, the words before a figure in its paragraph
        (决算数918万元，…其中：…), outside comparisons; a budget type's 预算 (一般公共预算)
        is none."""
        lead = unicodedata.normalize("NFKC", squash(lead))
        for name in self.budget_types:
            lead = lead.replace(name, "_" * len(name))
        for clause in reversed(re.split(f"[{CLAUSE_ENDS}]", lead)):
            if any(cue in clause for cue in self.not_a_statement) or RATE_CLAUSE.search(clause):
                continue  # 较上年决算数减少5万元, 为年初预算的88%: a compared stage, not the one stated
            found = [(clause.rfind(cue) + len(cue), stage) for cue, stage in self.stages
                     if stage in ACCOUNT_STAGES and cue in clause]
            if found:
                return max(found)[1]
        return ""

    def period(self, pos: int) -> str:
        """A part of the year named before the figure in its sentence (1-6月, 上半年)."""
        prefix = self.sentence_prefix(pos)
        found = [m.group() for p in self.periods for m in p.finditer(prefix)]
        return found[-1] if found else ""

    def sentence_prefix(self, pos: int, head: bool = False) -> str:
        """The figure's sentence before it (squashed), at most its last MAX_SENTENCE_LOOKBACK
        characters, or with ``head`` its first ones (one endless sentence stays linear)."""
        found = self._prefixes.get((pos, head))  # asked for each figure by several readers of its key
        if found is None:
            start = self.ctx.sentence(pos, "。！？!?\n").start
            lo, hi = (start, min(pos, start + MAX_SENTENCE_LOOKBACK)) if head else (max(start, pos - MAX_SENTENCE_LOOKBACK), pos)
            found = self._prefixes[(pos, head)] = unicodedata.normalize("NFKC", squash(self.ctx.text[lo:hi]))
        return found

    def scope(self, pos: int, rest: str) -> str:
        """The scope word of the clause, else the label leading its sentence (甲村：…), else a counted
        scope leading it (在41个县…)."""
        found = next((s for s in self.scopes if s in rest), "")
        if found:
            return found
        lead = self.label(pos)
        if lead:
            return "：" + lead  # 1.甲村：…, 2.乙村：…: parallel items of a list
        counted = self.counted_scope.findall(self.sentence_prefix(pos))
        return counted[-1] if counted else ""

    def label(self, pos: int) -> str:
        """The label leading the figure's sentence (甲村：…), unless it only leads in to what follows
        (具体情况如下：…): then the figures after it are the sentence's own."""
        lead = LEAD_LABEL.match(self.sentence_prefix(pos, head=True))
        return lead.group(1) if lead and not lead.group(1).endswith(self.lead_ins) else ""

    def strip_fillers(self, text: str) -> str:
        if not text.endswith(self.filler_tuple):
            return text  # most words end with no filler
        changed = True
        while changed and text:
            changed = False
            for word in self.fillers:
                if text.endswith(word) and len(text) > len(word):
                    text, changed = text[: -len(word)], True
                    break
        return text

    def item(self, text: str, scope: str) -> str:
        text = NUMBERING.sub("", BRACKETS.sub("", text))
        text = LEAD_JOINS.sub("", text)
        if scope:
            whole = SYMBOLS.sub("", self.strip_fillers(text))
            kept = max((form for form in self.synonym_of if scope in form and whole.endswith(form)), key=len, default="")
            if kept:  # 机关运行经费: a spelling holding the scope word (机关) is read whole
                return self.synonym_of[kept]
            text = text.replace(scope, "")
        text = SYMBOLS.sub("", self.strip_fillers(text))
        for size in self.synonym_sizes:  # the longest form the text ends with
            canonical = self.synonym_of.get(text[len(text) - size:]) if len(text) >= size else None
            if canonical is not None:
                return canonical
        for word in self.fillers if text.startswith(self.filler_tuple) else ():
            if text.startswith(word) and len(text) > len(word) + self.min_item:
                text = text[len(word):]
        return text
