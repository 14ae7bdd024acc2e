"""Local groups of the narrative: a total and the parts listed with it.

Its shapes, their words in ``rules/lists.yaml``:
- after the total: ``支出34.08万元，其中：A…；B…；C…`` (其中, 分别为, 具体如下, ``…其中：`` closing a
  paragraph with the parts opening the next ones);
- before it: ``A14.26万元；B9.7万元；共计23.96万元``;
- in a bracket right after it: ``实有人数41人（行政编制20人，事业编制21人）`` (after an item of several
  kinds, ``农户5户，机具5台（甲3户、3台，…）``, the parts of each), or after words when the bracket opens
  with a cue or a bracket cue (``…，均为上级资金（分配市本级A，某区B）``);
- after a total named, not stated: ``基本支出中…``, ``支出分项目具体如下：``, ``将该笔资金用于…`` (the one
  figure before so named, or the last of the parts' kind), a second breakdown opened by the same cue
  (``从收入分类来看，…``), and paragraphs each stating a part named like the total;
- over the sentences after a ``其中：`` opening a sentence of its own (``…减少830万元。其中：出国减少9万元。…``);
- after a total closed by 共 with no cue (``资金共X，中央资金A，自治区资金B``; ``共支X。支付A…，B…``).
Sibling brackets of one name under the parts add up to the total's (``（其中建筑工程…）``).

A list is one level: a bracket after a part, or a part followed by its own 其中/分别, holds that
part's own parts, which are not summed with the list. Each part has a stage (an amount, a change
against another year, a budget, the compared year's figure) and is summed only with a total of the
same stage: ``三公51万元，比上年减少17万元，其中：出国14万元，比上年增加14万元…`` is two lists; what is left
after a figure of use (``已使用42万元，结余6万元``) is no part. A list
whose end is unclear (it runs to the end of the text, ends in 等, is cut by an explanation or by
another total) is partial: its parts may only fall short of the total. Stated counts against the
names listed are in ``counts``; named identities (三公 = 出国 + 公车 + 接待) in ``identities``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from auditor.linking.context import Context, squash
from auditor.linking.list_referents import NamedTotals
from auditor.linking.list_text import (  # noqa: F401 (sentence, clause, name_words: used by other finders)
    FULL_STOP,
    MAX_SPAN,
    clause,
    name_words,
    sentence,
    stage_words,
)
from auditor.linking.named_parts import complete_by_names
from auditor.linking.numbered_lists import NumberedLists
from auditor.model import Claim, Constraint, Span
from auditor.strings import any_of

SUMMABLE = ("money", "people", "count", "area", "length", "mass")
OPEN_PARENS, CLOSE_PARENS = "（(", "）)"
PARENS = re.compile(f"[{re.escape(OPEN_PARENS + CLOSE_PARENS)}]")
INLINE_ENDS = "。；;！？!?\n"
FINAL_PUNCTUATION = "。！？!?；;）)."
MAX_PARTS = 40  # a run of more figures before a 共计 is a table flattened into text, not a list
AMOUNT, CHANGE, BUDGET, COMPARED, PROGRESS = "amount", "change", "budget", "compared", "progress"


def summable(claim: Claim) -> bool:
    return claim.quantity.dimension in SUMMABLE and claim.role not in ("rate",) and claim.quantity.comparator == "="


def common_run(a: str, b: str) -> int:
    """Length of the longest common substring (short strings: plain dynamic programming)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for ca in a:
        current = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@dataclass(frozen=True)
class Vocabulary:
    part_cues: re.Pattern[str]
    within: re.Pattern[str]
    summary_leads: tuple[str, ...]
    anaphors: re.Pattern[str] | None
    name_endings: tuple[str, ...]
    name_fillers: re.Pattern[str] | None
    named_only: tuple[str, ...]
    bracket_only: tuple[str, ...]
    partial_cues: re.Pattern[str]
    terminator: re.Pattern[str]
    open_ending: re.Pattern[str]
    nil_rest: re.Pattern[str] | None
    closing: re.Pattern[str]
    increase: tuple[str, ...]
    decrease: tuple[str, ...]
    difference: tuple[str, ...]
    compared: tuple[str, ...]
    progress: tuple[str, ...]
    budget: tuple[str, ...]
    balance: tuple[str, ...] = ()
    carried_in: tuple[str, ...] = ()
    institution_units: tuple[str, ...] = ()
    generic_units: tuple[str, ...] = ()
    institution_nouns: tuple[str, ...] = ()
    closed_marker: re.Pattern[str] | None = None
    fund_sources: tuple[str, ...] = ()
    use_verbs: tuple[str, ...] = ()
    bracket_cues: tuple[str, ...] = ()


def _vocabulary(lists: dict) -> Vocabulary:
    stages = lists.get("stages", {})
    cues = list(lists.get("part_cues", ()))
    partial = list(lists.get("partial_cues", ()))
    endings = "|".join(re.escape(w) for w in lists.get("open_endings", ("等",)))
    return Vocabulary(
        part_cues=_alternation(cues + partial),
        name_endings=tuple(lists.get("name_endings", ())),
        name_fillers=re.compile("|".join(lists["name_fillers"])) if lists.get("name_fillers") else None,
        named_only=tuple(lists.get("named_only_cues", ())),
        bracket_only=tuple(lists.get("bracket_only_cues", ())),
        summary_leads=tuple(sorted(lists.get("summary_leads", ()), key=len, reverse=True)),
        anaphors=_alternation(lists["anaphors"]) if lists.get("anaphors") else None,
        within=re.compile(r"(?:^|(?<=[。；;！？!?\n]))[ \t\u3000]*(?P<name>[^\s，,。；;：:（）()、]{2,16}?)(?P<cue>(?:"
                          + "|".join(re.escape(w) for w in lists.get("within_cues", ())) + r")[，,：:]?)", re.M),
        partial_cues=_alternation(partial),
        terminator=re.compile(r"[，,；;]\s*(?:" + "|".join(re.escape(w) for w in lists.get("terminators", ())) + ")"),
        open_ending=re.compile(rf"(?:{endings})[。；;，,）)]?\s*$|(?:{endings})(?:方面|项目|支出|内容|费用|单位)"),
        nil_rest=_alternation(lists["nil_rest"]) if lists.get("nil_rest") else None,
        closing=re.compile("|".join([*(re.escape(w) for w in lists.get("closing_cues", ())),
                                      *("^" + re.escape(w) for w in lists.get("closing_starts", ()))])),
        increase=tuple(stages.get("increase", ())),
        decrease=tuple(stages.get("decrease", ())),
        difference=tuple(stages.get("difference", ())),
        compared=tuple(stages.get("compared", ())),
        progress=tuple(stages.get("progress", ())),
        budget=tuple(stages.get("budget", ())),
        balance=tuple(stages.get("balance", ())),
        carried_in=tuple(stages.get("carried_in", ())),
        institution_units=tuple(lists.get("institution_counters", {}).get("units", ())),
        generic_units=tuple(lists.get("institution_counters", {}).get("generic", ())),
        institution_nouns=tuple(lists.get("institution_counters", {}).get("nouns", ())),
        closed_marker=re.compile(closed["marker"]) if (closed := lists.get("closed_totals", {})).get("marker") else None,
        fund_sources=tuple(closed.get("sources", ())),
        use_verbs=tuple(closed.get("use_verbs", ())),
        bracket_cues=tuple(lists.get("bracket_cues", ())),
    )


_VOCABULARIES: dict[int, Vocabulary] = {}


def vocabulary(ctx: Context) -> Vocabulary:
    data = ctx.rules["lists"]
    if id(data) not in _VOCABULARIES:
        _VOCABULARIES.clear()
        _VOCABULARIES[id(data)] = _vocabulary(data)
    return _VOCABULARIES[id(data)]


def stage(ctx: Context, claim: Claim, vocab: Vocabulary) -> tuple[str, int]:
    """(stage, sign): 比上年减少17万元 is (change, −1), 差值0.9万元 (change, 0: no direction),
    较上年的1875万元 (compared, 0), 目前已拨付260万元 (progress, 0), 全年预算50万元 (budget, 0),
    anything else this year's amount."""
    words = stage_words(ctx, claim)
    if any_of(vocab.decrease).search(words) or any_of(vocab.increase).search(words):
        down = max((words.rfind(w) for w in vocab.decrease), default=-1)
        up = max((words.rfind(w) for w in vocab.increase), default=-1)
        return CHANGE, (1 if up > down else -1)
    if any_of(vocab.difference).search(words):
        return CHANGE, 0
    if any_of(vocab.compared).search(words):
        return COMPARED, 0
    if any_of(vocab.progress).search(words):
        return PROGRESS, 0
    if any_of(vocab.budget).search(words):
        return BUDGET, 0
    return AMOUNT, 0


@dataclass
class Group:
    total: Claim
    parts: list[Claim]
    complete: bool = True
    minus: frozenset[int] = frozenset()
    uncertain: bool = False
    suffix: bool = False  # parts written before their total: the list may start later than its first part
    sentences: tuple[int, ...] = ()  # a list over several sentences: how many parts each first n sentences hold
    bounded: bool = False  # its extent is explicit (one part opening each paragraph): it cannot run on
    family: int = -1  # the lists read from one run of totals and parts (完成, 预算 and 上年 columns of one list)


@dataclass
class _Paragraph:
    index: int
    span: Span
    claims: list[Claim]  # in text order
    inner: dict[int, int] = field(default_factory=dict)  # claim id -> where its (innermost) bracket opens
    brackets: list[tuple[int, int, list[Claim]]] = field(default_factory=list)  # (open, close, its totals)
    covered: tuple[list[int], list[int]] = ([], [])  # merged bracket spans (starts, ends): any bracket
    headed: tuple[list[int], list[int]] = ([], [])  # …and brackets holding a list

    def __post_init__(self) -> None:
        self.starts = [c.span.start for c in self.claims]

    def between(self, start: int, end: int) -> list[Claim]:
        out = []
        for claim in self.claims[bisect_left(self.starts, start):]:
            if claim.span.start >= end:
                break
            if claim.span.end <= end:
                out.append(claim)
        return out

    def last_before(self, pos: int) -> Claim | None:
        for claim in reversed(self.claims[:bisect_left(self.starts, pos)]):
            if claim.span.end <= pos:
                return claim
        return None


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _covers(merged: tuple[list[int], list[int]], pos: int) -> bool:
    starts, ends = merged
    i = bisect_right(starts, pos) - 1  # the last span opening at or before pos
    return i >= 0 and pos < ends[i]


class PartLists(NamedTotals, NumberedLists):
    """Every list of the narrative: ``groups`` as (total, parts), ``total_of`` a part's total."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.vocab = vocabulary(ctx)
        self.found: list[Group] = []
        self._stages: dict[int, tuple[str, int]] = {}
        for block in ctx.paragraphs:
            self._block(block)
        self.total_of = {p.id: g.total for g in self.found for p in g.parts}
        listed = {(g.total.id, tuple(p.id for p in g.parts)) for g in self.found}
        self.found += [g for g in self._numbered_lists() if (g.total.id, tuple(p.id for p in g.parts)) not in listed]
        self.groups: list[tuple[Claim, list[Claim]]] = [(g.total, g.parts) for g in self.found]
        self.uncertain: set[int] = {g.total.id for g in self.found if g.uncertain}
        self.total_of = {p.id: g.total for g in self.found for p in g.parts}

    @classmethod
    def of(cls, ctx: Context) -> PartLists:
        """The lists of ``ctx``, found once for every finder that needs them."""
        return ctx.once("part_lists", cls)

    def stage(self, claim: Claim) -> tuple[str, int]:
        if claim.id not in self._stages:
            self._stages[claim.id] = stage(self.ctx, claim, self.vocab)
        return self._stages[claim.id]

    # --- one paragraph ------------------------------------------------------------------------
    def _block(self, index: int) -> None:
        ctx = self.ctx
        span = ctx.block(index).span
        claims = [c for c in ctx.in_block[index] if c.cell is None and summable(c) and not ctx.per_head(c)]
        if not claims:
            return
        para = _Paragraph(index, span, claims)
        self._brackets(para)
        cues = [m for m in self.vocab.part_cues.finditer(ctx.text, span.start, span.end)
                if not self._in_bracket(para, m.start(), headed=True) and m.group() not in self.vocab.bracket_only
                and (m.group() not in self.vocab.named_only or self._named_in_sentence(para, m))
                and not self._bare_explanation(para, m)]
        seen: set[int] = set()
        last: tuple[str, int, list[Claim]] | None = None  # the previous list: its cue, where it ends, its totals
        for n, cue in enumerate(cues):
            following = cues[n + 1].start() if n + 1 < len(cues) else None
            again = self._parallel(para, cue, last) or self._named_in_sentence(para, cue)
            groups = list(self._after(index, para, cue, following, again))
            for group in groups:
                if group.total.id not in seen or again:
                    seen.add(group.total.id)
                    self.found.append(group)
            if groups:
                end = sentence(ctx.text, max(p.span.end for g in groups for p in g.parts), FULL_STOP).end
                last = (cue.group(), end, again or self._totals(para, cue.start())[0])  # all it could list: one reading or none
        for group in [*self._referred(para), *self._closed(para, cues)]:
            if group.total.id not in seen:
                seen.add(group.total.id)
                self.found.append(group)
        bracketed: dict[int, Group] = {}  # a figure's bracket (一批1586.4万元（其中安装工程1490万元）)
        for cue, named in self._within(para):
            following = next((c.start() for c in cues if c.start() > cue.start()), None)
            for group in self._after(index, para, cue, following, named):
                if group.total.id not in seen:
                    seen.add(group.total.id)
                    self.found.append(group)
        for group in self._in_brackets(para):
            bracketed.setdefault(group.total.id, group)
            if group.total.id not in seen:
                seen.add(group.total.id)
                self.found.append(group)
        for group in self._before(para):
            # a total with its bracket may still close the parts before it (…，合计2741.8万元（其中…）)
            if group.total.id not in seen or bracketed.get(group.total.id) in self.found:
                seen.add(group.total.id)
                self.found.append(group)
                self.found += self._sibling_brackets(group, bracketed)

    def _brackets(self, para: _Paragraph) -> None:
        """Brackets of the paragraph. One right after a figure, or opening with 其中/含, holds parts of
        the item before it: its figures are not parts of the list around it."""
        text = self.ctx.text
        stack: list[int] = []
        pairs: list[tuple[int, int]] = []
        for m in PARENS.finditer(text, para.span.start, para.span.end):  # the brackets only, found in C
            if m.group() in OPEN_PARENS:
                stack.append(m.start())
            elif stack:
                pairs.append((stack.pop(), m.start()))
        pairs += [(o, -1) for o in stack]  # unclosed: runs to the end of the paragraph
        for open_, close in sorted(pairs):
            end = close if close >= 0 else para.span.end
            if end - open_ > MAX_SPAN:
                continue  # no list's bracket: a stray one, or a quoted passage
            head = para.last_before(open_)
            head = head if head is not None and not squash(text[head.span.end:open_]) else None
            heads = self._item(para, head) if head is not None else []
            content = squash(text[open_ + 1:end])
            if not heads and (self.vocab.part_cues.match(content) or content.startswith(self.vocab.bracket_cues)):
                heads = self._totals(para, open_)[0]
            if not heads and close < 0:
                continue  # a stray bracket never closed, no list's: noise, not structure
            para.brackets.append((open_, close, heads))
            if not heads:
                continue
            for c in para.between(open_ + 1, end):
                para.inner[c.id] = open_  # brackets come in order of opening: the innermost wins
        spans = [(o, c if c >= 0 else para.span.end, bool(heads)) for o, c, heads in para.brackets]
        para.covered = _merged([(o + 1, c) for o, c, _ in spans])
        para.headed = _merged([(o + 1, c) for o, c, h in spans if h])

    def _item(self, para: _Paragraph, head: Claim) -> list[Claim]:
        """The figures of one item that a bracket after ``head`` may list parts of: ``head`` and the
        figures of other kinds just before it in its sentence (农户5户，机具5台（甲处3户、3台，…）)."""
        here = sentence(self.ctx.text, head.span.start, INLINE_ENDS, para.span.start, para.span.end)
        item, kinds = [head], {self._class(head, True)}
        for claim in reversed(para.between(here.start, head.span.start)):
            kind = self._class(claim, True)
            if kind in kinds or claim.id in para.inner:
                break
            kinds.add(kind)
            item.insert(0, claim)
        return item

    def _in_bracket(self, para: _Paragraph, pos: int, headed: bool = False) -> bool:
        return _covers(para.headed if headed else para.covered, pos)

    # --- lists after their total ----------------------------------------------------------------
    def _after(self, index: int, para: _Paragraph, cue: re.Match[str], following: int | None,
               named: list[Claim] | None = None) -> Iterator[Group]:
        ctx = self.ctx
        pos = cue.start()
        partial = bool(self.vocab.partial_cues.fullmatch(cue.group()))
        totals, multi = (named, False) if named else self._totals(para, pos)
        if not totals:
            return
        if not multi and self._opens_sentence(para, cue):
            # its parts run on into the sentences after the cue's own: a list over sentences
            first = sentence(ctx.text, cue.start(), FULL_STOP, para.span.start, para.span.end).end
            multi = self._sentences_with_parts(para, cue.end(), totals) > first
        end, complete = self._parts_end(para, cue.end(), following, multi, partial, pos, totals)
        top = [c for c in para.between(cue.end(), end) if c.id not in para.inner]
        following_paragraphs = not top and para.span.end - cue.end() < MAX_SPAN \
            and not squash(ctx.text[cue.end():para.span.end]).strip("：:")
        if following_paragraphs:
            parts, ended = self._following_paragraphs(index, totals[0])  # one part opening each paragraph
            complete = ended and not partial
        else:
            parts, complete_levels = self._one_level(para, top, cue.end(), end, multi)
            complete = complete and complete_levels and not partial
        if parts and self.vocab.open_ending.search(squash(ctx.text[parts[-1].span.end:end + 1])):
            complete = False  # …等: the list says it is not exhaustive
        # 其中中央资金8500万元，省市县未安排配套资金: one part, the rest said to be nil, is all of it
        nil_rest = len(parts) == 1 and self.vocab.nil_rest is not None \
            and bool(self.vocab.nil_rest.search(ctx.text, parts[0].span.end, end))
        for group in self._assign(totals, parts, complete, multi, nil_rest):
            group.bounded = following_paragraphs
            if multi:
                # a list over several sentences may stop at any of them: the next may start another
                stops = [sentence(ctx.text, p.span.start, FULL_STOP).end for p in group.parts]
                group.sentences = tuple(n for n in range(1, len(stops)) if stops[n] != stops[n - 1])
            yield group

    def _totals(self, para: _Paragraph, pos: int) -> tuple[list[Claim], bool]:
        """The total(s) a cue at ``pos`` lists parts of, and whether several totals share the list."""
        ctx = self.ctx
        here = sentence(ctx.text, pos, INLINE_ENDS, para.span.start, para.span.end)
        before = squash(ctx.text[here.start:pos]).strip("，,：:（(")
        if before:
            # 其中 inside a sentence: the figures of the item just before it (its amount, change, budget)
            previous = [c for c in para.between(here.start, pos) if c.id not in para.inner]
            # (投入286.5万元，惠及学生3260人，其中…: one item's figures of each unit; its amount opens it)
            totals: list[Claim] = []
            kinds: set[tuple[str, str]] = set()
            opened: set[str] = set()  # dimensions whose item's amount has been reached
            for claim in reversed(previous):
                kind = (claim.quantity.dimension, self.stage(claim)[0])
                if kind in kinds:
                    break
                if kind[0] in opened:
                    continue
                kinds.add(kind)
                totals.append(claim)
                if kind[1] == AMOUNT:
                    opened.add(kind[0])
            return totals[::-1], False
        if here.start <= para.span.start:
            return self._lead_paragraph(para), True
        if ctx.text[here.start - 1] == "\n":
            return [], False
        lead = sentence(ctx.text, here.start - 2, FULL_STOP, para.span.start, para.span.end)
        totals = [c for c in para.between(lead.start, here.start) if c.id not in para.inner]
        if not totals and lead.start > para.span.start \
                and self.vocab.partial_cues.match(squash(ctx.text[lead.start:lead.end])):
            # …增加94.37万元。主要原因是人员增加。其中：… : an explanation stands between the totals and the list
            end = lead.start
            lead = sentence(ctx.text, lead.start - 2, FULL_STOP, para.span.start, para.span.end)
            totals = [c for c in para.between(lead.start, end) if c.id not in para.inner]
        if totals and lead.start <= para.span.start:
            totals = self._broken_sentence(para) + totals
        return totals, len(totals) > 1

    def _opens_sentence(self, para: _Paragraph, cue: re.Match[str]) -> bool:
        """``…减少830万元。其中：出国减少9万元。接待减少38万元。…``: a cue with a colon opening a sentence
        after its total's lists the parts over the sentences that follow, as a list of several totals does."""
        text = self.ctx.text
        here = sentence(text, cue.start(), FULL_STOP, para.span.start, para.span.end)
        return here.start > para.span.start and not squash(text[here.start:cue.start()]) \
            and text[cue.end():cue.end() + 1] in ("：", ":") and not self.vocab.partial_cues.fullmatch(cue.group())

    def _broken_sentence(self, para: _Paragraph) -> list[Claim]:
        """收入合计1083.56万元，较上年决算⏎⏎数增加47.25万元: a sentence broken over two paragraphs (the one
        before ends with no punctuation): the figures of its first half."""
        ctx = self.ctx
        if para.index <= 0 or ctx.block(para.index - 1).kind != "paragraph":
            return []
        previous = ctx.block(para.index - 1).span
        last = squash(ctx.text[previous.start:previous.end])
        if not last or not last[-1].isalpha():
            return []  # a finished sentence, a heading ending in a number or a mark
        end = previous.start + len(ctx.text[previous.start:previous.end].rstrip())
        lead = sentence(ctx.text, end - 1, FULL_STOP, previous.start, end)
        return [c for c in ctx.in_block[para.index - 1] if c.cell is None and summable(c) and not ctx.per_head(c)
                and lead.start <= c.span.start and c.span.end <= lead.end]

    def _lead_paragraph(self, para: _Paragraph) -> list[Claim]:
        """其中 opening a paragraph: the totals close the paragraph before it."""
        ctx = self.ctx
        if para.index <= 0 or ctx.block(para.index - 1).kind != "paragraph":
            return []
        previous = ctx.block(para.index - 1).span
        last = squash(ctx.text[previous.start:previous.end])
        if not last or last[-1] not in "。；;":
            return []  # a heading, or a paragraph that does not end as a sentence
        lead = sentence(ctx.text, previous.end - 2 if ctx.text[previous.end - 1] == "\n" else previous.end - 1,
                        FULL_STOP, previous.start, previous.end)
        return [c for c in ctx.in_block[para.index - 1] if c.cell is None and summable(c) and not ctx.per_head(c)
                and lead.start <= c.span.start and c.span.end <= lead.end]

    def _inside_list(self, para: _Paragraph, pos: int) -> bool:
        """A cue after another cue in its sentence: the list is one item's, inside a bigger list."""
        start = sentence(self.ctx.text, pos, FULL_STOP, para.span.start, para.span.end).start
        return any(not self._in_bracket(para, m.start()) and not self.vocab.partial_cues.fullmatch(m.group())
                   for m in self.vocab.part_cues.finditer(self.ctx.text, start, pos))  # an explanation holds no list

    def _sentences_with_parts(self, para: _Paragraph, start: int, totals: list[Claim]) -> int:
        """A list over sentences: it ends before the first sentence with no figure of its totals' kinds."""
        kinds = {self._class(t, True) for t in totals}
        end = start
        while end < min(para.span.end, start + MAX_SPAN):
            here = sentence(self.ctx.text, end, FULL_STOP, para.span.start, para.span.end)
            figures = [c for c in para.between(max(here.start, start), here.end) if c.id not in para.inner]
            if here.end <= end or not any(self._class(c, True) in kinds for c in figures):
                break
            end = here.end
        return end

    def _parts_end(self, para: _Paragraph, start: int, following: int | None, multi: bool,
                   partial: bool = False, cue_start: int = 0, totals: list[Claim] = ()) -> tuple[int, bool]:
        """Where the list ends, and whether that end is clear."""
        ctx = self.ctx
        text = ctx.text
        span = para.span
        # a cue inside a bracket: the list ends at the closing bracket
        for open_, close, _ in para.brackets:
            if open_ < start and (close < 0 or start <= close):
                return (close, True) if close >= 0 else (span.end, False)
        end = self._sentences_with_parts(para, start, totals) if multi \
            else sentence(text, start, FULL_STOP, span.start, span.end).end
        complete = True
        if end - start > MAX_SPAN:
            end, complete = start + MAX_SPAN, False  # no list runs so long: what lies beyond is not read
        if not multi and (partial or self._inside_list(para, cue_start)):
            # an explanation (主要是…), or a list inside a bigger one's item: it ends with its item
            semicolon = min((i for i in (text.find(";", start, end), text.find("；", start, end)) if i >= 0), default=-1)
            if semicolon < 0 and partial and self._inside_list(para, cue_start):
                # 其中本级支出A，主要用于…，调出资金B，结转C: the explanation's end is not marked, and the
                # figures after it may be the outer list's: no single reading
                return start, False
            end = semicolon if semicolon >= 0 else end
        stop = self.vocab.terminator.search(text, start, end)
        if stop and not self._in_bracket(para, stop.start()):
            end = stop.start()
        if following is not None and following < end and not self._nested_cue_has_segments(start, end):
            # the next list's total is the figure just before the next cue: our list ends before it
            before_next = [c for c in para.between(start, following) if c.id not in para.inner]
            if before_next and before_next[-1].context and not self._first_of_kind(para, start, before_next[-1], totals):
                end, complete = before_next[-1].context.start, False
        closing = next((c for c in para.between(start, end) if c.id not in para.inner
                        and self.vocab.closing.search(clause(ctx, c)) and not self._first_of_kind(para, start, c, totals)), None)
        if closing is not None:
            end, complete = (closing.context or closing.span).start, False  # …，收入合计X: a list of its own
        tail = squash(text[end:]) if end >= span.end - 1 else "x"
        if not tail and not squash(text[span.start:span.end]).endswith(tuple(FINAL_PUNCTUATION)):
            complete = False  # the list runs off the end of the text unfinished (an excerpt cut short)
        if multi and end >= len(text.rstrip()) - 1:
            complete = False  # a list over sentences that runs to the end of the text: more may have been cut
        return end, complete

    def _first_of_kind(self, para: _Paragraph, start: int, figure: Claim, totals: list[Claim]) -> bool:
        """其中A共13项，合计金额118,156万元，其中…: a total (of the next list, or named 合计) with no figure of
        its dimension before it in the list closes no parts; it is itself the list's part of a total of its dimension."""
        dimension = figure.quantity.dimension
        return any(t.quantity.dimension == dimension for t in totals) and not any(
            c.quantity.dimension == dimension for c in para.between(start, figure.span.start) if c.id not in para.inner)

    def _nested_cue_has_segments(self, start: int, end: int) -> bool:
        return any(ch in "；;" for ch in self.ctx.text[start:end])

    def _bare_explanation(self, para: _Paragraph, cue: re.Match[str]) -> bool:
        """支出A万元，主要用于库区项目建设，调出资金B万元: an explanation whose clause holds no figure
        lists nothing; the figures after it are no parts of it, and it opens no level of the list."""
        if not self.vocab.partial_cues.fullmatch(cue.group()):
            return False
        text = self.ctx.text
        ceiling = min(para.span.end, cue.end() + MAX_SPAN)
        breaks = [i for i in (text.find(ch, cue.end(), ceiling) for ch in "，,；;。") if i >= 0]
        end = min(breaks) if breaks else para.span.end
        return end < para.span.end and not para.between(cue.end(), end) \
            and not squash(text[cue.end():end]).startswith(("：", ":"))

    def _one_level(self, para: _Paragraph, top: list[Claim], start: int, end: int, multi: bool
                   ) -> tuple[list[Claim], bool]:
        """The list's own parts: a part followed by its own 其中/分别 keeps its sub-parts out."""
        ctx = self.ctx
        if not top:
            return top, True
        separators = "；;。" if multi else "；;"
        cuts = [i for i in range(start, end) if ctx.text[i] in separators and not self._in_bracket(para, i)]
        bounds = [start, *cuts, end]
        parts: list[Claim] = []
        complete = True
        for a, b in pairwise(bounds):
            segment = [c for c in top if a <= c.span.start and c.span.end <= b + 1]
            if not segment:
                continue
            nested = next((m for m in self.vocab.part_cues.finditer(ctx.text, segment[0].span.end, b)
                           if not self._in_bracket(para, m.start()) and not self._bare_explanation(para, m)), None)
            if nested is None:
                parts += segment
                continue
            parts += [c for c in segment if c.span.end <= nested.start()]
            if len(bounds) == 2 or self.vocab.partial_cues.fullmatch(nested.group()):
                complete = False  # where the sub-list ends, and the list resumes, cannot be told
                break
        return parts, complete

    def _following_paragraphs(self, index: int, total: Claim) -> tuple[list[Claim], bool]:
        """‘…其中：’ closing a paragraph: the parts open the following paragraphs. Also whether a
        paragraph that is no part ends the list (else it runs off the end of the text)."""
        ctx = self.ctx
        parts: list[Claim] = []
        key = ""  # the name the parts share with the total, when they do not open their paragraphs
        for following in ctx.paragraphs:
            if following <= index:
                continue
            span = ctx.block(following).span
            figures = [c for c in ctx.in_block[following] if c.cell is None and summable(c)]
            first = figures[0] if figures else None
            if not key and first is not None and first.span.start - span.start <= 20 \
                    and first.quantity.dimension == total.quantity.dimension:
                parts.append(first)
                continue
            if parts and not key:
                return parts, True
            key, part = self._named_part(total, figures, key)
            if part is None:
                return parts, True
            parts.append(part)
        return parts, False

    # --- parts to totals ------------------------------------------------------------------------
    def _class(self, claim: Claim, merged: bool) -> tuple[str, str, str]:
        kind = self.stage(claim)[0]
        if merged and kind in (AMOUNT, BUDGET):
            kind = AMOUNT
        q = claim.quantity
        return q.dimension, kind, self._counter(claim) if q.dimension == "count" else ""  # 4次 and 2个 count different things

    def _left_over(self, claim: Claim) -> bool:
        """结余6万元, 剩余…: what is left (上年结转 is a source brought in, not what is left)."""
        words = stage_words(self.ctx, claim)
        return any(w in words for w in self.vocab.balance) and not any(w in words for w in self.vocab.carried_in)

    def _after_use(self, parts: list[Claim]) -> list[Claim]:
        """…，已使用42万元，结余6万元: what is left after a figure of use is the rest of that use, not
        one more part of the list (a list of 支出 items may hold 结转下年支出: no use stated before it)."""
        out, used = [], False
        for part in parts:
            if self.stage(part)[0] == PROGRESS:
                used = True
            elif used and self._left_over(part):
                continue
            out.append(part)
        return out

    def _counter(self, claim: Claim) -> str:
        """What a count counts, by its unit: 14个单位 counts institutions as 中学3所 and 医院2家 do."""
        unit, vocab = claim.quantity.unit, self.vocab
        if unit in vocab.institution_units or (unit in vocab.generic_units and self.ctx.text.startswith(
                vocab.institution_nouns, claim.span.end)):
            return "institution"
        return unit

    def _shares_of_change(self, totals: list[Claim], parts: list[Claim]) -> dict[int, tuple[str, int]]:
        """增加支出5.16亿元，其中：债券支出3.9亿元，化债支出增加0.7亿元，调减项目支出2.4亿元: under one
        change stating an amount added or taken off, in a list of changes, a part with no change word of
        its own is its share of that change (of the total's direction) when no other figure follows it
        before the next part, and that part names its own item (税收收入500万元，增加80万元 is an amount
        and its change: the list is not read so)."""
        if len(totals) != 1 or self.stage(totals[0])[0] != CHANGE or self.stage(totals[0])[1] == 0 \
                or not any(self.stage(p)[0] == CHANGE for p in parts) or not self._added_amount(totals[0]):
            return {}
        total, shares = totals[0], {}
        for part, after in zip(parts, [*parts[1:], None], strict=True):
            if self.stage(part)[0] != AMOUNT or part.quantity.dimension != total.quantity.dimension:
                continue
            following = self.ctx.by_id.get(part.id + 1)
            if after is None or following is not after or not self._names_item(after):
                return {}
            shares[part.id] = self.stage(total)
        return shares

    def _added_amount(self, claim: Claim) -> bool:
        """增加支出5.16亿元, 调减项目支出2亿元: the change word before what it changes, compared with
        nothing, states an amount added or taken off (支出比上年增加50万元 is a change on last year)."""
        vocab = self.vocab
        words = stage_words(self.ctx, claim)
        if any(w in words for w in vocab.compared):
            return False
        last = max(((words.rfind(w), w) for w in (*vocab.increase, *vocab.decrease) if w in words), default=None)
        return last is not None and len(words) - last[0] - len(last[1]) >= 2

    def _names_item(self, claim: Claim) -> bool:
        """Words of a figure's clause beyond its change words (化债支出增加, not 增加 or 比上年增加)."""
        vocab = self.vocab
        words = stage_words(self.ctx, claim)
        if any(w in words for w in vocab.compared):
            return False
        for word in (*vocab.increase, *vocab.decrease):
            words = words.replace(word, "")
        return len(words.strip("，,、；;：:（）()")) >= 2

    def _assign(self, totals: list[Claim], parts: list[Claim], complete: bool, multi: bool,
                nil_rest: bool = False) -> Iterator[Group]:
        parts = self._after_use(parts)
        if not parts:
            return
        shares = self._shares_of_change(totals, parts)
        saved = {i: self._stages[i] for i in shares}
        self._stages.update(shares)  # read as changes of this list only: their stage elsewhere is kept
        groups = list(self._assign_read(totals, parts, complete, multi, nil_rest))
        self._stages.update(saved)
        for group in groups:
            group.family = parts[0].id
        yield from groups

    def _assign_read(self, totals: list[Claim], parts: list[Claim], complete: bool, multi: bool,
                     nil_rest: bool) -> Iterator[Group]:
        # amounts and budgets are told apart only when the total gives both (支出27.46万元，完成全年预算41.30万元)
        merged = not {AMOUNT, BUDGET} <= {self.stage(t)[0] for t in totals}
        assigned: dict[int, list[Claim]] = {t.id: [] for t in totals}
        uncertain: set[int] = set()
        for part in parts:
            candidates = [t for t in totals if self._class(t, merged) == self._class(part, merged)]
            if not candidates:
                continue
            best = max(candidates, key=lambda t: common_run(t.subject, part.subject))
            similarity = common_run(best.subject, part.subject)
            if len(candidates) == 1 or similarity >= 2:
                assigned[best.id].append(part)
                if len(candidates) > 1 and similarity < 3:
                    uncertain.add(best.id)  # the part could belong to another total
        dimensions = {t.quantity.dimension for t in totals}
        mixed = sum(len(v) for v in assigned.values()) < sum(p.quantity.dimension in dimensions for p in parts)
        classes = [self._class(t, merged) for t in totals]
        distinct = len(set(classes)) == len(classes)  # each total of its own kind (16项，金额合计333,001万元)
        for total in totals:
            mine = assigned[total.id]
            if not mine or (multi and len(totals) > 1 and len(mine) < 2 and not distinct):
                continue  # one part of one of several totals: unless told by its kind, whose it is is a guess
            minus = self._signs(total, mine)
            if minus is None or (mixed and self.stage(total)[0] == CHANGE):
                continue  # a change without its direction, or among parts of other stages: no single reading
            yield Group(total, mine, complete and (len(mine) > 1 or nil_rest), minus, total.id in uncertain)

    def _signs(self, total: Claim, parts: list[Claim]) -> frozenset[int] | None:
        """Changes add up with their signs: the parts whose direction is not the total's are subtracted."""
        kind, sign = self.stage(total)
        if kind != CHANGE:
            return frozenset()
        if any(self.stage(p)[1] == 0 for p in parts):
            return None
        return frozenset(p.id for p in parts if self.stage(p)[1] != sign)

    # --- lists after a total closed by 共, with no cue -------------------------------------------
    def _closed(self, para: _Paragraph, cues: list[re.Match[str]]) -> Iterator[Group]:
        """…资金共21460.50万元，中央资金17320万元，省级资金4140.50万元 / …共支96.40万元。支付A…，B…: a
        total with 共 right before it, the first figure of its sentence, and no cue after it; its parts
        the figures after it in its sentence (each naming a fund source), or else in the next sentence
        (opening on a use of the money). Any figure of its kind of another stage: no single reading."""
        ctx, vocab = self.ctx, self.vocab
        if vocab.closed_marker is None:
            return
        text = ctx.text
        for total in para.claims:
            if total.id in para.inner or self.stage(total)[0] != AMOUNT \
                    or not vocab.closed_marker.search(squash(text[max(para.span.start, total.span.start - 8):total.span.start])):
                continue
            here = sentence(text, total.span.start, FULL_STOP, para.span.start, para.span.end)
            if any(c.quantity.dimension == total.quantity.dimension for c in para.between(here.start, total.span.start)):
                continue  # a figure before it: it closes those (…，共计X), the list before it reads it
            parts = self._kind_after(para, total, total.span.end, here.end)
            if parts is None:
                continue
            if parts:
                if not all(any(w in name_words(ctx, p) for w in vocab.fund_sources) for p in parts):
                    continue
                end = here.end
            else:
                if here.end >= para.span.end:
                    continue
                following = sentence(text, here.end, FULL_STOP, para.span.start, para.span.end)
                parts = self._kind_after(para, total, following.start, following.end)
                if not parts:
                    continue
                first = parts[0]
                words = stage_words(ctx, first) + text[first.span.end:sentence(text, first.span.end, "，,；;。").end]
                if not any(w in words for w in vocab.use_verbs):
                    continue
                end = following.end
            if len(parts) < 2 or any(total.span.end <= c.start() < parts[-1].span.start for c in cues) \
                    or any(vocab.closing.search(clause(ctx, p)) for p in parts):
                continue
            complete = text[end - 1] in FINAL_PUNCTUATION \
                and not vocab.open_ending.search(squash(text[parts[-1].span.end:end]))
            for group in self._assign([total], parts, complete, False):
                group.bounded = True
                yield group

    def _kind_after(self, para: _Paragraph, total: Claim, start: int, end: int) -> list[Claim] | None:
        """The figures of ``total``'s kind in [start, end), outside brackets; None when one of them is
        of another stage (a change, a budget, progress so far)."""
        figures = [c for c in para.between(start, end)
                   if c.id not in para.inner and c.quantity.dimension == total.quantity.dimension]
        if any(self.stage(c)[0] != AMOUNT for c in figures):
            return None
        return figures

    # --- lists in a bracket after their total ---------------------------------------------------
    def _in_brackets(self, para: _Paragraph) -> Iterator[Group]:
        ctx = self.ctx
        for open_, close, heads in para.brackets:
            if not heads:
                continue
            end = close if close >= 0 else para.span.end
            inside = [c for c in para.between(open_ + 1, end) if para.inner.get(c.id) == open_]
            content = squash(ctx.text[open_ + 1:end])
            cue = self.vocab.part_cues.match(content)
            if not inside or (len(inside) < 2 and not cue):
                continue
            complete = close >= 0 and not (cue and self.vocab.partial_cues.fullmatch(cue.group()))
            if self.vocab.open_ending.search(squash(ctx.text[inside[-1].span.end:end + 1])):
                complete = False
            yield from self._assign(heads, inside, complete, False)

    def _sibling_brackets(self, group: Group, bracketed: dict[int, Group]) -> list[Group]:
        """A, B, C and their total each with one bracketed part of one name (…（其中建筑工程x万元）):
        the total's bracketed part is the sum of theirs."""
        subs = []
        for member in (group.total, *group.parts):
            inner = bracketed.get(member.id)
            if inner is None or len(inner.parts) != 1:
                return []
            subs.append(inner.parts[0])
        names = {self.vocab.part_cues.sub("", squash(name_words(self.ctx, c)).lstrip("（(")) for c in subs}
        if len(names) != 1 or not next(iter(names)) or len({self._class(c, True) for c in subs}) != 1:
            return []
        minus = frozenset(sub.id for sub, part in zip(subs[1:], group.parts, strict=True) if part.id in group.minus)
        return [Group(subs[0], subs[1:], group.complete, minus, suffix=group.suffix)]

    # --- lists before their total ---------------------------------------------------------------
    def _before(self, para: _Paragraph) -> Iterator[Group]:
        """…A14.26万元；B9.7万元；共计23.96万元: every figure of the sentence before the total, of one
        stage and unit, none of them inside another list."""
        ctx = self.ctx
        previous_total = para.span.start
        for total in para.claims:
            if total.id in para.inner or not self.vocab.closing.search(clause(ctx, total)):
                continue
            start = sentence(ctx.text, total.span.start, FULL_STOP, para.span.start, para.span.end).start
            summary = self._summary(para, start, total)
            if summary:
                start = max(para.span.start, start - MAX_SPAN)  # 两批共计318万元。 closes the sentences before it
            after_total = previous_total > start  # the list may only begin after an earlier closing total
            start, previous_total = max(start, previous_total), total.span.end  # after the last 共计 the next list begins
            before = para.between(start, (total.context or total.span).start)
            parts = [c for c in before if c.id not in para.inner and c.quantity.dimension == total.quantity.dimension]
            if summary:
                parts = [c for c in parts if self._class(c, True) == self._class(total, True)]
            first = parts[0].span.start if parts else total.span.start
            if any(not self._in_bracket(para, m.start(), headed=True)
                   for m in self.vocab.part_cues.finditer(ctx.text, first, total.span.start)):
                continue  # a 其中 list runs into it: two levels, no single reading (其中 opening it is fine)
            opening = self.vocab.part_cues.search(ctx.text, start, first)
            if opening and after_total and not squash(ctx.text[start:opening.start()]).strip("，,；;：:"):
                continue  # 收入总计A，其中B，C；支出总计D: the 其中 opens the list of the total before it, not D's
            if not 2 <= len(parts) <= MAX_PARTS or any(self._class(c, True) != self._class(total, True) for c in parts):
                continue
            minus = self._signs(total, parts)
            if minus is None:
                continue
            yield Group(total, parts, True, minus, suffix=True)


    def _summary(self, para: _Paragraph, start: int, total: Claim) -> bool:
        """A sentence that only sums up (共计318万元。 两批共计下达318万元。): the closing word opens it,
        after one of ``summary_leads`` at most, and no figure stands before the total."""
        text = self.ctx.text[start:total.span.start]
        opening = len(text) - len(text.lstrip())
        lead = next((w for w in self.vocab.summary_leads if text.startswith(w, opening)), "")
        start += opening + len(lead)  # 两批 may be read as a count: it is the lead, not a figure before
        return bool(self.vocab.closing.match(squash(text[opening + len(lead):]))) \
            and not para.between(start, total.span.start)


def part_sums(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """SUM001: each list's parts against its total; a partial list only as parts ≤ total. The lists
    of one run of totals and parts (a table told in sentences: 完成A，预算B，上年C；其中甲完成a1，预算b1…)
    and the lists of its parts (上级资金A（分配甲a1，乙a2），本级资金B（分配甲b1，乙b2）) are one relation,
    checked list by list (``parallel_sums``)."""
    units: dict[int, list[tuple[int, Constraint]]] = {}
    for n, (group, constraint) in enumerate(_group_sums(ctx, lists)):
        key = group.family if group.family >= 0 else -1 - n
        units.setdefault(key, []).append((key, constraint))
    # one level of nesting: a complete unit takes in the units whose every total is one of its parts
    parts_of = {key: {i for _, c in unit for i in c.claims[1:]} for key, unit in units.items()}
    absorbed: set[int] = set()
    absorbers: set[int] = set()
    for key in list(units):
        if key in absorbed or any(c.params["relation"] != "=" for _, c in units[key]):
            continue  # a partial list: which figures are its parts' is not certain
        for other in list(units):
            if other == key or other in absorbed or other in absorbers \
                    or not all(c.claims[0] in parts_of[key] for _, c in units[other]):
                continue
            units[key].extend(units.pop(other))
            absorbed.add(other)
            absorbers.add(key)
    for unit in units.values():
        if len(unit) == 1:
            yield unit[0][1]
            continue
        ids = list(dict.fromkeys(i for _, c in unit for i in c.claims))
        yield ctx.constraint("parallel_sums", "SUM001", [ctx.by_id[i] for i in ids], "narrative",
                             columns=[{"claims": list(c.claims), "run": key, **c.params} for key, c in unit])


def _group_sums(ctx: Context, lists: PartLists) -> Iterator[tuple[Group, Constraint]]:
    for group in lists.found:
        if group.uncertain:
            continue  # which total the parts belong to is a guess: no finding
        # a change list complete by its names is change_lists' (RAT005): not said twice
        complete = group.complete or (not group.minus and lists.stage(group.total)[0] != CHANGE
                                      and complete_by_names(ctx, group.total, group.parts))
        relation = "=" if complete else ">="
        if relation == ">=" and (group.suffix or lists.stage(group.total)[0] == CHANGE):
            continue  # a partial list of changes bounds nothing: the parts not listed may go either way
        stops = [] if group.suffix or group.bounded else _run_on_stops(lists.ctx.text, group.parts)
        yield group, ctx.constraint("sum", "SUM001", [group.total, *group.parts], "narrative", relation=relation,
                                    prefix=stops, suffix=group.suffix, minus=sorted(group.minus),
                                    sentences=list(group.sentences))


def _run_on_stops(text: str, parts: list[Claim]) -> list[int]:
    """Where a list may stop and run on with figures that are no parts of it (…，另征收…): after
    its n-th part (2 ≤ n < all), never inside a run of parts joined by 、 (A3家、B1家、C2家 is one
    enumeration to its last item)."""
    stops = []
    for n in range(2, len(parts)):
        between = text[parts[n - 1].span.end:parts[n].span.start]
        if "、" not in between or any(ch in between for ch in "，,；;。"):
            stops.append(n)
    return stops


def find(ctx: Context) -> Iterator[Constraint]:
    yield from part_sums(ctx, PartLists.of(ctx))
