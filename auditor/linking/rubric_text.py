"""A scoring rubric flattened into text (a PDF's 得分表): groups labelled with their points and
the items under them, read by the types of the pieces, never by their words.

    项目管理(9分) 资金分配 5 5 资金使用 4 4       items as  label points score
    目标任务(12分) 相关性(6分) 6 明确性(6分) 6      items as  label(points) score

A label with points in brackets and no score after it is a group; the items right after it (a
label of words, then its figures; nothing else between) are its members. Only what such a run
makes certain is said: each item's score is at most its points (CAP001, one relation over the
items of a run of groups and items that nothing else interrupts), and the group's points are at
least its items' (SUM002): a group may go on with members after a nested group.

A group right after another (``部门决策(25分) 目标任务(15分) 相关性(5分) 5``) opens a row of the
rubric's three levels: the first is a top group, and the groups with items after it, up to the
next top group, are its members. Its points equal theirs when that next top group closes it, and
are at least theirs when the run ends (a page may go on). A rubric whose rows show more levels than
two groups is left alone: which level a group sits at is not certain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from auditor.linking.context import Context
from auditor.linking.flat_cells import runs
from auditor.linking.indicator_rows import IndicatorRow
from auditor.linking.indicator_rows import constraint as indicator_table
from auditor.model import Claim, Constraint

POINTS_LABEL = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
SEPARATORS = re.compile(r"[\s|｜]*")
MAX_LABEL = 30  # characters of an item's label between two items
SENTENCE_END = re.compile(r"[。！？!?]")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    points: Claim | None  # the bracketed points of a label, or an item's points cell
    score: Claim | None  # an item's score; None for a group


def pieces(ctx: Context) -> list[Piece]:
    """Bracketed points of labels and runs of bare figures, in text order, typed."""
    claims_at = {c.span.start: c for c in ctx.claims}
    labelled = []
    for m in POINTS_LABEL.finditer(ctx.text):
        claim = claims_at.get(m.start(1))
        if claim is not None and claim.quantity.value == Decimal(m.group(1)):
            labelled.append((m.start(), m.end(), claim))
    bare_runs = [r for r in runs(ctx) if all(c.bare for c in r)]
    # a pair of bare figures is an item's points and score only in a text that has a score column
    scored = any(w in ctx.text for w in ctx.rules["tables"].get("score_terms", ()))
    out: list[Piece] = []
    i = j = 0
    while i < len(labelled) or j < len(bare_runs):
        if j >= len(bare_runs) or (i < len(labelled) and labelled[i][0] < bare_runs[j][0].start):
            start, end, points = labelled[i]
            i += 1
            run = bare_runs[j] if j < len(bare_runs) else None
            if run is not None and len(run) == 1 and SEPARATORS.fullmatch(ctx.text[end:run[0].start]):
                out.append(Piece(start, run[0].end, points, run[0].claim))  # label(points) score
                j += 1
            else:
                out.append(Piece(start, end, points, None))  # a group
        else:
            run = bare_runs[j]
            j += 1
            if len(run) == 2 and plain_points(run[0].claim) and scored:
                out.append(Piece(run[0].start, run[1].end, run[0].claim, run[1].claim))  # label points score
            else:
                out.append(Piece(run[0].start, run[-1].end, None, None))  # a run of another shape: a stop
    return out


def plain_points(claim: Claim) -> bool:
    return claim.quantity.decimals <= 1 and claim.quantity.comparator == "="


def is_label(text: str) -> bool:
    """Words between two pieces: an item's label, no figure."""
    return 0 < len(text.strip()) <= MAX_LABEL and not any(ch.isdigit() for ch in text)


def is_group(piece: Piece) -> bool:
    return piece.score is None and piece.points is not None


def top_groups(ctx: Context, found: list[Piece]) -> Iterator[Constraint]:
    """Top groups (a group right before another) against the groups under them."""
    def follows(k: int) -> bool:  # piece k sits right after piece k - 1, only words between (or none)
        if not 0 < k < len(found):
            return False
        between = ctx.text[found[k - 1].end:found[k].start]
        return not between.strip() or is_label(between)

    def opens_row(k: int) -> bool:
        return is_group(found[k]) and follows(k + 1) and is_group(found[k + 1])

    if any(opens_row(k) and opens_row(k + 1) for k in range(len(found))):
        return  # three groups in a row: more levels than the top and its members
    for k in (k for k in range(len(found)) if opens_row(k)):
        top, members, closed = found[k], [], False
        j = k + 1
        while j < len(found) and follows(j) and is_group(found[j]):
            if members and opens_row(j):
                closed = True  # the next top group
                break
            if not (follows(j + 1) and found[j + 1].score is not None):
                break  # a group without items: the row's shape is lost
            members.append(found[j])
            j += 1
            while j < len(found) and follows(j) and found[j].score is not None:
                j += 1
        if len(members) < 2 or any(m.points.quantity.value > top.points.quantity.value for m in members):
            continue
        yield ctx.constraint("group_points", "SUM002", [top.points, *(m.points for m in members)], "table",
                             tree=[(top.points.id, [m.points.id for m in members])],
                             relation="=" if closed else ">=", whole_exact=True)


def segments(ctx: Context, found: list[Piece]) -> Iterator[list[Piece]]:
    """Runs of the rubric's pieces (groups and items) that no piece of another shape, no sentence's
    end and no more words than two labels' interrupt."""
    run: list[Piece] = []
    for piece in found:
        between = ctx.text[run[-1].end:piece.start] if run else ""
        if piece.points is None or len(between) > 2 * MAX_LABEL or SENTENCE_END.search(between):
            yield run
            run = []
        if piece.points is not None:
            run.append(piece)
    yield run


def segment_items(run: list[Piece]) -> list[Piece]:
    """The items of a run that holds a group and at least two items, each within the largest group's
    points: the rubric's rows, however its levels nest (an item may follow a group of another level)."""
    groups = [p.points.quantity.value for p in run if is_group(p)]
    items = [p for p in run if p.score is not None]
    if not groups or len(items) < 2 or any(p.points.quantity.value > max(groups) for p in items):
        return []
    return items


def find(ctx: Context) -> Iterator[Constraint]:
    found = pieces(ctx)
    yield from top_groups(ctx, found)
    for run in segments(ctx, found):
        items = segment_items(run)
        # every item's score within its points (CAP001): one relation over the run's rows
        yield from indicator_table(ctx, (IndicatorRow(None, None, p.points, p.score) for p in items))
    for k, group in enumerate(found):
        if group.score is not None or group.points is None:
            continue
        items: list[Piece] = []
        end = group.end
        for piece in found[k + 1:]:
            if piece.score is None or piece.points is None or not is_label(ctx.text[end:piece.start]):
                break
            items.append(piece)
            end = piece.end
        if len(items) < 2 or any(p.points.quantity.value > group.points.quantity.value for p in items):
            continue
        yield ctx.constraint("group_points", "SUM002", [group.points, *(p.points for p in items)], "table",
                             tree=[(group.points.id, [p.points.id for p in items])], relation=">=",
                             whole_exact=True)
