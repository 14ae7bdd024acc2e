"""Plain text cut into paragraphs and tables, whatever separates its cells.

Public function
---------------
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
       cell, padding bars at a row's end are dropped (not one empty cell that makes the row as wide
       as a header ending in 备注 or 说明 above: an empty remark), and a row's lines are found by their bar
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
    8. ``label：value`` or ``label value`` lines (年初预算数：120.00 / 执行率 94.6%) right under a
       heading that declares the unit (单位：万元, （万元）, 金额单位：元): when several such
       lines in a row each name a known label (``label_lines`` in ``rules/tables.yaml``) and hold
       one figure, they are a table: one row per record (a label seen again opens the next), a
       label cell and a value cell per line, as a form's funding row lays them side by side; the
       value's header path is the heading and its label, so a bare figure takes the declared unit
       and its role from the label (``_label_lines``). The heading stays a paragraph.

    A header of two levels that the export flattened (upper words over a repeated block of
    column words, or one upper word over a run opening with a repeated total) gets both levels
    when the words and the figures make its spans certain (``_two_level_header``; shapes 1, 2,
    3 and 6); figures glued without a separator in shape 7 are cut only when one reading
    passes the form's checks (``glued.py``).

    A table needs two rows of two cells or more; otherwise its lines stay paragraphs. Tables
    are found by their content (header words, figures), whatever the separator; PDF text whose
    columns come out interleaved is not untangled here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from auditor.ingest.glued import bind_glued, is_glued
from auditor.ingest.normalise import simplified
from auditor.ingest.tables import (
    _NUMBER,
    _PLACEHOLDERS,
    MAX_TABLE_CELLS,
    GridCell,
    TableRules,
    _is_figure,
    _is_value_cell,
    build_table,
    default_rules,
    is_number,
    normalise,
)
from auditor.model import Block, Cell, Span

_GAP = re.compile(r"[ \u3000\xa0]{2,}")
BLANK, SPACE, CELL, GRID, PIPE, TEXT = range(6)  # line kinds




def rebuild(text: str, rules: TableRules | None = None) -> list[Block]:
    """Paragraphs and tables of a plain text, in reading order (module docstring)."""
    rules = rules or default_rules()
    lines = _lines(text)
    kinds = [_kind(text[s:e]) for s, e in lines]
    # how many lines before each line are a header word alone (a table written one cell a line)
    header_lines = [0]
    for n, ((s, e), kind) in enumerate(zip(lines, kinds)):
        # a header word alone on its line, or broken over it and the next (一般公共⏎预算)
        end = lines[n + 1][1] if n + 1 < len(lines) and kinds[n + 1] == TEXT else e
        alone = kind == TEXT and end - s <= 2 * rules.header_max_chars and rules.is_header_term(normalise(text[s:end]))
        header_lines.append(header_lines[-1] + alone)
    blocks: list[Block] = []
    glued_rows = [_MAX_GLUED_ROWS]  # rows of glued figures left to cut (each may take milliseconds)
    i = 0
    while i < len(lines):
        kind = kinds[i]
        header_rows = None
        if kind == CELL:
            grid, last = _tab_cell_rows(text, lines, kinds, i)
            grid = _two_level_sections(grid, rules)
        elif kind == GRID:
            last = _run_end(kinds, i)
            grid = [_split_at(text, *lines[j], "\t") for j in range(i, last + 1)]
            grid = _two_level_sections(grid, rules)
        elif kind == PIPE and not _is_bar_line(text[lines[i][0]:lines[i][1]]):
            last = _pipe_run_end(text, lines, kinds, i)
            grid, header_rows = _pipe_rows(text, lines[i : last + 1], rules)
            if header_rows is None:
                grid = _two_level_sections(grid, rules)
        elif kind == TEXT and (labelled := _label_lines(text, lines, kinds, i, rules)) is not None:
            blocks.append(labelled[0])
            i = labelled[1] + 1
            continue
        elif kind == TEXT and (found := _space_rows(text, lines, kinds, i, rules)) is not None:
            grid, header_rows, last = found
        elif kind in (TEXT, PIPE) and _HEADER_CELLS <= header_lines[min(i + _HEADER_LINES, len(lines))] - header_lines[i] \
                and (found := _cell_lines(text, lines, kinds, i, rules)) is not None:
            grid, last = found
        else:
            if kind == TEXT:
                blocks.append(_paragraph_or_flat(text, *lines[i], rules, glued_rows))
            i += 1
            continue
        grid, last = _without_trailing_heading(grid, lines, i, last)
        if sum(len(row) >= 2 for row in grid) >= 2 and len(grid) * max(map(len, grid)) <= MAX_TABLE_CELLS:
            span = Span(lines[i][0], lines[last][1])
            blocks.append(build_table(grid, span=span, header_rows=header_rows, rules=rules))
        else:
            blocks.extend(Block("paragraph", Span(*lines[j])) for j in range(i, last + 1)
                          if kinds[j] not in (BLANK, SPACE))
        i = last + 1
    return blocks


# the heading of the text after a table (一、财政拨款安排的经费情况说明：), when the export ran it into
# the table's last row: long words, numbered or ending in a colon, no figure
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
_HEADING_CHARS = 6


def _without_trailing_heading(grid: list[list[GridCell]], lines: list[tuple[int, int]], first: int,
                              last: int) -> tuple[list[list[GridCell]], int]:
    """A table's last row that is only such a heading is no row: the table ends on the line before
    it, and the heading stays a paragraph."""
    while len(grid) > 2:
        cells = [c for c in grid[-1] if c.text.strip()]
        words = cells[0].text.strip() if len(cells) == 1 else ""
        bare = _NUMBERED.sub("", words)
        if len(bare) <= _HEADING_CHARS or any(ch.isdigit() for ch in bare) \
                or not (bare != words or (words.endswith(("：", ":")) and len(bare) > 2 * _HEADING_CHARS)):
            break
        before = max((j for j in range(first, last + 1) if lines[j][1] < cells[0].span.start), default=None)
        if before is None:
            break
        grid, last = grid[:-1], before
    return grid, last


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


def _pipe_rows(text: str, lines: list[tuple[int, int]],
               rules: TableRules | None = None) -> tuple[list[list[GridCell]], int | None]:
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
    rules = rules or default_rules()
    grid = []
    remarks = 0  # the cells of the last row ending in a column of words (备注, 说明)
    for s, e, _ in regions:
        cells = _split_at(text, s, e, "|")
        if text[s:e].rstrip().endswith("|"):
            cells.pop()  # the last bar ends the last cell
        if cells and rules.is_text_column(normalise(cells[-1].text)) and len(normalise(cells[-1].text)) <= 4:
            remarks = len(cells)
        # empty cells at the end are padding, unless one alone makes the row as wide as a header
        # ending in 备注 above (an empty remark): dropped, it would leave the row narrow
        empty_last = len(cells) - next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].text), 0)
        if not (empty_last == 1 and len(cells) == remarks):
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
    (年度资金总额 52 52 49.4 10 0.950 9.5) or of a label alone. A bracketed unit opening a row
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
    blanks = bars = 0
    j = first
    while j < len(lines):
        line = text[lines[j][0]:lines[j][1]]
        if kinds[j] in (BLANK, SPACE):
            blanks += 1
            if blanks > 1:
                break
        elif _is_bar_line(line):
            blanks = 0
            bars += 1
        elif kinds[j] == TEXT and _is_cell_line(normalise(line), rules):
            if bars >= _BARS_SEPARATE and last == j - 1 and cells and \
                    _is_cell_line(normalise(text[cells[-1].span.start:lines[j][1]]), rules):
                # cells apart by bar lines: a line right after a cell is that cell's next line
                cells[-1] = _cell(text, cells[-1].span.start, lines[j][1])
                last = j
                j += 1
                continue
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
    rows = _widen_header(_split_header_runs(_flat_rows(cells, norms, rules), rules))
    return _two_level_header(rows, rules, flattened=True), last


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
_BARS_SEPARATE = 2  # bar lines seen before a table's cells are taken to be apart by them


# shape 8: a label, a colon or spaces, one figure with at most a short unit of its own (the line is
# cut at its last colon or space by hand: a pattern over label, separator and value backtracks)
_LINE_VALUE = re.compile(r"[+\-−]?\d+(?:[.,]\d+)*(?:[%％]|[^\d\s,，.:：;；。、]{0,4})")
_BLANKS = " \t\u3000"
_UNIT_HEADING_CHARS = 40  # a heading longer than this is a sentence


def _label_lines(text: str, lines: list[tuple[int, int]], kinds: list[int], first: int,
                 rules: TableRules) -> tuple[Block, int] | None:
    """Shape 8 (module docstring): the table of the label lines from line ``first`` and its last
    line, or None when line ``first`` opens no such run under a unit heading."""
    if not rules.label_lines or (row := _label_value(text, *lines[first], rules)) is None:
        return None
    above = first - 1
    while above >= 0 and kinds[above] in (BLANK, SPACE) and first - above <= 2:
        above -= 1
    heading = simplified(normalise(text[slice(*lines[above])])) if above >= 0 else ""
    if not heading or len(heading) > _UNIT_HEADING_CHARS or _label_value(text, *lines[above], rules) \
            or not rules.heads_unit(heading):
        return None
    rows = [row]
    last = first
    while last + 1 < len(lines) and kinds[last + 1] == TEXT \
            and (row := _label_value(text, *lines[last + 1], rules)) is not None:
        rows.append(row)
        last += 1
    if len(rows) < rules.label_lines_min:
        return None
    records: list[list[Cell]] = [[]]
    for label, value in rows:
        name = simplified(normalise(label.text))
        if any(c.row_header == (name,) for c in records[-1]):
            records.append([])  # a label again: the next record (a second item's figures)
        r, col = len(records) - 1, len(records[-1])
        records[-1] += [Cell(r, col, label.span, label.text, header_path=(heading,), row_header=(name,)),
                        Cell(r, col + 1, value.span, value.text, header_path=(heading, name), row_header=(name,))]
    return Block("table", Span(lines[first][0], lines[last][1]), tuple(map(tuple, records))), last


def _label_value(text: str, start: int, end: int, rules: TableRules) -> tuple[GridCell, GridCell] | None:
    """The label and value cells of a line ``年初预算数：120.00`` naming a known label, else None."""
    if end - start > _UNIT_HEADING_CHARS:
        return None
    line = text[start:end]
    first, last = len(line) - len(line.lstrip(_BLANKS)), len(line.rstrip(_BLANKS))
    cut = max(line.rfind(ch, first, last) for ch in _BLANKS + ":：")
    if cut <= first:
        return None
    head = line[first:cut].rstrip(_BLANKS)
    if line[cut] not in ":：" and head.endswith((":", "：")):
        head = head[:-1].rstrip(_BLANKS)  # 年初预算数： 120.00
    value = line[cut + 1:last].lstrip(_BLANKS)
    if not head or ":" in head or "：" in head or not _LINE_VALUE.fullmatch(value) or len(_NUMBER.findall(value)) != 1:
        return None
    name = simplified(normalise(head))
    if len(name) > rules.header_max_chars or not any(t in name for t in rules.label_lines):
        return None
    at, value_at = start + first, start + last - len(value)
    return GridCell(head, Span(at, at + len(head))), GridCell(value, Span(value_at, start + last))


def _paragraph_or_flat(text: str, start: int, end: int, rules: TableRules, glued_rows: list[int]) -> Block:
    cells = _flat_cells(text, start, end)
    norms = [normalise(c.text) for c in cells]
    if _clearly_table(norms, rules):
        return build_table(_flat_rows(cells, norms, rules), span=Span(start, end), rules=rules)
    runs = _header_value_runs(text, start, end, rules, glued_rows)
    if runs:
        return build_table(runs, span=Span(start, end), rules=rules)
    return Block("paragraph", Span(start, end))


def _header_value_runs(text: str, start: int, end: int, rules: TableRules,
                       glued_rows: list[int]) -> list[list[GridCell]]:
    """A form flattened into one line of words and figures (a PDF's text): each run of column
    headers (年初预算数 全年预算数 … 得分) followed by a run of figures becomes a header row and a
    row of those figures, bound to the headers in order and by type when only one binding fits
    (a percentage under a rate, no bare 10 under 执行率), from the longest run of the figures
    that has exactly one. Figures no binding makes certain stay in the text; so do figures
    glued together (``glued.py``) past the first ``_MAX_GLUED_ROWS`` rows of them."""
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
        if not _MIN_HEADER_RUN <= j - i <= _MAX_HEADER_RUN:  # a longer run is no form's header
            i = max(j, i + 1)
            continue
        k = j
        while k < len(tokens) and (_is_value_cell(norms[k]) or norms[k] in _PLACEHOLDERS or is_glued(norms[k])):
            k += 1
        columns = norms[i:j]
        if any(is_glued(t) for t in norms[j:k]):  # figures run together: only a certain reading
            glued_rows[0] -= 1
            cut = bind_glued(tokens[j:k], columns, rules, _fits) if glued_rows[0] >= 0 else None
            if cut is not None:
                grid += [tokens[i:j], cut]
            i = k
            continue
        for stop in range(min(k, j + len(columns)), j + 1, -1):
            placed = _unique_binding(norms[j:stop], columns, rules)
            if placed is not None:
                grid += [tokens[i:j], [c._replace(col=col) for c, col in zip(tokens[j:stop], placed)]]
                break
        i = k
    return grid


_MAX_GLUED_ROWS = 40  # a report holds a few; a hostile text many, each taking up to ~50 ms
_LONG_LINE_CHARS = 80  # shorter lines are sentences or rows, not a flattened form
_MIN_HEADER_RUN = 3  # column headers in a row that make a header run
_MAX_HEADER_RUN = 24  # and at most this many (the binding's work grows with the cube of it)


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


_FRACTION_MAX = 1.5  # a bare number under a rate column is a fraction (0.950) up to this


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


def _two_level_sections(rows: list[list[GridCell]], rules: TableRules) -> list[list[GridCell]]:
    """``_two_level_header`` on each part of a grid that opens with a header of its own (a
    report's tables one after another: a header row after rows of figures starts a part)."""
    starts = [0]
    figures_seen = False
    for r, row in enumerate(rows):
        norms = [normalise(c.text) for c in row]
        if any(_is_figure(t) for t in norms):
            figures_seen = True
        elif figures_seen and sum(rules.is_header_term(t) for t in norms) >= rules.header_min_terms:
            above = r - 1 if r - 1 > starts[-1] and not any(_is_figure(normalise(c.text)) for c in rows[r - 1]) else r
            starts.append(above)
            figures_seen = False
    bounds = [*starts, len(rows)]
    decided: dict = {}  # a header repeated by a later table (表1, 表2 of one form) takes the same spans
    return [row for a, b in zip(bounds, bounds[1:])
            for row in _two_level_header(rows[a:b], rules, flattened=False, decided=decided)]


def _two_level_header(rows: list[list[GridCell]], rules: TableRules, flattened: bool,
                      decided: dict | None = None) -> list[list[GridCell]]:
    """A header of two levels flattened into one run of words (or written as two rows without
    their spans) is wider than the rows of figures below it. Its spans are rebuilt when the
    words make them certain, so that each column gets both levels (2016年 › 预算数):

    - the lower level repeats one block of words under each upper word (项目 2016年 2015年 预算数
      决算数 预算数 决算数): each upper word spans the block, the words before them span both
      levels; exactly one block length and count may fit the rows' width;
    - one upper word over a lower run opening with a total that repeats a word of the run
      (… 公车购置及运行维护费 合计 车辆购置 车辆运行): the run is the upper word's columns, when in
      every row of amounts that total is the sum of the run's other columns;
    - one upper word over a lower row of its own (本年执行数 over 金额 占预算% 比上年增长%), the last
      of its row, when only that place makes a rate of the lower row its amount over another
      column in every row of figures.

    A run of words that repeats a total but fits neither leaves the figures below it without
    columns rather than under the wrong ones. ``flattened``: the row before the header run may
    be its start (a form written one cell a line); otherwise it is the upper level's own row."""
    norms = [[normalise(c.text) for c in row] for row in rows]
    head = next((r for r, n in enumerate(norms) if sum(rules.is_header_term(t) for t in n) >= rules.header_min_terms
                 and not any(_is_figure(t) for t in n)), None)
    if head is None:
        return rows
    data = [r for r in range(head + 1, len(rows)) if any(_is_figure(t) for t in norms[r])]
    if not data:
        return rows
    widths = [len(rows[r]) for r in data]
    width = max(set(widths), key=widths.count)
    upper = head - 1 if head and not any(_is_figure(t) for t in norms[head - 1]) else head
    if flattened:  # the run may have been cut into rows anywhere before the figures
        head = data[0] - 1
    elif data[0] == head + 2 and not any(_is_figure(t) for t in norms[head + 1]):
        upper, head = head, head + 1  # the header row, then its lower level's own row
    elif data[0] != head + 1:
        return rows
    words = [c for r in range(upper, head + 1) for c in rows[r]]
    texts = [t for r in range(upper, head + 1) for t in norms[r]]
    split = None if flattened or upper == head else len(rows[upper])
    if len(words) <= width:
        return rows
    levels = _repeated_blocks(texts, width, split) or _total_run(texts, norms, data, width, split, rules) \
        or _rate_in_group(texts, norms, data, width, split, rules)
    if decided is not None:
        levels = levels or decided.get((tuple(texts), width, split))
        if levels is not None:
            decided[(tuple(texts), width, split)] = levels
    if levels is None:
        repeats = [t for i, t in enumerate(texts) if t in texts[:i] and rules.is_total(t)]
        if not repeats:
            return rows
        return rows[:head + 1] + [_unplaced(rows[r], norms[r], len(words)) if r in data else rows[r]
                                  for r in range(head + 1, len(rows))]
    start, spans = levels  # words[start:] is the header; spans: (upper words, each one's span)
    above = words[start:start + spans[0]]
    groups = words[start + spans[0]:start + spans[0] + spans[1]]
    lower = words[start + spans[0] + spans[1]:]
    first = [c._replace(rowspan=2, col=None) for c in above] + [c._replace(colspan=spans[2], col=None) for c in groups]
    second = [c._replace(col=None) for c in lower]
    before = [words[:start]] if start else []
    return rows[:upper] + before + [first, second] + rows[head + 1:]


def _repeated_blocks(texts: list[str], width: int, split: int | None) -> tuple[int, tuple[int, int, int]] | None:
    """(start, (words above both levels, upper words, block length)) when exactly one block of
    two or more distinct words, repeated under two or more upper words, fits ``width``."""
    found = []
    for size in range(2, len(texts) // 2 + 1):
        block = texts[-size:]
        if len(set(block)) < size:
            continue
        count = 1
        while len(texts) >= (count + 1) * size and texts[-(count + 1) * size:-count * size] == block:
            count += 1
        outer = width - count * size  # the label columns left of the upper words
        groups_at = len(texts) - count * size - count
        if count < 2 or outer < 1 or groups_at - outer < 0:
            continue
        groups = texts[groups_at:groups_at + count]
        if len(set(groups)) < count or any(g in block or _is_figure(g) or not g for g in groups):
            continue
        if split is not None and (groups_at + count != split or groups_at - outer != 0):
            continue
        found.append((groups_at - outer, (outer, count, size)))
    return found[0] if len(found) == 1 else None


def _total_run(texts: list[str], norms: list[list[str]], data: list[int], width: int, split: int | None,
               rules: TableRules) -> tuple[int, tuple[int, int, int]] | None:
    """One upper word over the run it heads, the run opening with a total repeated from the
    words before it, whose figures add up in every row of amounts."""
    at = split if split is not None else next((i for i, t in enumerate(texts) if t in texts[:i]), None)
    if at is None or at < 2 or not rules.is_total(texts[at]) or texts[at] not in texts[:at]:
        return None
    size = len(texts) - at
    outer = width - size
    start = at - 1 - outer
    if size < 3 or outer < 1 or start < 0 or len(set(texts[at:])) < size:
        return None
    checked = failed = 0
    for r in data:
        row = norms[r]
        if len(row) != width or rules.is_rate_column(row[0]):
            continue  # a row of rates (增减%) does not add up
        amounts = [_amount(t) for t in row[outer:]]
        if any(a is None for a in amounts):
            continue
        total, parts = amounts[0], amounts[1:]
        slack = sum(a[1] for a in amounts)
        if abs(total[0] - sum(p[0] for p in parts)) > slack:
            failed += 1
        else:
            checked += 1
    if _borne_out(checked, failed, 1, rules) or (checked and _named_by(texts[at - 1], texts[at + 1:])):
        return start, (outer, 1, size)
    return None


def _named_by(upper: str, lower: list[str]) -> bool:
    """Whether every lower word shares two characters in a row with the upper word, as the items
    of 公车购置及运行维护费 do (车辆购置, 车辆运行): the words alone say the run is its columns."""
    pairs = {upper[i:i + 2] for i in range(len(upper) - 1)}
    return bool(lower) and all(any(w[i:i + 2] in pairs for i in range(len(w) - 1)) for w in lower)


def _borne_out(held: int, failed: int, least: int, rules: TableRules) -> bool:
    """Whether rows bear out a header's spans: ``least`` or more hold, and they are the share
    ``two_level_agreement`` of the rows checked (the others are the report's own errors)."""
    return held >= least and held >= rules.two_level_agreement * (held + failed)


def _amount(norm: str) -> tuple[Decimal, Decimal] | None:
    """A plain amount and half a unit of its last digit."""
    if not _NUMBER.fullmatch(norm) or norm.endswith(("%", "％")):
        return None
    value = Decimal(norm.replace(",", "").replace("−", "-"))
    return value, Decimal(1).scaleb(value.as_tuple().exponent) / 2


def _unplaced(row: list[GridCell], norms: list[str], width: int) -> list[GridCell]:
    """A row's labels in their columns, its figures past the header: no column, so no role."""
    split = next((i for i, t in enumerate(norms) if _is_figure(t)), len(row))
    return [c._replace(col=i if i < split else width + i) for i, c in enumerate(row)]


def _rate_in_group(texts: list[str], norms: list[list[str]], data: list[int], width: int, split: int | None,
                   rules: TableRules) -> tuple[int, tuple[int, int, int]] | None:
    """The last upper word over the lower row (``split`` words above it), when of every place the
    upper word could take only that one makes a rate column of the lower row, in every full row
    of figures, the lower row's first figure over one other column (占调整预算% = 金额 / 调整预算数)."""
    if split is None:
        return None
    size = len(texts) - split
    if size < 2 or split - 1 + size != width:
        return None
    rates = [k for k in range(1, size) if rules.is_rate_column(texts[split + k])]
    full = [norms[r] for r in data if len(norms[r]) == width]
    if not rates or len(full) < 2:
        return None
    places = [g for g in range(1, split) if _rate_fits(full, g, size, rates, width, rules)]
    return (0, (split - 1, 1, size)) if places == [split - 1] else None


def _rate_fits(rows: list[list[str]], group: int, size: int, rates: list[int], width: int,
               rules: TableRules) -> bool:
    """Whether, with the upper word at column ``group`` over ``size`` columns, a rate column is
    the group's first column over some column outside it in the rows where all three are
    figures (at least two such rows, and the share ``two_level_agreement`` of them)."""
    outside = [c for c in range(1, width) if not group <= c < group + size]
    for k in rates:
        for other in outside:
            held = failed = 0
            for row in rows:
                rate, amount, base = (_amount(row[c].rstrip("%％")) for c in (group + k, group, other))
                if rate is None or amount is None or base is None or base[0] - base[1] <= 0:
                    continue
                low = (amount[0] - amount[1]) / (base[0] + base[1]) * 100
                high = (amount[0] + amount[1]) / (base[0] - base[1]) * 100
                if low <= rate[0] + rate[1] and rate[0] - rate[1] <= high:
                    held += 1
                else:
                    failed += 1
            if _borne_out(held, failed, 2, rules):
                return True
    return False
