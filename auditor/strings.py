"""Small string helpers every stage shares (reading, linking, checks), so that none imports
another stage's internals for them."""

from __future__ import annotations

import re
from functools import lru_cache

CJK = re.compile(r"[\u4e00-\u9fff]")  # one Chinese character (a word, not a figure or a mark)
SHORT = 64  # labels, cells and clauses: the same few thousand recur through every finder of a report


def squash(text: str) -> str:
    """``text`` without any whitespace (str.split's whitespace is the regular expression ``\\s``'s)."""
    return _squashed(text) if len(text) <= SHORT else "".join(text.split())


@lru_cache(maxsize=1 << 15)
def _squashed(text: str) -> str:
    return "".join(text.split())
