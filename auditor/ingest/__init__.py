"""load: one loader per format turns a file into a Document.

The format is decided by the file's content (magic bytes), the extension only breaks ties, so a
.doc that is really a .docx, or an HTML page saved as .xls, is read as what it is.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from auditor.errors import InputError
from auditor.model import Document

MAX_BYTES_DEFAULT = 50 * 1024 * 1024  # files above this are refused (configurable)

# format name -> module under auditor.ingest exposing load(path: str, data: bytes) -> Document
LOADERS = {
    "txt": "text",
    "html": "html",
    "docx": "docx",
    "doc": "doc",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "xls": "xlsx",
}


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of ``data`` by its content; ``suffix`` only decides between look-alikes."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or suffix == ".docx":
            return "docx"
        if b"xl/" in data[:65536] or suffix == ".xlsx":
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2 compound file
        if "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t".encode() in data or suffix == ".doc":
            return "doc"
        return "xls"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in lowered[:512]:
        return "html"
    return "txt"


def load(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES_DEFAULT) -> Document:
    """Read ``path`` into a Document, or raise InputError saying what is wrong."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(name, "no such file", "check the path")
    if p.is_dir():
        raise InputError(name, "is a directory", "give a report file, or use `auditor batch` for a folder")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(name, f"file is {size} bytes, over the limit of {max_bytes}",
                             "raise the limit with --max-bytes if this report is genuine")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})", "check its permissions") from None
    if not data.strip():
        raise InputError(name, "file is empty", "export the report again")
    fmt = sniff(data, p.suffix.lower())
    if fmt not in LOADERS:
        raise InputError(name, f"unsupported format ({fmt})", "give a .txt, .docx, .doc, .pdf, .xls/.xlsx or .html report")
    module = importlib.import_module(f"auditor.ingest.{LOADERS[fmt]}")
    return module.load(name, data)
