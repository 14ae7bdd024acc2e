"""SUM001 over parallel sections: a whole counted by its subgroups, then the same measure stated for
the whole and, in the section each subgroup opens, for each subgroup.

``全省86个县市区（含52个县、34个区）收入完成412.6亿元，比上年增加37.4亿元…`` then ``在52个县…，收入完成138.9亿元，
同比增加12.1亿元…`` and ``在34个区…，收入完成273.7亿元，同比增加25.3亿元…``: 412.6 = 138.9 + 273.7, and the
changes after them add up too. A subgroup opens its section where it is named again (its count and the
first character of its name, ``41个县``), once, after the whole's sentence, subgroups in their listed
order. A measure is matched by the words naming it (``收入完成``), unique in the whole's section and the
first figure so named in each subgroup's; where any subgroup lacks it, nothing is formed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.lists import CHANGE, FULL_STOP, MAX_SPAN, Group, PartLists, name_words, sentence, summable
from auditor.model import Claim, Constraint

MIN_NAME = 2  # a measure named by fewer characters is matched by chance


def _key(ctx: Context, part: Claim) -> str:
    """How a subgroup is named again: its count and the first character of its noun (41个县)."""
    following = ctx.text[part.span.end:part.span.end + 1]
    return squash(ctx.text[part.span.start:part.span.end]) + following if "\u4e00" <= following <= "\u9fff" else ""


def _openings(ctx: Context, group: Group) -> list[int] | None:
    """Where each subgroup's section opens: its key found once after the whole's sentence, in order."""
    after = sentence(ctx.text, group.total.span.start, FULL_STOP).end
    starts = []
    for part in group.parts:
        key = _key(ctx, part)
        first = ctx.text.find(key, after) if key else -1
        if first < 0 or ctx.text.find(key, first + 1) >= 0 or (starts and first <= starts[-1]):
            return None
        starts.append(first)
    return starts


def _name(ctx: Context, claim: Claim) -> str:
    """The words naming a figure after any bracket before them (…（含41个县、59个区，下同）收入完成)."""
    words = squash(name_words(ctx, claim))
    return words[max(words.rfind("）"), words.rfind(")")) + 1:]


def _next_in_sentence(ctx: Context, claim: Claim) -> Claim | None:
    if claim.id + 1 >= len(ctx.claims):
        return None
    following = ctx.claims[claim.id + 1]
    end = sentence(ctx.text, claim.span.start, FULL_STOP).end
    return following if following.id == claim.id + 1 and following.span.end <= end else None


def _between(ctx: Context, starts: list[int], start: int, end: int) -> list[Claim]:
    """The narrative figures within [start, end), found by bisection (no scan of the whole text)."""
    figures = ctx.narrative[bisect_left(starts, start):bisect_left(starts, end)]
    return [c for c in figures if c.span.end <= end and summable(c)]


def find(ctx: Context) -> Iterator[Constraint]:
    lists = PartLists.of(ctx)
    starts_of = [c.span.start for c in ctx.narrative]
    for group in lists.found:
        if group.total.quantity.dimension != "count" or not group.complete or group.minus or len(group.parts) < 2:
            continue
        starts = _openings(ctx, group)
        whole_start = sentence(ctx.text, group.total.span.start, FULL_STOP).start
        if starts is None or starts[0] - whole_start > MAX_SPAN:
            continue  # a subgroup named again far away opens no section of this whole
        ends = [*starts[1:], min(len(ctx.text), starts[-1] + MAX_SPAN)]
        members = {group.total.id, *(p.id for p in group.parts)}
        wholes = [c for c in _between(ctx, starts_of, whole_start, starts[0])
                  if c.id not in members and c.id not in lists.total_of]
        names = [_name(ctx, c) for c in wholes]
        for whole, name in zip(wholes, names, strict=True):
            if len(name) < MIN_NAME or names.count(name) > 1 or lists.stage(whole)[0] == CHANGE:
                continue
            kind = (whole.quantity.dimension, whole.quantity.unit, lists.stage(whole))
            parts = []
            for start, end in zip(starts, ends, strict=True):
                named = next((c for c in _between(ctx, starts_of, start, end) if _name(ctx, c) == name), None)
                if named is None or (named.quantity.dimension, named.quantity.unit, lists.stage(named)) != kind:
                    break
                parts.append(named)
            else:
                yield ctx.constraint("sum", "SUM001", [whole, *parts], "narrative", relation="=")
                yield from _changes(ctx, lists, whole, parts)


def _changes(ctx: Context, lists: PartLists, whole: Claim, parts: list[Claim]) -> Iterator[Constraint]:
    """The change stated right after each (比上年增加37.4亿元 / 同比增加12.1亿元): they add up as well."""
    changes = [_next_in_sentence(ctx, c) for c in (whole, *parts)]
    if any(c is None for c in changes):
        return
    kinds = {(c.quantity.dimension, c.quantity.unit, lists.stage(c)) for c in changes}
    kind = next(iter(kinds))
    if len(kinds) == 1 and kind[2][0] == CHANGE and kind[2][1] != 0 and all(summable(c) for c in changes):
        yield ctx.constraint("sum", "SUM001", changes, "narrative", relation="=")
