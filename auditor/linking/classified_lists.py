"""Breakdowns of one amount by a classification (SUM001): 支出2718.40万元。…其中：按功能分类科目，A…，
B…；按经济分类科目，C…，D…。 Each cue (rules/lists.yaml ``classified_breakdowns``) opens a complete
breakdown that runs to the next cue or the end of its sentence, the last one only when no money figure
follows in its paragraph (a list may run on past a full stop); every breakdown adds up to the same
amount. That amount is the paragraph's only figure of this year's amount before the first cue of the
run (a change 比上年增加…, a rate or a compared figure is none): with two candidates, nothing is formed.
A breakdown ending in 等 or naming its main parts only (主要用于), with a figure of another stage or of another dimension among its parts, is
left alone; figures in brackets are items of a part, not parts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import FULL_STOPS, Context, squash
from auditor.linking.lists import AMOUNT, summable, vocabulary
from auditor.linking.lists import stage as stage_of
from auditor.model import Claim, Constraint, Span
from auditor.strings import bracketed

QIZHONG = "其中"
OPEN, CLOSE = "（(", "）)"


def _cues(ctx: Context) -> re.Pattern[str] | None:
    words = ctx.rules["lists"].get("classified_breakdowns", {}).get("cues", ())
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))



def _sentence_end(text: str, pos: int, limit: int) -> int:
    return next((i for i in range(pos, limit) if text[i] in FULL_STOPS), limit)


def _lead(between: str) -> str:
    """What stands between a breakdown's full stop and the next cue, bar marks and 其中."""
    return squash(between).lstrip(FULL_STOPS + "；;，,").removeprefix(QIZHONG).lstrip("：:，,")


def _runs(ctx: Context, span: Span, cues: re.Pattern[str]) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """(where the run opens, (cue end, breakdown end) of each cue) of each run of cues: in one
    sentence, or each opening the sentence after the breakdown before."""
    run: list[tuple[int, int]] = []
    opening = -1
    for match in cues.finditer(ctx.text, span.start, span.end):
        end = _sentence_end(ctx.text, match.end(), span.end)
        if run and match.start() <= run[-1][1]:
            run[-1] = (run[-1][0], match.start())  # the breakdown before stops at this cue
        elif run and not _lead(ctx.text[run[-1][1]:match.start()]):
            pass  # the next sentence opens with a cue: a second breakdown of the same amount
        elif run:
            yield opening, run
            run = []
        if not run:
            opening = match.start()
        run.append((match.end(), end))
    if run:
        yield opening, run


def _total(ctx: Context, span: Span, opening: int, vocab) -> Claim | None:  # noqa: ANN001
    candidates = [c for c in ctx.claims_in(Span(span.start, opening))
                  if c.quantity.dimension == "money" and summable(c) and stage_of(ctx, c, vocab)[0] == AMOUNT]
    return candidates[0] if len(candidates) == 1 else None


def _parts(ctx: Context, start: int, end: int, total: Claim, vocab) -> list[Claim] | None:  # noqa: ANN001
    if vocab.open_ending.search(ctx.text[start:end]) or vocab.partial_cues.search(ctx.text[start:end]):
        return None  # …等, 主要用于…: not the whole breakdown  # …等: not the whole breakdown
    parts = [c for c in ctx.claims_in(Span(start, end)) if not bracketed(ctx.text, start, c.span.start, OPEN, CLOSE)]
    if len(parts) < 2:
        return None
    for part in parts:
        if part.quantity.dimension != total.quantity.dimension or not summable(part) \
                or stage_of(ctx, part, vocab)[0] != AMOUNT:
            return None
    return parts


def find(ctx: Context) -> Iterator[Constraint]:
    cues = _cues(ctx)
    if cues is None:
        return
    vocab = vocabulary(ctx)
    for index in ctx.paragraphs:
        span = ctx.block(index).span
        for opening, run in _runs(ctx, span, cues):
            total = _total(ctx, span, opening, vocab)
            if total is None:
                continue
            for n, (start, end) in enumerate(run):
                if n == len(run) - 1 and any(c.quantity.dimension == "money" for c in ctx.claims_in(Span(end, span.end))):
                    continue  # figures after the sentence: the breakdown may run on past its full stop
                parts = _parts(ctx, start, end, total, vocab)
                if parts is not None:
                    yield ctx.constraint("sum", "SUM001", [total, *parts], "narrative", relation="=")
