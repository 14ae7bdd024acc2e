"""load: one loader per format turns a file into a Document.

The format is decided by the file's content (magic bytes), the extension only breaks ties, so a
.doc that is really a .docx, or an HTML page saved as .xls, is read as what it is.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import stat
from pathlib import Path

from auditor.errors import InputError
from auditor.ingest.normalise import with_normalised
from auditor.model import Document
from auditor.rules import RuleSet

MAX_BYTES_DEFAULT = 50 * 1024 * 1024  # files above this are refused (configurable)
# Documents whose text is longer are refused (--max-chars, AUDITOR_MAX_CHARS): time and memory
# grow with the text (SECURITY.md), and a 200-page report holds about 150,000 characters.
MAX_CHARS_DEFAULT = int(os.environ.get("AUDITOR_MAX_CHARS") or 1_000_000)

# format name -> module under auditor.ingest exposing load(path: str, data: bytes) -> Document
LOADERS = {
    "txt": "text",
    "html": "html",
    "docx": "docx",
    "doc": "doc",
    "rtf": "doc",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "xls": "xlsx",
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MIME_HEADERS = re.compile(rb"(?:[A-Za-z][\w-]*:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)+")  # with folded lines
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table", b"<div", b"<p>")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")  # names of streams inside an OLE compound file


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of ``data`` by its content; ``suffix`` only decides between look-alikes."""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:  # some writers put junk before the header; readers accept it
        return "pdf"
    if head.startswith(b"PK\x03\x04"):  # member names are repeated in the directory at the end
        if b"word/document" in data:
            return "docx"
        if b"xl/workbook" in data:
            return "xlsx"
        return {".docx": "docx", ".xlsx": "xlsx"}.get(suffix, "zip")
    if head.startswith(_OLE):
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        # An encrypted .docx/.xlsx is an OLE file too; both loaders refuse it with one message.
        return "doc" if suffix in (".doc", ".docx") else "xls"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_html(head):
        return "html"
    headers = _MIME_HEADERS.match(head.lstrip())
    if headers and b"multipart/related" in headers.group().lower():
        return "html"  # a "single file web page" (.mht), which Office also saves as .xls/.doc
    return "txt"


def _looks_like_html(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's "Unicode" web pages)
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(_HTML_STARTS):
        return True
    # An XML declaration or a comment may come first (XHTML, pages saved by Office).
    return lowered.startswith((b"<?xml", b"<!--")) and b"<html" in lowered


def load(path: str | os.PathLike[str], max_bytes: int | None = None, max_chars: int | None = None,
         rules: RuleSet | None = None) -> Document:
    """Read ``path`` into a Document, or raise InputError saying what is wrong. The limits
    default to MAX_BYTES_DEFAULT and MAX_CHARS_DEFAULT; ``rules`` (an overlay's ``tables``
    section: a province's own forms) reach the building of tables in every loader that takes them."""
    max_bytes = MAX_BYTES_DEFAULT if max_bytes is None else max_bytes
    max_chars = MAX_CHARS_DEFAULT if max_chars is None else max_chars
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(name, "no such file", "check the path")
    if p.is_dir():
        raise InputError(name, "is a directory", "give a report file, or use `auditor batch` for a folder")
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise InputError(name, "is not a regular file (a pipe, socket or device)",
                             "save the report to a file and give that")
        size = info.st_size
        if size > max_bytes:
            raise InputError(name, f"file is {size} bytes, over the limit of {max_bytes}",
                             "raise the limit with --max-bytes if this report is genuine")
        with p.open("rb") as file:  # at most the limit: a device or a growing file has no true size
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(name, f"file is over the limit of {max_bytes} bytes",
                             "raise the limit with --max-bytes if this report is genuine")
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})", "check its permissions") from None
    if _blank(data):
        raise InputError(name, "file is empty", "export the report again")
    fmt = sniff(data, p.suffix.lower())
    if fmt not in LOADERS:
        raise InputError(name, f"unsupported format ({fmt})", "give a .txt, .docx, .doc, .pdf, .xls/.xlsx or .html report")
    if fmt == "txt" and len(data) > 4 * max_chars:  # no encoding takes more than 4 bytes a character
        _too_long(name, f"at least {-(-len(data) // 4)}", max_chars)
    module = importlib.import_module(f"auditor.ingest.{LOADERS[fmt]}")
    # the rule set reaches every loader that builds tables with it (pdf: when its loader takes it)
    takes_rules = "rules" in inspect.signature(module.load).parameters
    document = module.load(name, data, rules) if takes_rules else module.load(name, data)
    if len(document.text) > max_chars:
        _too_long(name, str(len(document.text)), max_chars)
    return with_normalised(document)


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _blank(data: bytes) -> bool:
    """Nothing but a byte-order mark and white space (ASCII, NUL, full-width U+3000, …)."""
    if len(data) > 64 * 1024:
        return False
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom):]
            break
    if not data.strip(b" \t\r\n\x0b\x0c\x00"):
        return True
    try:
        return not data.decode("utf-8").replace("\ufeff", "").strip()
    except UnicodeDecodeError:
        return False


def _too_long(name: str, chars: str, max_chars: int) -> None:
    raise InputError(name, f"holds {chars} characters of text, over the limit of {max_chars}",
                     "split the report, or raise the limit with --max-chars if it is genuine")
