"""Word segmentation: spaCy's Chinese pipeline with the jieba segmenter (no model to download),
only where words are needed (the clause before a figure).

jieba cuts a text into runs of the characters it segments together (Chinese characters, letters,
digits and ``+#&._%-``: its ``re_han_default``) and segments each run on its own; every other
character is a word of its own. So a run's words do not depend on anything outside it, and a
document is segmented run by run, only for the runs that a caller asks about, each once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache


@lru_cache(maxsize=1)
def pipeline():  # noqa: ANN201 - spacy.Language, imported lazily (spaCy takes ~1 s to import)
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy refuses texts over 1,000,000 characters for the sake of its parser and NER, which this
    # pipeline does not have; the length of a document is bounded by the loader's limits instead.
    nlp.max_length = 1 << 62
    return nlp


class Tokens:
    """The words of ``text`` (a whole document), with document offsets, for cutting phrases at word
    boundaries. Runs are segmented on first use."""

    def __init__(self, text: str) -> None:
        import jieba

        self.text = text
        # the segmenter the pipeline's tokenizer wraps, called without building a spaCy Doc per run:
        # a run has no whitespace, so its words are the tokenizer's words, end to end
        self._segmenter = pipeline().tokenizer.jieba_seg
        runs = [m.span() for m in jieba.re_han_default.finditer(text)]
        self.run_starts = [s for s, _ in runs]
        self.run_ends = [e for _, e in runs]
        self._words: dict[int, list[tuple[int, int, str]]] = {}  # run index -> its words

    def words_of_run(self, index: int) -> list[tuple[int, int, str]]:
        words = self._words.get(index)
        if words is None:
            words, at = [], self.run_starts[index]
            for word in self._segmenter.cut(self.text[at:self.run_ends[index]], cut_all=False):
                words.append((at, at + len(word), word))
                at += len(word)
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
