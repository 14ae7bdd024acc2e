"""Totals a list of parts names or refers to, rather than follows: the lookups of PartLists that
find which earlier figure a list breaks down when no figure stands right before its cue.

- by reference: ``…下达资金860万元。我县将该笔资金拨付至…（510万元）和…（350万元）`` (``_referred``);
- by repetition: a sentence opening with the cue of the list just ended (从…来看) breaks down the
  same totals (``_parallel``);
- by name: ``基本支出中，…`` or ``86个乡镇中，…`` (``_within``), ``支出分项目具体如下：`` (``_named_in_sentence``),
  both through ``_named``: the one figure before so named;
- by a shared name: parts stated anywhere in the following paragraphs, named like their total
  (``_named_part``).

A mixin of auditor.linking.lists.PartLists: its methods use the list finder's context, vocabulary,
brackets and assignment (``self.ctx``, ``self.vocab``, ``self._class``, ``self._assign``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from auditor.linking.context import squash
from auditor.linking.list_text import FULL_STOP, MAX_SPAN, clause, name_words, sentence
from auditor.model import Claim

if TYPE_CHECKING:
    from auditor.linking.context import Context
    from auditor.linking.lists import Group, Vocabulary, _Paragraph

NAMED_PART = 4  # a part named like its total shares this many characters of the name at least


def common_ending(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n:]


class NamedTotals:
    ctx: Context
    vocab: Vocabulary

    def _referred(self, para: _Paragraph) -> Iterator[Group]:
        """…安排资金860万元。本区将这笔资金分配给…，用于“甲项目”（510万元）和“乙项目”（350万元）。: a
        sentence that refers back to a sum (该笔资金) and lists figures, none of its own before the word, no
        cue and no total of its own: its figures are the parts of the last figure of their kind before it."""
        ctx = self.ctx
        if self.vocab.anaphors is None:
            return
        for m in self.vocab.anaphors.finditer(ctx.text, para.span.start, para.span.end):
            here = sentence(ctx.text, m.start(), FULL_STOP, para.span.start, para.span.end)
            if para.between(here.start, m.start()) or self.vocab.part_cues.search(ctx.text, m.end(), here.end):
                continue
            parts = [c for c in para.between(m.end(), here.end) if c.id not in para.inner]
            if len(parts) < 2 or any(self.vocab.closing.search(clause(ctx, c)) for c in parts):
                continue
            referent = next((c for c in reversed(para.between(max(para.span.start, here.start - MAX_SPAN), here.start))
                             if c.id not in para.inner and self._class(c, True) == self._class(parts[0], True)), None)
            if referent is None:
                continue
            complete = not self.vocab.open_ending.search(squash(ctx.text[parts[-1].span.end:here.end]))
            for group in self._assign([referent], parts, complete, False):
                group.bounded = True  # the sentence is the list: it cannot run on
                yield group

    def _parallel(self, para: _Paragraph, cue: re.Match[str], last: tuple[str, int, list[Claim]] | None
                  ) -> list[Claim] | None:
        """从征收部门来看：A…；B…。从收入分类来看，C…；D…: a sentence opening with the cue of the list
        that ends right before it, with no figure before the cue, breaks down the same totals."""
        if last is None or cue.group() != last[0]:
            return None
        here = sentence(self.ctx.text, cue.start(), FULL_STOP, para.span.start, para.span.end)
        if here.start != last[1] or para.between(here.start, cue.start()):
            return None
        return last[2]

    def _within(self, para: _Paragraph) -> Iterator[tuple[re.Match[str], list[Claim] | None]]:
        """A sentence opening with a count or a name and 中 (86个乡镇中，…; 基本支出中，…): a list of its
        parts. A count is the total in its own sentence; a name, the one figure before so named."""
        ctx = self.ctx
        for m in self.vocab.within.finditer(ctx.text, para.span.start, para.span.end):
            if self._in_bracket(para, m.start("cue")):
                continue
            cue = re.compile(re.escape(m.group("cue"))).match(ctx.text, m.start("cue"))
            if para.between(m.start("name"), m.start("cue")):
                yield cue, None
                continue
            named = self._named(para, squash(m.group("name")), m.start())
            if named:
                yield cue, named

    def _named(self, para: _Paragraph, name: str, before: int) -> list[Claim] | None:
        """The one figure of the paragraph before ``before`` whose name ends with ``name``, both read
        without the words that name nothing (项目资金共到位 is named by 项目资金具体到位情况如下)."""
        name = self._bare_name(name)
        named = [c for c in para.between(before - MAX_SPAN, before) if c.id not in para.inner
                 and self._bare_name(squash(name_words(self.ctx, c))).endswith(name)]
        return named if len(named) == 1 and name else None

    def _bare_name(self, name: str) -> str:
        return self.vocab.name_fillers.sub("", name) if self.vocab.name_fillers else name

    def _named_in_sentence(self, para: _Paragraph, cue: re.Match[str]) -> list[Claim] | None:
        """支出分项目具体如下： a cue after a name and no figure: the one figure before so named."""
        here = sentence(self.ctx.text, cue.start(), FULL_STOP, para.span.start, para.span.end)
        if here.start <= para.span.start or para.between(here.start, cue.start()):
            return None
        name = squash(self.ctx.text[here.start:cue.start()])
        for word in self.vocab.name_endings:
            name = name.removesuffix(word)
        return self._named(para, name, here.start) if len(name) >= 2 and name.isalpha() else None

    def _named_part(self, total: Claim, figures: list[Claim], key: str) -> tuple[str, Claim | None]:
        """A paragraph stating its part anywhere, named like the total (…奖补资金共945万元。分项如下：
        / …向本区安排2022年农村厕所改造奖补资金860万元…): the one figure of the total's kind whose name
        ends with ``key``, the longest ending (of NAMED_PART characters at least) the first part's name
        shares with the total's. A figure closing a list of its own (…资金共8315万元) is no part."""
        own = squash(name_words(self.ctx, total)).rstrip("为达是：:")
        for word in self._closing_words():
            own = own.removesuffix(word)
        found = []
        for claim in figures:
            name = squash(name_words(self.ctx, claim)).rstrip("为达是：:")
            if self._class(claim, True) != self._class(total, True) or self.vocab.closing.search(clause(self.ctx, claim)):
                continue
            ending = key or common_ending(own, name)
            if len(ending) >= NAMED_PART and name.endswith(ending):
                found.append((ending, claim))
        return found[0] if len(found) == 1 else (key, None)

    def _closing_words(self) -> list[str]:
        data = self.ctx.rules["lists"]
        return sorted([*data.get("closing_cues", ()), *data.get("closing_starts", ())], key=len, reverse=True)
