"""Make renditions of the seed reports in the formats real submissions come in.

For each ``seeds/NAME.txt`` (read with ``auditor.ingest.load``, so tables are rebuilt with their
merges) this writes, each format in its own folder beside a copy of ``NAME.gold.json``:

- ``renditions/docx/NAME.docx``: paragraphs as paragraphs, tables as real Word tables (merged
  cells merged), a running header and a page-number footer (which loaders must ignore);
- ``renditions/pdf/NAME.pdf``: that .docx printed by LibreOffice with a CJK font;
- ``renditions/doc/NAME.doc``: that .docx saved by LibreOffice as Word 97-2003;
- ``renditions/xlsx/NAME.xlsx`` and ``renditions/xls/NAME.xls`` (seeds with tables only): one
  sheet per table, numbers stored as numbers with a format that displays them as written.

Run: ``.venv/bin/python corpora/make_renditions.py`` (needs LibreOffice and fonts-noto-cjk).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from auditor.ingest import load
from auditor.model import Block, Cell, Document

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
OUT = HERE / "renditions"
FONT = "Noto Serif CJK SC"
WIDE_TABLE_COLUMNS = 8
A4 = (Mm(210), Mm(297))
NUMBER = re.compile(r"-?\d+(\.\d+)?%?")


def main() -> int:
    if "--gold-only" in sys.argv:
        for path in sorted(OUT.glob("*/*.*")):
            if not path.name.endswith(".json"):
                write_gold(SEEDS / f"{path.stem}.gold.json", path)
        return 0
    if not shutil.which("soffice"):
        print("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk")
        return 1
    for seed in sorted(SEEDS.glob("*.txt")):
        document = load(seed)
        gold = seed.with_suffix(".gold.json")
        made = {"docx": OUT / "docx" / f"{seed.stem}.docx"}
        made["docx"].parent.mkdir(parents=True, exist_ok=True)
        write_docx(document, made["docx"])
        for fmt in ("pdf", "doc"):
            made[fmt] = convert(made["docx"], fmt, OUT / fmt)
        tables = [b for b in document.blocks if b.kind == "table"]
        if tables:
            made["xlsx"] = OUT / "xlsx" / f"{seed.stem}.xlsx"
            made["xlsx"].parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(document, tables, made["xlsx"])
            made["xls"] = convert(made["xlsx"], "xls", OUT / "xls")
        for path in made.values():
            write_gold(gold, path)
        print(seed.stem, " ".join(sorted(made)))
    return 0


FRAGMENT = re.compile(r"[^\s]*[\u4e00-\u9fff][^\s]*")


def adapt_quotes(quotes: list[str], text: str) -> list[str]:
    """The seed's quotes as they occur in a rendition's text. A quote that runs across table cells
    is laid out differently in each format: its pieces inside one cell (with some Chinese in them,
    so that a bare number does not match everywhere) stand in for it."""
    out = []
    for quote in quotes:
        if quote in text:
            out.append(quote)
        elif quote.strip() and quote.strip() in text:
            out.append(quote.strip())
        else:
            out += [f for f in FRAGMENT.findall(quote) if len(f) >= 3 and f in text and f not in out]
    return out


def write_gold(seed_gold: Path, rendition: Path) -> None:
    """The seed's gold file for a rendition: quotes adapted to the rendition's text; findings whose
    evidence this format does not hold (narrative in a workbook of tables) left out, and said so."""
    data = json.loads(seed_gold.read_text(encoding="utf-8"))
    text = load(rendition).text
    kept = {}
    dropped = 0
    for key in ("findings", "holds"):
        kept[key] = []
        for item in data.get(key, ()):
            quotes = adapt_quotes(item["quotes"], text)
            if quotes:
                kept[key].append({**item, "quotes": quotes})
            elif key == "findings":
                dropped += 1
    note = f"rendition of {seed_gold.name[:-len('.gold.json')]}.txt as {rendition.suffix[1:]}: gold quotes adapted to its text"
    if dropped:
        note += f"; {dropped} finding(s) whose evidence is not in this format left out"
    out = {"source": note, "findings": kept["findings"], "holds": kept["holds"]}
    rendition.with_name(f"{rendition.stem}.gold.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_docx(document: Document, path: Path) -> None:
    out = docx.Document()
    _set_font(out.styles["Normal"], 10.5)
    section = out.sections[0]
    section.page_width, section.page_height = A4
    section.header.paragraphs[0].text = "绩效自评报告"
    _page_number(section.footer.paragraphs[0])
    for item in _items(document):
        if isinstance(item, str):
            out.add_paragraph(item)
        else:
            _write_table(out, item)
    out.save(path)


def _items(document: Document) -> list[str | Block]:
    """Lines of text outside tables (one paragraph each) and table blocks, in text order."""
    items: list[str | Block] = []
    at = 0
    for block in (b for b in document.blocks if b.kind == "table"):
        items.extend(line.strip() for line in document.text[at:block.span.start].split("\n") if line.strip())
        items.append(block)
        at = block.span.end
    items.extend(line.strip() for line in document.text[at:].split("\n") if line.strip())
    return items


def _write_table(out: docx.Document, block: Block) -> None:
    cells = block.cells
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    wide = n_cols >= WIDE_TABLE_COLUMNS
    if wide:  # as printed reports do: a wide score table gets a landscape page
        _new_section(out, WD_ORIENT.LANDSCAPE)
    section = out.sections[-1]
    table = out.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    table.autofit = False
    for row in table.rows:  # a row cut by a page break reads as two rows in the PDF
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    widths = _column_widths(cells, n_cols, section.page_width - section.left_margin - section.right_margin)
    for k, column in enumerate(table.columns):  # LibreOffice reads the grid, Word the cells
        column.width = widths[k]
        for target in column.cells:
            target.width = widths[k]
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        lines = cell.text.split("\n")
        target.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            target.add_paragraph(line)
        for paragraph in target.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(8 if wide else 9)
    out.add_paragraph()  # Word needs a paragraph between two tables, or it joins them
    if wide:
        _new_section(out, WD_ORIENT.PORTRAIT)


def _new_section(out: docx.Document, orientation: WD_ORIENT) -> None:
    last = out.sections[-1]
    if last.orientation == orientation:
        return
    section = out.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = orientation
    section.page_width, section.page_height = last.page_height, last.page_width


def _column_widths(cells: tuple[Cell, ...], n_cols: int, total: int) -> list[int]:
    """Widths in proportion to the square root of each column's longest line (at least 2)."""
    longest = [2] * n_cols
    for cell in cells:
        if cell.colspan == 1:
            longest[cell.col] = max(longest[cell.col], *(len(line) for line in cell.text.split("\n")))
    weights = [math.sqrt(n) for n in longest]
    return [int(total * w / sum(weights)) for w in weights]


def write_xlsx(document: Document, tables: list[Block], path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, block in enumerate(tables, 1):
        sheet = book.create_sheet(f"表{number}")
        for cell in block.cells:
            target = sheet.cell(cell.row + 1, cell.col + 1)
            target.value, target.number_format = _excel_value(cell.text)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=cell.row + 1, start_column=cell.col + 1,
                                  end_row=cell.row + cell.rowspan, end_column=cell.col + cell.colspan)
    book.save(path)


def _excel_value(text: str) -> tuple[object, str]:
    """A figure as a number with the format that shows it as written; anything else as text."""
    if not NUMBER.fullmatch(text) or (len(text) > 1 and text.lstrip("-")[0] == "0" and text.lstrip("-")[1:2] != "."):
        return text, "@"
    percent = text.endswith("%")
    digits = text.rstrip("%")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = Decimal(digits) / (100 if percent else 1)
    pattern = "0" + ("." + "0" * decimals if decimals else "") + ("%" if percent else "")
    number = int(value) if value == value.to_integral_value() and not percent and not decimals else float(value)
    return number, pattern


def convert(source: Path, fmt: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=300)
    return folder / f"{source.stem}.{fmt}"


def _set_font(style, size: float) -> None:  # noqa: ANN001 - a python-docx style
    style.font.name = FONT
    style.font.size = Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _page_number(paragraph) -> None:  # noqa: ANN001 - a python-docx paragraph
    """A footer "- N -" whose N is Word's PAGE field."""
    paragraph.add_run("- ")
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    paragraph.add_run(" -")


if __name__ == "__main__":
    sys.exit(main())
