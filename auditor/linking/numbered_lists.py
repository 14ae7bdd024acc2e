"""Lists told as numbered paragraphs after a lead-in that names their total:

    （一）本单位总收入300.50万元，其中本年收入220.30万元，……。
    收入具体情况如下：
    1.财政拨款收入200.10万元，……
    2.其他收入20.20万元，……
    3.上年结转和结余80.20万元，……

The lead-in is a sentence with no figure, the name of the total and a cue of ``named_only_cues``
(情况如下), closing its paragraph; the total is the one figure so named in the lead-in's paragraph
or, when the lead-in stands alone, in the paragraph before (by its subject or the words naming
it). Each item opens a paragraph with the next number (rules/lists.yaml ``numbered_items``) and
its first figure; the list ends at the first paragraph with no number, after an item that ends
its sentence. A list cut at the end of the text, numbered out of turn, or followed by a paragraph
that continues an item's sentence, is not read.

Two figures so named, the second a part of the first (总收入…，其中本年收入…): the items brought
in from earlier years (lists.yaml ``stages.carried_in``) are parts of the first only; the others
add up to the second. With none of them brought in, which total the items list is not said; with
one total and an item brought in, whether the total counts it is not said either.

A mixin of auditor.linking.lists.PartLists (``self.ctx``, ``self.vocab``, ``self._assign``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from auditor.linking.context import squash
from auditor.linking.list_text import FULL_STOP, name_words, sentence, stage_words
from auditor.model import Claim

if TYPE_CHECKING:
    from auditor.linking.context import Context
    from auditor.linking.lists import Group, Vocabulary

SENTENCE_ENDINGS = "。；;！？!?"
AMOUNT = "amount"  # auditor.linking.lists.AMOUNT (lists imports this module)


class NumberedLists:
    ctx: Context
    vocab: Vocabulary
    total_of: dict[int, Claim]

    def _numbered_lists(self) -> Iterator[Group]:
        numbering = [re.compile(p) for p in self.ctx.rules["lists"].get("numbered_items", ())]
        if not numbering or not self.vocab.named_only:
            return
        paragraphs = self.ctx.paragraphs
        for n, index in enumerate(paragraphs):
            name, alone = self._lead_in(index)
            if not name or n + 1 >= len(paragraphs):
                continue
            totals = self._lead_totals(paragraphs[n - 1] if alone and n else index, name)
            if not totals:
                continue
            parts = self._items(paragraphs[n + 1:], numbering, totals[0])
            if parts is None or len(parts) < 2:
                continue
            yield from self._numbered_groups(totals, parts)

    def _lead_in(self, index: int) -> tuple[str, bool]:
        """The name a paragraph's closing lead-in gives (收入具体情况如下： gives 收入), and whether the
        lead-in is the whole paragraph."""
        ctx = self.ctx
        span = ctx.block(index).span
        text = ctx.text[span.start:span.end].rstrip()
        if not text or text[-1] not in "。：:":
            return "", False
        tail = squash(text[-4 * max(map(len, self.vocab.named_only)) - 1:-1])
        if not any(tail.endswith(w) for w in self.vocab.named_only):
            return "", False  # the cheap test first: most paragraphs end in no lead-in cue
        end = span.start + len(text) - 1
        here = sentence(ctx.text, end - 1, FULL_STOP + "；;", span.start, end)
        if any(here.start <= c.span.start < end for c in ctx.in_block[index]):
            return "", False
        words = squash(ctx.text[here.start:end])
        cue = next((w for w in self.vocab.named_only if words.endswith(w)), None)
        if cue is None:
            return "", False
        name = words[:-len(cue)]
        for word in self.vocab.name_endings:
            name = name.removesuffix(word)
        name = self._bare_name(name)
        return (name if len(name) >= 2 and name.isalpha() else ""), here.start <= span.start

    def _lead_totals(self, index: int, name: str) -> list[Claim]:
        """The figures of the paragraph named ``name`` (outside brackets): one, or a total and its part."""
        ctx = self.ctx
        span = ctx.block(index).span
        named = []
        for claim in ctx.in_block[index]:
            if claim.cell is not None or claim.quantity.dimension != "money" or self.stage(claim)[0] != AMOUNT:
                continue
            before = ctx.text[span.start:claim.span.start]
            if sum(before.count(ch) for ch in "（(") != sum(before.count(ch) for ch in "）)"):
                continue  # inside a bracket: a part of an item, not a total
            words = (self._bare_name(squash(claim.subject)), self._bare_name(squash(name_words(ctx, claim))))
            if any(w.endswith(name) for w in words):
                named.append(claim)
        if len(named) == 1 or (len(named) == 2 and self.total_of.get(named[1].id) is named[0]):
            return named
        return []

    def _items(self, following: list[int], numbering: list[re.Pattern[str]], total: Claim) -> list[Claim] | None:
        """The first figure of each numbered paragraph, numbered 1, 2, … in turn; None when where the
        list ends is not clear."""
        ctx = self.ctx
        parts: list[Claim] = []
        for previous, index in zip([-1, *following], following):
            span = ctx.block(index).span
            opening = next((m for p in numbering if (m := p.match(ctx.text, span.start, span.end))), None)
            if opening is not None and int(opening.group("number")) != len(parts) + 1:
                return None  # an item numbered out of turn: one may be missing
            if opening is None:
                if not parts:
                    return None
                last = squash(ctx.text[ctx.block(previous).span.start:ctx.block(previous).span.end])
                return parts if last and last[-1] in SENTENCE_ENDINGS else None
            figures = [c for c in ctx.in_block[index] if c.cell is None]
            if not figures or figures[0].quantity.dimension != total.quantity.dimension \
                    or self.stage(figures[0])[0] != AMOUNT \
                    or sentence(ctx.text, figures[0].span.start, "，,；;。：:").start > opening.end():
                return None  # an item stating no figure of the total's kind in its opening clause
            lead = squash(ctx.text[opening.end():figures[0].span.start])
            if self.vocab.part_cues.search(lead) or any(w in lead for w in self._classifications()):
                return None  # 1.按功能分类一般公共服务支出…: the figure is a part of the item, not its amount
            parts.append(figures[0])
        return None  # the list runs to the end of the text: more may have been cut

    def _classifications(self) -> tuple[str, ...]:
        return tuple(self.ctx.rules["lists"].get("classified_breakdowns", {}).get("cues", ()))

    def _numbered_groups(self, totals: list[Claim], parts: list[Claim]) -> Iterator[Group]:
        carried = [p for p in parts if any(w in stage_words(self.ctx, p) for w in self.vocab.carried_in)]
        own = [p for p in parts if p not in carried]
        if len(totals) == 1:
            if carried:
                return  # whether the one total counts what was brought in (本年收入 does not) is not said
            groups = [(totals[0], parts)]
        else:
            if not carried or len(own) < 2:
                return  # no item brought in: the list may be either total's
            groups = [(totals[0], parts), (totals[1], own)]
        for total, mine in groups:
            for group in self._assign([total], mine, True, False):
                group.bounded = True
                group.family = -1  # two totals' lists, not one list told for two columns
                yield group
