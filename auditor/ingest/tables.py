"""Tables: rebuild them from plain text, and give any grid of cells its headers.

Public functions
----------------
``rebuild(text: str, rules: TableRules | None = None) -> list[Block]``
    The blocks of a plain-text document, in reading order. Every non-blank line outside a table
    is a ``paragraph`` block spanning the line without its terminator. Tables are found in these
    shapes (lines are split on ``\\n`` only; a ``\\r`` before it is part of the terminator):

    1. one cell per line, each line starting with a TAB (Word's text export). A blank line after
       a cell ends the row; a line without a TAB that follows a cell directly or after one blank
       line continues that cell; two or more blank lines then a line without a TAB end the
       table. Before a TAB line, an even number of blank lines (a cell's trailing empty
       paragraphs) keeps the row, an odd number starts a new row.
    2. one row per line, cells separated by TABs; consecutive such lines form a table.
    3. rows with ``|`` separators. When every row line opens with a bar they are Markdown or
       antiword rows (rows above a ``|---|`` line are header rows); otherwise each bar ends a
       cell, padding bars at a row's end are dropped, and a row's lines are found by their bar
       count (``_pipe_rows``): a cell with line breaks spreads a row over lines, a line opening
       with a bar may continue the row above.
    4. one line of cells separated by runs of two or more spaces, when it clearly is a table
       (thresholds in ``rules/tables.yaml``): header cells, then rows of labels and figures.
    5. a line of column headers separated by single spaces (a second line may finish broken
       header words), then lines of labels and figures (``_space_rows``).
    6. one cell per line without TABs, cells apart by blank lines, by lines holding one bar, or
       by nothing, opening with header words (``_cell_lines``).
    7. a form flattened into one long line: a run of column headers followed by figures, bound
       when exactly one order-keeping binding agrees with the figures' types
       (``_header_value_runs``); other figures stay in the text.

    A table needs two rows of two cells or more; otherwise its lines stay paragraphs. Tables
    are found by their content (header words, figures), whatever the separator; PDF text whose
    columns come out interleaved is not untangled here.

``build_table(grid, *, span=None, header_rows=None, page=None, rules=None) -> Block``
    For loaders that split cells themselves (.docx, .html, .xlsx): ``grid`` is a sequence of
    rows, each a sequence of ``GridCell(text, span, rowspan=1, colspan=1, col=None)`` or plain
    ``(text, span, rowspan, colspan)`` tuples. A merged cell appears once, in the row where it
    starts; each cell takes the first column not covered by a cell from a row above (as in
    HTML), or ``col`` when given. ``span`` is the table's span (default: from its first to its
    last cell); ``header_rows`` forces the first rows to be header rows (``<th>`` rows,
    Markdown); further header rows are always detected. ``page`` is copied to the block;
    ``rules`` defaults to ``default_rules()``.

``TableRules.from_mapping(data) -> TableRules`` reads the ``tables`` rule file (as overlaid by
``--rules``); ``default_rules()`` is the bundled one. ``normalise(text) -> str`` removes all
whitespace, as header paths and row headers do.

Cell conventions
----------------
- ``cell.text`` is the document text at ``cell.span``: the cell's content with its own line
  breaks, stripped of surrounding whitespace (U+3000 and NBSP included); an empty cell has a
  zero-length span where its content would start. ``row``/``col`` are grid positions.
- A header row has no pure-number cell and at least two short cells containing a header term,
  or is spanned by a header cell from the row above.
  Consecutive header rows stack; a header row after data rows starts a new header for the rows
  below. In an upper header row an empty cell continues the header to its left (a horizontal
  merge); in the last header row it adds nothing.
- ``header_path`` of a cell is its column's stacked header texts, after the table's label when
  the header's first cell is one (not a header term, and either the rows below leave its column
  empty or it ends with a bracketed unit: ``项目资金（万元）``). Header cells have
  ``is_header=True`` and their column's path; cells of rows before any header have ``()``.
- ``row_header`` holds the labels left of the first value column (a header containing a value
  term: 年度指标值, 分值, 预算数…). An empty label cell left of the row's last label inherits
  the label above (a vertical merge); a row with no label at all inherits all of them. Without
  a header it is the row's leading non-figure cells, never its last one. Header rows have ``()``.
- A row narrower than its header whose first filled cell is a total label (总分, 合计…) is a
  total row: its label spans the missing columns so that its figures sit under the rightmost
  headers (text tables only: grids with explicit spans or columns are taken as given).
- Any other narrower text row lost cells (merged labels, empty cells an export dropped): its
  figures are bound to the value columns by count and type (columns of figures take figures,
  a percentage the only rate column, a trailing 原因 column may be the one missing, a 序号
  stays first) and its labels put just left of them; when no placement is certain its
  figures get columns past the header, so no header and no role (``_place_narrow_rows``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from auditor.model import Block, Cell, Span
from auditor.rules import RuleSet

_NUMBER = re.compile(r"[+\-−]?\d+(?:[.,]\d+)*[%％]?")
# A figure: a number (optionally after a comparator) that is not a year ("2022年…" is a label).
_FIGURE = re.compile(r"[≥≤<>＞＜]?=?[+\-−]?\d+(?:[.,]\d+)*(?![\d.,年])")
# A cell that is one figure with at most a short unit (≥500亩, 97.80%, 2600元/人), not a label
# that starts with a number (1、水稻…, 2023年12月).
_VALUE_CELL = re.compile(r"[≥≤≧≦<>＞＜]?=?[+\-−]?\d+(?:[.,]\d+)*(?:[%％]|[^\d、,，.:：;；。]{0,5})")
_DECLARED_UNIT = re.compile(r"单位[:：]([^、,，;；]+?)(?:[、,，;；]|$)")
_GAP = re.compile(r"[ \u3000\xa0]{2,}")
# Grid positions (rows times columns) one table may have. Laying a table out takes time in its
# area, not in its text: a few bytes can declare spans of any size, and a ragged text table of a
# thousand short rows under one row of 50,000 tabs is 50 million positions. The loaders of
# structured formats refuse a larger table (auditor.ingest.layout); a text keeps its lines as
# paragraphs.
MAX_TABLE_CELLS = int(os.environ.get("AUDITOR_MAX_TABLE_CELLS") or 250_000)

BLANK, SPACE, CELL, GRID, PIPE, TEXT = range(6)  # line kinds


class GridCell(NamedTuple):
    text: str
    span: Span
    rowspan: int = 1
    colspan: int = 1
    col: int | None = None


@dataclass(frozen=True)
class TableRules:
    header_terms: tuple[str, ...]
    header_min_terms: int
    header_max_chars: int
    value_terms: tuple[str, ...]
    rate_terms: tuple[str, ...]
    text_terms: tuple[str, ...]
    figure_terms: tuple[str, ...]
    serial_terms: tuple[str, ...]
    total_labels: tuple[str, ...]
    label_units: tuple[str, ...]
    flat_min_cells: int
    flat_min_header_cells: int
    flat_min_numeric_cells: int
    flat_max_cell_chars: int
    sentence_marks: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TableRules:
        flat = data.get("flattened", {})
        return cls(
            header_terms=tuple(data.get("header_terms", ())),
            header_min_terms=int(data.get("header_min_terms", 2)),
            header_max_chars=int(data.get("header_max_chars", 24)),
            value_terms=tuple(data.get("value_terms", ())),
            rate_terms=tuple(data.get("rate_terms", ())),
            text_terms=tuple(data.get("text_terms", ())),
            figure_terms=tuple(data.get("figure_terms", ())),
            serial_terms=tuple(data.get("serial_terms", ())),
            total_labels=tuple(data.get("total_labels", ())),
            label_units=tuple(data.get("label_units", ())),
            flat_min_cells=int(flat.get("min_cells", 6)),
            flat_min_header_cells=int(flat.get("min_header_cells", 2)),
            flat_min_numeric_cells=int(flat.get("min_numeric_cells", 2)),
            flat_max_cell_chars=int(flat.get("max_cell_chars", 40)),
            sentence_marks=str(flat.get("sentence_marks", "。；")),
        )

    def is_header_term(self, norm: str) -> bool:
        return 0 < len(norm) <= self.header_max_chars and any(t in norm for t in self.header_terms)

    def is_value_term(self, norm: str) -> bool:
        return any(t in norm for t in self.value_terms)

    def declares_unit(self, norm: str) -> bool:
        """``单位：万元`` (金额单位：元): a cell stating the unit of the table's figures."""
        match = _DECLARED_UNIT.search(norm)
        return match is not None and match.group(1) in self.label_units

    def is_rate_column(self, norm: str) -> bool:
        return any(t in norm for t in self.rate_terms)

    def is_figure_column(self, norm: str) -> bool:
        return any(t in norm for t in self.figure_terms)

    def is_serial_column(self, norm: str) -> bool:
        return norm in self.serial_terms

    def is_text_column(self, norm: str) -> bool:
        return any(t in norm for t in self.text_terms)

    def is_total(self, norm: str) -> bool:
        return norm.rstrip("：:").endswith(self.total_labels)

    def has_unit_suffix(self, norm: str) -> bool:
        """Whether ``norm`` ends with a bracketed unit, as in ``项目资金（万元）``."""
        if not norm.endswith((")", "）")):
            return False
        opening = max(norm.rfind("("), norm.rfind("（"))
        return opening >= 0 and norm[opening + 1 : -1] in self.label_units


@lru_cache(maxsize=1)
def default_rules() -> TableRules:
    return TableRules.from_mapping(RuleSet.load()["tables"])


def normalise(text: str) -> str:
    return "".join(text.split())


def is_number(norm: str) -> bool:
    return _NUMBER.fullmatch(norm) is not None


def _is_figure(norm: str) -> bool:
    return _FIGURE.match(norm) is not None


# --- any grid: headers and row headers ------------------------------------------------------


def build_table(
    grid: Sequence[Sequence[GridCell | tuple[Any, ...]]],
    *,
    span: Span | None = None,
    header_rows: int | None = None,
    page: int | None = None,
    rules: TableRules | None = None,
) -> Block:
    """A table block from rows of cells, with header paths and row headers (module docstring)."""
    rules = rules or default_rules()
    rows = [[_grid_cell(c, len(grid) - r) for c in row] for r, row in enumerate(grid)]
    norms = [[normalise(c.text) for c in row] for row in rows]
    heads = [(header_rows is not None and r < header_rows) or _is_header_row(n, rules)
             for r, n in enumerate(norms)]
    for r, row in enumerate(rows):  # the rows a header cell spans down to are header rows too
        if heads[r]:
            for k in range(1, max(c.rowspan for c in row) if row else 1):
                heads[r + k] = True
    sections = _sections(heads)
    if all(c.rowspan == 1 for row in rows for c in row) and \
            all(c.col is None for r, row in enumerate(rows) if not heads[r] for c in row):
        _align_totals(rows, norms, sections, rules)
        _place_narrow_rows(rows, norms, sections, rules)
    cols, owner = _layout(rows)
    width = max((cols[r][i] + c.colspan for r, row in enumerate(rows) for i, c in enumerate(row)), default=0)

    paths: dict[int, list[tuple[str, ...]]] = {}
    row_headers: dict[int, tuple[str, ...]] = {}
    declared = ""  # 单位：万元 in a row before the headers: the unit of every column below
    for header, data in sections:
        column_paths, label, first_value = _header(header, data, norms, owner, width, rules)
        if header and declared:
            column_paths = [(declared, *path) for path in column_paths]
        if not header:
            declared = next((t for r in data for t in norms[r] if rules.declares_unit(t)), declared)
        for r in header:
            paths[r] = column_paths
            row_headers[r] = ()
        above: list[str] = []
        for r in data:
            paths[r] = column_paths
            if first_value is None:
                row_headers[r] = _leading_labels(norms[r])
            else:
                labels = [_text_at(norms, owner, r, c) for c in range(first_value)]
                above = _fill(labels, above)
                row_headers[r] = _distinct(t for t in above if t)

    out_rows = []
    for r, row in enumerate(rows):
        column_paths = paths[r]
        cells = []
        for i, cell in enumerate(row):
            col = cols[r][i]
            path = column_paths[col] if col < len(column_paths) else ()
            cells.append(Cell(r, col, cell.span, cell.text, header_path=path, row_header=row_headers[r],
                              rowspan=cell.rowspan, colspan=cell.colspan, is_header=heads[r]))
        out_rows.append(tuple(cells))
    if span is None:
        spans = [c.span for row in rows for c in row]
        span = Span(min((s.start for s in spans), default=0), max((s.end for s in spans), default=0))
    return Block("table", span, tuple(out_rows), page=page)


def _grid_cell(cell: GridCell | tuple[Any, ...], rows_left: int) -> GridCell:
    cell = cell if isinstance(cell, GridCell) else GridCell(*cell)
    # A span below 1 or past the table's last row would claim positions that do not exist.
    return cell._replace(rowspan=min(max(1, cell.rowspan), rows_left), colspan=max(1, cell.colspan))


def _is_header_row(norms: list[str], rules: TableRules) -> bool:
    if any(is_number(t) for t in norms):
        return False
    return sum(rules.is_header_term(t) for t in norms) >= rules.header_min_terms


def _sections(heads: list[bool]) -> list[tuple[list[int], list[int]]]:
    """(header rows, data rows) pairs: a header row after data rows starts a new section."""
    sections: list[tuple[list[int], list[int]]] = []
    for r, is_head in enumerate(heads):
        if not sections or (is_head and sections[-1][1]):
            sections.append(([], []))
        sections[-1][0 if is_head else 1].append(r)
    return sections


def _align_totals(rows: list[list[GridCell]], norms: list[list[str]],
                  sections: list[tuple[list[int], list[int]]], rules: TableRules) -> None:
    for header, data in sections:
        if not header:
            continue
        width = max(sum(c.colspan for c in rows[r]) for r in header)
        for r in data:
            gap = width - sum(c.colspan for c in rows[r])
            first = next((i for i, t in enumerate(norms[r]) if t), None)
            if gap > 0 and first is not None and rules.is_total(norms[r][first]):
                rows[r][first] = rows[r][first]._replace(colspan=rows[r][first].colspan + gap)


def _place_narrow_rows(rows: list[list[GridCell]], norms: list[list[str]],
                       sections: list[tuple[list[int], list[int]]], rules: TableRules) -> None:
    """A text row narrower than its header lost cells (merged labels, empty cells dropped by the
    export): its figures are bound to the header's value columns by count and type, its labels
    put just left of them. A row whose figures no placement makes certain gets them past the
    header (no column, so no role) rather than under a wrong one."""
    for header, data in sections:
        if not header:
            continue
        columns = _header_columns(rows, norms, header)
        width = len(columns)
        first_value = next((c for c in range(1, width) if rules.is_value_term(columns[c])), None)
        if first_value is None:
            continue
        for r in data:
            row, texts = rows[r], norms[r]
            if len(row) >= width or any(c.col is not None or c.colspan > 1 for c in row):
                continue
            serial = rules.is_serial_column(columns[0]) and texts[0].isdigit()
            cols = _bind_by_type(texts[serial:], columns, first_value, rules, first_label=int(serial))
            if cols is not None and serial:
                cols = [0, *cols]
            if cols is None:
                split = _first_figure(texts)
                cols = [*range(split), *range(width, width + len(row) - split)]
            rows[r] = [cell._replace(col=c) for cell, c in zip(row, cols)]


def _header_columns(rows: list[list[GridCell]], norms: list[list[str]], header: list[int]) -> list[str]:
    """Each column's header words: the widest header row by position, and the cells of other
    header rows that name their column (a header word's second line)."""
    base = max(header, key=lambda r: len(rows[r]))
    columns = list(norms[base])
    for r in header:
        for cell, norm in zip(rows[r], norms[r]):
            if r != base and cell.col is not None and cell.col < len(columns):
                columns[cell.col] += norm
    return columns


def _is_value_cell(norm: str) -> bool:
    return _VALUE_CELL.fullmatch(norm) is not None


def _first_figure(texts: list[str]) -> int:
    return next((i for i, t in enumerate(texts) if _is_value_cell(t)), len(texts))


def _bind_by_type(texts: list[str], columns: list[str], first_value: int, rules: TableRules,
                  first_label: int = 0) -> list[int] | None:
    """Columns for a narrow row's cells, or None when no placement is certain. The row's last
    cells fill the value columns when every column of figures (分值, 得分, 预算数…) gets a figure
    and every label left of them is no figure; the trailing text columns (偏差原因) may be the
    ones left out. Failing that, the row's only percentage binds to the header's only rate
    column and the figures around it follow."""
    values = list(range(first_value, len(columns)))
    candidates = [values]
    while values and rules.is_text_column(columns[values[-1]]):
        values = values[:-1]
        candidates.append(values)
    if _is_value_cell(texts[-1]):  # a row ending in a figure more likely left its reason out
        candidates.reverse()
    labelled = bool(texts[0])  # a row that starts with a word keeps at least that label
    for values in candidates:
        split = len(texts) - len(values)
        if values and labelled <= split <= first_value - first_label and \
                _types_agree(texts, columns, split, values, rules):
            return [*range(first_value - split, first_value), *values]
    split = _first_figure(texts)
    rates = [c for c in range(first_value, len(columns)) if rules.is_rate_column(columns[c])]
    percents = [i for i in range(split, len(texts)) if texts[i].endswith(("%", "％"))]
    if len(rates) != 1 or len(percents) != 1:
        return None
    first = rates[0] - (percents[0] - split)
    placed = list(range(first, first + len(texts) - split))
    if first < max(first_value, split + first_label) or placed[-1] >= len(columns):
        return None
    if not _types_agree(texts, columns, split, placed, rules):
        return None
    return [*range(first - split, first), *placed]


def _types_agree(texts: list[str], columns: list[str], split: int, placed: list[int], rules: TableRules) -> bool:
    if any(_is_value_cell(t) for t in texts[:split]):
        return False
    for text, c in zip(texts[split:], placed):
        header = columns[c]
        percent = text.endswith(("%", "％"))
        if rules.is_figure_column(header) and not (_is_value_cell(text) or text in _PLACEHOLDERS):
            return False
        if percent and not rules.is_rate_column(header) and rules.is_figure_column(header):
            return False  # a percentage under a column of amounts or points
    return True


_PLACEHOLDERS = frozenset(("", "/", "-", "—", "——", "－", "\\", "无"))


def _layout(rows: list[list[GridCell]]) -> tuple[list[list[int]], dict[tuple[int, int], tuple[int, int]]]:
    """Each cell's column, and the owner (row, index) of every grid position a cell covers."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    cols: list[list[int]] = []
    for r, row in enumerate(rows):
        c = 0
        row_cols = []
        for i, cell in enumerate(row):
            if cell.col is not None and cell.col > c:
                c = cell.col
            while (r, c) in owner:
                c += 1
            row_cols.append(c)
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    owner.setdefault((rr, cc), (r, i))
            c += cell.colspan
        cols.append(row_cols)
    return cols, owner


def _text_at(norms: list[list[str]], owner: dict[tuple[int, int], tuple[int, int]], r: int, c: int) -> str:
    at = owner.get((r, c))
    return norms[at[0]][at[1]] if at else ""


def _header(header: list[int], data: list[int], norms: list[list[str]],
            owner: dict[tuple[int, int], tuple[int, int]], width: int,
            rules: TableRules) -> tuple[list[tuple[str, ...]], str, int | None]:
    """The section's column header paths, its table label, and its first value column."""
    if not header:
        return [], "", None
    stacks: list[list[str]] = [[] for _ in range(width)]
    for k, r in enumerate(header):
        upper = k < len(header) - 1
        left = ""
        for c in range(width):
            at = owner.get((r, c))
            if at is not None and at[0] != r:  # covered by a header cell from a row above
                left = ""
                continue
            text = norms[r][at[1]] if at else ""
            if not text and upper and at is not None:  # past the row's last cell is no merge
                text = left
            if text and (not stacks[c] or stacks[c][-1] != text):
                stacks[c].append(text)
            left = text
    label = _label(header, data, norms, owner, rules)
    first_value = next((c for c in range(width)
                        if any(rules.is_value_term(t) for t in stacks[c] if t != label)), None)
    paths = [_distinct([label, *stack] if label else stack) for stack in stacks]
    return paths, label, first_value


def _label(header: list[int], data: list[int], norms: list[list[str]],
           owner: dict[tuple[int, int], tuple[int, int]], rules: TableRules) -> str:
    """The text of the header's first cell when it labels the table rather than a column."""
    top = owner.get((header[0], 0))
    if top is None or top[0] != header[0]:
        return ""
    text = norms[top[0]][top[1]]
    if not text or rules.is_header_term(text):
        return ""
    if any(owner.get((r, 0)) != top and _text_at(norms, owner, r, 0) for r in header[1:]):
        return ""  # column 0 has a header of its own below: the text is a group header
    if rules.has_unit_suffix(text):
        return text
    if not data:
        return ""
    below = owner.get((data[0], 0))
    return text if below == top or not _text_at(norms, owner, data[0], 0) else ""


def _fill(labels: list[str], above: list[str]) -> list[str]:
    """Empty label cells left of the row's last label are merged with the label above."""
    last = max((i for i, t in enumerate(labels) if t), default=-1)
    if last < 0:
        return list(above) or labels
    return [above[i] if not t and i < last and i < len(above) else t for i, t in enumerate(labels)]


def _leading_labels(norms: list[str]) -> tuple[str, ...]:
    """Without a header: the leading non-figure cells, but never the row's last filled cell."""
    filled = [i for i, t in enumerate(norms) if t]
    labels = []
    for i, t in enumerate(norms):
        if not filled or i >= filled[-1] or _is_figure(t):
            break
        if t:
            labels.append(t)
    return tuple(labels)


def _distinct(texts: Any) -> tuple[str, ...]:
    """``texts`` without consecutive repeats (a merged cell seen from each column it covers)."""
    out: list[str] = []
    for t in texts:
        if not out or out[-1] != t:
            out.append(t)
    return tuple(out)


# --- plain text: finding the tables ---------------------------------------------------------


def rebuild(text: str, rules: TableRules | None = None) -> list[Block]:
    """Paragraphs and tables of a plain text, in reading order (module docstring)."""
    rules = rules or default_rules()
    lines = _lines(text)
    kinds = [_kind(text[s:e]) for s, e in lines]
    # how many lines before each line are a header word alone (a table written one cell a line)
    header_lines = [0]
    for (s, e), kind in zip(lines, kinds):
        alone = kind == TEXT and e - s <= 2 * rules.header_max_chars and rules.is_header_term(normalise(text[s:e]))
        header_lines.append(header_lines[-1] + alone)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        kind = kinds[i]
        header_rows = None
        if kind == CELL:
            grid, last = _tab_cell_rows(text, lines, kinds, i)
        elif kind == GRID:
            last = _run_end(kinds, i)
            grid = [_split_at(text, *lines[j], "\t") for j in range(i, last + 1)]
        elif kind == PIPE and not _is_bar_line(text[lines[i][0]:lines[i][1]]):
            last = _pipe_run_end(text, lines, kinds, i)
            grid, header_rows = _pipe_rows(text, lines[i : last + 1])
        elif kind == TEXT and (found := _space_rows(text, lines, kinds, i, rules)) is not None:
            grid, header_rows, last = found
        elif kind in (TEXT, PIPE) and _HEADER_CELLS <= header_lines[min(i + _HEADER_LINES, len(lines))] - header_lines[i] \
                and (found := _cell_lines(text, lines, kinds, i, rules)) is not None:
            grid, last = found
        else:
            if kind == TEXT:
                blocks.append(_paragraph_or_flat(text, *lines[i], rules))
            i += 1
            continue
        if sum(len(row) >= 2 for row in grid) >= 2 and len(grid) * max(map(len, grid)) <= MAX_TABLE_CELLS:
            span = Span(lines[i][0], lines[last][1])
            blocks.append(build_table(grid, span=span, header_rows=header_rows, rules=rules))
        else:
            blocks.extend(Block("paragraph", Span(*lines[j])) for j in range(i, last + 1)
                          if kinds[j] not in (BLANK, SPACE))
        i = last + 1
    return blocks


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line; the end excludes ``\\n`` and a ``\\r`` before it."""
    lines = []
    start = 0
    size = len(text)
    while start <= size:
        nl = text.find("\n", start)
        end = size if nl < 0 else nl
        stop = end - 1 if end > start and text[end - 1] == "\r" else end
        lines.append((start, stop))
        if nl < 0:
            break
        start = nl + 1
    return lines


def _kind(line: str) -> int:
    if not line:
        return BLANK
    tabs = line.count("\t")
    if tabs == 1 and line[0] == "\t":
        return CELL
    if tabs:
        return GRID
    if "|" in line:
        return PIPE
    return SPACE if line.isspace() else TEXT


def _run_end(kinds: list[int], i: int) -> int:
    last = i
    while last + 1 < len(kinds) and kinds[last + 1] == kinds[i]:
        last += 1
    return last


def _cell(text: str, start: int, end: int) -> GridCell:
    a, b = start, end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a == b:
        a = b = start
    return GridCell(text[a:b], Span(a, b))


def _tab_cell_rows(text: str, lines: list[tuple[int, int]], kinds: list[int],
                   first: int) -> tuple[list[list[GridCell]], int]:
    """Shape 1 (module docstring): the rows of cells from line ``first``, and the last line used."""
    rows: list[list[list[int]]] = [[[first, first]]]  # each cell as [first line, last line]
    blanks = 0
    last = first
    for j in range(first + 1, len(lines)):
        kind = kinds[j]
        if kind == BLANK:
            blanks += 1
            continue
        if kind == CELL:
            if blanks % 2:
                rows.append([])
            rows[-1].append([j, j])
        elif kind in (TEXT, SPACE) and blanks <= 1:
            rows[-1][-1][1] = j
        else:
            break
        blanks = 0
        last = j
    grid = [[_cell(text, lines[a][0] + 1, lines[b][1]) for a, b in row] for row in rows]
    return grid, last


def _split_at(text: str, start: int, end: int, separator: str) -> list[GridCell]:
    cells = []
    while True:
        at = text.find(separator, start, end)
        if at < 0:
            cells.append(_cell(text, start, end))
            return cells
        cells.append(_cell(text, start, at))
        start = at + 1


def _pipe_run_end(text: str, lines: list[tuple[int, int]], kinds: list[int], i: int) -> int:
    """The last line of the run of ``|`` lines from ``i``. A few lines without a bar between two
    bar lines are a cell's own line breaks (``…年度无预算追加(1`` inside a scoring rule)."""
    last = i
    j = i + 1
    while j < len(lines):
        if kinds[j] == PIPE:
            last = j
        elif kinds[j] != TEXT or j - last > _MAX_CELL_BREAKS:
            break
        j += 1
    return last


_MAX_CELL_BREAKS = 6  # lines without a bar a cell may run over before the next bar line


def _is_rule_line(line: str) -> bool:
    return set(line.strip()) <= set("|-:+ ") and "-" in line


def _pipe_rows(text: str, lines: list[tuple[int, int]]) -> tuple[list[list[GridCell]], int | None]:
    """Rows of a ``|`` table. When every row line starts with a bar, the rows are Markdown (outer
    bars, rows above ``|---|`` are headers). Otherwise each bar ends a cell (web pages and
    converters), padding bars at the row's end are dropped, and a row's lines are found by
    count: when lines gathered until they hold the table's number of bars make rows of exactly
    that many, a row runs until it has them (a cell with line breaks spreads a row over lines);
    otherwise each line is a row, and a line starting with a bar after a line ending with one
    continues it unless that already holds the usual number of bars of a row."""
    bar_lines = [(s, e) for s, e in lines if "|" in text[s:e] and not _is_rule_line(text[s:e])]
    if bar_lines and all(text[s:e].lstrip().startswith("|") for s, e in bar_lines):
        return _markdown_rows(text, lines)
    counts = [text[s:e].count("|") for s, e in bar_lines]
    width = max(counts, default=0)
    fixed = width >= 3 and _rows_fill(counts, width)
    # the usual count of a row line: a row that holds it is complete, whatever the next line
    rowlike = [n for n in counts if n >= 2]
    usual = max(set(rowlike), key=lambda n: (rowlike.count(n), n)) if rowlike else 0
    regions: list[list[int]] = []  # [start, end, bars] of each row
    for s, e in lines:
        line = text[s:e]
        if _is_rule_line(line):
            continue
        bars = line.count("|")
        if regions:
            region = regions[-1]
            joins = (region[2] < width and region[2] + bars <= width) if fixed else (
                region[2] < usual and line.lstrip().startswith("|")
                and text[region[0]:region[1]].rstrip().endswith("|"))
            if joins or not bars:
                region[1], region[2] = e, region[2] + bars
                continue
        regions.append([s, e, bars])
    grid = []
    for s, e, _ in regions:
        cells = _split_at(text, s, e, "|")
        if text[s:e].rstrip().endswith("|"):
            cells.pop()  # the last bar ends the last cell
        while cells and not cells[-1].text:
            cells.pop()
        if cells:
            grid.append(cells)
    return grid, None


def _rows_fill(counts: list[int], width: int) -> bool:
    """Whether lines gathered until they hold ``width`` bars make rows of exactly that many, as
    when every row of the table has its full count of bars however its lines are broken."""
    rows = exact = held = 0
    for n in counts:
        if held and held + n > width:
            rows, held = rows + 1, 0
        held += n
        if held == width:
            rows, exact, held = rows + 1, exact + 1, 0
    rows += held > 0
    return exact >= _FILLED_ROWS * rows


_FILLED_ROWS = 0.7  # share of rows that must come out complete for the bar count to mark rows


def _markdown_rows(text: str, lines: list[tuple[int, int]]) -> tuple[list[list[GridCell]], int | None]:
    """Rows between ``|`` (outer bars optional at the end); rows above ``|---|`` are headers."""
    grid: list[list[GridCell]] = []
    header_rows = None
    for start, end in lines:
        line = text[start:end]
        if _is_rule_line(line):
            if header_rows is None and grid:
                header_rows = len(grid)
            continue
        if line.count("|") < 2:
            continue
        first = start + line.index("|") + 1
        stop = start + line.rstrip().rindex("|")
        cells = _split_at(text, first, stop, "|")
        if text[stop + 1 : end].strip():  # content after the last bar
            cells.append(_cell(text, stop + 1, end))
        grid.append(cells)
    return grid, header_rows


_TOKEN = re.compile(r"[^\s\u3000\xa0]+")


def _tokens(text: str, start: int, end: int) -> list[GridCell]:
    return [GridCell(m.group(), Span(m.start(), m.end())) for m in _TOKEN.finditer(text, start, end)]


def _space_rows(text: str, lines: list[tuple[int, int]], kinds: list[int], first: int,
                rules: TableRules) -> tuple[list[list[GridCell]], int, int] | None:
    """A form whose cells are words separated by single spaces, a line a row: a header line of
    column terms (项目资金 年初预算数 全年预算数 … 得分), perhaps a second line finishing the
    header words broken in two (年度 实际 … / 指标值 完成值), then rows of labels and figures
    (年度资金总额 29 29 27.8 9 0.958 8) or of a label alone. A bracketed unit opening a row
    (``(万元)``) belongs to the label above it and is no cell. None when line ``first`` starts no
    such table."""
    header = _tokens(text, *lines[first])
    if not _is_space_header([normalise(c.text) for c in header], rules):
        return None
    grid = [header]
    header_rows = 1
    last = first
    j = first + 1
    if j < len(lines) and kinds[j] == TEXT:
        below = _tokens(text, *lines[j])
        if _completes_header(header, below, rules):
            grid.append(_completed_header(header, below, rules))
            header_rows = 2
            last, j = j, j + 1
    figures = 0
    pending: list[tuple[list[GridCell], int]] = []
    while j < len(lines) and kinds[j] in (TEXT, SPACE):
        if kinds[j] == SPACE:
            j += 1
            continue
        row = _tokens(text, *lines[j])
        norms = [normalise(c.text) for c in row]
        if norms and rules.has_unit_suffix("项" + norms[0]) and norms[0][0] in "(（":
            row, norms = row[1:], norms[1:]
        values = sum(_is_value_cell(t) for t in norms)
        if not norms or any(m in t for t in norms for m in rules.sentence_marks):
            break
        if values == 0 and (len(norms) > 1 or len(norms[0]) > _LONE_LABEL_CHARS):
            # a row of words whose figures wrapped onto the next line; two such rows end the table
            if pending:
                break
            pending = [(row, j)]
            j += 1
            continue
        for wordy, at in pending:
            grid.append(wordy)
            last = at
        pending = []
        figures += values >= 2
        grid.append(row)
        last, j = j, j + 1
    return (grid, header_rows, last) if figures else None


_LONE_LABEL_CHARS = 12  # a row holding only its label (其他资金) is this short


def _is_space_header(norms: list[str], rules: TableRules) -> bool:
    terms = sum(rules.is_header_term(t) for t in norms)
    return (terms >= max(rules.header_min_terms, 3) and terms * 2 >= len(norms)
            and not any(_is_value_cell(t) or any(m in t for m in rules.sentence_marks) for t in norms))


def _completes_header(header: list[GridCell], below: list[GridCell], rules: TableRules) -> bool:
    """Whether ``below`` finishes header words broken in two: as many terms as there are
    non-terms just left of the header's first value term (年度 实际 | 分值 …)."""
    norms = [normalise(c.text) for c in header]
    ends = [normalise(c.text) for c in below]
    if not ends or not all(rules.is_header_term(t) or rules.is_value_term(t) for t in ends):
        return False
    first_value = next((i for i, t in enumerate(norms) if rules.is_value_term(t)), None)
    if first_value is None or first_value < len(ends):
        return False
    return not any(rules.is_header_term(t) for t in norms[first_value - len(ends):first_value])


def _completed_header(header: list[GridCell], below: list[GridCell], rules: TableRules) -> list[GridCell]:
    """The second header line as a header row whose cells sit under the words they finish."""
    norms = [normalise(c.text) for c in header]
    first_value = next(i for i, t in enumerate(norms) if rules.is_value_term(t))
    at = first_value - len(below)
    return [cell._replace(col=at + k) for k, cell in enumerate(below)]


def _is_bar_line(line: str) -> bool:
    return line.strip() == "|"


def _cell_lines(text: str, lines: list[tuple[int, int]], kinds: list[int], first: int,
                rules: TableRules) -> tuple[list[list[GridCell]], int] | None:
    """A table written one cell per line, without TABs: cells apart by blank lines, by lines
    holding a single ``|``, or by nothing (scraped web pages). It opens with header cells (at
    least ``flat.min_header_cells`` within its first cells) and holds figures; its cells make
    rows as a flattened line's do: the header, then a label and its figures per row."""
    cells: list[GridCell] = []
    last = first
    blanks = 0
    j = first
    while j < len(lines):
        line = text[lines[j][0]:lines[j][1]]
        if kinds[j] in (BLANK, SPACE):
            blanks += 1
            if blanks > 1:
                break
        elif _is_bar_line(line):
            blanks = 0
        elif kinds[j] == TEXT and _is_cell_line(normalise(line), rules):
            cells.append(_cell(text, *lines[j]))
            blanks, last = 0, j
            # decided on the first cells, so that no line is read more than a few times over
            if len(cells) == _HEADER_WITHIN and not _opens_with_header(cells, rules):
                return None
            if len(cells) == 2 * _HEADER_WITHIN and sum(is_number(normalise(c.text)) for c in cells) < \
                    rules.flat_min_numeric_cells:
                return None
        else:
            break
        j += 1
    if not _opens_with_header(cells, rules):
        return None
    norms = [normalise(c.text) for c in cells]
    if sum(is_number(t) for t in norms) < rules.flat_min_numeric_cells * 2:
        return None
    return _widen_header(_split_header_runs(_flat_rows(cells, norms, rules), rules)), last


def _widen_header(rows: list[list[GridCell]]) -> list[list[GridCell]]:
    """A header narrower than the rows of figures below it left its first words (年份, 项目) in
    the lines before it: they rejoin it when they are words, not figures."""
    widths = [len(r) for r in rows[2:] if any(_is_figure(normalise(c.text)) for c in r)]
    if len(rows) < 3 or not widths:
        return rows
    usual = max(set(widths), key=widths.count)
    before, header = rows[0], rows[1]
    missing = usual - len(header)
    if 0 < missing <= len(before) and not any(_is_figure(normalise(c.text)) for c in before[-missing:]):
        rows = [before[:-missing], before[-missing:] + header, *rows[2:]]
        return [r for r in rows if r]
    return rows


def _split_header_runs(rows: list[list[GridCell]], rules: TableRules) -> list[list[GridCell]]:
    """A row whose words before its label are column headers (the second half of a 收入 | 支出
    table written after the first) is a header row, then the label's row."""
    out = []
    for row in rows:
        norms = [normalise(c.text) for c in row]
        lead = next((i for i, t in enumerate(norms) if _is_figure(t)), len(norms))
        if 2 < lead < len(norms) and sum(rules.is_header_term(t) for t in norms[:lead - 1]) >= rules.header_min_terms:
            out += [row[:lead - 1], row[lead - 1:]]
        else:
            out.append(row)
    return out


_HEADER_WITHIN = 12  # the header cells come among a table's first cells


_HEADER_LINES = 2 * _HEADER_WITHIN  # the lines those cells and their separators take at most
_HEADER_CELLS = 3  # header cells a table written one cell a line opens with, at least


def _opens_with_header(cells: list[GridCell], rules: TableRules) -> bool:
    norms = [normalise(c.text) for c in cells[:_HEADER_WITHIN]]
    return sum(rules.is_header_term(t) and not is_number(t) for t in norms) >= \
        max(rules.flat_min_header_cells, _HEADER_CELLS)


def _is_cell_line(norm: str, rules: TableRules) -> bool:
    return 0 < len(norm) <= _CELL_LINE_CHARS and not any(m in norm for m in rules.sentence_marks)


_CELL_LINE_CHARS = 30  # a line longer than this is a sentence, not a cell


def _paragraph_or_flat(text: str, start: int, end: int, rules: TableRules) -> Block:
    cells = _flat_cells(text, start, end)
    norms = [normalise(c.text) for c in cells]
    if _clearly_table(norms, rules):
        return build_table(_flat_rows(cells, norms, rules), span=Span(start, end), rules=rules)
    runs = _header_value_runs(text, start, end, rules)
    if runs:
        return build_table(runs, span=Span(start, end), rules=rules)
    return Block("paragraph", Span(start, end))


def _header_value_runs(text: str, start: int, end: int, rules: TableRules) -> list[list[GridCell]]:
    """A form flattened into one line of words and figures (a PDF's text): each run of column
    headers (年初预算数 全年预算数 … 得分) followed by a run of figures becomes a header row and a
    row of those figures, bound to the headers in order and by type when only one binding fits
    (a percentage under a rate, no bare 10 under 执行率), from the longest run of the figures
    that has exactly one. Figures no binding makes certain stay in the text."""
    if end - start < _LONG_LINE_CHARS:
        return []
    tokens = _tokens(text, start, end)
    norms = [normalise(c.text) for c in tokens]
    heads = [rules.is_header_term(t) and not _is_value_cell(t) for t in norms]
    grid: list[list[GridCell]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and heads[j]:
            j += 1
        if j - i < _MIN_HEADER_RUN:
            i = max(j, i + 1)
            continue
        k = j
        while k < len(tokens) and (_is_value_cell(norms[k]) or norms[k] in _PLACEHOLDERS):
            k += 1
        columns = norms[i:j]
        for stop in range(min(k, j + len(columns)), j + 1, -1):
            placed = _unique_binding(norms[j:stop], columns, rules)
            if placed is not None:
                grid += [tokens[i:j], [c._replace(col=col) for c, col in zip(tokens[j:stop], placed)]]
                break
        i = k
    return grid


_LONG_LINE_CHARS = 80  # shorter lines are sentences or rows, not a flattened form
_MIN_HEADER_RUN = 3  # column headers in a row that make a header run


def _unique_binding(cells: list[str], columns: list[str], rules: TableRules) -> list[int] | None:
    """The columns of ``cells`` when exactly one order-keeping binding agrees with their types."""
    n, m = len(cells), len(columns)
    if n < 2 or n > m:
        return None
    fits = [[_fits(c, h, rules) for h in columns] for c in cells]
    ways = [[0] * (m + 1) for _ in range(n + 1)]  # ways[a][b]: first a cells into the first b columns
    for b in range(m + 1):
        ways[0][b] = 1
    for a in range(1, n + 1):
        for b in range(1, m + 1):
            ways[a][b] = ways[a][b - 1] + (ways[a - 1][b - 1] if fits[a - 1][b - 1] else 0)
    if ways[n][m] != 1:
        return None
    placed, b = [], m
    for a in range(n, 0, -1):
        while not (fits[a - 1][b - 1] and ways[a - 1][b - 1]):
            b -= 1
        placed.append(b - 1)
        b -= 1
    return placed[::-1]


def _fits(cell: str, header: str, rules: TableRules) -> bool:
    if cell in _PLACEHOLDERS:
        return True
    percent = cell.endswith(("%", "％"))
    if rules.is_rate_column(header):
        if percent or "%" in header or "％" in header:
            return True
        number = _NUMBER.match(cell.lstrip("≥≤≧≦<>＞＜="))
        return number is not None and float(number.group().replace(",", "").rstrip("%％")) <= _FRACTION_MAX
    return not (percent and rules.is_figure_column(header))


_FRACTION_MAX = 1.5  # a bare number under a rate column is a fraction (0.958) up to this


def _flat_cells(text: str, start: int, end: int) -> list[GridCell]:
    cells = []
    for gap in _GAP.finditer(text, start, end):
        cells.append(_cell(text, start, gap.start()))
        start = gap.end()
    cells.append(_cell(text, start, end))
    return [c for c in cells if c.text]


def _clearly_table(norms: list[str], rules: TableRules) -> bool:
    if len(norms) < rules.flat_min_cells:
        return False
    if any(len(t) > rules.flat_max_cell_chars or any(m in t for m in rules.sentence_marks) for t in norms):
        return False
    return (sum(rules.is_header_term(t) and not is_number(t) for t in norms) >= rules.flat_min_header_cells
            and sum(is_number(t) for t in norms) >= rules.flat_min_numeric_cells)


def _flat_rows(cells: list[GridCell], norms: list[str], rules: TableRules) -> list[list[GridCell]]:
    """Cells of a flattened line as rows: what precedes the header, the header (the first run of
    header cells, after the table's label if any), then rows of labels followed by figures."""
    heads = [rules.is_header_term(t) and not is_number(t) for t in norms]
    first = heads.index(True)
    after = first
    while after < len(cells) and heads[after]:
        after += 1
    if first > 0 and not _is_figure(norms[first - 1]):
        first -= 1
    rows = [cells[:first]] if first else []
    rows.append(cells[first:after])
    row: list[GridCell] = []
    for i in range(after, len(cells)):
        if row and not _is_figure(norms[i]) and _is_figure(norms[i - 1]):
            rows.append(row)
            row = []
        row.append(cells[i])
    if row:
        rows.append(row)
    return rows
