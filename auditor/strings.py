"""Small string helpers every stage shares (reading, linking, checks), so that none imports
another stage's internals for them."""

from __future__ import annotations


def squash(text: str) -> str:
    """``text`` without any whitespace (str.split's whitespace is the regular expression ``\\s``'s)."""
    return "".join(text.split())
