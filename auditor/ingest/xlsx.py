"""Excel workbooks: .xlsx with openpyxl, legacy .xls with xlrd; each sheet becomes a table block.

Cells are written as Excel displays them (``1`` formatted ``0%`` is ``100%``, ``661.72520``
formatted ``0.00`` is ``661.73``), since the checks compare figures at their stated precision.
Merged ranges become one cell with its row and column span; rows and columns holding nothing
are dropped. An HTML page saved as .xls never reaches this module: it is sniffed as HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import zipfile
from bisect import bisect_left, bisect_right
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

from auditor.errors import InputError
from auditor.ingest.containers import OLE_MAGIC, check_zip, refuse_encrypted
from auditor.ingest.layout import RawCell, TextBuilder, check_grid
from auditor.model import Document
from auditor.rules import RuleSet

# A sheet as (values by (row, col), merged ranges as (first row, first col, last row, last col)).
Sheet = tuple[dict[tuple[int, int], str], list[tuple[int, int, int, int]]]


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    refuse_encrypted(path, data)
    if data.startswith(OLE_MAGIC):
        fmt, sheets = "xls", _xls_sheets(path, data)
    else:
        check_zip(path, data, "Excel (.xlsx)")
        fmt, sheets = "xlsx", _xlsx_sheets(path, data)
    builder = TextBuilder(path, rules)
    for values, merges in sheets:
        builder.table(_grid(values, merges, path))
    if not builder.blocks:
        raise InputError(path, "is a workbook with no filled cells", "check that the right file was given")
    return builder.document(path, data, fmt)


# Cells that merged ranges may cover in one sheet: openpyxl makes and styles an object for each
# (~20 µs apiece), whether or not anything is written in it.
MAX_MERGED_CELLS = int(os.environ.get("AUDITOR_MAX_MERGED_CELLS") or 100_000)
# A merged range in a worksheet's XML (any namespace prefix, either quote).
_MERGE_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _check_merges(path: str, data: bytes) -> None:
    """Refuse merged ranges covering more than MAX_MERGED_CELLS cells in a sheet, before openpyxl
    reads them: it makes an object for every cell a range covers (``A1:XFD1048576``: 17 billion)."""
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # readable and of bounded size: check_zip
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            try:
                xml = archive.read(name)
            except Exception as exc:  # a damaged member: bad CRC, a broken deflate stream
                raise InputError(path, f"is not a readable Excel (.xlsx) file ({type(exc).__name__})",
                                 "open it in Excel and save it again") from None
            covered = 0
            for m in _MERGE_CELL.finditer(xml):
                ref = html.unescape((m.group(1) or m.group(2) or b"").decode("utf-8", "replace"))
                try:
                    c0, r0, c1, r1 = range_boundaries(ref.strip())
                except (ValueError, TypeError):
                    continue  # openpyxl cannot read it either
                covered += (abs((r1 or r0 or 1) - (r0 or 1)) + 1) * (abs((c1 or c0 or 1) - (c0 or 1)) + 1)
                if covered > MAX_MERGED_CELLS:
                    raise InputError(path, f"has merged cells covering over {MAX_MERGED_CELLS} cells in one sheet",
                                     "unmerge the cells, or raise AUDITOR_MAX_MERGED_CELLS if the workbook is genuine")


def _xlsx_sheets(path: str, data: bytes) -> list[Sheet]:
    import openpyxl

    _check_merges(path, data)
    try:
        # data_only: a formula cell shows the value Excel last computed for it, as on screen.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl reports a broken workbook with many exception types
        raise InputError(path, f"is not a readable Excel (.xlsx) file ({type(exc).__name__})",
                         "open it in Excel and save it again") from None
    sheets = []
    for ws in book.worksheets:
        # The cells the sheet holds (iter_rows would visit every position of their bounding box:
        # two cells at A1 and XFD1048576 make 17 billion).
        values = {(c.row - 1, c.column - 1): display(c.value, c.number_format)
                  for c in list(ws._cells.values()) if c.value is not None}
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        sheets.append((values, merges))
    return sheets


def _xls_sheets(path: str, data: bytes) -> list[Sheet]:
    import xlrd

    try:
        # xlrd prints its warnings; keep them off standard output, where the JSON report goes.
        # ragged_rows: each row as long as its last cell, not padded to the sheet's widest row.
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except Exception as exc:  # xlrd's XLRDError and struct errors on truncated files
        hint = "remove the password and save again" if "encrypt" in str(exc).lower() else "open it in Excel and save it again"
        raise InputError(path, f"is not a readable Excel (.xls) file ({exc})", hint) from None
    sheets = []
    for ws in book.sheets():
        values = {}
        for r in range(ws.nrows):
            for k in range(ws.row_len(r)):
                cell = ws.cell(r, k)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(cell.value, "#ERR")
                else:
                    value = cell.value
                values[(r, k)] = display(value, _xls_format(book, cell.xf_index))
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]
        sheets.append((values, merges))
    return sheets


def _xls_format(book: Any, xf_index: int) -> str:
    """A cell's number format; General where a damaged file points at a format it lacks."""
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str
    except (IndexError, KeyError):
        return "General"


def _grid(values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]],
          path: str = "") -> list[RawCell]:
    """Cells in a grid with empty rows and columns removed; merges keep what they cover."""
    values = {pos: v for pos, v in values.items() if v.strip()}
    rows = sorted({r for r, _ in values})
    cols = sorted({k for _, k in values})
    check_grid(path, len(rows) * len(cols))
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {k: i for i, k in enumerate(cols)}
    merged = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    # The filled rows and columns a merge covers (not every position of a range the file declares).
    inside = set()
    work = 0
    for r0, c0, r1, c1 in merges:
        merged_rows = rows[bisect_left(rows, r0):bisect_right(rows, r1)]
        merged_cols = cols[bisect_left(cols, c0):bisect_right(cols, c1)]
        work += len(merged_rows) * len(merged_cols)
        check_grid(path, work)  # overlapping merges, which Excel never writes
        inside.update((r, k) for r in merged_rows for k in merged_cols if (r, k) != (r0, c0))
    cells = []
    for (r, k), text in values.items():
        if (r, k) in inside:
            continue  # Excel shows only a merged range's top-left value
        r1, c1 = merged.get((r, k), (r, k))
        rowspan = max(1, bisect_right(rows, r1) - bisect_left(rows, r))
        colspan = max(1, bisect_right(cols, c1) - bisect_left(cols, k))
        cells.append(RawCell(row_at[r], col_at[k], text, rowspan, colspan))
    return cells


_SECTION = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[^"\\\[]+')


def display(value: object, number_format: str | None) -> str:
    """``value`` as Excel shows it under ``number_format`` (the common number formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if not isinstance(value, (int, float)):
        return str(value)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # inf and nan
        return str(value)
    fmt = (number_format or "General").split(";")[0]
    prefix, body, suffix = _parts(fmt)
    # Enough precision for every digit of the number and its decimals (1E+308 has 309 digits);
    # Excel shows at most 30 decimals.
    decimals = min(len(re.search(r"\.([0#?]*)", body).group(1)) if "." in body else 0, MAX_DECIMALS)
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + MAX_DECIMALS + 4)
        if not re.search(r"[0#?]", body):  # General, @, or no digit placeholders
            return _plain(number)
        if "%" in body:
            number *= 100
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{number:,.{decimals}f}" if "," in body else f"{number:.{decimals}f}"
    return prefix + text + ("%" if "%" in body else "") + suffix


MAX_DECIMALS = 30


@lru_cache(maxsize=1024)  # a workbook has few formats and many cells
def _parts(fmt: str) -> tuple[str, str, str]:
    """A format section split into literal prefix, number pattern, literal suffix."""
    tokens = _SECTION.findall(fmt)
    literals = [t[1:-1] if t.startswith('"') else t[1:] if t.startswith("\\") else "" for t in tokens]
    pattern = [i for i, t in enumerate(tokens) if not literals[i] and not t.startswith("[")]
    if not pattern:
        return "", fmt, ""
    first, last = pattern[0], pattern[-1]
    return "".join(literals[:first]), "".join(tokens[first:last + 1]), "".join(literals[last + 1:])


def _plain(number: Decimal) -> str:
    """Excel's General format for ordinary figures: no exponent, no trailing zeros."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")
