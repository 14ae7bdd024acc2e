"""Word .docx: the body's paragraphs and tables in document order.

python-docx opens the package; the body is then walked as XML, because python-docx's own
accessors lose what matters here: the place of tables among paragraphs, vertical merges, nested
tables, and text boxes (``w:txbxContent``, kept as paragraphs after the paragraph anchoring them).
Headers, footers, footnotes and comments live in other parts and are never read.
"""

from __future__ import annotations

import io

import docx
from lxml import etree

from auditor.errors import InputError
from auditor.ingest.containers import check_zip
from auditor.ingest.layout import RawCell, TextBuilder, check_grid
from auditor.model import Document
from auditor.rules import RuleSet

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not the paragraph's own: properties, deleted revisions, text boxes
# (read separately), and the legacy copy of drawings that Word writes beside the modern one.
_NOT_TEXT = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "txbxContent", _FALLBACK}
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    check_zip(path, data, "Word (.docx)")
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx reports a broken package with many exception types
        raise InputError(path, f"is not a readable Word (.docx) file ({type(exc).__name__})",
                         "open it in Word and save it again") from None
    builder = TextBuilder(path, rules)
    _read_blocks(body, builder)
    return builder.document(path, data, "docx")


def _read_blocks(container: etree._Element, builder: TextBuilder) -> None:
    """Write the paragraphs and tables directly inside ``container`` (body, cell, text box)."""
    for child in _children(container, {W + "p", W + "tbl"}):
        if child.tag == W + "p":
            builder.paragraph(_paragraph_text(child))
            for box in _text_boxes(child):
                _read_blocks(box, builder)
        elif _is_frame(child):  # a one-cell table used as a frame around ordinary content
            _read_blocks(_children(child, {W + "tr"})[0].find(W + "tc"), builder)
        else:
            builder.table(_grid(child, builder.path))


def _paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(element: etree._Element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _NOT_TEXT:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            _collect(child, out)


def _children(element: etree._Element, tags: set[str]) -> list[etree._Element]:
    """Children with one of ``tags``, looking through content controls and custom XML."""
    found = []
    for child in element:
        if child.tag in tags:
            found.append(child)
        elif child.tag in _WRAPPERS:
            found.extend(_children(child, tags))
    return found


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """The outermost text boxes anchored in ``p`` (not their legacy duplicates)."""
    boxes = []
    stack = list(p)
    while stack:
        node = stack.pop(0)
        if node.tag == _FALLBACK or not isinstance(node.tag, str):
            continue
        if node.tag == W + "txbxContent":
            boxes.append(node)
        else:
            stack[:0] = list(node)
    return boxes


def _is_frame(tbl: etree._Element) -> bool:
    rows = _children(tbl, {W + "tr"})
    return len(rows) == 1 and len(_children(rows[0], {W + "tc"})) == 1


def _grid(tbl: etree._Element, path: str = "") -> list[RawCell]:
    """The table's cells at their grid positions, merges resolved (gridSpan, vMerge)."""
    cells: list[RawCell] = []
    above: dict[int, RawCell] = {}  # column -> the cell that last started there
    width = 0
    for r, tr in enumerate(_children(tbl, {W + "tr"})):
        col = max(0, _int(tr.find(f"{W}trPr/{W}gridBefore"), 0))
        for tc in _children(tr, {W + "tc"}):
            span = max(1, _int(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            width = max(width, col + span)
            check_grid(path, (r + 1) * width)  # before spans of any size are laid out
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            owner = above.get(col)
            continues = merge is not None and merge.get(W + "val", "continue") == "continue"
            if continues and owner is not None and owner.col == col and owner.row + owner.rowspan == r:
                owner.rowspan += 1
            else:
                cell = RawCell(r, col, _cell_text(tc, path), colspan=span)
                cells.append(cell)
                for k in range(col, col + span):
                    above[k] = cell
            col += span
    return cells


def _cell_text(tc: etree._Element, path: str = "") -> str:
    lines = []
    for child in _children(tc, {W + "p", W + "tbl"}):
        if child.tag == W + "p":
            lines.append(_paragraph_text(child))
            lines.extend(_box_text(box) for box in _text_boxes(child))
        else:  # a nested table: one line per row, its cells separated by spaces
            rows: dict[int, list[str]] = {}
            for cell in _grid(child, path):
                rows.setdefault(cell.row, []).append(" ".join(cell.text.split("\n")))
            lines.extend(" ".join(rows[r]) for r in sorted(rows))
    return "\n".join(lines)


def _box_text(box: etree._Element) -> str:
    return "\n".join(_paragraph_text(p) for p in box.iter(W + "p"))


def _int(element: etree._Element | None, default: int) -> int:
    try:
        return int(element.get(W + "val")) if element is not None else default
    except (TypeError, ValueError):
        return default
