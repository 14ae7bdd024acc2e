"""Table layouts of real reports rebuilt into rows and cells: each case is a short snippet written
for this test (never a corpus excerpt), a figure in it, and the column it must sit under (or
none, when no placement is certain)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import ingest
from auditor.ingest.tables import TableRules, default_rules, normalise
from auditor.ingest.text_layouts import rebuild
from auditor.rules import RuleSet


def column_of(text: str, label: str, figure: str, rules: TableRules | None = None) -> str | None:
    """The last header word over ``figure`` in the row labelled ``label`` (any row for ''); ''
    when the figure has no column; None when there is no such row or figure in a table."""
    for block in rebuild(text, rules):
        if block.kind != "table":
            continue
        for row in block.rows:
            if any(label in normalise(c.text) for c in row):
                for cell in row:
                    if normalise(cell.text) == figure:
                        return cell.header_path[-1] if cell.header_path else ""
    return None


PIPES_PADDED = (
    "养老服务补贴项目自评表\n"
    "项目资金(万元) (10分) | 全年预算数 | 全年执行数 | 执行率 | 得分 | ||||\n"
    "年度资金总额 | 540 | 513 | 95% | 9.5 | ||||||\n"
    "其中:中央资金 | 300 | 300 | 100% | ||||||||\n"
)
PIPES_BROKEN_CELLS = (
    "序号 | 一级 指标 |\n二级 指标 |\n指标分值 | 评分标准 | 自评得分 |\n"
    "1 | 决策 (20分) |\n目标设定 (8分) | 8 | 目标明确\n得8分 | 8 |\n"
    "2 | 资金管理 (6分) | 6 | 按规定使用 | 5 |\n"
    "3 | 过程 (30分) | 执行管理 (10分) | 10 | 按期执行 | 10 |\n"
)
PIPES_JOINED_LINES = (
    "项目资金(万元) |\n| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
    "年度资金总额 |\n| 80 | 72 | 10 | 90% | 9 |\n"  # 年初预算数 left empty: its bars run together
)
PIPES_NARROW_ROWS = (
    "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 分值 | 得分 | 偏差原因 |\n"
    "产出指标 | 数量指标 | 改造农村户厕 | ≥120户 | 126户 | 20 | 20 | 无 |\n"
    "质量指标 | 验收合格率 | 100% | 98% | 20 | 18 |\n"
    "达标户数 | 30 |\n"
)
PIPES_RATE_ANCHOR = (
    "预算执行(10分) | 资金来源 | 年初预算 | 调整后预算数 | 执行数 | 执行率 | 权重 | 得分 | 原因 |\n"
    "合计资金 | 12.00 | 15.50 | 15.50 | 100.00% | 10 | 10 | 已按进度支付 |\n"
    "其中:上级补助 | 12.00 | 15.50 | 15.50 | 100.00% | / | / |\n"
)
SPACES_FORM = (
    "项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
    "(万元) 年度资金总额 48 50 45 10 0.9 9\n"
    "其中:当年财政拨款 48 50 45 10 0.9 9\n"
    "  其他资金\n"
    "绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析\n"
    "指标值 完成值\n"
    "产出指标 数量指标 培训农民人数 ≥300人 320人 15 15\n"
    "时效指标 培训完成时间 2023年10月底前 按期完成 10 8\n"
)

CELL_LINES_BLANKS = (
    "表3：2023年镇级预算收支表\n\n单位：万元\n\n收入\n\n预算数\n\n调整预算数\n\n决算数\n\n"
    "支出\n\n预算数\n\n调整预算数\n\n决算数\n\n合计\n\n4210\n\n4388\n\n4375\n\n"
    "合计\n\n4210\n\n4388\n\n4375\n\n税收收入\n\n1200\n\n1260\n\n1251\n\n"
)
CELL_LINES_BARS = (
    "2023年三公经费支出情况\n年份\n|\n合计\n|\n因公出国(境)费\n|\n公务接待费\n|\n公务用车运行费\n|\n"
    "2022年\n|\n58.6\n|\n0\n|\n21.4\n|\n37.2\n|\n2023年\n|\n52.1\n|\n0\n|\n18.3\n|\n33.8\n|\n"
)

LONG_LINE = (
    "2023年度项目支出绩效自评表 项目名称 乡镇卫生院设备购置 主管部门 县卫生健康局 年初预算数 全年预算数 "
    "全年执行数 分值 执行率 得分 80.00 86.00 81.7 10 9.5 其中:当年财政拨款 80.00 86.00 81.7 — 95% 年度资金总额\n"
)
LONG_LINE_UNCERTAIN = (
    "2023年度项目支出绩效自评表 项目名称 乡镇卫生院设备购置 主管部门 县卫生健康局 年初预算数 全年预算数 "
    "全年执行数 分值 执行率 得分 86.00 81.7 其中:当年财政拨款 上年结转资金 其他资金 年度资金总额 项目资金\n"
)

CASES = [
    # (layout, text, row label, figure, expected column)
    ("pipes with padding bars", PIPES_PADDED, "年度资金总额", "513", "全年执行数"),
    ("pipes with padding bars", PIPES_PADDED, "年度资金总额", "9.5", "得分"),
    ("pipes, cells over lines", PIPES_BROKEN_CELLS, "目标设定(8分)", "8", "指标分值"),
    ("pipes, cells over lines", PIPES_BROKEN_CELLS, "资金管理(6分)", "5", "自评得分"),
    ("pipes, a leading bar joins", PIPES_JOINED_LINES, "年度资金总额", "80", "全年预算数"),
    ("pipes, a leading bar joins", PIPES_JOINED_LINES, "年度资金总额", "9", "得分"),
    ("narrow row, merged labels", PIPES_NARROW_ROWS, "验收合格率", "98%", "完成值"),
    ("narrow row, merged labels", PIPES_NARROW_ROWS, "验收合格率", "18", "得分"),
    ("narrow row, uncertain", PIPES_NARROW_ROWS, "达标户数", "30", "绩效指标"),  # the table's label only
    ("narrow row, rate anchor", PIPES_RATE_ANCHOR, "合计资金", "15.50", "调整后预算数"),
    ("narrow row, rate anchor", PIPES_RATE_ANCHOR, "上级补助", "100.00%", "执行率"),
    ("narrow row, rate anchor", PIPES_RATE_ANCHOR, "上级补助", "12.00", "年初预算"),
    ("one cell a line, blank lines", CELL_LINES_BLANKS, "税收收入", "1260", "调整预算数"),
    ("one cell a line, second half's header", CELL_LINES_BLANKS, "合计", "4375", "决算数"),
    ("one cell a line, bar lines", CELL_LINES_BARS, "2023年", "18.3", "公务接待费"),
    ("one long line", LONG_LINE, "", "81.7", "全年执行数"),
    ("one long line", LONG_LINE, "", "9.5", "得分"),  # no bare 9.5 under 执行率: the rate was left out
    ("one long line, uncertain", LONG_LINE_UNCERTAIN, "", "81.7", None),  # two figures, six columns
    ("single spaces", SPACES_FORM, "年度资金总额", "45", "全年执行数"),
    ("single spaces", SPACES_FORM, "当年财政拨款", "0.9", "执行率"),
    ("single spaces, header over two lines", SPACES_FORM, "培训农民人数", "320人", "完成值"),
    ("single spaces, header over two lines", SPACES_FORM, "培训完成时间", "8", "得分"),
]


@pytest.mark.parametrize("text", [
    "项目负责人 | 王某\n",  # one bar row: no table
    "本项目资金全部用于设备采购 | 详见附件。\n另见说明。\n",
    "年初预算数 全年预算数 全年执行数\n本年预算执行较好，全年执行数为45万元。\n",  # no row of figures
    "预算数\n\n执行数\n\n执行率\n\n全年执行情况良好。\n",  # header words, no figures
])
def test_prose_stays_paragraphs(text: str) -> None:
    assert all(b.kind == "paragraph" for b in rebuild(text))


def test_every_cell_is_its_text() -> None:
    for text in (PIPES_PADDED, PIPES_BROKEN_CELLS, PIPES_JOINED_LINES, PIPES_NARROW_ROWS, SPACES_FORM,
                 CELL_LINES_BLANKS, CELL_LINES_BARS):
        for block in rebuild(text):
            for cell in block.cells:
                assert text[cell.span.start:cell.span.end] == cell.text


def test_rules_overlay_reaches_the_text_loader(tmp_path: Path) -> None:
    """A province's own header words (--rules) make its form a table."""
    text = "本级资金情况\n资金项目 核定数 拨付数 兑现比例\n乡村道路 40 38 95%\n桥梁维修 20 20 100%\n"
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    assert not any(b.kind == "table" for b in ingest.load(report).blocks)
    overlay = tmp_path / "province.yaml"
    terms = [*default_rules().header_terms, "核定数", "拨付数", "兑现比例"]
    overlay.write_text("tables:\n  header_terms: [" + ", ".join(terms) + "]\n"
                       "  value_terms: [核定数, 拨付数, 兑现比例]\n", encoding="utf-8")
    rules = RuleSet.load(overlay)
    document = ingest.load(report, rules=rules)
    assert any(b.kind == "table" for b in document.blocks)
    assert column_of(text, "乡村道路", "38", TableRules.from_mapping(rules["tables"])) == "拨付数"


def test_declared_unit_heads_every_column() -> None:
    """单位：万元 written in a row before the header gives bare figures their unit."""
    table = next(b for b in rebuild(CELL_LINES_BLANKS) if b.kind == "table")
    figure = next(c for row in table.rows for c in row if c.text == "1260")
    assert figure.header_path[0] == "单位：万元"
    assert figure.header_path[-1] == "调整预算数"


PROVINCE_FORM = [["资金项目", "核定数", "拨付数", "兑现比例"], ["乡村道路", "40", "38", "95%"],
                 ["桥梁维修", "20", "20", "100%"]]


def _write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("本级资金情况")
    table = document.add_table(rows=len(PROVINCE_FORM), cols=len(PROVINCE_FORM[0]))
    for r, row in enumerate(PROVINCE_FORM):
        for k, text in enumerate(row):
            table.cell(r, k).text = text
    document.save(path)


def _write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in PROVINCE_FORM:
        book.active.append(row)
    book.save(path)


def _write_html(path: Path) -> None:
    rows = "".join("<tr>" + "".join(f"<td>{t}</td>" for t in row) + "</tr>" for row in PROVINCE_FORM)
    path.write_text(f"<html><body><p>本级资金情况</p><table>{rows}</table></body></html>", encoding="utf-8")


@pytest.mark.parametrize(("suffix", "write"), [(".docx", _write_docx), (".xlsx", _write_xlsx), (".html", _write_html)])
def test_rules_overlay_reaches_the_structured_loaders(tmp_path: Path, suffix: str, write) -> None:
    """A province's own header words (--rules) head the columns of its form in a Word, Excel or
    HTML file as in plain text."""
    report = tmp_path / f"report{suffix}"
    write(report)

    def header_of(document, figure: str) -> tuple[str, ...]:
        return next(c.header_path for b in document.blocks if b.kind == "table" for c in b.cells if c.text == figure)

    assert "拨付数" not in header_of(ingest.load(report), "38")
    overlay = tmp_path / "province.yaml"
    terms = [*default_rules().header_terms, "核定数", "拨付数", "兑现比例"]
    overlay.write_text("tables:\n  header_terms: [" + ", ".join(terms) + "]\n"
                       "  value_terms: [核定数, 拨付数, 兑现比例]\n", encoding="utf-8")
    assert header_of(ingest.load(report, rules=RuleSet.load(overlay)), "38")[-1] == "拨付数"


def path_of(text: str, label: str, figure: str) -> tuple[str, ...] | None:
    """The whole header path over ``figure`` in the row labelled ``label``."""
    for block in rebuild(text):
        for row in block.rows if block.kind == "table" else ():
            if any(label in normalise(c.text) for c in row):
                for cell in row:
                    if normalise(cell.text) == figure:
                        return cell.header_path
    return None


TWO_LEVEL_YEARS_LINES = (
    "镇级收支预决算对比表\n\n项目\n\n2022年\n\n2021年\n\n预算数\n\n决算数\n\n预算数\n\n决算数\n\n"
    "教育支出\n\n820\n\n806\n\n790\n\n781\n\n卫生健康支出\n\n415\n\n409\n\n388\n\n392\n\n"
)
TWO_LEVEL_YEARS_PIPES = (
    "科目 | 2020年上半年 | 2020年下半年 |\n执行数 | 执行率 | 执行数 | 执行率 |\n"
    "农林水支出 | 160 | 48% | 172 | 52% |\n城乡社区支出 | 95 | 45% | 116 | 55% |\n"
)
TWO_LEVEL_TOTAL_RUN = (
    "年份\n|\n合计\n|\n公务接待费\n|\n因公出国(境)费\n|\n公务用车购置及运行费\n|\n合计\n|\n车辆购置\n|\n车辆运行\n|\n"
    "2021年\n|\n64\n|\n22\n|\n0\n|\n42\n|\n15\n|\n27\n|\n2022年\n|\n50\n|\n19\n|\n0\n|\n31\n|\n0\n|\n31\n|\n"
)
# the same run whose sub-columns add up in one row of two: its words name the upper word's items
# (车辆购置, 车辆运行 of 公务用车购置及运行费), so the spans stand and the wrong row is checked later
TWO_LEVEL_TOTAL_RUN_ONE_WRONG = TWO_LEVEL_TOTAL_RUN.replace("15\n|\n27", "15\n|\n20")
# ...whose words do not name them (新增, 保有): the spans are not certain, the figures stay unplaced
TWO_LEVEL_TOTAL_RUN_UNCERTAIN = TWO_LEVEL_TOTAL_RUN_ONE_WRONG.replace("车辆购置", "新增").replace("车辆运行", "保有")

TWO_LEVEL_CASES = [
    ("years over columns, one cell a line", TWO_LEVEL_YEARS_LINES, "卫生健康支出", "388", ("2021年", "预算数")),
    ("years over columns, one cell a line", TWO_LEVEL_YEARS_LINES, "教育支出", "806", ("2022年", "决算数")),
    ("half-years over columns, pipes", TWO_LEVEL_YEARS_PIPES, "城乡社区支出", "116", ("2020年下半年", "执行数")),
    ("half-years over columns, pipes", TWO_LEVEL_YEARS_PIPES, "农林水支出", "48%", ("2020年上半年", "执行率")),
    ("a total opens the lower run", TWO_LEVEL_TOTAL_RUN, "2021年", "15", ("公务用车购置及运行费", "车辆购置")),
    ("a total opens the lower run", TWO_LEVEL_TOTAL_RUN, "2022年", "31", ("公务用车购置及运行费", "合计")),
    ("a total opens the lower run", TWO_LEVEL_TOTAL_RUN, "2022年", "19", ("公务接待费",)),
    ("lower run named by its upper word", TWO_LEVEL_TOTAL_RUN_ONE_WRONG, "2021年", "20", ("公务用车购置及运行费", "车辆运行")),
    ("lower run does not add up", TWO_LEVEL_TOTAL_RUN_UNCERTAIN, "2021年", "15", ()),
    ("lower run does not add up", TWO_LEVEL_TOTAL_RUN_UNCERTAIN, "2021年", "64", ()),
]


@pytest.mark.parametrize(("layout", "text", "label", "figure", "expected"), TWO_LEVEL_CASES,
                         ids=[f"{c[0]}:{c[3]}" for c in TWO_LEVEL_CASES])
def test_two_level_header_gives_both_levels(layout: str, text: str, label: str, figure: str,
                                            expected: tuple[str, ...]) -> None:
    assert path_of(text, label, figure) == expected


TWO_LEVEL_GROUP_ROW = ("项目 | 上年决算数 | 本年预算数 | 本年执行数 |\n金额 | 占预算% | 比上年增长% |\n"
                       "税收收入 | 210 | 230 | 226 | 98.3 | 7.6 |\n非税收入 | 40 | 45 | 47 | 104.4 | 17.5 |\n")


def test_two_level_header_placed_by_its_rate() -> None:
    """本年执行数 over 金额 占预算% 比上年增长%: only under the last upper word is 占预算% the
    amount over a column (226 / 230, 47 / 45) in every row."""
    assert path_of(TWO_LEVEL_GROUP_ROW, "税收收入", "98.3") == ("本年执行数", "占预算%")
    assert path_of(TWO_LEVEL_GROUP_ROW, "非税收入", "47") == ("本年执行数", "金额")
    assert path_of(TWO_LEVEL_GROUP_ROW, "非税收入", "45") == ("本年预算数",)


def test_two_level_header_of_uncertain_spans_is_not_guessed() -> None:
    """The same form whose rates no place of the upper word explains: no two-level path."""
    text = TWO_LEVEL_GROUP_ROW.replace("98.3", "91.3").replace("104.4", "97.4")
    paths = [c.header_path for b in rebuild(text) if b.kind == "table" for c in b.cells]
    assert not any("本年执行数" in p and "金额" in p for p in paths)


TWO_LEVEL_TABS = (
    "科目\t2021年\t2020年\n预算数\t决算数\t预算数\t决算数\n"
    "住房保障支出\t66\t64\t58\t59\n节能环保支出\t31\t30\t27\t27\n"
)
TWO_LEVEL_WORD_CELLS = (
    "\t项目\n\t本年\n\t上年\n\n\t预算数\n\t执行数\n\t预算数\n\t执行数\n\n"
    "\t一般公共预算\n\t880\n\t862\n\t840\n\t836\n\n\t政府性基金预算\n\t120\n\t96\n\t150\n\t149\n"
)


@pytest.mark.parametrize(("text", "label", "figure", "expected"), [
    (TWO_LEVEL_TABS, "节能环保支出", "27", None),  # 27 twice: checked below by position
    (TWO_LEVEL_TABS, "住房保障支出", "64", ("2021年", "决算数")),
    (TWO_LEVEL_TABS, "住房保障支出", "58", ("2020年", "预算数")),
    (TWO_LEVEL_WORD_CELLS, "政府性基金预算", "96", ("本年", "执行数")),
    (TWO_LEVEL_WORD_CELLS, "一般公共预算", "836", ("上年", "执行数")),
], ids=["tabs:27", "tabs:64", "tabs:58", "word cells:96", "word cells:836"])
def test_two_level_header_in_tab_layouts(text: str, label: str, figure: str, expected) -> None:
    if expected is None:
        row = next(r for b in rebuild(text) if b.kind == "table" for r in b.rows if r[0].text == label)
        assert [c.header_path for c in row if c.text == figure] == [("2020年", "预算数"), ("2020年", "决算数")]
    else:
        assert path_of(text, label, figure) == expected


def test_two_level_header_of_each_form_in_one_grid() -> None:
    """Two forms one after the other in one run of rows: the second's header is rebuilt too."""
    second = TWO_LEVEL_GROUP_ROW.replace("税收收入", "教育支出").replace("非税收入", "科技支出")
    text = TWO_LEVEL_GROUP_ROW + "表2 支出执行情况 |\n" + second
    assert path_of(text, "教育支出", "98.3") == ("本年执行数", "占预算%")
    assert path_of(text, "税收收入", "7.6") == ("本年执行数", "比上年增长%")


# one cell a line between bar lines, a header cell broken over two lines (一般公共⏎预算); the same
# table in traditional characters is found on its simplified view, its cells keep their own text
BROKEN_HEADER_BARS = (
    "单位：万元\n|\n|\n项 目\n|\n合计\n|\n一般公共\n预算\n|\n政府性基金\n预算\n|\n国有资本\n经营预算\n|\n|\n"
    "办公经费\n|\n45.60\n|\n40.10\n|\n5.50\n|\n0.00\n|\n|\n培训费\n|\n12.00\n|\n12.00\n|\n0.00\n|\n0.00\n|\n"
)
BROKEN_HEADER_BARS_TRADITIONAL = (
    "單位：萬元\n|\n|\n項 目\n|\n合計\n|\n一般公共\n預算\n|\n政府性基金\n預算\n|\n國有資本\n經營預算\n|\n|\n"
    "辦公經費\n|\n45.60\n|\n40.10\n|\n5.50\n|\n0.00\n|\n|\n培訓費\n|\n12.00\n|\n12.00\n|\n0.00\n|\n0.00\n|\n"
)


def loaded_column_of(tmp_path: Path, text: str, label: str, figure: str) -> str | None:
    """column_of through the text loader (which rebuilds on the simplified view)."""
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    for block in ingest.load(path).blocks:
        for row in block.rows:
            if any(label in normalise(c.text) for c in row):
                for cell in row:
                    if normalise(cell.text) == figure:
                        return cell.header_path[-1] if cell.header_path else ""
    return None


@pytest.mark.parametrize(("text", "label", "figure", "expected"), [
    (BROKEN_HEADER_BARS, "办公经费", "5.50", "政府性基金预算"),
    (BROKEN_HEADER_BARS, "培训费", "12.00", "合计"),
    (BROKEN_HEADER_BARS_TRADITIONAL, "辦公經費", "40.10", "一般公共预算"),
    (BROKEN_HEADER_BARS_TRADITIONAL, "辦公經費", "5.50", "政府性基金预算"),
])
def test_bar_lines_join_a_cell_broken_over_lines(tmp_path: Path, text: str, label: str, figure: str,
                                                 expected: str) -> None:
    assert loaded_column_of(tmp_path, text, label, figure) == expected


def test_traditional_cells_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(BROKEN_HEADER_BARS_TRADITIONAL, encoding="utf-8")
    document = ingest.load(path)
    cells = [c for b in document.blocks for row in b.rows for c in row]
    assert any(c.text == "辦公經費" for c in cells)
    assert all(c.text == document.text[c.span.start:c.span.end] for c in cells)


# 收入 | 支出 side by side with line numbers, empty cells dropped by the export: a row that lost
# cells has no certain placement, so its figures sit under no column (never under 项目 or 行次)
SIDE_BY_SIDE_DROPPED = (
    "单位：万元\n项目 | 行次 | 金额 | 项目 | 行次 | 金额 |\n"
    "一、财政拨款收入 | 1 | 812.40 | 一、教育支出 | 9 | |\n"
    "本年收入合计 | 3 | 812.40 | 本年支出合计 | 11 | 795.10 |\n"
)


def test_repeated_two_level_header_takes_the_spans_decided_above() -> None:
    """表2 repeats 表1's header over a single row of figures (too few to decide the spans by
    themselves): it takes the spans 表1's rows decided."""
    second = ("表2 支出 |\n项目 | 上年决算数 | 本年预算数 | 本年执行数 |\n金额 | 占预算% | 比上年增长% |\n"
              "一般公共服务支出 | 500 | 520 | 515 | 99.0 | 3.0 |\n")
    assert path_of(TWO_LEVEL_GROUP_ROW + second, "一般公共服务支出", "3.0") == ("本年执行数", "比上年增长%")
    assert path_of(second, "一般公共服务支出", "3.0") != ("本年执行数", "比上年增长%")


TWO_LEVEL_ONE_WRONG = ("项目 | 上年决算数 | 本年预算数 | 本年执行数 |\n金额 | 占预算% | 比上年增长% |\n"
                       "税收收入 | 210 | 230 | 226 | 98.3 | 7.6 |\n非税收入 | 40 | 45 | 47 | 104.4 | 17.5 |\n"
                       "转移性收入 | 300 | 320 | 318 | 99.4 | 6.0 |\n上年结余 | 20 | 20 | 20 | 90.0 | 0.0 |\n")


def test_two_level_header_decided_by_most_rows() -> None:
    """Three rows of four bear out 本年执行数 over 金额 占预算% 比上年增长%: the header stands, and the
    fourth row's wrong rate (20 / 20 stated as 90.0%) keeps its column, to be checked; two rows of
    four are too few."""
    assert path_of(TWO_LEVEL_ONE_WRONG, "上年结余", "90.0") == ("本年执行数", "占预算%")
    half = TWO_LEVEL_ONE_WRONG.replace("99.4", "89.4")
    paths = [c.header_path for b in rebuild(half) if b.kind == "table" for c in b.cells]
    assert not any("本年执行数" in p and "金额" in p for p in paths)


# a statistics table with three header levels flattened into rows of different counts (season ×
# category × 人数/金额): the levels cannot be rebuilt, so its figures sit under no column
THREE_LEVELS = (
    "单位：万元 | |||||||||\n学段 | 项目 |\n2024年春 | 2024年秋 | 全年 | |||||\n"
    "下达资金 | 资助人数 | 其中:1类 | 2类 | 下达资金 | 资助人数 | 其中:1类 | 2类 | 资助人数 | 资助金额 |\n"
    "人数 | 金额 | 人数 | 金额 | 人数 | 金额 | 人数 | 金额 | |||\n"
    "高中 | 助学金 | 40.5 | 300 | 200 | 30 | 100 | 10.5 | 38.0 | 280 | 190 | 28.5 | 90 | 9.5 | 580 | 78.5 |\n"
    "中职 | 助学金 | 20.0 | 150 | 150 | 20.0 | 0 | 0 | 18.0 | 140 | 140 | 18.0 | 290 | 38.0 |\n"
)


@pytest.mark.parametrize("figure", ["40.5", "300", "78.5", "290"])
def test_header_levels_not_rebuilt_place_nothing(figure: str) -> None:
    assert column_of(THREE_LEVELS, "", figure) in ("", None)


def test_traditional_html_table_heads_its_columns(tmp_path: Path) -> None:
    """A table read from HTML in traditional characters: its header words match as simplified
    (預算數 as 预算数), and the figures get those columns."""
    rows = [["項目", "年初預算數", "全年預算數", "全年執行數", "執行率"], ["年度資金總額", "50", "48", "46", "95.8%"]]
    body = "".join("<tr>" + "".join(f"<td>{t}</td>" for t in row) + "</tr>" for row in rows)
    report = tmp_path / "report.html"
    report.write_text(f"<html><body><p>專項資金</p><table>{body}</table></body></html>", encoding="utf-8")
    cells = [c for b in ingest.load(report).blocks for row in b.rows for c in row]
    assert next(c.header_path for c in cells if c.text == "46")[-1] == "全年执行数"
    assert any(c.text == "年度資金總額" for c in cells)


# a header's lower level written as a row of words of its own (城镇 | 农村 under 低保人数), its
# place unknown: the 合计 row's figures would shift one column each, so they sit under none
LOWER_LEVEL_ROW = (
    "地区 | 低保人数(人) | 特困人数(人) | 发放资金合计(万元) | 中央资金(万元) |\n"
    "城镇 | 农村 | |||\n"
    "东城区 | 120 | 340 | 35 | 96.5 | 80.2 |\n"
    "合计 | 120 | 340 | 35 | 96.5 | 80.2 |\n"
)


@pytest.mark.parametrize("figure", ["340", "35", "96.5"])
def test_lower_header_row_of_unknown_place_places_nothing(figure: str) -> None:
    assert column_of(LOWER_LEVEL_ROW, "合计", figure) in ("", None)


def test_total_row_is_not_stretched_onto_a_column_of_words() -> None:
    """合计 | 100 under a header ending in 偏差原因: stretching 合计 to the row's width would put 100
    under the reasons, so it is not stretched."""
    text = ("一级指标 | 三级指标 | 指标值 | 完成值 | 分值 | 得分 | 偏差原因分析 |\n"
            "产出指标 | 受益户数 | 200户 | 205户 | 50 | 50 | 无 |\n合计 | 100 |\n")
    assert column_of(text, "合计", "100") != "偏差原因分析"


# the same form with its line numbers running down both halves and two rows that kept every
# cell: the numbering places the narrow rows (each half's 行次 where its number falls)
SIDE_BY_SIDE_NUMBERED = (
    "单位：万元\n收入 | 支出 |\n项目 | 行次 | 金额 | 项目 | 行次 | 金额 |\n栏次 | 1 | 栏次 | 2 |\n"
    "一、财政拨款收入 | 1 | 812.40 | 一、教育支出 | 7 | |\n"
    "二、事业收入 | 2 | 二、卫生健康支出 | 8 | 790.10 |\n"
    "3 | 三、其他支出 | 9 | 5.00 |\n"
    "本年收入合计 | 4 | 812.40 | 本年支出合计 | 10 | 795.10 |\n"
    "年初结转和结余 | 5 | 20.00 | 年末结转和结余 | 11 | 37.30 |\n"
)


HALVES_CASES = [  # rows of two halves side by side, in test_figure_sits_under_its_column
    ("halves, cells lost", SIDE_BY_SIDE_DROPPED, "一、财政拨款收入", "812.40", ""),  # no line numbers: unplaced
    ("halves, cells lost", SIDE_BY_SIDE_DROPPED, "本年收入合计", "812.40", "金额"),
    ("halves, cells lost", SIDE_BY_SIDE_DROPPED, "本年支出合计", "11", "行次"),
    ("halves, numbered", SIDE_BY_SIDE_NUMBERED, "一、财政拨款收入", "812.40", "金额"),  # placed by the numbering
    ("halves, numbered", SIDE_BY_SIDE_NUMBERED, "一、财政拨款收入", "7", "行次"),
    ("halves, numbered", SIDE_BY_SIDE_NUMBERED, "二、事业收入", "790.10", "金额"),
    ("halves, numbered", SIDE_BY_SIDE_NUMBERED, "三、其他支出", "5.00", "金额"),
    ("halves, numbered", SIDE_BY_SIDE_NUMBERED, "三、其他支出", "3", "行次"),
]


def test_line_numbers_leave_a_row_whose_placement_is_open() -> None:
    """A row whose amount equals a half's line number (9 | 9) has two placements: left unplaced."""
    text = SIDE_BY_SIDE_NUMBERED.replace("3 | 三、其他支出 | 9 | 5.00 |", "3 | 9 | 三、其他支出 | 9 |")
    assert column_of(text, "三、其他支出", "9") != "金额"


def test_a_row_of_column_numbers_is_no_lower_header() -> None:
    """① | ② … under the header numbers its columns: the rows below keep them. A row whose 说明 is
    empty keeps that cell (one empty cell after the last bar but one), so its figures keep their
    columns."""
    text = ("序号 | 承训机构 | 补贴标准(元/人) | 参训人数 | 结业人数 | 补贴资金 | 说明 |\n"
            "① | ② | ③ | ④ | ⑤ | ⑥=③*⑤ | |\n"
            "1 | 县职业培训学校 | 2000 | 300 | 290 | 58 | 无 |\n2 | 市技工学校 | 2000 | 250 | 250 | 50 | |\n")
    assert column_of(text, "县职业培训学校", "290") == "结业人数"
    assert column_of(text, "市技工学校", "50") == "补贴资金"


def test_a_heading_run_into_a_tables_last_row_stays_a_paragraph() -> None:
    """One cell a line between bars: the section heading after the table is no row of it."""
    from auditor.ingest import text as text_loader

    text = BROKEN_HEADER_BARS + "|\n二、公用经费安排情况说明：\n|\n2025年安排公用经费57.6万元。\n"
    document = text_loader.load("report.txt", text.encode("utf-8"))
    tables = [b for b in document.blocks if b.kind == "table"]
    assert len(tables) == 1 and any(c.text == "45.60" for c in tables[0].cells)
    assert all("说明" not in c.text for c in tables[0].cells)
    assert any(document.text[b.span.start:b.span.end] == "二、公用经费安排情况说明：" for b in document.blocks)


# Shape 8: label lines under a heading that declares the unit (each snippet written for this test)
LABEL_LINES_COLON = "（单位：万元）\n年初预算数：80.00\n全年预算数：92.40\n全年执行数：90.10\n执行率：97.5%\n"
LABEL_LINES_SPACES = "一、污水处理补助资金（万元）\n年初预算数 35\n全年预算数 38.5\n全年执行数 37\n"
LABEL_LINES_TWO_ITEMS = ("金额单位：元\n全年预算数：6,000\n全年执行数：5,400\n"
                         "全年预算数：9,000\n全年执行数：8,100\n")


LABEL_LINE_CASES = [  # label lines become a table, in test_figure_sits_under_its_column
    ("label lines, colons", LABEL_LINES_COLON, "全年执行数", "90.10", "全年执行数"),
    ("label lines, colons", LABEL_LINES_COLON, "执行率", "97.5%", "执行率"),
    ("label lines, spaces", LABEL_LINES_SPACES, "全年预算数", "38.5", "全年预算数"),
    ("label lines, two records", LABEL_LINES_TWO_ITEMS, "全年执行数", "8,100", "全年执行数"),
]


def test_label_lines_keep_the_heading_and_split_records() -> None:
    blocks = rebuild(LABEL_LINES_TWO_ITEMS)
    assert [b.kind for b in blocks] == ["paragraph", "table"]
    assert [len(row) for row in blocks[1].rows] == [4, 4]  # a label again opens the second record
    assert blocks[1].rows[0][1].header_path == ("金额单位：元", "全年预算数")


@pytest.mark.parametrize("text", [
    "二、项目资金情况\n年初预算数：80.00\n全年预算数：92.40\n全年执行数：90.10\n",  # no unit declared
    "（单位：万元）\n年初预算数：80.00\n全年执行数：90.10\n",  # two lines only
    "（单位：万元）\n年初预算数：80.00\n受益农户：1200\n全年执行数：90.10\n",  # a label not in the vocabulary
    "（单位：万元）\n年初预算数：80.00，较上年增加5.00\n全年预算数：92.40\n全年执行数：90.10\n",  # two figures
])
def test_label_lines_stay_paragraphs_unless_clearly_a_form(text: str) -> None:
    assert all(b.kind == "paragraph" for b in rebuild(text))


# A pipe table whose last column (备注) is filled in its first row only: the later rows' empty
# last cells are cells, not padding, so their figures keep their columns (written for this test)
PIPES_EMPTY_REMARKS = (
    "序号 | 培训机构 | 补助标准(元/人) | 培训人数 | 合格人数 | 补助资金(万元) | 备注 |\n"
    "1 | 城东技工学校 | 2000 | 310 | 300 | 60 | 含上年第四期补发 |\n"
    "2 | 河西职业培训中心 | 2000 | 255 | 250 | 50 | |\n"
    "3 | 南山家政培训学校 | 2000 | 180 | 175 | 35 | |\n"
)


@pytest.mark.parametrize(("label", "figure", "column"), [
    ("城东技工学校", "300", "合格人数"),
    ("河西职业培训中心", "250", "合格人数"),
    ("南山家政培训学校", "35", "补助资金(万元)"),
])
def test_pipe_rows_keep_an_empty_last_cell(label: str, figure: str, column: str) -> None:
    assert column_of(PIPES_EMPTY_REMARKS, label, figure) == column


# Every layout's cases in one table (the cases of the later layouts are defined with their texts above).
ALL_CASES = CASES + HALVES_CASES + LABEL_LINE_CASES


@pytest.mark.parametrize(("layout", "text", "label", "figure", "expected"), ALL_CASES,
                         ids=[f"{c[0]}:{c[3]}" for c in ALL_CASES])
def test_figure_sits_under_its_column(layout: str, text: str, label: str, figure: str, expected: str) -> None:
    assert column_of(text, label, figure) == expected
