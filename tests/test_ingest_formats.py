"""Loaders of structured formats (docx, doc, pdf, xls/xlsx, html) on small files made here.

Every bad input must raise InputError (and only that) with a message a person can act on; the
CLI turns it into one line on standard error and exit code 2.
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml

from auditor.errors import InputError
from auditor.ingest import containers, load, sniff
from auditor.model import Document

ROOT = Path(__file__).resolve().parents[1]
RENDITIONS = ROOT / "corpora" / "renditions"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def check_spans(doc: Document) -> None:
    """Every block and cell span covers exactly its text; merged cells are stored once."""
    for block in doc.blocks:
        assert 0 <= block.span.start <= block.span.end <= len(doc.text)
        seen = set()
        for cell in block.cells:
            assert doc.at(cell.span) == cell.text
            assert cell.text == cell.text.strip()
            assert (cell.row, cell.col) not in seen
            seen.add((cell.row, cell.col))
            assert block.span.contains(cell.span)


def cells(doc: Document, n: int = 0) -> dict[tuple[int, int], tuple[str, int, int]]:
    table = [b for b in doc.blocks if b.kind == "table"][n]
    return {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}


def bad(path: Path, *words: str) -> str:
    """Load ``path``, expect InputError naming the file and containing ``words``."""
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    for word in words:
        assert word in message, message
    return message


# --- .docx ------------------------------------------------------------------------------------

TEXT_BOX = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>文本框：总分97.65分</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>文本框：总分97.65分</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:rect></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉：不应读入"
    d.sections[0].footer.paragraphs[0].text = "第 1 页"
    d.add_paragraph("一、基本情况")
    d.add_paragraph("年初预算1362.16万元，")
    anchor = d.add_paragraph("见下图")
    anchor._p.append(parse_xml(TEXT_BOX))
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目资金\n（万元）"  # gridSpan
    table.cell(0, 2).text = "得分"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标(50分)"  # vMerge
    table.cell(1, 1).text = "数量指标"
    table.cell(1, 2).text = "10"
    table.cell(2, 1).text = "质量指标"
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "9"
    nested.cell(0, 1).text = "分"
    frame = d.add_table(rows=1, cols=1)  # a one-cell table is a frame: its content is body text
    frame.cell(0, 0).text = "框内段落：执行率100%"
    d.add_paragraph("结论：优。")
    d.save(path)
    return path


def test_docx_reads_body_in_order_with_merges_nested_tables_and_text_boxes(tmp_path):
    doc = load(make_docx(tmp_path / "r.docx"))
    check_spans(doc)
    assert doc.format == "docx"
    assert doc.text == (
        "一、基本情况\n年初预算1362.16万元，\n见下图\n文本框：总分97.65分\n"
        "\n\t项目资金\n（万元）\n\t得分\n"
        "\n\t产出指标(50分)\n\t数量指标\n\t10\n"
        "\n\t\n\t质量指标\n\t9 分\n"
        "\n框内段落：执行率100%\n结论：优。\n"
    )
    assert cells(doc) == {
        (0, 0): ("项目资金\n（万元）", 1, 2), (0, 2): ("得分", 1, 1),
        (1, 0): ("产出指标(50分)", 2, 1), (1, 1): ("数量指标", 1, 1), (1, 2): ("10", 1, 1),
        (2, 1): ("质量指标", 1, 1), (2, 2): ("9 分", 1, 1),
    }
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 4 + ["table"] + ["paragraph"] * 2
    assert "页眉" not in doc.text and "第 1 页" not in doc.text


def test_doc_that_is_really_docx_is_read_as_docx(tmp_path):
    path = make_docx(tmp_path / "r.docx").rename(tmp_path / "r.doc")
    assert load(path).format == "docx"


def _patch_declared_size(data: bytes, size: int) -> bytes:
    """Rewrite every member's declared uncompressed size in the zip's central directory."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        out[at + 24 : at + 28] = struct.pack("<I", size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


# --- .xlsx / .xls ------------------------------------------------------------------------------


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "项目支出绩效自评表"
    sheet.merge_cells("A1:D1")
    sheet["A3"] = "项目资金（万元）"  # row 2 is empty and disappears
    sheet.merge_cells("A3:A4")
    sheet["B3"], sheet["C3"], sheet["D3"] = "全年预算数", "全年执行数", "执行率"
    sheet["B4"], sheet["C4"], sheet["D4"] = 680, 661.7252, 0.9731
    sheet["C4"].number_format = "0.0000"
    sheet["D4"].number_format = "0.00%"
    second = book.create_sheet("得分")
    second["B2"], second["C2"] = "分值", "得分"
    second["B3"], second["C3"] = 10, 1234567.5
    second["C3"].number_format = '#,##0.00"元"'
    book.create_sheet("空表")
    book.save(path)
    return path


def test_xlsx_sheets_become_tables_with_merges_and_displayed_numbers(tmp_path):
    doc = load(make_xlsx(tmp_path / "t.xlsx"))
    check_spans(doc)
    assert doc.format == "xlsx"
    assert [b.kind for b in doc.blocks] == ["table", "table"]
    assert cells(doc) == {
        (0, 0): ("项目支出绩效自评表", 1, 4),
        (1, 0): ("项目资金（万元）", 2, 1), (1, 1): ("全年预算数", 1, 1), (1, 2): ("全年执行数", 1, 1),
        (1, 3): ("执行率", 1, 1),
        (2, 1): ("680", 1, 1), (2, 2): ("661.7252", 1, 1), (2, 3): ("97.31%", 1, 1),
    }
    assert cells(doc, 1) == {(0, 0): ("分值", 1, 1), (0, 1): ("得分", 1, 1),
                             (1, 0): ("10", 1, 1), (1, 1): ("1,234,567.50元", 1, 1)}


def test_xls_rendition_is_read_with_its_merges():
    path = next((RENDITIONS / "xls").glob("003_*.xls"))
    doc = load(path)
    check_spans(doc)
    assert doc.format == "xls"
    assert "\t661.7252\n" in doc.text and "\t75.00%\n" in doc.text
    assert any(c.colspan > 1 for b in doc.blocks for c in b.cells)


# --- .html -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>网站标题</title>
<style>p {{ color: red }}</style><script>var 预算 = 1;</script></head>
<body><header>政府网站首页</header><nav><a href="/">首页</a> &gt; 通知公告</nav>
<div class="content"><h1>2022年度整体支出绩效自评报告</h1>
<p>&nbsp;&nbsp;年初预算<b>1362.16</b>万元，<br>执行率100%。</p>
<table border="1"><tr><th rowspan="2">产出指标</th><th colspan="2">数量指标</th></tr>
<tr><td>10</td><td>9<br>分</td></tr></table>
<p>总分97.65分</p></div><footer>版权所有 联系电话12345</footer></body></html>"""


def test_gb2312_page_is_decoded_and_stripped_of_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format().encode("gb2312"))
    doc = load(path)
    check_spans(doc)
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert doc.text == ("2022年度整体支出绩效自评报告\n年初预算1362.16万元，\n执行率100%。\n"
                        "\n\t产出指标\n\t数量指标\n\n\t\n\t10\n\t9\n分\n\n总分97.65分\n")
    assert cells(doc) == {(0, 0): ("产出指标", 2, 1), (0, 1): ("数量指标", 1, 2),
                          (1, 1): ("10", 1, 1), (1, 2): ("9\n分", 1, 1)}


def test_html_saved_as_xls_is_read_as_html(tmp_path):
    path = tmp_path / "自评表.xls"
    path.write_bytes(b'<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><table>'
                     b"<tr><td>\xe5\x88\x86\xe5\x80\xbc</td><td>\xe5\xbe\x97\xe5\x88\x86</td></tr>"
                     b"<tr><td>10</td><td>8</td></tr></table></body></html>")
    doc = load(path)
    assert doc.format == "html"
    assert cells(doc) == {(0, 0): ("分值", 1, 1), (0, 1): ("得分", 1, 1), (1, 0): ("10", 1, 1), (1, 1): ("8", 1, 1)}


def test_single_file_web_page_saved_as_xls_is_read_as_html(tmp_path):
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = MIMEMultipart("related")
    for sheet in ("<table><tr><td>分值</td><td>得分</td></tr><tr><td>10</td><td>8</td></tr></table>",
                  "<p>总分97.65分</p>"):
        page.attach(MIMEText(f"<html><body>{sheet}</body></html>", "html", "gb2312"))
    path = tmp_path / "自评表.xls"
    path.write_bytes(page.as_bytes())
    doc = load(path)
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert doc.text == "\t分值\n\t得分\n\n\t10\n\t8\n\n总分97.65分\n"


# --- .pdf --------------------------------------------------------------------------------------


def make_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF from its numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


PAGE_OBJECTS = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]


def locked_pdf() -> bytes:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"ab" * 32, b"cd" * 32)
    return make_pdf(PAGE_OBJECTS + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", encrypt],
                    trailer=b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]")


def scanned_pdf() -> bytes:
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    draw = b"q 200 0 0 200 0 0 cm /Im1 Do Q"
    return make_pdf(PAGE_OBJECTS + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        image, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw)])


def unmapped_pdf() -> bytes:
    """Text drawn with a CID font that has no Unicode map: pdfminer reads "(cid:N)"."""
    draw = b"BT /F1 12 Tf 10 100 Td <00010002000300040005000600070008> Tj ET"
    return make_pdf(PAGE_OBJECTS + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw)])


# --- bad input ---------------------------------------------------------------------------------


def locked_office() -> bytes:
    # An encrypted .docx/.xlsx is an OLE compound file holding an EncryptedPackage stream.
    return containers.OLE_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(2048)


def cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def empty_xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


# name, its bytes (made in a temporary folder), words its one-line message must hold
BAD_INPUTS = [
    ("locked.pdf", lambda tmp: locked_pdf(), ["password-protected PDF"]),
    ("scan.pdf", lambda tmp: scanned_pdf(), ["scanned PDF", "OCR"]),
    ("unmapped.pdf", lambda tmp: unmapped_pdf(), ["fonts do not say which characters", "OCR"]),
    ("cut.pdf", lambda tmp: cut(next((RENDITIONS / "pdf").glob("003_*.pdf")).read_bytes()), ["truncated"]),
    ("junk.pdf", lambda tmp: b"%PDF-1.7\n" + random.Random(0).randbytes(3000), ["not a readable PDF"]),
    ("locked.docx", lambda tmp: locked_office(), ["password-protected Office file"]),
    ("locked.xlsx", lambda tmp: locked_office(), ["password-protected Office file"]),
    ("locked.doc", lambda tmp: locked_office(), ["password-protected Office file"]),
    ("locked.xls", lambda tmp: locked_office(), ["password-protected Office file"]),
    ("cut.docx", lambda tmp: cut(make_docx(tmp / "r.docx").read_bytes()), ["corrupt or truncated"]),
    ("cut.xlsx", lambda tmp: cut(make_xlsx(tmp / "r.xlsx").read_bytes()), ["corrupt or truncated"]),
    ("bomb.docx", lambda tmp: _patch_declared_size(make_docx(tmp / "r.docx").read_bytes(),
                                                   containers.MAX_UNZIPPED_BYTES // 4), ["over the limit", "zip bomb"]),
    ("empty.xlsx", lambda tmp: empty_xlsx(), ["no filled cells"]),
    ("blank.html", lambda tmp: b"<html><head><script>x()</script></head><body><nav>nav</nav></body></html>", ["no text"]),
]


def bad_file(tmp_path: Path, name: str) -> tuple[Path, list[str]]:
    _, make, words = next(case for case in BAD_INPUTS if case[0] == name)
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    return path, words


@pytest.mark.parametrize("name", [case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_with_one_actionable_line(tmp_path, name):
    path, words = bad_file(tmp_path, name)
    bad(path, *words)


def test_pdf_rendition_pages_tables_and_running_lines():
    doc = load(next((RENDITIONS / "pdf").glob("003_*.pdf")))
    check_spans(doc)
    assert doc.format == "pdf"
    assert all(b.page for b in doc.blocks)
    assert doc.blocks[-1].page > 1
    assert "绩效自评报告\n" not in doc.text  # the running header of every page
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text  # page numbers
    # A paragraph wrapped over several lines is one line again, numbers unbroken.
    assert "项目全年预算数为680万元，执行数为661.7252万元，完成预算的100%。" in doc.text
    table = [b for b in doc.blocks if b.kind == "table"][0]
    assert any(c.colspan > 1 for c in table.cells)
    assert any(c.text == "661.7252" for c in table.cells)




# --- .doc --------------------------------------------------------------------------------------


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_doc_is_converted_with_libreoffice():
    path = next((RENDITIONS / "doc").glob("003_*.doc"))
    doc = load(path)
    check_spans(doc)
    assert doc.format == "doc" and doc.sha256 == Document.digest(path.read_bytes())
    assert any(c.colspan > 1 for b in doc.blocks for c in b.cells)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_rtf_named_doc_is_converted_with_libreoffice(tmp_path):
    source = next((RENDITIONS / "docx").glob("003_*.docx"))
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "rtf", "--outdir", str(tmp_path), str(source)], check=True,
                   capture_output=True, timeout=300)
    path = (tmp_path / f"{source.stem}.rtf").rename(tmp_path / "report.doc")
    doc = load(path)
    assert doc.format == "rtf"
    assert "执行数为661.7252万元" in doc.text and "\t661.7252\n" in doc.text


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword is not installed")
def test_doc_falls_back_to_antiword(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name in ("soffice", "libreoffice") else real(name))
    doc = load(next((RENDITIONS / "doc").glob("003_*.doc")))
    assert doc.format == "doc"
    assert "执行数为661.7252万元" in doc.text


def test_doc_without_a_converter_names_the_debian_packages(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    bad(next((RENDITIONS / "doc").glob("003_*.doc")), "no converter", "libreoffice-writer-nogui", "antiword")


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_truncated_doc(tmp_path):
    data = next((RENDITIONS / "doc").glob("003_*.doc")).read_bytes()
    path = tmp_path / "cut.doc"
    path.write_bytes(data[:4096])
    bad(path, "not a readable Word file")



@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "xls"])
def test_damaged_files_raise_only_input_error(tmp_path, fmt):
    """Cut short, bytes overwritten, a run zeroed: a loader either reads the file or says why."""
    data = next((RENDITIONS / fmt).glob(f"003_*.{fmt}")).read_bytes()
    rng = random.Random(fmt)
    for attempt in range(9):
        damaged = bytearray(data)
        if attempt % 3 == 0:
            damaged = damaged[: rng.randrange(1, len(damaged))]
        elif attempt % 3 == 1:
            for _ in range(20):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        else:
            at = rng.randrange(len(damaged))
            damaged[at : at + 200] = bytes(200)
        path = tmp_path / f"damaged{attempt}.{fmt}"
        path.write_bytes(bytes(damaged))
        try:
            load(path)
        except InputError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)

# --- sniffing and the command line -------------------------------------------------------------


@pytest.mark.parametrize("data, suffix, fmt", [
    (b"%PDF-1.7\n...", ".txt", "pdf"),
    (b"{\\rtf1\\ansi ...}", ".doc", "rtf"),
    ("<html><body>表</body></html>".encode("utf-16"), ".xls", "html"),
    (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', ".xls", "html"),
    (containers.OLE_MAGIC + "WordDocument".encode("utf-16-le"), ".xls", "doc"),
    (containers.OLE_MAGIC + "Workbook".encode("utf-16-le"), ".doc", "xls"),
    (b'MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related;\r\n\tboundary="b"\r\n', ".xls", "html"),
    ("年初预算1362.16万元".encode("gb18030"), ".xls", "txt"),
    ("项目名称: 老字号\n".encode(), ".txt", "txt"),
])
def test_sniff_by_content(data, suffix, fmt):
    assert sniff(data, suffix) == fmt


def test_sniff_zip_members(tmp_path):
    assert sniff(make_docx(tmp_path / "a.bin").read_bytes(), ".xlsx") == "docx"
    assert sniff(make_xlsx(tmp_path / "b.bin").read_bytes(), ".docx") == "xlsx"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("content.xml", "<x/>")
    assert sniff(other.getvalue(), ".zip") == "zip"


@pytest.mark.parametrize("name", [case[0] for case in BAD_INPUTS])
def test_cli_reports_bad_input_in_one_line_with_exit_code_2(tmp_path, name):
    path, words = bad_file(tmp_path, name)
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.count("\n") == 1
    assert all(word in done.stderr for word in words), done.stderr
