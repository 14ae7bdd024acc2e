"""Plain text (.txt): decode it, keep it untouched, and rebuild its paragraphs and tables.

The encoding is detected, never assumed: a byte-order mark decides first (UTF-8, UTF-16); NUL
bytes mean UTF-16 when they fall on one byte of each pair (ASCII in UTF-16 without a mark), a
binary file otherwise; then strict UTF-8, strict GB18030 (which covers GBK and GB2312), and last
charset-normalizer, trusted only when what it decodes is mostly Chinese. ``Document.text`` is the
decoded content as is (line breaks and spaces kept; a byte-order mark is not text), so that every
offset into it is an offset into the file as a person sees it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace

from charset_normalizer import from_bytes

from auditor.errors import InputError
from auditor.ingest.normalise import simplified_characters
from auditor.ingest.tables import TableRules
from auditor.ingest.text_layouts import rebuild
from auditor.model import Block, Document
from auditor.rules import RuleSet

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# Control characters no text file holds; tab, line and page breaks (\t \n \v \f \r) are text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_SHARE = 0.01
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_UTF16_NUL_BIAS = 4  # NULs on one byte of the pairs outnumber those on the other this many times

_BINARY_HINT = "give the report itself as .txt, .docx, .doc, .pdf, .xls/.xlsx or .html"
_ENCODING_HINT = "save it as UTF-8 (or GB18030) text and try again"


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    text, encoding = decode(path, data)
    table_rules = TableRules.from_mapping(rules["tables"]) if rules is not None else None
    blocks = _rebuild_simplified(text, simplified_characters(text), table_rules)
    return Document(path=path, text=text, blocks=tuple(blocks), format="txt", sha256=Document.digest(data),
                    encoding=encoding)


def _rebuild_simplified(text: str, view: str, rules: TableRules | None) -> list[Block]:
    """The blocks of ``text``, found on its simplified view (one character for one), so that the
    tables' header words and row labels match the vocabulary however they are written (預算數 as
    预算数). Header paths and row labels stay simplified, as the linking stage reads them; a cell's
    own text is the original's."""
    if view == text:
        return rebuild(text, rules)
    blocks = rebuild(view, rules)
    return [block if block.kind != "table" else replace(block, rows=tuple(
        tuple(replace(cell, text=text[cell.span.start:cell.span.end]) if cell.text == view[cell.span.start:cell.span.end]
              else cell for cell in row) for row in block.rows)) for block in blocks]


def decode(path: str, data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with, or InputError."""
    text, encoding = _decode(path, data)
    if len(_CONTROL.findall(text)) > _CONTROL_SHARE * len(text):
        raise InputError(path, "is a binary file, not text (it is full of control characters)", _BINARY_HINT)
    return text, encoding


def _decode(path: str, data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], name)
            if text is None:
                raise InputError(path, f"starts with a {name.upper()} byte-order mark but is not valid {name.upper()}",
                                 _ENCODING_HINT)
            return text, codec
    if b"\x00" in data:
        codec = _utf16_by_nuls(data)
        text = _strict(data, codec) if codec else None
        if text is None:
            raise InputError(path, "is a binary file, not text (it holds NUL bytes)", _BINARY_HINT)
        return text, codec
    for codec in ("utf-8", "gb18030"):
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    guess = from_bytes(data).best()
    if guess is not None and _mostly_chinese(str(guess)):
        return str(guess), guess.encoding
    raise InputError(path, "is not text in a known encoding (tried UTF-8, UTF-16, GB18030)", _ENCODING_HINT)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: ASCII characters put their NUL on the high byte."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd > _UTF16_NUL_BIAS * even:
        return "utf-16-le"
    if even > _UTF16_NUL_BIAS * odd:
        return "utf-16-be"
    return None


def _mostly_chinese(text: str) -> bool:
    return len(_CJK.findall(text)) * 2 >= len(_NON_ASCII.findall(text)) > 0
