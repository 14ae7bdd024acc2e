"""Word segmentation: spaCy's Chinese pipeline with the jieba segmenter (no model to download)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache


@lru_cache(maxsize=1)
def pipeline():  # noqa: ANN201 - spacy.Language, imported lazily (spaCy takes ~1 s to import)
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


class Tokens:
    """Token boundaries of a text, for cutting phrases at word boundaries."""

    def __init__(self, text: str) -> None:
        doc = pipeline()(text)
        self.starts = [t.idx for t in doc]
        self.ends = [t.idx + len(t.text) for t in doc]
        self.words = [t.text for t in doc]

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Tokens lying wholly inside [start, end)."""
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.ends, end)
        return [(self.starts[i], self.ends[i], self.words[i]) for i in range(lo, max(lo, hi))]
