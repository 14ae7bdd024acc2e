"""Write paragraphs and tables into one text, in the shape of the seeds' text exports.

Every loader of a structured format (docx, doc, pdf, xls/xlsx, html) hands its content, in reading
order, to a ``TextBuilder``; the builder lays it out and records each block's and cell's span, so
that gold quotes taken from a text export can be found in any format:

- a paragraph is one line (soft line breaks inside it are kept, empty lines are not);
- a table is preceded and followed by a blank line; each cell is a line starting with a TAB
  (its own line breaks kept, empty lines included), rows are separated by one blank line;
- a cell covered by a vertical merge is written as an empty ``\\t`` line at the merged cell's
  first column, as Word's text export does; a horizontally covered position writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.errors import InputError
from auditor.ingest import tables
from auditor.model import Block, Document, Span
from auditor.rules import RuleSet

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_grid(path: str, positions: int) -> None:
    """Refuse a table of more than ``tables.MAX_TABLE_CELLS`` grid positions, merged positions
    included: a file can declare spans of any size (a cell spanning a billion columns, a merge over
    a whole sheet) for a few bytes. ``positions`` may be a running count of the work done so far,
    so that it is checked before the work grows past the limit."""
    if positions > tables.MAX_TABLE_CELLS:
        raise InputError(path, f"has a table of over {tables.MAX_TABLE_CELLS} cells (merged cells included)",
                         "remove the oversized table or its merges, or raise AUDITOR_MAX_TABLE_CELLS if it is genuine")


def clean(text: str) -> str:
    """Lines stripped, blank lines at either end dropped, line breaks as ``\\n``, no control
    characters. Blank lines inside are kept: a cell's empty paragraphs are part of its text, as
    in Word's own text export."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n"))
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


@dataclass
class RawCell:
    """A cell at its top-left grid position, before it has a place in the text."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def table_rules(rules: RuleSet | None) -> tables.TableRules | None:
    """The ``tables`` section of a rule set (an overlay's: a province's own forms), None for
    the default one."""
    return tables.TableRules.from_mapping(rules["tables"]) if rules is not None else None


class TextBuilder:
    def __init__(self, path: str = "", rules: RuleSet | None = None) -> None:
        self.path = path  # named in the error that refuses an oversized table
        self.rules = table_rules(rules)  # header words etc. of the tables built
        self._parts: list[str] = []
        self._length = 0
        self._tail = ""  # the last two characters written
        self.blocks: list[Block] = []

    def _write(self, text: str) -> int:
        start = self._length
        if text:
            self._parts.append(text)
            self._length += len(text)
            self._tail = (self._tail + text)[-2:]
        return start

    def paragraph(self, text: str, page: int | None = None) -> None:
        text = "\n".join(line for line in clean(text).split("\n") if line)
        if not text:
            return
        start = self._write(text)
        self._write("\n")
        self.blocks.append(Block("paragraph", Span(start, start + len(text)), page=page))

    def table(self, cells: list[RawCell], page: int | None = None) -> None:
        """Write a table given its cells (each once, at its top-left, with its spans)."""
        cells = [c for c in cells if c.rowspan > 0 and c.colspan > 0]
        if not cells:
            return
        n_rows = max(c.row + c.rowspan for c in cells)
        n_cols = max(c.col + c.colspan for c in cells)
        check_grid(self.path, n_rows * n_cols)
        check_grid(self.path, sum(c.rowspan * c.colspan for c in cells))  # overlapping merges
        if self._length and self._tail != "\n\n":
            self._write("\n")
        start = self._length
        by_position = {(c.row, c.col): c for c in cells}
        covered: dict[tuple[int, int], RawCell] = {}
        for c in cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    covered.setdefault((r, k), c)
        rows: list[list[tables.GridCell]] = []
        for r in range(n_rows):
            rows.append([])
            if r:
                self._write("\n")
            for k in range(n_cols):
                cell = by_position.get((r, k))
                owner = covered.get((r, k))
                if cell is not None:
                    text = clean(cell.text)
                    self._write("\t")
                    at = self._write(text)
                    self._write("\n")
                    rows[-1].append(tables.GridCell(text, Span(at, at + len(text)), cell.rowspan, cell.colspan, k))
                elif owner is None or (owner.row < r and owner.col == k):
                    self._write("\t\n")  # an empty position, or a vertical merge's continuation
        end = self._length - 1  # the table's span ends at its last cell's line break
        self._write("\n")
        # Header paths and row headers are found as for text tables, merges known here.
        self.blocks.append(tables.build_table(rows, span=Span(start, end), page=page, rules=self.rules))

    def document(self, path: str, data: bytes, fmt: str, encoding: str | None = None) -> Document:
        return Document(path=path, text="".join(self._parts), blocks=tuple(self.blocks), format=fmt,
                        sha256=Document.digest(data), encoding=encoding)

