"""Tables without ruling lines, rebuilt from the positions of their text.

A form printed without borders (or whose borders are not drawn as lines) reaches the PDF loader
as loose lines, and a cell wrapping onto a second line interleaves with its row: the first line
of the wrapped cell, then the rest of the row, then the cell's second line. Here the lines of a
page are split into *segments* (runs of glyphs separated by a gap of about a character or more),
and a table is a run of consecutive lines whose segments keep to stable column bands:

- the run starts at a line of two segments or more; each next line joins it when its segments
  keep every column of the run apart (no segment bridges the gap between two columns, no two of
  its segments fall into one column) and it is not far below the line before;
- at least ``MIN_ROWS`` lines of the run have two segments or more (the gaps repeat);
- rows are lines grouped by certain evidence only. A line right under a cell that is full (its
  first word would not have fitted in the cell, whose width the next column's text bounds) and
  in that cell's column carries the cell on, unless it is in the first column: a row's label
  alone may be a row of its own (a fund line without figures), which is never guessed. A line
  sharing the height of a line of the row (a cell centred beside a wrapped cell) joins the row
  when it fills only cells the row left empty or carries them on; a cell centred between two
  rows (a merged cell) thus stays in the upper row, where a merged cell is written, and the
  lower row's line starts a row.

pdfplumber's own text strategy (``vertical_strategy="text"``) was tried first: on a form of seven
columns beside a paragraph it found one table of three columns, the paragraph included, and every
wrapped line as its own row; the column bands here are found from the gaps instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

MIN_ROWS = 3  # lines with two segments or more: the gaps between columns must repeat this often
SPLIT = 0.8  # a gap of this many type sizes between glyphs of a line separates two cells
MAX_LEAD = 1.5  # type sizes of blank space between two lines of a table, at most
OVERLAP = 0.25  # type sizes two lines must share to be beside each other rather than one under the other
SPREAD = 3  # characters at equal gaps: a cell's text spread out to its width
FULL = 0.6  # a wrapped line ends within this many type sizes of where the next word would not fit
_FIGURE = re.compile(r"[≥≤<>＞＜=]*[+\-−]?\d[\d.,]*[%％]?")


@dataclass
class Segment:
    """A run of glyphs in a line, gaps between them narrower than ``SPLIT`` type sizes."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_width: float  # width of what must start it: would it have fitted on the line above?
    column: int = -1  # its column, once it is known to be in a table


class Line(Protocol):
    top: float
    bottom: float
    size: float
    page: int
    segments: list[Segment]


@dataclass
class Found:
    """A table found in ``lines[first:last]``: cells as lists of segments, top to bottom."""

    first: int
    last: int
    cells: dict[tuple[int, int], list[Segment]] = field(default_factory=dict)
    bands: list[tuple[float, float]] = field(default_factory=list)  # where each column's text lies
    columns: list[float] = field(default_factory=list)  # the middle of each gap between two columns
    rows: list[float] = field(default_factory=list)  # the top of each row


def split(glyphs: Sequence[dict], size: float, first_width: Callable[[list[dict]], float],
          text: Callable[[list[dict]], str]) -> list[Segment]:
    """A line's glyphs (spaces left out, left to right) as segments."""
    runs: list[list[dict]] = []
    for glyph in glyphs:
        if runs and glyph["x0"] - runs[-1][-1]["x1"] < SPLIT * size:
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    runs = _unspread(runs, size)
    return [Segment(text(run), run[0]["x0"], max(g["x1"] for g in run), min(g["top"] for g in run),
                    max(g["bottom"] for g in run), first_width(run)) for run in runs]


def _unspread(runs: list[list[dict]], size: float) -> list[list[dict]]:
    """Runs of one CJK character each, ``SPREAD`` or more at equal gaps, joined: a cell's text
    spread out to the cell's width (项  目  名  称), not a character per column."""
    def gap(k: int) -> float:  # between runs k - 1 and k
        return runs[k][0]["x0"] - runs[k - 1][-1]["x1"]

    out: list[list[dict]] = []
    i = 0
    while i < len(runs):
        j = i + 1
        if _lone_cjk(runs[i]):
            while j < len(runs) and _lone_cjk(runs[j]) and abs(gap(j) - gap(i + 1)) < 0.1 * size:
                j += 1
        if j - i >= SPREAD:
            out.append([g for run in runs[i:j] for g in run])
            i = j
        else:
            out.append(runs[i])
            i += 1
    return out


def _lone_cjk(run: list[dict]) -> bool:
    return len(run) == 1 and not run[0]["text"].isascii()


def find(lines: Sequence[Line]) -> list[Found]:
    """The unruled tables among a page's lines (in reading order), each over consecutive lines."""
    found = []
    i = 0
    while i < len(lines):
        if len(lines[i].segments) < 2:
            i += 1
            continue
        table, end = _table_from(lines, i, found[-1].last if found else 0)
        if table is not None:
            found.append(table)
        i = max(end, i + 1)  # the lines of a run too short to be a table start none either: linear time
    return found


def _table_from(lines: Sequence[Line], start: int, floor: int) -> tuple[Found | None, int]:
    """The table whose run of lines starts at ``start`` (or above it, not above ``floor``), if
    they make one, and where the run ends."""
    bands = _bands([], lines[start].segments, lines[start].size)
    if bands is None:
        return None, start + 1
    end = start + 1
    while end < len(lines):
        line, before = lines[end], lines[end - 1]
        if line.page != before.page or line.top - before.bottom > MAX_LEAD * line.size:
            break
        more = _bands(bands, line.segments, line.size)
        if more is None:
            break
        bands, end = more, end + 1
    # Lines above the run that overlap its first line belong to its first row (a wrapped cell
    # centred on the rest of the row), when they keep to its columns.
    while start > floor and lines[start - 1].page == lines[start].page and _overlap(lines[start - 1], lines[start]):
        more = _bands(bands, lines[start - 1].segments, lines[start - 1].size)
        if more is None:
            break
        bands, start = more, start - 1
    if sum(len(line.segments) > 1 for line in lines[start:end]) < MIN_ROWS or len(bands) < 2:
        return None, end
    return _rows(lines, start, end, bands), end


def _bands(bands: list[tuple[float, float]], segments: list[Segment], size: float) -> list[tuple[float, float]] | None:
    """The column bands once ``segments`` are added, or None when they would join two bands or
    two of them would fall into one band (text of lines above fills the gap between them: one
    of those lines has a cell spanning columns of this one, and which cells go together would
    be a guess)."""
    merged = sorted(bands + [(s.x0, s.x1) for s in segments])
    out: list[tuple[float, float]] = []
    for x0, x1 in merged:
        if out and x0 - out[-1][1] < SPLIT * size:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    if len({_column(out, b) for b in bands}) < len(bands) or len({_column(out, s) for s in segments}) < len(segments):
        return None
    return out


def _column(bands: list[tuple[float, float]], item: Segment | tuple[float, float]) -> int:
    x0, x1 = (item.x0, item.x1) if isinstance(item, Segment) else item
    return next(k for k, band in enumerate(bands) if band[0] <= x0 and x1 <= band[1])


def _rows(lines: Sequence[Line], start: int, end: int, bands: list[tuple[float, float]]) -> Found:
    run = lines[start:end]
    for line in run:
        for segment in line.segments:
            segment.column = _column(bands, segment)
    # How close two columns' texts come on one line: a cell's text ends at least that far before
    # the next column's text begins, so a line ending nearer than this to the next column's text
    # could not have taken one more word.
    spacing = min((b.x0 - a.x1 for line in run for a, b in zip(line.segments, line.segments[1:])), default=0.0)
    lefts = [x0 for x0, _ in bands]
    for line in run:
        for segment in line.segments:
            lefts[segment.column] = min(lefts[segment.column], segment.x0)
    # Where a full line of each column ends: the next column's text, less that spacing.
    rights = [left - spacing for left in lefts[1:]] + [bands[-1][1]]
    groups: list[list[Line]] = []
    for line in run:
        if groups and _same_row(groups[-1], line, rights):
            groups[-1].append(line)
        else:
            groups.append([line])
    found = Found(start, end, bands=bands, columns=[(a[1] + b[0]) / 2 for a, b in zip(bands, bands[1:])])
    for r, group in enumerate(groups):
        found.rows.append(min(line.top for line in group))
        for line in group:
            for segment in line.segments:
                found.cells.setdefault((r, segment.column), []).append(segment)
    for stack in found.cells.values():
        stack.sort(key=lambda s: s.top)
    return found


def _overlap(above: Line, below: Line) -> bool:
    """Whether two lines share part of their height (more than a rounding of their extents)."""
    return min(above.bottom, below.bottom) - max(above.top, below.top) > OVERLAP * min(above.size, below.size)


def _same_row(group: list[Line], line: Line, rights: list[float]) -> bool:
    """Whether ``line`` belongs to the row of ``group``: it carries on cells of the row that
    wrapped, or it shares the height of a line of the row and fills only cells the row left
    empty or carries them on. (A cell spanning two rows, centred between them, shares the height
    of both; it stays in the upper row, where a merged cell is written, and the lower row's line
    starts a row.)"""
    if all(s.column > 0 and _carries_on(group, s, line.size, rights) for s in line.segments):
        return True  # (text in the first column alone is a row's label: a row of its own, or not; never guessed)
    if not any(_overlap(g, line) for g in group):
        return False
    filled = {s.column for g in group for s in g.segments}
    return all(s.column not in filled or _carries_on(group, s, line.size, rights) for s in line.segments)


def _carries_on(group: list[Line], segment: Segment, size: float, rights: list[float]) -> bool:
    """Whether ``segment`` is the next line of a cell of ``group`` that wrapped: it lies under the
    cell's last line, just below it, and that line is full (the segment's first word would not
    have fitted after it, the cell's width bounded by the next column's text)."""
    above = [s for g in group for s in g.segments if s.column == segment.column]
    if not above or _FIGURE.fullmatch(segment.text):
        return False
    last = max(above, key=lambda s: s.top)
    return segment.top - last.bottom <= size and last.x1 + segment.first_width >= rights[segment.column] - FULL * size
