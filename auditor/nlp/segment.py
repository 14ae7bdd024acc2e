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
        from spacy.attrs import IDX, LENGTH

        # Offsets straight from the Doc's arrays: building a Token object per word costs more
        # than segmenting the text.
        offsets = pipeline()(text).to_array([IDX, LENGTH])
        self.text = text
        self.starts = offsets[:, 0].tolist() if len(offsets) else []
        self.ends = (offsets[:, 0] + offsets[:, 1]).tolist() if len(offsets) else []

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Tokens lying wholly inside [start, end)."""
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.ends, end)
        return [(self.starts[i], self.ends[i], self.text[self.starts[i]:self.ends[i]]) for i in range(lo, max(lo, hi))]
