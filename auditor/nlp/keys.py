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


class Cues:
    """A list of cue words, each naming something (a stage, a source, a role), found in one pass:
    at each place the longest cue, left to right, so a longer cue hides the shorter ones inside it
    (全年预算数 is one cue, not 预算数 inside it)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = by_length(pairs)
        self.name = {cue: name for cue, name in reversed(self.pairs)}  # a cue listed twice: its first name
        self.rank = {}
        for _, name in pairs:
            self.rank.setdefault(name, len(self.rank))
        self.pattern = re.compile("|".join(re.escape(cue) for cue, _ in self.pairs) or "(?!)")

    def _last(self, text: str) -> re.Match[str] | None:
        last = None
        for last in self.pattern.finditer(text):  # noqa: B007 - the last match is wanted
            pass
        return last

    def before(self, text: str) -> str:
        """The cue ending nearest the end of ``text``."""
        last = self._last(text)
        return self.name[last.group()] if last else ""

    def after(self, text: str) -> str:
        """The cue starting nearest the start of ``text``."""
        first = self.pattern.search(text)
        return self.name[first.group()] if first else ""

    def last_end(self, text: str) -> int:
        """Where the last cue in ``text`` ends (0 without one)."""
        last = self._last(text)
        return last.end() if last else 0

    def first_listed(self, text: str) -> str:
        """Of the names cued in ``text``, the one listed first."""
        names = {self.name[m.group()] for m in self.pattern.finditer(text)}
        return min(names, key=self.rank.__getitem__) if names else ""

    def mask(self, text: str) -> str:
        """``text`` with every cue blanked out (same length)."""
        return self.pattern.sub(lambda m: "|" * len(m.group()), text)


@dataclass(frozen=True)
class KeyLexicon:
    stages: Cues
    sources: Cues  # levels of government listed before kinds of money
    roles_after: Cues
    changes: Cues
    item_prefix: re.Pattern[str]  # the source and stage words that open a subject

    @classmethod
    def from_mapping(cls, lex: dict) -> KeyLexicon:
        def pairs(table: dict) -> list[tuple[str, str]]:
            return [(cue, name) for name, cues in table.items() for cue in cues]

        stages, sources = Cues(pairs(lex.get("key_stages", {}))), Cues(pairs(lex.get("key_sources", {})))
        words = by_length(list(stages.pairs + sources.pairs))
        prefix = re.compile("^(?:" + ("|".join(re.escape(w) for w, _ in words) or "(?!)") + ")+")
        return cls(stages, sources, Cues(pairs(lex.get("narrative_roles_after", {}))),
                   Cues([(cue, CHANGE) for cue in lex.get("key_changes", ())]), prefix)


def without_titles(text: str) -> str:
    return QUOTED_TITLE.sub("", text) if "《" in text or "》" in text else text


def is_change(lex: KeyLexicon, left: str) -> bool:
    """Whether a change cue (增加, 减少…) follows the last stage cue left of a figure."""
    return bool(lex.changes.before(left[lex.stages.last_end(left):]))


def subject_key(lex: KeyLexicon, left: str, right: str, labels: tuple[str, ...], year: int | None,
                subject: str) -> SubjectKey:
    """The key of a figure with ``left``/``right`` words in its clause (squashed), ``labels``
    (header path and row labels of a table figure), its year and its subject."""
    left, right = without_titles(left), without_titles(right)
    source = lex.sources.first_listed(left) or lex.sources.first_listed(right)
    # 一般公共预算 names a source: its 预算 is no stage
    left, right = lex.sources.mask(left), lex.sources.mask(right)
    stage = lex.stages.before(left) or lex.stages.after(right)
    if is_change(lex, left):
        stage += CHANGE  # 较上年决算数减少83.47万元: a change of the 决算, not the 决算 itself
    for label in reversed(labels):
        source = source or lex.sources.first_listed(label)
        stage = stage or lex.stages.before(lex.sources.mask(label))
    return SubjectKey(source, stage, year, item_of(lex, subject))


def item_of(lex: KeyLexicon, subject: str) -> str:
    """The subject without its numbering and the leading words that went into the key's source
    and stage (年初预算项目资金 → 项目资金); a subject that is only such words has no item."""
    item = lex.item_prefix.sub("", ITEM_NOISE.sub("", subject).lstrip(".、．"))
    return ITEM_NOISE.sub("", item).lstrip("的之")
