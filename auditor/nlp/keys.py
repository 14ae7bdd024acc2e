"""A claim's subject key (fund source × stage × year × item) and its candidate roles, from cues
on both sides of a figure: its clause's words left and right of it (narrative) or its header path
and row labels (tables). The vocabulary is ``key_stages``, ``key_sources`` and
``narrative_roles_after`` in ``rules/lexicon.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.model import SubjectKey

# A document's title (《关于下达2023年预算的通知》) names another thing: its words are not cues.
QUOTED_TITLE = re.compile(r"《[^《》]*》?|^[^《》]*》")
ITEM_NOISE = re.compile(r"^(?:其中[:：]?|\d+[.、．]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)+|[:：]$")
CHANGE = "增减"


def by_length(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@dataclass(frozen=True)
class KeyLexicon:
    stages: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, tuple[str, ...]], ...]  # in the lexicon's order
    source_cues: tuple[tuple[str, str], ...]
    roles_after: tuple[tuple[str, str], ...]
    changes: tuple[tuple[str, str], ...]

    @classmethod
    def from_mapping(cls, lex: dict) -> KeyLexicon:
        pairs = lambda table: by_length([(cue, name) for name, cues in table.items() for cue in cues])  # noqa: E731
        sources = lex.get("key_sources", {})
        return cls(pairs(lex.get("key_stages", {})), tuple((name, tuple(cues)) for name, cues in sources.items()),
                   pairs(sources),
                   pairs(lex.get("narrative_roles_after", {})),
                   by_length([(cue, CHANGE) for cue in lex.get("key_changes", ())]))


def without_titles(text: str) -> str:
    return QUOTED_TITLE.sub("", text)


def matches(text: str, cues: tuple[tuple[str, str], ...]) -> list[tuple[int, int, str]]:
    """Every cue found in ``text`` as (start, end, name), a longer cue hiding the shorter ones it
    overlaps (全年预算数 is one cue, not 预算数 inside it). ``cues`` come longest first."""
    found: list[tuple[int, int, str]] = []
    for cue, name in cues:
        at = text.find(cue)
        while at >= 0:
            end = at + len(cue)
            if all(end <= s or e <= at for s, e, _ in found):
                found.append((at, end, name))
            at = text.find(cue, at + 1)
    return found


def cue_before(text: str, cues: tuple[tuple[str, str], ...]) -> str:
    """The cue ending nearest the end of ``text``."""
    found = matches(text, cues)
    return max(found, key=lambda m: m[1])[2] if found else ""


def cue_after(text: str, cues: tuple[tuple[str, str], ...]) -> str:
    """The cue starting nearest the start of ``text``."""
    found = matches(text, cues)
    return min(found)[2] if found else ""


def source_of(text: str, sources: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """The first source of the lexicon's order named in ``text``: a government level (中央)
    before a kind of money (财政拨款) when a clause names both."""
    return next((name for name, cues in sources if any(cue in text for cue in cues)), "")


def is_change(lex: KeyLexicon, left: str) -> bool:
    """Whether a change cue (增加, 减少…) follows the last stage cue left of a figure."""
    return bool(cue_before(left[last_end(left, lex.stages):], lex.changes))


def mask(text: str, cues: tuple[tuple[str, str], ...]) -> str:
    """``text`` with every cue of ``cues`` blanked out (same length)."""
    for cue, _ in cues:
        if cue in text:
            text = text.replace(cue, "|" * len(cue))
    return text


def last_end(text: str, cues: tuple[tuple[str, str], ...]) -> int:
    """Where the last cue in ``text`` ends (0 without one)."""
    return max((at + len(cue) for cue, _ in cues if (at := text.rfind(cue)) >= 0), default=0)


def cue_after(text: str, cues: tuple[tuple[str, str], ...]) -> str:
    """The cue starting nearest the start of ``text`` (the longer at the same place)."""
    best, best_start = "", len(text) + 1
    for cue, name in cues:
        at = text.find(cue)
        if 0 <= at < best_start:
            best, best_start = name, at
    return best


def subject_key(lex: KeyLexicon, left: str, right: str, labels: tuple[str, ...], year: int | None,
                subject: str) -> SubjectKey:
    """The key of a figure with ``left``/``right`` words in its clause (squashed), ``labels``
    (header path and row labels of a table figure), its year and its subject."""
    left, right = without_titles(left), without_titles(right)
    source = source_of(left, lex.sources) or source_of(right, lex.sources)
    # 一般公共预算 names a source: its 预算 is no stage
    left, right = mask(left, lex.source_cues), mask(right, lex.source_cues)
    stage = cue_before(left, lex.stages) or cue_after(right, lex.stages)
    if is_change(lex, left):
        stage += CHANGE  # 较上年决算数减少175.26万元: a change of the 决算, not the 决算 itself
    for label in reversed(labels):
        source = source or source_of(label, lex.sources)
        stage = stage or cue_before(mask(label, lex.source_cues), lex.stages)
    return SubjectKey(source, stage, year, item_of(lex, subject))


def item_of(lex: KeyLexicon, subject: str) -> str:
    """The subject without its numbering and the leading words that went into the key's source
    and stage (年初预算项目资金 → 项目资金); a subject that is only such words has no item."""
    item = ITEM_NOISE.sub("", subject).lstrip(".、．")
    cues = lex.source_cues + lex.stages
    stripped = True
    while item and stripped:
        stripped = False
        for cue, _ in cues:
            if item.startswith(cue):
                item, stripped = item[len(cue):], True
                break
    return ITEM_NOISE.sub("", item).lstrip("的之")
