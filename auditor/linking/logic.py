"""Statements that cannot both be true: no project budget yet project indicators scored; a fund
said to be approved at one time, elsewhere partly at another."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.tables import rows_of
from auditor.model import Constraint, Span


def alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


def no_projects_but_scored(ctx: Context) -> Iterator[Constraint]:
    """Cue words: LOGIC001's params in rules/catalogue.yaml."""
    no_projects = re.compile(ctx.rules.param("LOGIC001", "no_projects"))
    project_words = alternation(ctx.rules.param("LOGIC001", "project_words"))
    statements = [Span(m.start(), m.end()) for m in no_projects.finditer(ctx.text)
                  if all(b.kind == "paragraph" for b in ctx.doc.blocks if b.span.start <= m.start() < b.span.end)]
    if not statements:
        return
    scores, spans = [], []
    for sheet in ctx.sheets:
        for row in rows_of(ctx, sheet):
            score = row.one("score")
            if score is None or score.quantity.value <= 0:
                continue
            about = [c for c in row.cells if not c.is_header and project_words.search(c.text)
                     and squash(c.text) != squash(score.text)]
            if about:
                scores.append(score)
                spans.extend(c.span for c in about)
    if scores:
        yield ctx.constraint("no_projects_scored", "LOGIC001", scores, "link", spans=(*statements, *spans),
                             statements=len(statements))


def _approval_time(text: str, cues: Approvals) -> str | None:
    """The time word governing the first 批复/下达 of a clause: the nearest before it."""
    verb = cues.approved.search(text)
    if not verb:
        return None
    found = [(text.rfind(t, 0, verb.start()), t) for t in cues.times]
    at, word = max(found)
    return word if at >= 0 else None


class Approvals:
    """LOGIC002's cue words and window (rules/catalogue.yaml)."""

    def __init__(self, ctx: Context) -> None:
        self.times = tuple(ctx.rules.param("LOGIC002", "times"))
        self.approved = alternation(ctx.rules.param("LOGIC002", "approved"))
        self.approved_part = alternation(ctx.rules.param("LOGIC002", "approved_part"))
        self.window = int(ctx.rules.param("LOGIC002", "window_blocks"))


def approval_timing(ctx: Context) -> Iterator[Constraint]:
    """‘…年中由县财政批复，共31.62万元’ against a later ‘…年初…批复9万元，年中追加22.62万元’."""
    cues = Approvals(ctx)
    for claim in ctx.narrative:
        if claim.quantity.dimension != "money" or not ctx.text[max(0, claim.span.start - 2):claim.span.start].endswith("共"):
            continue
        sentence = ctx.sentence(claim.span.start, "。！？!?\n")
        head = ctx.text[sentence.start:claim.span.start]
        when = _approval_time(head, cues)
        if when is None or any(c.quantity.dimension == "money" for c in ctx.claims_in(Span(sentence.start, claim.span.start))):
            continue  # only a whole said to be approved at one time, not an itemised one
        for other in ctx.narrative:
            if other.block <= claim.block or other.block > claim.block + cues.window or other.quantity != claim.quantity:
                continue
            later = ctx.sentence(other.span.start, "。！？!?\n")
            part = _part_at_other_time(ctx, Span(other.span.end, later.end), when, cues)
            if part is not None and part[0].quantity.value < claim.quantity.value:
                yield ctx.constraint("approval_timing", "LOGIC002", [claim, part[0]], "link",
                                     spans=(Span(sentence.start, claim.span.end), Span(other.span.start, later.end)),
                                     when=when, other_when=part[1])
                break


def _part_at_other_time(ctx: Context, span: Span, when: str, cues: Approvals):  # noqa: ANN202
    """The first amount in ``span`` approved (批复/下达/追加) at another time than ``when``."""
    for clause in re.finditer(r"[^，,；;。]+", ctx.text[span.start:span.end]):
        text = clause.group()
        if not cues.approved_part.search(text):
            continue
        times = [(text.rfind(t), t) for t in cues.times if t in text]
        amounts = [c for c in ctx.claims_in(Span(span.start + clause.start(), span.start + clause.end()))
                   if c.quantity.dimension == "money"]
        if times and amounts and max(times)[1] != when:
            return amounts[0], max(times)[1]
    return None


def find(ctx: Context) -> Iterator[Constraint]:
    yield from no_projects_but_scored(ctx)
    yield from approval_timing(ctx)
