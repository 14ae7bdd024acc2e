"""PDF tables without ruling lines, rebuilt from the positions of their text (auditor/ingest/pdf_tables.py).

Each PDF is written here: text drawn at given positions in a CJK font every PDF reader knows
(STSong-Light, not embedded), so that pdfminer reads back exactly the characters drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from auditor.ingest import load
from auditor.model import Block, Document
from test_ingest_formats import check_spans, make_pdf

HEIGHT = 842
SIZE = 10
PITCH = 14  # one line of a table to the next


def cjk_pdf(items: list[tuple[float, float, str]], rules: list[tuple[float, float, float, float]] = (),
            more_pages: list[list[tuple[float, float, str]]] = ()) -> bytes:
    """An A4 PDF drawing each ``(x, top, text)`` in a 10-point CJK font (Latin letters and figures
    half as wide as a CJK character), and each ``(x0, top0, x1, top1)`` rule as a line; then
    ``more_pages``, each drawn as the first."""
    pages = [items, *more_pages]
    first_page = 7  # objects 3-6: the page tree's page list is rewritten below, then the font
    half_width = b" ".join([b"500"] * 95)  # CIDs 1-95 are the printable ASCII characters
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (first_page + 2 * n) for n in range(len(pages))), len(pages)),
               b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
               b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 [" + half_width + b"]] >>",
               b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
               b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
               b"null"]
    for n, page_items in enumerate(pages):
        ops = [b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm <%s> Tj ET"
               % (SIZE, x, HEIGHT - top - SIZE * 0.88, text.encode("utf-16-be").hex().encode()) for x, top, text in page_items]
        if n == 0:
            ops += [b"%.2f %.2f m %.2f %.2f l S" % (x0, HEIGHT - y0, x1, HEIGHT - y1) for x0, y0, x1, y1 in rules]
        content = b"\n".join(ops)
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                    b"/Contents %d 0 R >>" % (first_page + 2 * n + 1),
                    b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    return make_pdf(objects)


def row(top: float, columns: list[float], texts: list[str]) -> list[tuple[float, float, str]]:
    return [(x, top, text) for x, text in zip(columns, texts) if text]


FUNDS = [60, 170, 240, 310, 380, 430, 490]  # 项目资金 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
INDICATORS = [60, 110, 160, 275, 335, 400, 450]  # 一级 | 二级 | 三级指标 (wraps at 260) | 指标值 | 完成值 | 分值 | 得分
WRAPPED = ("新增助餐点数量（含中", "央厨房）")  # ten CJK characters fill the 三级指标 column (160-260)


def self_evaluation_form(*, centred: bool, quality_score: str = "18") -> list[tuple[float, float, str]]:
    """A 项目支出绩效自评表 without ruling lines: a funding part (执行率 90% where 96/120 is 80%)
    and an indicator part whose 三级指标 cell wraps onto a second line; the rest of that row
    is centred on the cell's two lines, or level with its first line."""
    items = [(220, 40, "项目支出绩效自评表"),
             (60, 70, "本表金额单位为万元，执行数取自单位年度决算，完成值取自年末盘点记录。")]
    items += row(100, FUNDS, ["项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    items += row(100 + PITCH, FUNDS, ["年度资金总额", "120", "120", "96", "10", "90%", "8"])
    items += row(100 + 2 * PITCH, FUNDS, ["其中：财政拨款", "120", "120", "96"])
    top = 160
    items += row(top, INDICATORS, ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"])
    top += PITCH
    items += [(INDICATORS[2], top, WRAPPED[0]), (INDICATORS[2], top + PITCH, WRAPPED[1])]
    beside = top + PITCH / 2 if centred else top
    items += row(beside, INDICATORS, ["产出指标", "数量指标", "", "≥5个", "6个", "20", "20"])
    top += 2 * PITCH
    items += row(top, INDICATORS, ["", "质量指标", "餐食抽检合格率", "≥98%", "99%", "20", quality_score])
    items.append((60, top + 3 * PITCH, "说明：以上数据由项目单位填报，经主管部门审核。"))
    return items


def tables(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "table"]


def texts(table: Block) -> list[list[str]]:
    return [[c.text for c in r if c.text] for r in table.rows]


def load_pdf(tmp_path, items, name="form.pdf", rules=(), more_pages=()) -> Document:
    path = tmp_path / name
    path.write_bytes(cjk_pdf(items, rules, more_pages))
    doc = load(path)
    check_spans(doc)
    return doc


@pytest.mark.parametrize("centred", [True, False], ids=["centred", "top-aligned"])
def test_an_unruled_form_is_rebuilt_with_its_wrapped_cell_in_its_row(tmp_path, centred):
    doc = load_pdf(tmp_path, self_evaluation_form(centred=centred))
    funds, indicators = tables(doc)
    assert texts(funds) == [["项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                            ["年度资金总额", "120", "120", "96", "10", "90%", "8"],
                            ["其中：财政拨款", "120", "120", "96"]]
    assert texts(indicators) == [["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"],
                                 ["产出指标", "数量指标", "新增助餐点数量（含中央厨房）", "≥5个", "6个", "20", "20"],
                                 ["质量指标", "餐食抽检合格率", "≥98%", "99%", "20", "18"]]
    rate = next(c for c in funds.cells if c.text == "90%")
    assert rate.header_path == ("执行率",) and rate.row == 1 and rate.col == 5
    assert next(c for c in indicators.cells if c.text == "18").header_path == ("得分",)
    # the text around the tables stays paragraphs
    assert doc.text.startswith("项目支出绩效自评表\n本表金额单位为万元")
    assert doc.text.endswith("说明：以上数据由项目单位填报，经主管部门审核。\n")


@pytest.mark.parametrize("centred", [True, False], ids=["centred", "top-aligned"])
def test_audit_finds_the_slips_planted_in_an_unruled_pdf_form(tmp_path, centred):
    """执行率 90% where 96/120 is 80%, and a score of 25 for an indicator worth 20."""
    path = tmp_path / "form.pdf"
    path.write_bytes(cjk_pdf(self_evaluation_form(centred=centred, quality_score="25")))
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", str(path), "--format", "json"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    findings = json.loads(out.stdout)["findings"]
    assert sorted((f["code"], f["stated"], f["expected"]) for f in findings) == [
        ("CAP001", "25分", "20分"), ("RAT001", "90%", "80%")]


def test_a_label_only_row_is_not_taken_for_a_wrapped_cell(tmp_path):
    """A row with only its label, right under a row whose label is its column's widest: the
    label does not fill its column up to the next column's text, so it did not wrap."""
    items = row(100, FUNDS, ["项目资金", "年初预算数", "全年预算数", "全年执行数"])
    items += row(100 + PITCH, FUNDS, ["其中：财政拨款", "80", "80", "75"])
    items += row(100 + 2 * PITCH, FUNDS, ["上年结转资金"])
    items += row(100 + 3 * PITCH, FUNDS, ["其他资金", "5", "5", "5"])
    (table,) = tables(load_pdf(tmp_path, items))
    assert texts(table)[1:] == [["其中：财政拨款", "80", "80", "75"], ["上年结转资金"], ["其他资金", "5", "5", "5"]]


def test_a_spreadsheet_printed_without_borders_text_centred_and_figures_right_aligned(tmp_path):
    """Cells as a spreadsheet prints them: text centred in its cell, figures against the cell's
    right edge, the header's first cell on two lines centred on the row; a fund line without
    figures stays a row of its own, although its label is its column's widest."""
    cells = [(40, 150), (150, 220), (220, 290), (290, 360), (360, 400), (400, 450), (450, 500)]

    def width(text: str) -> float:
        return sum(SIZE / 2 if c.isascii() else SIZE for c in text)

    def centred(k: int, text: str, top: float) -> tuple[float, float, str]:
        return (sum(cells[k]) / 2 - width(text) / 2, top, text)

    items = [centred(0, "项目资金", 93), centred(0, "（元）", 107)]
    items += [centred(k, t, 100) for k, t in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 1)]
    for n, (label, figures) in enumerate([("年度资金总额", ["180000.00", "180000.00", "153,234.0", "10", "85.13%", "8.51"]),
                                          ("其中：财政拨款结余", ["180000.00", "180000.00", "153234.0", "—", "85.13%"]),
                                          ("上年结转资金", [])], 2):
        items.append(centred(0, label, 100 + n * PITCH))
        items += [(cells[k][1] - 3 - width(f), 100 + n * PITCH, f) for k, f in enumerate(figures, 1)]
    (table,) = tables(load_pdf(tmp_path, items))
    assert texts(table) == [["项目资金（元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                            ["年度资金总额", "180000.00", "180000.00", "153,234.0", "10", "85.13%", "8.51"],
                            ["其中：财政拨款结余", "180000.00", "180000.00", "153234.0", "—", "85.13%"],
                            ["上年结转资金"]]


def test_a_label_spread_out_to_its_cell_width_stays_one_cell(tmp_path):
    items = row(100, FUNDS, ["项目资金", "年初预算数", "全年预算数", "全年执行数"])
    items += row(100 + PITCH, FUNDS, ["年度资金总额", "60", "60", "54"])
    items += [(60, 100 + 2 * PITCH, "其"), (90, 100 + 2 * PITCH, "他"), (120, 100 + 2 * PITCH, "资"),
              (150, 100 + 2 * PITCH, "金")] + row(100 + 2 * PITCH, FUNDS[1:4], ["6", "6", "6"])
    (table,) = tables(load_pdf(tmp_path, items))
    assert texts(table)[2] == ["其他资金", "6", "6", "6"]


def test_lines_under_a_cell_spanning_their_columns_start_a_table_of_their_own(tmp_path):
    """项目名称's value spans the columns 年初预算数 and 全年预算数 of the rows below: the cells of a
    row under it are never glued together, the funding rows make a table of their own."""
    items = row(70, [60, 170], ["项目名称", "社区养老服务补助资金"])
    items += row(70 + PITCH, [60, 170, 310, 430], ["主管部门", "区民政局", "实施单位", "区养老服务中心"])
    items += row(100, FUNDS, ["项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    items += row(100 + PITCH, FUNDS, ["年度资金总额", "48", "48", "45.6", "10", "95%", "9.5"])
    items += row(100 + 2 * PITCH, FUNDS, ["其中：财政拨款", "48", "48", "45.6", "—", "95%", "—"])
    doc = load_pdf(tmp_path, items)
    (table,) = tables(doc)
    assert texts(table)[0] == ["项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert doc.text.startswith("项目名称 社区养老服务补助资金\n主管部门 区民政局 实施单位 区养老服务中心\n")


def test_a_cell_spanning_two_rows_centred_between_them_is_written_in_the_upper_one(tmp_path):
    """产出指标 centred on two indicator rows shares the height of both: it stays in the upper row,
    as a merged cell is written, and the lower row takes it as the label above."""
    items = row(100, INDICATORS, ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"])
    items += row(100 + PITCH, INDICATORS, ["", "数量指标", "培训场次", "≥4次", "5次", "10", "10"])
    items += row(100 + 1.5 * PITCH, INDICATORS, ["产出指标"])
    items += row(100 + 2 * PITCH, INDICATORS, ["", "质量指标", "结业考核通过率", "≥90%", "93%", "10", "9"])
    (table,) = tables(load_pdf(tmp_path, items))
    assert texts(table)[1:] == [["产出指标", "数量指标", "培训场次", "≥4次", "5次", "10", "10"],
                                ["质量指标", "结业考核通过率", "≥90%", "93%", "10", "9"]]
    assert next(c for c in table.cells if c.text == "9").row_header[0] == "产出指标"


def test_cells_level_with_either_line_of_a_wrapped_cell_or_between_them_make_one_row(tmp_path):
    items = row(100, INDICATORS, ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"])
    items += row(100 + PITCH, INDICATORS, ["产出指标", "数量指标", "培训场次", "≥4次", "5次", "10", "10"])
    items += row(100 + 2 * PITCH, INDICATORS, ["", "", "新增助餐点数量（含中", "", "", "10", "10"])
    items += row(100 + 2.5 * PITCH, INDICATORS, ["", "", "", "≥5个", "6个"])
    items += row(100 + 3 * PITCH, INDICATORS, ["", "", "央厨房）"])
    (table,) = tables(load_pdf(tmp_path, items))
    assert texts(table)[2] == ["新增助餐点数量（含中央厨房）", "≥5个", "6个", "10", "10"]


@pytest.mark.parametrize("items", [
    # a paragraph: no gaps at all
    [(60, 100 + i * PITCH, "本年度项目围绕社区居家养老服务开展工作，完成了年初确定的各项任务。") for i in range(4)],
    # two lines with gaps: the gaps do not repeat on three lines
    row(100, FUNDS, ["编制单位", "", "", "区民政局"]) + row(100 + PITCH, FUNDS, ["填报日期", "", "", "2024年3月"])
    + [(60, 100 + 2 * PITCH, "一、项目基本情况：本项目由区民政局组织实施，覆盖全区八个街道。")],
    # gaps that do not line up from one line to the next
    [(60, 100, "负责人"), (120, 100, "联系电话"), (60, 114, "项目单位名称较长"), (200, 114, "地址"),
     (60, 128, "甲"), (100, 128, "乙方单位"), (60, 142, "经办人"), (95, 142, "审核人员")],
], ids=["paragraph", "two-lines", "misaligned"])
def test_text_that_does_not_align_in_columns_stays_paragraphs(tmp_path, items):
    assert not tables(load_pdf(tmp_path, items))


def test_a_ruled_table_is_still_read_from_its_rules(tmp_path):
    columns = [50, 150, 250]
    rules = [(50, y, 250, y) for y in (95, 115, 135, 155)] + [(x, 95, x, 155) for x in columns]
    items = row(100, [55, 155], ["指标", "得分"]) + row(120, [55, 155], ["满意度", "9"]) + row(140, [55, 155], ["时效", "8"])
    (table,) = tables(load_pdf(tmp_path, items, rules=rules))
    assert texts(table) == [["指标", "得分"], ["满意度", "9"], ["时效", "8"]]


def test_an_unruled_table_cut_by_a_page_break_is_joined_back(tmp_path):
    header = row(700, INDICATORS, ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"])
    first = [(60, 680, "附表：绩效指标完成情况")] + header + [
        item for n, (name, score) in enumerate([("培训场次", "10"), ("培训人数", "9"), ("结业人数", "8")], 1)
        for item in row(700 + n * PITCH, INDICATORS, ["产出指标", "数量指标", name, "≥4", "5", "10", score])]
    second = [item for n, (name, score) in enumerate([("考核通过率", "7"), ("满意度", "6"), ("回访率", "5")])
              for item in row(60 + n * PITCH, [110, 160, 275, 335, 400, 450], ["质量指标", name, "≥90%", "93%", "10", score])]
    second.append((60, 60 + 4 * PITCH, "二、主要绩效目标完成情况分析"))
    (table,) = tables(load_pdf(tmp_path, first, more_pages=[second]))
    assert table.page == 1 and len(table.rows) == 7
    assert texts(table)[-1] == ["质量指标", "回访率", "≥90%", "93%", "10", "5"]
    assert next(c for c in table.cells if c.text == "5" and c.row == 6).header_path == ("得分",)


def whole_form() -> list[tuple[float, float, str]]:
    """A whole 自评表 without rules: name and department lines, the funding part, the goals (two
    lines of two columns of text), the indicator part under a two-line header, and a 总分 row stating 98.5
    where the scores add up to 88.5."""
    items = [(180, 40, "社区养老服务补助资金绩效自评表（2023年度）")]
    items += row(70, [40, 150], ["项目名称", "社区养老服务补助资金"])
    items += row(84, [40, 150, 300, 400], ["主管部门", "区民政局", "实施单位", "区养老服务中心"])
    funds = [40, 150, 220, 290, 360, 400, 450]
    items += row(98, funds, ["项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    items += row(112, funds, ["（万元）年度资金总额", "48", "48", "45.6", "10", "95%", "9.5"])
    items += row(126, funds, ["其中：当年财政拨款", "48", "48", "45.6", "—", "95%", "—"])
    items += row(140, funds, ["上年结转资金"])
    items += row(168, [40, 150, 330], ["年度总体目标", "预期目标", "实际完成情况"])
    items += row(182, [150, 330], ["为辖区老年人提供助餐、助浴等服务。", "全年提供助餐服务约3.2万人次。"])
    columns = [40, 90, 140, 260, 310, 360, 400, 440]
    items += row(210, columns, ["一级指标", "二级指标", "三级指标", "年度", "实际", "分值", "得分", "偏差原因"])
    items += row(224, columns, ["", "", "", "指标值", "完成值"])
    items += row(238, columns, ["产出指标", "数量指标", "助餐服务人次", "≥3万", "3.2万", "20", "20"])
    items += row(252, columns, ["", "质量指标", "服务对象满意率", "≥90%", "96%", "20", "20"])
    items += row(266, columns, ["", "时效指标", "资金拨付及时率", "100%", "90%", "10", "9", "个别拨付延迟"])
    items += row(280, columns, ["效益指标", "社会效益", "老年人生活质量", "有所提高", "明显提高", "30", "30"])
    items += row(294, columns, ["总分", "", "", "", "", "", "98.5"])
    return items


def test_a_whole_unruled_form_is_read_part_by_part_and_its_total_checked(tmp_path):
    doc = load_pdf(tmp_path, whole_form())
    funds, indicators = tables(doc)
    assert texts(funds)[1] == ["（万元）年度资金总额", "48", "48", "45.6", "10", "95%", "9.5"]
    # two lines of two columns are too few to be sure of a table: they stay lines, cells apart
    assert "\n年度总体目标 预期目标 实际完成情况\n为辖区老年人提供助餐、助浴等服务。 全年提供助餐服务约3.2万人次。\n" in doc.text
    assert texts(indicators)[:2] == [["一级指标", "二级指标", "三级指标", "年度", "实际", "分值", "得分", "偏差原因"],
                                     ["指标值", "完成值"]]
    assert texts(indicators)[-1] == ["总分", "98.5"]
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", str(tmp_path / "form.pdf"), "--format", "json"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    # (the recomputed total is the check stage's: 88.5 with the funding score, 79 without it)
    assert [(f["code"], f["stated"]) for f in json.loads(out.stdout)["findings"]] == [("SUM003", "98.5分")]
