"""A report that says every target was met (产出指标…均能按时按量完成) while a figure it gives as
achieved in that paragraph falls short of the same quantity's target stated elsewhere (目标…6500亩
against 6180亩): LOGIC004.

A target is a figure whose sentence names a goal (绩效目标, 计划…) before it; an achieved figure is
one in the paragraph of the completion statement. They pair only on the same unit (亩 with 亩, 户
with 户; no money, no percentages: a balance returned or a rate is no shortfall), and when the
words right before them share a word (乡镇, 小麦): each unit's one target and one achieved value,
else nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint, Span

NOT_COUNTED = ("money", "percent", "points", "")
LEAD_CHARS = 12  # the words before a figure its name is read from
NEGATION_CHARS = 8  # 确保年底前全部完成: a plan, not a claim; 基本完成: not all
CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")


def counted(claim: Claim) -> bool:
    q = claim.quantity
    return q.dimension not in NOT_COUNTED and bool(q.unit) and q.comparator in ("=", ">=")


def lead_words(ctx: Context, claim: Claim) -> set[str]:
    """The two-character words right before a figure in its sentence (its name)."""
    sentence = ctx.sentence(claim.span.start, "。！？!?\n")
    lead = squash(ctx.text[max(sentence.start, claim.span.start - LEAD_CHARS):claim.span.start])
    return set(CJK_PAIR.findall(lead))


def targets(ctx: Context, cues: tuple[str, ...], outside: int) -> dict[str, list[Claim]]:
    """Figures named as goals (a target cue before them in their sentence), by unit, outside the block."""
    out: dict[str, list[Claim]] = {}
    for claim in ctx.narrative:
        if claim.block == outside or not counted(claim):
            continue
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        if any(cue in ctx.text[sentence.start:claim.span.start] for cue in cues):
            out.setdefault(claim.quantity.unit, []).append(claim)
    return out


def find(ctx: Context) -> Iterator[Constraint]:
    completed = re.compile(ctx.rules.param("LOGIC004", "completed"))
    negations = tuple(ctx.rules.param("LOGIC004", "negations"))
    cues = tuple(ctx.rules.param("LOGIC004", "target_cues"))
    seen: set[int] = set()
    for match in completed.finditer(ctx.text):
        before = ctx.text[max(0, match.start() - NEGATION_CHARS):match.start()]
        block = next((i for i in ctx.paragraphs if ctx.block(i).span.start <= match.start() < ctx.block(i).span.end), None)
        if block is None or block in seen or any(n in before + match.group() for n in negations):
            continue
        seen.add(block)
        achieved: dict[str, list[Claim]] = {}
        for claim in ctx.in_block[block]:
            if claim.cell is None and counted(claim):
                achieved.setdefault(claim.quantity.unit, []).append(claim)
        goals = targets(ctx, cues, block)
        pairs: list[Claim] = []
        for unit, done in achieved.items():
            aims = goals.get(unit, [])
            if len({c.quantity.value for c in done}) != 1 or len({c.quantity.value for c in aims}) != 1:
                continue  # several achieved or several targets of this unit: which pairs is a guess
            aim, did = aims[0], done[0]
            if lead_words(ctx, aim) & lead_words(ctx, did):
                pairs += [aim, did]
        if pairs:
            yield ctx.constraint("completed_despite_shortfall", "LOGIC004", pairs, "link",
                                 spans=(Span(match.start(), match.end()),))
