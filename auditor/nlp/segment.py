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
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy refuses texts over 1,000,000 characters for the sake of its parser and NER, which this
    # pipeline does not have; the length of a document is bounded by the loader's limits instead.
    nlp.max_length = 1 << 62
    return nlp


class Tokens:
    """Token boundaries of a stretch of text (``text[start:end]`` of a document), for cutting phrases
    at word boundaries. Offsets are document offsets."""

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        from spacy.attrs import IDX, LENGTH

        end = len(text) if end is None else end
        # Offsets straight from the Doc's arrays: building a Token object per word costs more
        # than segmenting the text.
        offsets = pipeline()(text[start:end]).to_array([IDX, LENGTH])
        self.text = text
        self.starts = (offsets[:, 0] + start).tolist() if len(offsets) else []
        self.ends = (offsets[:, 0] + offsets[:, 1] + start).tolist() if len(offsets) else []

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Tokens lying wholly inside [start, end)."""
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.ends, end)
        return [(self.starts[i], self.ends[i], self.text[self.starts[i]:self.ends[i]]) for i in range(lo, max(lo, hi))]
