"""Tables: give any grid of cells its headers and row headers, and place the cells of rows that
lost some. Plain text is cut into grids by ``auditor.ingest.text_layouts``.

Public functions
----------------
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
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from auditor.ingest import line_numbers
from auditor.ingest.normalise import simplified
from auditor.model import Block, Cell, Span
from auditor.rules import RuleSet

_NUMBER = re.compile(r"[+\-−]?\d+(?:[.,]\d+)*[%％]?")
# A figure: a number (optionally after a comparator) that is not a year ("2022年…" is a label).
_FIGURE = re.compile(r"[≥≤<>＞＜]?=?[+\-−]?\d+(?:[.,]\d+)*(?![\d.,年])")
# A cell that is one figure with at most a short unit (≥500亩, 96.50%, 2600元/人), not a label
# that starts with a number (1、水稻…, 2023年12月).
_VALUE_CELL = re.compile(r"[≥≤≧≦<>＞＜]?=?[+\-−]?\d+(?:[.,]\d+)*(?:[%％]|[^\d、,，.:：;；。]{0,5})")
_WORD = re.compile(r"[\u3400-\u9fff]{2}")  # a header word, not a column's number (①, ⑧=④*⑦)
_DECLARED_UNIT = re.compile(r"单位[:：]([^、,，;；]+?)(?:[、,，;；]|$)")
# Grid positions (rows times columns) one table may have. Laying a table out takes time in its
# area, not in its text: a few bytes can declare spans of any size, and a ragged text table of a
# thousand short rows under one row of 50,000 tabs is 50 million positions. The loaders of
# structured formats refuse a larger table (auditor.ingest.layout); a text keeps its lines as
# paragraphs.
MAX_TABLE_CELLS = int(os.environ.get("AUDITOR_MAX_TABLE_CELLS") or 250_000)



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
    rate_parts: tuple[tuple[str, str, str], ...] = ()
    points_terms: tuple[str, ...] = ()
    score_terms: tuple[str, ...] = ()
    two_level_agreement: float = 1.0
    column_number_terms: tuple[str, ...] = ()
    label_lines: tuple[str, ...] = ()
    label_lines_min: int = 3

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
            rate_parts=tuple((str(r), str(n), str(d)) for r, n, d in data.get("rate_parts", ())),
            points_terms=tuple(data.get("points_terms", ())),
            score_terms=tuple(data.get("score_terms", ())),
            two_level_agreement=float(data.get("two_level_agreement", 1.0)),
            column_number_terms=tuple(data.get("column_number_terms", ())),
            label_lines=tuple(data.get("label_lines", {}).get("labels", ())),
            label_lines_min=int(data.get("label_lines", {}).get("min_lines", 3)),
        )

    def is_header_term(self, norm: str) -> bool:
        return 0 < len(norm) <= self.header_max_chars and self._header_term.search(norm) is not None

    @cached_property
    def _header_term(self) -> re.Pattern[str]:
        """Any of the header terms, anywhere (one search instead of a test per term: cells are many)."""
        return re.compile("|".join(map(re.escape, self.header_terms)) or "(?!)")

    def is_value_term(self, norm: str) -> bool:
        return any(t in norm for t in self.value_terms)

    def declares_unit(self, norm: str) -> bool:
        """``单位：万元`` (金额单位：元): a cell stating the unit of the table's figures."""
        match = _DECLARED_UNIT.search(norm)
        return match is not None and match.group(1) in self.label_units

    def heads_unit(self, norm: str) -> bool:
        """A heading declaring its figures' unit: 单位：万元 anywhere, or a bracketed unit (（万元）)."""
        return any(re.search(rf"(?:单位[:：]|[(（]){re.escape(u)}(?![\u4e00-\u9fff])", norm) for u in self.label_units)

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
    norms = [[simplified(normalise(c.text)) for c in row] for row in rows]
    heads = [(header_rows is not None and r < header_rows) or _is_header_row(n, rules)
             for r, n in enumerate(norms)]
    for r, row in enumerate(rows):  # the rows a header cell spans down to are header rows too
        if heads[r]:
            for k in range(1, max(c.rowspan for c in row) if row else 1):
                heads[r + k] = True
    for r in range(len(rows) - 2, -1, -1):  # and a row spanning down into a header (2016年 over 预算数)
        if not heads[r] and heads[r + 1] and any(c.rowspan > 1 for c in rows[r]) \
                and not any(is_number(t) for t in norms[r]):
            heads[r] = True
    sections = _sections(heads)
    unsure: set[int] = set()  # sections whose header does not span their rows
    if all(c.rowspan == 1 for row in rows for c in row) and \
            all(c.col is None for r, row in enumerate(rows) if not heads[r] for c in row):
        for r in range(1, len(rows) - 1):  # words alone between a header and its figures: its lower level
            if heads[r - 1] and not heads[r] and _lower_header_words(norms[r], norms[r - 1], norms[r + 1], rules):
                heads[r] = True
        sections = _sections(heads)
        _align_totals(rows, norms, sections, rules)
        _place_narrow_rows(rows, norms, sections, rules)
        unsure = {k for k, (header, data) in enumerate(sections)
                  if _header_too_narrow(rows, [r for r in header if not _numbers_columns(norms[r], rules)], data)}
    cols, owner = _layout(rows)
    width = max((cols[r][i] + c.colspan for r, row in enumerate(rows) for i, c in enumerate(row)), default=0)

    paths: dict[int, list[tuple[str, ...]]] = {}
    row_headers: dict[int, tuple[str, ...]] = {}
    declared = ""  # 单位：万元 in a row before the headers: the unit of every column below
    for k, (header, data) in enumerate(sections):
        words = [r for r in header if not _numbers_columns(norms[r], rules)]  # 栏次 rows name no column
        column_paths, _, first_value = _header(words, data, norms, owner, width, rules)
        if k in unsure:
            column_paths = []  # figures under no column rather than under the wrong one
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


def _lower_header_words(norms: list[str], above: list[str], below: list[str], rules: TableRules) -> bool:
    """A row of two or more short words, no figure, narrower than the header row above it and
    followed by a row of figures (机构养育 | 散居 under 孤儿数): the header's lower level."""
    words = [t for t in norms if t]
    return len(words) >= 2 and len(words) < len([t for t in above if t]) \
        and all(len(t) <= rules.header_max_chars and _WORD.search(t) and not _is_value_cell(t) for t in words) \
        and any(_is_value_cell(t) for t in below)


def _header_too_narrow(rows: list[list[GridCell]], header: list[int], data: list[int]) -> bool:
    """A header of several rows whose levels (学段 › 2021年春 › 其中:1类 › 人数) were not rebuilt:
    rows of different counts of words without spans, or narrower than rows below it. No column
    of it is certain."""
    if len(header) < 2 or any(c.col is not None for r in header for c in rows[r]):
        return False  # header cells the layout put in their columns (a word's second line)
    widths = [sum(c.colspan for c in rows[r]) for r in header]
    if any(c.colspan > 1 for r in header for c in rows[r]):
        return any(sum(c.colspan for c in rows[r]) > max(widths) for r in data)
    return len(set(widths)) > 1  # rows of words of different counts: which word is over which, unknown


def _numbers_columns(norms: list[str], rules: TableRules) -> bool:
    return bool(norms) and norms[0] in rules.column_number_terms


def _is_header_row(norms: list[str], rules: TableRules) -> bool:
    if _numbers_columns(norms, rules):
        return True  # 栏次 | 1 | 2 …: the columns' numbers, part of the header
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
        columns = _header_columns(rows, norms, header)
        if columns and columns[0] in columns[1:]:
            continue  # halves side by side (项目 … | 项目 …): which half a short total row belongs to is open
        for r in data:
            gap = width - sum(c.colspan for c in rows[r])
            first = next((i for i, t in enumerate(norms[r]) if t), None)
            if gap > 0 and first is not None and rules.is_total(norms[r][first]):
                # the cells after the label keep to the right; none of its figures under a column of words
                after = norms[r][first + 1:]
                under = columns[len(columns) - len(after):] if len(columns) >= len(after) else []
                if any(_is_value_cell(t) and rules.is_text_column(h) for t, h in zip(after, under)):
                    continue
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
        sides = line_numbers.halves(columns, rules.is_serial_column)
        offsets = line_numbers.numbering({r: norms[r] for r in data}, width, sides) if sides else None
        for r in data:
            row, texts = rows[r], norms[r]
            if len(row) >= width or any(c.col is not None or c.colspan > 1 for c in row):
                continue
            if offsets is not None:
                cols = line_numbers.bind(texts, r, columns, sides, offsets, _is_value_cell)
                if cols is not None:  # certain: the columns it left out are empty
                    at = dict(zip(cols, row))
                    end = row[-1].span.end
                    rows[r] = [at[c]._replace(col=c) if c in at else GridCell("", Span(end, end), col=c)
                               for c in range(width)]
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
        if _is_value_cell(text) and c and header == columns[0]:
            return False  # a figure under the label column of a second half (收入 | 支出 side by side)
        if _is_value_cell(text) and rules.is_text_column(header):
            return False  # a figure under the reasons or remarks (备注)
        if text and not text.isdigit() and rules.is_serial_column(header):
            return False  # words or an amount under the line numbers (行次)
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
