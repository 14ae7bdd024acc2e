"""Small string helpers every stage shares (reading, linking, checks), so that none imports
another stage's internals for them."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

CJK = re.compile(r"[\u4e00-\u9fff]")  # one Chinese character (a word, not a figure or a mark)
SHORT = 64  # labels, cells and clauses: the same few thousand recur through every finder of a report


def squash(text: str) -> str:
    """``text`` without any whitespace (str.split's whitespace is the regular expression ``\\s``'s)."""
    return _squashed(text) if len(text) <= SHORT else "".join(text.split())


@lru_cache(maxsize=1 << 15)
def _squashed(text: str) -> str:
    return "".join(text.split())


def bracketed(text: str, start: int, pos: int, opening: str = "（(【[", closing: str = "）)】]") -> bool:
    """Whether ``pos`` lies inside a bracket opened after ``start``."""
    depth = 0
    for ch in text[start:pos]:
        if ch in opening:
            depth += 1
        elif ch in closing and depth:
            depth -= 1
    return depth > 0


@lru_cache(maxsize=256)
def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern found wherever one of ``words`` is: ``any_of(words).search(text)`` tells what
    ``any(w in text for w in words)`` does, in one scan instead of one per word (built once per
    word list: the lists are long and the labels tested against them many)."""
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


@lru_cache(maxsize=16)
def end_marks(text: str, ends: str) -> list[int]:
    """Where the characters of ``ends`` are in ``text``, in order: found once per text and set of
    ends (all in C), then bisected per figure by whoever asks for a figure's sentence or clause."""
    pieces = re.split(f"[{re.escape(ends)}]", text)[:-1]  # the text before each mark
    return list(accumulate(map((1).__add__, map(len, pieces)), initial=-1))[1:]
