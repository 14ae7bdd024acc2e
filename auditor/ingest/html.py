"""HTML pages (government sites, and the "Excel" files that are HTML or MHTML saved as .xls).

The page is decoded by its byte-order mark or declared charset (GB2312/GBK read as GB18030, their
superset), parsed with lxml, narrowed to its ``<article>`` or ``<main>`` when it has one, and
walked in document order: block elements and ``<br>`` end lines, tables become table blocks, and
scripts, styles, forms' controls, navigation and the page's header and footer are dropped.
"""

from __future__ import annotations

import codecs
import email
import re

import lxml.html
from lxml import etree

from auditor.errors import InputError
from auditor.ingest.layout import RawCell, TextBuilder, check_grid
from auditor.model import Document
from auditor.rules import RuleSet

_DECLARED = re.compile(rb"""<(?:meta[^<>]*?charset|\?xml[^<>]*?encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)  # [^<>]: each tag scanned once
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
             "iso-8859-1": "cp1252", "ascii": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

_DROPPED = {"script", "style", "noscript", "template", "nav", "aside", "iframe", "object", "embed",
            "select", "button", "input", "textarea", "svg", "head", "title", "map"}
_PAGE_FURNITURE = {"header", "footer"}  # dropped unless they belong to an article
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
           "blockquote", "pre", "section", "article", "main", "center", "address", "figure",
           "figcaption", "caption", "hr", "form", "fieldset", "body", "html", "tr", "td", "th"}
_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")  # HTML's collapsible whitespace (and &nbsp;), not U+3000


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    builder = TextBuilder(path, rules)
    encodings = []
    for page, charset in _pages(data):
        text, encoding = decode(page, charset)
        encodings.append(encoding)
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares an encoding
        try:
            root = lxml.html.document_fromstring(text)
        except (etree.ParserError, ValueError):
            continue  # an empty or unparsable page: judged below by what the others held
        _Walker(builder, path).walk(_content_root(root))
    if not builder.blocks:
        raise InputError(path, "is an HTML page with no text", "save the page with its content, not only its frame")
    return builder.document(path, data, "html", encodings[0] if encodings else None)


def _pages(data: bytes) -> list[tuple[bytes, str | None]]:
    """The HTML pages in ``data`` with their MIME charset: a "single file web page" (.mht, which
    Excel and Word also save as .xls/.doc) holds one per sheet; plain HTML is one page."""
    message = email.message_from_bytes(data)
    if message.get_content_type() != "multipart/related":
        return [(data, None)]
    return [(part.get_payload(decode=True) or b"", part.get_content_charset())
            for part in message.walk() if part.get_content_type() == "text/html"]


def decode(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding it was read with (``charset``: the one its MIME part names)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    declared = _DECLARED.search(data[:8192])
    candidates = ["utf-8", "gb18030"]
    if declared or charset:
        name = declared.group(1).decode("ascii").lower() if declared else charset.lower()
        try:
            name = codecs.lookup(_SUPERSET.get(name, name)).name
            candidates.insert(0, _SUPERSET.get(name, name))
        except LookupError:
            pass
    for encoding in candidates:  # a page whose declaration is wrong is still read
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _content_root(root: etree._Element) -> etree._Element:
    for tag in ("article", "main"):
        found = root.findall(f".//{tag}")
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    return root


class _Walker:
    """Walks an element tree in document order, writing paragraphs and tables to a sink."""

    def __init__(self, sink: TextBuilder | _Lines, path: str = "") -> None:
        self.sink = sink
        self.path = path  # named in the error that refuses an oversized table
        self.line: list[str] = []

    def walk(self, element: etree._Element) -> None:
        self._visit(element, in_article=element.tag == "article")
        self._flush()

    def _flush(self) -> None:
        if self.line:
            self.sink.paragraph("".join(self.line))
            self.line = []

    def _text(self, text: str | None) -> None:
        if text:
            self.line.append(_SPACE.sub(" ", text))

    def _visit(self, element: etree._Element, in_article: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""  # comments have no string tag
        if not tag or tag in _DROPPED or (tag in _PAGE_FURNITURE and not in_article):
            return
        if tag == "br":
            self.line.append("\n")
            return
        if tag == "table":
            self._flush()
            self._table(element)
            return
        if tag in _BLOCKS:
            self._flush()
        self._text(element.text)
        for child in element:
            self._visit(child, in_article or tag == "article")
            self._text(child.tail)
        if tag in _BLOCKS:
            self._flush()

    def _table(self, table: etree._Element) -> None:
        rows = [[c for c in tr if c.tag in ("td", "th")] for tr in _rows(table)]
        if sum(len(row) for row in rows) == 1:  # a one-cell table is a frame around ordinary content
            # (decided before its cell is read: reading it twice doubled the work at each level of
            # frames nested in frames)
            for td in table.iter("td", "th"):
                self._visit(td, in_article=False)
                break
            self._flush()
            return
        cells: list[RawCell] = []
        taken: set[tuple[int, int]] = set()
        work = 0  # grid positions laid out so far
        for r, row in enumerate(rows):
            col = 0
            for td in row:
                while (r, col) in taken:
                    col += 1
                rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
                rowspan = min(rowspan, len(rows) - r)  # as browsers do: no rows past the table's end
                work += rowspan * colspan
                check_grid(self.path, work)  # before the spans are laid out
                lines = _Lines()
                _Walker(lines, self.path).walk(td)
                cells.append(RawCell(r, col, "\n".join(lines.lines), rowspan, colspan))
                taken.update((r + i, col + k) for i in range(rowspan) for k in range(colspan))
                col += colspan
        self.sink.table(cells)


class _Lines:
    """A sink for a cell's content: its paragraphs as lines, nested tables one line per row."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def paragraph(self, text: str) -> None:
        self.lines.extend(line.strip() for line in text.split("\n") if line.strip())

    def table(self, cells: list[RawCell]) -> None:
        rows: dict[int, list[str]] = {}
        for cell in cells:
            rows.setdefault(cell.row, []).append(" ".join(cell.text.split("\n")))
        self.lines.extend(" ".join(rows[r]) for r in sorted(rows))


def _rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)  # a page can claim any span; keep it sane
    except ValueError:
        return 1
