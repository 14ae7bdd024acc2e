"""Names and texts from reports shown safely: in a terminal (no escape sequences run) and in the
index page (no bidi control silently reorders a file name, e.g. ``报告\u202etxt.exe``)."""

from __future__ import annotations

import re

# Characters that reorder or hide text: bidi embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object) -> str:
    """``text`` with control characters (escape sequences, carriage returns, tabs, newlines) and
    bidi controls written as ``\\x1b``, ``\\u202e``: one line that only shows what it holds."""
    value = "" if text is None else str(text)
    return _TERMINAL_UNSAFE.sub(_escape, value)


def visible_bidi(text: str) -> str:
    """``text`` with each bidi control replaced by its visible code, ``⟨U+202E⟩``."""
    if not any(ch in BIDI_CONTROLS for ch in text):
        return text
    return "".join(f"⟨U+{ord(ch):04X}⟩" if ch in BIDI_CONTROLS else ch for ch in text)


def describe_exception(exc: BaseException) -> str:
    """An unexpected error on one line: ``Type: message (at file.py:line)``."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    message = " ".join(str(exc).split())
    return terminal_safe(f"{type(exc).__name__}: {message}{where}")


def storable(text: str) -> str:
    """``text`` as any database stores it: lone surrogates (undecodable bytes of a file name)
    and NUL written as escapes."""
    if text.isascii() and "\x00" not in text:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


__all__ = ["BIDI_CONTROLS", "describe_exception", "terminal_safe", "visible_bidi", "storable"]
