"""PDF with a text layer (pdfplumber, on pdfminer.six): paragraphs and ruled tables in reading order.

A PDF has no paragraphs, only positioned characters. Lines are grouped from characters, tables
found from their ruling lines, and every character inside a table's cell belongs to that cell.
Lines outside tables are then joined into paragraphs: a line continues into the next when the
next line's first word would not have fitted after it (the writer's program wrapped it, inside a
sentence or inside a number), and when the next line is not indented, not much further down and
in the same type size. Running headers and footers (lines at the page's top or bottom that recur
on most pages, digits aside) and page numbers are dropped. A table cut by a page break is joined
back when the next page starts with a table of the same columns. Tables without ruling lines are
found from the positions of their text (pdf_tables).
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import NoReturn

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import chars_to_textmap

from auditor.errors import InputError
from auditor.ingest import pdf_tables
from auditor.ingest.layout import RawCell, TextBuilder
from auditor.ingest.pdfbounds import MAX_DECODED_BYTES, decoding_limit
from auditor.ingest.sandbox import run_limited
from auditor.model import Document
from auditor.rules import RuleSet

# pdfminer warns about every oddity of real-world PDFs; a person needs only the one-line verdict.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A page number once the dashes and spaces around it are trimmed (_TRIM): no two neighbouring
# quantifiers can take the same characters, so a long line is rejected in linear time.
_PAGE_NUMBER = re.compile(r"(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?"
                          r"|page\s*\d{1,4}(?:\s+of\s*\d{1,4})?", re.I)
_TRIM = "-—–－ \t\n\r\f\v\xa0\u3000"
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_IN_CJK = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_OPENING = set("（([{【〔《〈「『“‘")
_CLOSING = set("）)]}】〕》〉」』”’。，、；：！？,.;:!?")
UNMAPPED_SHARE = 0.2  # above this share of unreadable glyphs the text layer is useless
_MARGIN = 0.12  # running headers and footers sit in this share of the page's height, top or bottom
_EDGE = 1.0  # points: positions closer than this are the same ruling line


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_width: float  # width of the first word (or CJK character): did it fit on the line before?
    page: int
    segments: list[pdf_tables.Segment] = field(default_factory=list)  # its runs of glyphs, by the gaps between


@dataclass
class _Table:
    cells: list[RawCell]
    columns: list[float]  # the x positions of its column rules (without rules: the middle of each gap)
    rows: list[float]  # the y positions of its row rules
    top: float
    bottom: float
    page: int  # where it starts
    end_page: int  # where it ends, when cut by page breaks
    bands: list[tuple[float, float]] = field(default_factory=list)  # without rules: where each column's text lies


@dataclass
class _Page:
    number: int
    height: float
    items: list[_Line | _Table] = field(default_factory=list)
    glyphs: int = 0
    unmapped: int = 0  # glyphs of fonts without a Unicode map, which pdfminer shows as "(cid:N)"


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    return run_limited(path, _parse, data, rules, what="a PDF")


def _parse(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    with decoding_limit() as budget:
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages = [_read_page(page, n) for n, page in enumerate(pdf.pages, 1)]
        except Exception as exc:  # pdfminer reports damage with many exception types
            if budget.exceeded:
                _too_much(path)
            _unreadable(path, data, exc)
    if budget.exceeded:  # passed the limit where pdfminer swallowed the error
        _too_much(path)
    if sum(p.unmapped for p in pages) > UNMAPPED_SHARE * sum(p.glyphs for p in pages):
        raise InputError(path, "is a PDF whose fonts do not say which characters they draw",
                         "run OCR on it (e.g. ocrmypdf --force-ocr -l chi_sim) and audit the result")
    if not any(p.items for p in pages):
        if _truncated(data):
            raise InputError(path, "is not a readable PDF (truncated)", "export or download it again")
        raise InputError(path, "is a scanned PDF with no text layer",
                         "run OCR on it first (e.g. ocrmypdf -l chi_sim) and audit the result")
    _drop_running_lines(pages)
    builder = TextBuilder(path, rules)
    _write(pages, builder)
    return builder.document(path, data, "pdf")


def _too_much(path: str) -> NoReturn:
    raise InputError(path, f"is a PDF whose streams decode to over {MAX_DECODED_BYTES} bytes (a decompression "
                     "bomb, or a very large document)",
                     "split the report, or raise AUDITOR_MAX_PDF_DECODED_BYTES if it is genuine") from None


def _unreadable(path: str, data: bytes, exc: Exception) -> NoReturn:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc  # pdfplumber wraps them
    if isinstance(cause, PDFPasswordIncorrect):
        raise InputError(path, "is a password-protected PDF", "ask the sender for an unprotected copy") from None
    if isinstance(cause, PDFEncryptionError):
        raise InputError(path, f"is an encrypted PDF that cannot be opened ({cause})",
                         "ask the sender for an unprotected copy") from None
    problem = "truncated" if _truncated(data) else f"corrupt ({type(cause).__name__})"
    raise InputError(path, f"is not a readable PDF ({problem})", "export or download it again") from None


def _truncated(data: bytes) -> bool:
    return b"%%EOF" not in data[-1024:]


def _read_page(page: pdfplumber.page.Page, number: int) -> _Page:
    page = page.dedupe_chars()
    found = [t for t in page.find_tables() if len(t.cells) > 1]  # a one-cell table is a frame
    in_table: list[list[dict]] = [[] for _ in found]
    outside = []
    for char in page.chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for i, table in enumerate(found):
            x0, top, x1, bottom = table.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                in_table[i].append(char)
                break
        else:
            outside.append(char)
    result = _Page(number, float(page.height), glyphs=len(page.chars),
                   unmapped=sum(c["text"].startswith("(cid:") for c in page.chars))
    result.items.extend(_unruled(_lines(outside, number), number))
    result.items.extend(_table(t, chars, number) for t, chars in zip(found, in_table))
    result.items.sort(key=lambda item: item.top)
    return result


def _lines(chars: list[dict], page: int) -> list[_Line]:
    if not chars:
        return []
    lines = []
    for line in chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True):
        text = _SPACE_IN_CJK.sub("", line["text"])  # justified CJK text is spread, not spaced
        if not text:
            continue
        glyphs = [c for c in line["chars"] if c["text"].strip()]
        size = statistics.median(c["size"] for c in glyphs)
        lines.append(_Line(text, line["x0"], line["x1"], line["top"], line["bottom"], size, _first_width(glyphs), page,
                           pdf_tables.split(glyphs, size, _first_width, _segment_text)))
    return lines


def _segment_text(glyphs: list[dict]) -> str:
    """A segment's text: a space where Latin words or figures stand apart, none between CJK."""
    text = glyphs[0]["text"]
    for before, glyph in zip(glyphs, glyphs[1:]):
        text += (" " if glyph["x0"] - before["x1"] > 0.25 * glyph["size"] else "") + glyph["text"]
    return _SPACE_IN_CJK.sub("", text)


def _unruled(lines: list[_Line], page: int) -> list[_Line | _Table]:
    """The lines, those of tables without ruling lines replaced by the tables (pdf_tables)."""
    items: list[_Line | _Table] = []
    done = 0
    for found in pdf_tables.find(lines):
        items.extend(lines[done:found.first])
        cells = [RawCell(r, k, _glue_all([s.text for s in stack])) for (r, k), stack in sorted(found.cells.items())]
        used = lines[found.first:found.last]
        items.append(_Table(cells, found.columns, found.rows, min(line.top for line in used),
                            max(line.bottom for line in used), page, page, found.bands))
        done = found.last
    items.extend(lines[done:])
    for line in items:
        if isinstance(line, _Line) and len(line.segments) > 1:  # cells of a form's line, not a table: kept apart
            line.text = " ".join(s.text for s in line.segments)
    return items


def _glue_all(texts: list[str]) -> str:
    text = texts[0]
    for more in texts[1:]:
        text = _glue(text, more)
    return text


def _first_width(glyphs: list[dict]) -> float:
    """Width of what must start the line: its first word (a run of Latin letters and figures, or
    one CJK character) with the brackets that may not be parted from it (line-breaking rules keep
    an opening bracket off a line's end and closing punctuation off a line's start)."""
    i, last = 0, len(glyphs) - 1
    while i < last and glyphs[i]["text"] in _OPENING:
        i += 1
    if _in_word(glyphs[i]["text"]):
        while i < last and _in_word(glyphs[i + 1]["text"]) and glyphs[i + 1]["x0"] - glyphs[i]["x1"] < 0.2 * glyphs[i]["size"]:
            i += 1
    while i < last and glyphs[i + 1]["text"] in _CLOSING:
        i += 1
    return glyphs[i]["x1"] - glyphs[0]["x0"]


def _in_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in ".,%")


def _table(table: pdfplumber.table.Table, chars: list[dict], page: int) -> _Table:
    xs = _rules([x for c in table.cells for x in (c[0], c[2])])
    ys = _rules([y for c in table.cells for y in (c[1], c[3])])
    boxes = []
    for x0, top, x1, bottom in table.cells:
        mine = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        boxes.append((x0, top, x1, bottom, _lines(mine, page)))
    # Word pads a cell's text by the same margin left and right: the smallest left gap shows it.
    pads = [lines[0].x0 - x0 for x0, _, _, _, lines in boxes if lines]
    pad = max(min(pads, default=0.0), 0.0)
    # The line pitch: the closest two lines of a cell are one line apart; more is an empty line.
    steps = [b.top - a.top for *_, lines in boxes for a, b in zip(lines, lines[1:]) if b.top > a.top]
    pitch = min(steps, default=0.0)
    cells = [RawCell(_index(ys, top), _index(xs, x0), _join(lines, x1 - pad, pitch),
                      _index(ys, bottom) - _index(ys, top), _index(xs, x1) - _index(xs, x0))
             for x0, top, x1, bottom, lines in boxes]
    return _Table(cells, xs, ys, table.bbox[1], table.bbox[3], page, page)


def _rules(values: list[float]) -> list[float]:
    rules: list[float] = []
    for value in sorted(values):
        if not rules or value - rules[-1] > _EDGE:
            rules.append(value)
    return rules


def _index(rules: list[float], value: float) -> int:
    return min(range(len(rules)), key=lambda i: abs(rules[i] - value))


def _continues(before: _Line, after: _Line, right: float) -> bool:
    """Whether ``after`` is the same paragraph wrapped: its first word did not fit on ``before``."""
    return before.x1 + after.first_width >= right - 0.6 * before.size


def _join(lines: list[_Line], right: float, pitch: float) -> str:
    """A cell's lines: wrapped lines joined, the cell's own line breaks and empty lines kept."""
    text = ""
    for before, line in zip([None, *lines], lines):
        if before is None:
            text = line.text
            continue
        empty = min(max(round((line.top - before.top) / pitch) - 1, 0), 3) if pitch else 0
        if not empty and _continues(before, line, right) and abs(before.size - line.size) < 1:
            text = _glue(text, line.text)
        else:
            text += "\n" * (1 + empty) + line.text
    return text


def _glue(text: str, more: str) -> str:
    """Join a wrapped line: words of Latin script need their space back, CJK and numbers do not."""
    if text[-1:].isascii() and text[-1:].isalpha() and more[:1].isascii() and more[:1].isalnum():
        return text + " " + more
    return text + more


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers and the lines that recur at the top or bottom of most pages."""

    def in_margin(item: _Line | _Table, page: _Page) -> bool:
        return isinstance(item, _Line) and (item.bottom < page.height * _MARGIN or item.top > page.height * (1 - _MARGIN))

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text)

    recurring = Counter(k for p in pages for k in {key(i) for i in p.items if in_margin(i, p)})
    for page in pages:
        page.items = [i for i in page.items if not in_margin(i, page) or not (
            _PAGE_NUMBER.fullmatch(i.text.strip(_TRIM)) or (len(pages) > 1 and recurring[key(i)] * 2 >= len(pages)
                                               and recurring[key(i)] > 1))]


def _write(pages: list[_Page], builder: TextBuilder) -> None:
    lines = [i for p in pages for i in p.items if isinstance(i, _Line)]
    if not lines:
        right = left = 0.0
    else:
        right = max(line.x1 for line in lines)
        left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and _continues(a, b, right)]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    bottoms: dict[float, float] = {}  # the body's bottom margin, by page height
    for page in pages:
        bottoms[page.height] = max([bottoms.get(page.height, 0.0)] + [i.bottom for i in page.items])
    paragraph: list[_Line] = []
    table: _Table | None = None

    def flush() -> None:
        nonlocal table
        if paragraph:
            text = paragraph[0].text
            for line in paragraph[1:]:
                text = _glue(text, line.text)
            builder.paragraph(text, page=paragraph[0].page)
            paragraph.clear()
        if table is not None:
            builder.table(table.cells, page=table.page)
            table = None

    for page in pages:
        for item in page.items:
            if isinstance(item, _Table):
                where = None if table is None else _continued(table, item, bottoms[pages[table.end_page - 1].height])
                if table is not None and where is not None:
                    table = _joined(table, item, where)  # one table, cut by a page break
                    continue
                flush()
                table = item
                continue
            if table is not None or (paragraph and not _same_paragraph(paragraph[-1], item, right, left, usual_gap)):
                flush()
            paragraph.append(item)
    flush()


def _same_paragraph(before: _Line, after: _Line, right: float, left: float, usual_gap: float) -> bool:
    gap_ok = after.page != before.page or after.top - before.bottom <= usual_gap * 1.5 + 1
    indented = after.x0 > left + 0.5 * after.size
    return _continues(before, after, right) and gap_ok and not indented and abs(before.size - after.size) < 1


def _continued(table: _Table, more: _Table, bottom: float) -> dict[int, int] | None:
    """Whether ``more``, first on its page, continues ``table``, last on the page before: its
    columns are the table's, and ``table`` ends too low for ``more``'s first row to have fitted
    under it. The answer is where each of ``more``'s columns goes in ``table``, or None."""
    first_row = more.rows[1] - more.rows[0] if len(more.rows) > 1 else 0.0
    if more.page != table.end_page + 1 or bottom - table.bottom >= first_row + 2 * _EDGE:
        return None
    if table.bands and more.bands:
        return _columns_within(table.bands, more.bands)
    if (not table.bands and not more.bands and len(table.columns) == len(more.columns)
            and all(abs(a - b) <= 2 * _EDGE for a, b in zip(table.columns, more.columns))):
        return {k: k for k in range(len(table.columns))}
    return None


def _columns_within(bands: list[tuple[float, float]], more: list[tuple[float, float]]) -> dict[int, int] | None:
    """Tables without rules: each column of ``more`` overlaps one column of the table and no other,
    in the same order (a column may be empty on one page: a merged cell's text is on the other)."""
    where = {}
    for m, (x0, x1) in enumerate(more):
        hits = [k for k, (a0, a1) in enumerate(bands) if x0 < a1 and a0 < x1]
        if len(hits) != 1:
            return None
        where[m] = hits[0]
    return where if list(where.values()) == sorted(set(where.values())) else None


def _joined(table: _Table, more: _Table, where: dict[int, int]) -> _Table:
    offset = max(c.row + c.rowspan for c in table.cells)
    cells = table.cells + [RawCell(c.row + offset, where[c.col], c.text, c.rowspan, c.colspan) for c in more.cells]
    return _Table(cells, table.columns, table.rows + more.rows, table.top, more.bottom, table.page, more.page, table.bands)
