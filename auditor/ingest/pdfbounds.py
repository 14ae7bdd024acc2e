"""A limit on what pdfminer decodes from one PDF.

A PDF's streams are compressed, and a 200 KB file can hold a content stream that inflates to
gigabytes: pdfminer inflates each stream whole (``zlib.decompress``, its LZW and run-length
decoders), and 200 MB of content took 12 GB of memory and over five minutes before this limit.
While a PDF is read inside ``decoding_limit()``, pdfminer's decoders are replaced by ones that
count what they produce and stop once the document's decoded bytes pass the limit
(``AUDITOR_MAX_PDF_DECODED_BYTES``, default 64 MB: the seed renditions decode to about 30 bytes a
character of text, so a report at the 1,000,000-character limit decodes to about 30 MB).
Outside it they decode as pdfminer's own do. The replacement is installed when this module is
imported; ``tests/test_hostile.py`` fails if pdfminer stops using the names replaced here.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO

import pdfminer.pdftypes
from pdfminer.lzw import LZWDecoder
from pdfminer.runlength import rldecode

MAX_DECODED_BYTES = int(os.environ.get("AUDITOR_MAX_PDF_DECODED_BYTES") or 64 * 1024 * 1024)
_CHECKSUM = 4  # the adler-32 at a zlib stream's end, which damaged PDFs often get wrong


class DecodedTooLarge(Exception):
    """The document's streams decode to more than the limit."""


@dataclass
class Budget:
    left: int
    exceeded: bool = False

    def take(self, size: int) -> None:
        if size > self.left:
            self.exceeded = True
            raise DecodedTooLarge(f"streams decode to over {MAX_DECODED_BYTES} bytes")
        self.left -= size

    @property
    def max_length(self) -> int:
        """For zlib: one byte past what is left, so that passing the limit is seen."""
        return self.left + 1


_budget: ContextVar[Budget | None] = ContextVar("pdf_decoding_budget", default=None)


@contextmanager
def decoding_limit(limit: int = MAX_DECODED_BYTES) -> Iterator[Budget]:
    budget = Budget(limit)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def _inflate(data: bytes, budget: Budget, strict: bool) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, budget.max_length)
    budget.take(len(out))  # raises when the output reached max_length: the limit is passed
    if strict and not inflater.eof:
        raise zlib.error("incomplete or truncated stream")  # as zlib.decompress
    return out


class _BoundedZlib:
    """The part of ``zlib`` that pdfminer.pdftypes uses."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        budget = _budget.get()
        return zlib.decompress(data) if budget is None else _inflate(data, budget, strict=True)

    @staticmethod
    def decompressobj() -> zlib._Decompress:  # type: ignore[name-defined]
        return zlib.decompressobj()


_original_corrupted = pdfminer.pdftypes.decompress_corrupted
_original_lzw = pdfminer.pdftypes.lzwdecode


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's recovery of a stream whose checksum is wrong: what inflates, unless the damage
    lies before the checksum. (pdfminer's own feeds one byte at a time into a growing bytes
    object: quadratic in what it inflates.)"""
    budget = _budget.get()
    if budget is None:
        return _original_corrupted(data)
    inflater = zlib.decompressobj()
    out = inflater.decompress(data[:-_CHECKSUM], budget.max_length)  # damage here is not repaired
    budget.take(len(out))
    tail = b""
    try:
        tail = inflater.decompress(data[-_CHECKSUM:], budget.max_length)
    except zlib.error:
        pass  # a wrong checksum: the data before it stands
    budget.take(len(tail))
    return out + tail


def _lzwdecode(data: bytes) -> bytes:
    budget = _budget.get()
    if budget is None:
        return _original_lzw(data)
    out = []
    for piece in LZWDecoder(BytesIO(data)).run():
        budget.take(len(piece))
        out.append(piece)
    return b"".join(out)


def _rldecode(data: bytes) -> bytes:
    budget = _budget.get()
    if budget is not None:  # the decoded size, from the run lengths, before decoding
        size, at = 0, 0
        while at < len(data) and data[at] != 128:
            length = data[at]
            size, at = (size + length + 1, at + length + 2) if length < 128 else (size + 257 - length, at + 2)
        budget.take(size)
    return rldecode(data)


pdfminer.pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
pdfminer.pdftypes.decompress_corrupted = _decompress_corrupted
pdfminer.pdftypes.lzwdecode = _lzwdecode
pdfminer.pdftypes.rldecode = _rldecode
