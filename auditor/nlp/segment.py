"""Word segmentation with jieba, only where words are needed (the clause before a figure).

jieba cuts a text into runs of the characters it segments together (Chinese characters, letters,
digits and ``+#&._%-``: its ``re_han_default``) and segments each run on its own; every other
character is a word of its own. So a run's words do not depend on anything outside it, and a
document is segmented run by run, only for the runs that a caller asks about, each once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache


@lru_cache(maxsize=1)
def _jieba():  # noqa: ANN202 - the jieba module, imported lazily (its dictionary takes ~1 s to load)
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


class Tokens:
    """The words of ``text`` (a whole document), with document offsets, for cutting phrases at word
    boundaries. Runs are segmented on first use."""

    def __init__(self, text: str) -> None:
        jieba = _jieba()
        self.text = text
        self._cut = jieba.cut
        runs = [m.span() for m in jieba.re_han_default.finditer(text)]
        self.run_starts = [s for s, _ in runs]
        self.run_ends = [e for _, e in runs]
        self._words: dict[int, list[tuple[int, int, str]]] = {}  # run index -> its words

    def words_of_run(self, index: int) -> list[tuple[int, int, str]]:
        words = self._words.get(index)
        if words is None:
            pos, words = self.run_starts[index], []
            for word in self._cut(self.text[pos:self.run_ends[index]], cut_all=False, HMM=True):
                words.append((pos, pos + len(word), word))
                pos += len(word)
            self._words[index] = words
        return words

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Words lying wholly inside [start, end), whitespace left out."""
        out: list[tuple[int, int, str]] = []
        i = bisect_right(self.run_starts, start) - 1
        if i < 0 or self.run_ends[i] <= start:
            i += 1  # the first run ending after start
        pos = start
        while pos < end and i < len(self.run_starts) and self.run_starts[i] < end:
            out.extend(self._single(pos, self.run_starts[i]))  # the characters before the run
            words = self.words_of_run(i)
            for word in words[bisect_left(words, (start,)):]:
                if word[1] > end:
                    break
                out.append(word)
            pos, i = self.run_ends[i], i + 1
        out.extend(self._single(pos, end))
        return out

    def _single(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Characters outside runs: each a word of its own (whitespace left out)."""
        return [(at, at + 1, self.text[at]) for at in range(start, end) if not self.text[at].isspace()]
