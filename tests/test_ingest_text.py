"""The plain-text loader (auditor.ingest.text) and the table rebuilder (auditor.ingest.tables)."""

from __future__ import annotations

import codecs
import time
from functools import lru_cache
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.ingest import tables, text
from auditor.ingest.tables import GridCell, build_table, normalise
from auditor.ingest.text_layouts import rebuild
from auditor.model import Block, Cell, Document, Span

SEEDS = Path(__file__).resolve().parent.parent / "corpora" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))

SAMPLE = "项目资金（万元）\r\n\t年初预算数\r\n\t680\r\n\r\n说明：执行率100%。\n"


@lru_cache(maxsize=None)
def seed(prefix: str) -> Document:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return text.load(str(path), path.read_bytes())


def table_with(doc: Document, marker: str) -> Block:
    """The one table holding a cell whose text (whitespace removed) is ``marker``."""
    found = [b for b in doc.blocks if b.kind == "table" and any(normalise(c.text) == marker for c in b.cells)]
    assert len(found) == 1, f"{len(found)} tables hold {marker!r}"
    return found[0]


def cell_at(block: Block, row_label: str, header: str) -> Cell:
    """The data cell under ``header`` (last element of its header path) in the one row whose row
    header ends with ``row_label`` ('/'-separated labels; '' for a row without labels)."""
    labels = tuple(row_label.split("/")) if row_label else ()
    found = [c for c in block.cells
             if not c.is_header and c.header_path and c.header_path[-1] == header
             and (c.row_header[len(c.row_header) - len(labels):] == labels if labels else c.row_header == ())]
    assert len(found) == 1, f"{len(found)} cells at {row_label!r} / {header!r}"
    return found[0]


# --- decoding --------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "encoding"), [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.encode("gbk"), "gb18030"),
    (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),
    (SAMPLE.encode("utf-16-be"), "utf-16-be"),
], ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be"])
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    doc = text.load("r.txt", data)
    assert doc.text == SAMPLE
    assert doc.encoding == encoding
    assert doc.sha256 == Document.digest(data)
    assert doc.format == "txt"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    b"\x7fELF\x02\x01\x01\x00" + b"\x00\x01\x02\x03" * 500,
    b"\x01\x02\x03\x04\x05\x06abc" * 200,  # no NUL, but control characters throughout
], ids=["png", "elf", "controls"])
def test_binary_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="binary") as error:
        text.load("x.txt", data)
    assert error.value.path == "x.txt" and "\n" not in str(error.value)


@pytest.mark.parametrize("data", [
    b"caf\xe9 na\xefve r\xe9sum\xe9 d\xe9j\xe0 vu " * 40,  # Latin-1: no Chinese report
    codecs.BOM_UTF8 + b"\xff\xfe\xfd broken",
], ids=["latin1", "bad-utf8-after-bom"])
def test_undecodable_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError) as error:
        text.load("x.txt", data)
    message = str(error.value)
    assert message.startswith("x.txt: ") and "\n" not in message and "UTF-8" in message


def test_text_is_untouched() -> None:
    raw = "标题\r\n\r\n  第一段，1362.16万元。\r\n第二\u2028段\x0b仍在第二段\n\n\n末行"
    doc = text.load("r.txt", raw.encode("utf-8"))
    assert doc.text == raw
    spans = [b.span for b in doc.blocks if b.kind == "paragraph"]
    assert [doc.at(s) for s in spans] == ["标题", "  第一段，1362.16万元。", "第二\u2028段\x0b仍在第二段", "末行"]


def test_crlf_table_keeps_offsets() -> None:
    raw = ("\t项目资金（万元）\r\n\t年初预算数\r\n\t全年预算数\r\n\r\n\t年度资金总额\r\n\t680\r\n\t680\r\n\r\n\r\n"
           "说明\r\n")
    doc = text.load("r.txt", raw.encode("utf-8"))
    table, note = doc.blocks
    assert doc.at(note.span) == "说明"
    assert [[c.text for c in row] for row in table.rows] == [["项目资金（万元）", "年初预算数", "全年预算数"],
                                                             ["年度资金总额", "680", "680"]]
    assert all(doc.at(c.span) == c.text for c in table.cells)
    assert doc.at(table.span).endswith("\t680")


# --- every seed: blocks and cells ------------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_cell_is_its_text(path: Path) -> None:
    doc = seed(path.name[:3])
    for cell in (c for b in doc.blocks for c in b.cells):
        assert doc.text[cell.span.start:cell.span.end] == cell.text
        assert cell.text == cell.text.strip()
        assert all(t == normalise(t) and t for t in cell.header_path + cell.row_header)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_line_is_in_one_block(path: Path) -> None:
    doc = seed(path.name[:3])
    spans = [b.span for b in doc.blocks]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    paragraphs = {b.span.start: b.span for b in doc.blocks if b.kind == "paragraph"}
    tables_ = [b.span for b in doc.blocks if b.kind == "table"]
    start = 0
    for line in doc.text.split("\n"):
        end = start + len(line.rstrip("\r"))
        if line.strip():
            inside = any(t.start <= start and end <= t.end for t in tables_)
            assert inside or paragraphs.get(start) == Span(start, end), line
        start += len(line) + 1


def test_tables_found_in_seeds() -> None:
    counts = {p: sum(b.kind == "table" for b in seed(p).blocks) for p in ("000", "001", "002", "003", "004")}
    assert counts == {"000": 0, "001": 4, "002": 2, "003": 2, "004": 0}
    assert normalise(seed("001").at(table_with(seed("001"), "财政供养人员情况（人）").span)).endswith("压缩各项经费开支。")


# --- seed tables: values under their headers and row headers ----------------------------------

FUNDING = ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A)", "得分"]
FUNDING_001 = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]


def _row(prefix: str, marker: str, label: str, headers: list[str], values: list[str]) -> list[tuple[str, ...]]:
    return [(prefix, marker, label, h, v) for h, v in zip(headers, values, strict=True)]


CASES = [
    # 003: funding rows of both projects
    *_row("003", "老字号", "年度资金总额：", FUNDING, ["680", "680", "661.7252", "10", "100%", "10"]),
    *_row("003", "老字号", "其中：本年财政拨款", FUNDING, ["680", "680", "661.7252", "10", "100%", "10"]),
    *_row("003", "城乡居民基本养老保险", "年度资金总额：", FUNDING, ["900", "900", "760.2160", "10", "75.00%", "85"]),
    *_row("003", "城乡居民基本养老保险", "其中：本年财政拨款", FUNDING, ["900", "900", "760.2160", "10", "75.00%", "85"]),
    ("003", "老字号", "上年结转资金", "全年执行数（B）", ""),
    # 003: indicator rows (一级 inherited from the merged cell above), total rows
    *_row("003", "老字号", "产出指标(50分)/数量指标/运转保障率", ["年度指标值", "实际完成值", "分值", "得分"],
          ["≤核定单位数量", "达成预期指标", "20", "20"]),
    *_row("003", "老字号", "产出指标(50分)/成本指标/项目单项成本", ["年度指标值", "实际完成值", "分值", "得分"],
          ["≤3000000", "3000000", "10", "10"]),
    *_row("003", "老字号", "效益指标(30分)/社会效益指标/政策宣传", ["年度指标值", "分值", "得分"], ["较高", "10", "10"]),
    *_row("003", "老字号", "满意度指标(10分)/服务对象满意度指标/群众满意度", ["年度指标值", "实际完成值", "得分"],
          ["100%", "达成预期指标", "10"]),
    *_row("003", "老字号", "总分", ["分值", "得分"], ["100", "100"]),
    *_row("003", "城乡居民基本养老保险", "数量指标/异地就医定点医疗机构增加数量", ["分值", "得分"], ["15", "15"]),
    *_row("003", "城乡居民基本养老保险", "效益指标(30分)/生态效益指标", ["实际完成值", "分值", "得分"], ["达成预期指标", "", "0"]),
    *_row("003", "城乡居民基本养老保险", "总分", ["分值", "得分"], ["100", "97.5"]),
    # 001 附件1 基础数据表: two header sections in one table
    *_row("001", "财政供养人员情况（人）", "", ["编制数", "2022年实际在职人数", "控制率"], ["33", "29", "88%"]),
    *_row("001", "财政供养人员情况（人）", "一、部门基本支出", ["2021年决算数", "2022年预算数", "2022年决算数"],
          ["329.09", "451.78", "451.78"]),
    *_row("001", "财政供养人员情况（人）", "其中：公用经费", ["2021年决算数", "2022年预算数", "2022年决算数"],
          ["71.71", "110", "114.13"]),
    *_row("001", "财政供养人员情况（人）", "二、项目支出小计", ["2021年决算数", "2022年预算数", "2022年决算数"],
          ["26028.74", "18656.41", "18656.41"]),
    *_row("001", "财政供养人员情况（人）", "1.对机关事业单位基本养老保险基金的补助",
          ["2021年决算数", "2022年预算数", "2022年决算数"], ["11910.58", "8101", "8101"]),
    *_row("001", "财政供养人员情况（人）", "3.公务接待", ["2021年决算数", "2022年预算数", "2022年决算数"],
          ["1.14", "4", "1.23"]),
    # 001 附件2 部门整体支出绩效自评表
    *_row("001", "市级预算部门名称", "年度资金总额", FUNDING_001, ["19072.64", "19108.19", "19108.19", "10", "100%", "10"]),
    *_row("001", "市级预算部门名称", "效益指标（40分）/履职效益/提高基金风险承担能力，保障参保职工权益",
          ["年度指标值", "实际完成值", "分值", "得分"], ["定性指标", "完成", "10", "6"]),
    *_row("001", "市级预算部门名称", "产出指标(50分)/重点工作任务完成/企业养老保险参保缴费率指标",
          ["年度指标值", "实际完成值", "分值", "得分"], ["41.08%", "完成", "10", "10"]),
    *_row("001", "市级预算部门名称", "产出指标(50分)/履职目标实现/全县退休人员待遇发放",
          ["年度指标值", "实际完成值", "分值", "得分"], ["按月发放", "及时发放", "20", "20"]),
    *_row("001", "市级预算部门名称", "效益指标（40分）/履职效益/各项待遇持续发放率", ["年度指标值", "得分"], ["100%", "10"]),
    *_row("001", "市级预算部门名称", "总分", ["分值", "得分"], ["100", "96"]),
    # 001 附件4 项目支出绩效自评表 (headers broken over lines: 年初\n\n预算数)
    *_row("001", "项目支出名称", "年度资金总额", FUNDING_001, ["18656.41", "18656.41", "18656.41", "10", "100", "10"]),
    *_row("001", "项目支出名称", "成本指标（20分）/经济成本指标/对机关事业单位基本养老保险基金的补助",
          ["年度指标值", "实际完成值", "分值", "得分"], ["9696.65", "9696.65", "5", "5"]),
    *_row("001", "项目支出名称", "产出指标（40分）/时效指标/按时完成2022年全县退休人员待遇调整工作",
          ["年度指标值", "得分"], ["7.17万人", "10"]),
    *_row("001", "项目支出名称", "总分", ["分值", "得分"], ["100", "100"]),
    # 002 县级部门整体绩效自评打分表 (one row per line, two header rows)
    *_row("002", "部门预算项目绩效管理(70分)", "部门预算项目绩效管理(70分)/动态调整(15分)/执行进度",
          ["指标分值", "整体评价", "自评打分"], ["5", "√", "4"]),
    *_row("002", "部门预算项目绩效管理(70分)", "完成结果(10分)/资金结余率(低效无效率)", ["指标分值", "自评打分"], ["5", "4"]),
    *_row("002", "部门预算项目绩效管理(70分)", "完成结果(10分)/违规记录", ["指标分值", "定性评价", "自评打分"], ["5", "√", "5"]),
    *_row("002", "绩效结果应用（30分）", "绩效结果应用（30分）/信息公开（5分）/自评公开", ["指标分值", "自评打分"], ["10", "10"]),
    *_row("002", "绩效结果应用（30分）", "内部应用（10分）/预算挂钩", ["指标分值", "自评打分"], ["10", "10"]),
    *_row("002", "绩效结果应用（30分）", "扣分项（10分）", ["指标分值", "自评打分"], ["10", "0"]),
    ("002", "绩效结果应用（30分）", "部门整体自评得分", "自评打分", "98"),
]


@pytest.mark.parametrize(("prefix", "marker", "label", "header", "expected"), CASES)
def test_seed_table_value(prefix: str, marker: str, label: str, header: str, expected: str) -> None:
    cell = cell_at(table_with(seed(prefix), marker), label, header)
    assert normalise(cell.text) == expected


def test_003_paths_and_row_header() -> None:
    block = table_with(seed("003"), "老字号")
    executed = cell_at(block, "年度资金总额：", "全年执行数（B）")
    assert executed.header_path == ("项目资金（万元）", "全年执行数（B）")
    score = cell_at(block, "运转保障率", "得分")
    assert score.row_header == ("产出指标(50分)", "数量指标", "运转保障率")
    assert score.header_path[-1] == "得分" and score.text == "20"
    header = next(c for c in block.cells if c.text == "全年执行数（B）")
    assert header.is_header and header.row_header == ()


def test_002_stacked_headers() -> None:
    block = table_with(seed("002"), "绩效结果应用（30分）")
    first = block.rows[2]
    paths = {c.col: c.header_path for c in first}
    assert paths[0] == ("绩效指标", "一级指标")
    assert paths[2] == ("绩效指标", "三级指标")
    assert paths[3] == ("指标分值",)
    assert paths[7] == ("评价方式", "样本评价")
    assert paths[9] == ("评价属性", "定量评价")
    assert [all(c.is_header for c in row) for row in block.rows[:3]] == [True, True, False]


def test_002_all_empty_labels_inherit_the_row_above() -> None:
    block = table_with(seed("002"), "部门预算项目绩效管理(70分)")
    second = next(row for row in block.rows if row[4].text.startswith("根据年度绩效目标实现情况"))
    assert second[0].row_header == ("部门预算项目绩效管理(70分)", "目标管理(40分)", "目标制定")


def test_001_total_row_spans_the_label_columns() -> None:
    block = table_with(seed("001"), "市级预算部门名称")
    total = next(row for row in block.rows if row[0].text == "总分")
    assert (total[0].col, total[0].colspan) == (0, 6)
    assert [(c.col, c.text) for c in total[1:3]] == [(6, "100"), (7, "96")]


def test_001_cell_line_breaks_kept_and_headers_normalised() -> None:
    doc = seed("001")
    block = table_with(doc, "项目支出名称")
    label = next(c for c in block.cells if normalise(c.text) == "项目资金（万元）")
    assert label.text == "项目资金\n\n（万元）"
    budget = cell_at(block, "年度资金总额", "年初预算数")
    assert budget.header_path == ("项目资金（万元）", "年初预算数")
    goal = next(c for c in block.cells if c.text.startswith("1、完成2022年度参保人员管理"))
    assert goal.text.endswith("3、对全县各乡镇社保专干工作人员进行业务培训")  # soft and hard breaks kept


def test_empty_cells_have_zero_length_spans_at_their_place() -> None:
    doc = seed("001")
    block = table_with(doc, "财政供养人员情况（人）")
    empty = [c for c in block.cells if not c.text]
    assert empty and all(len(c.span) == 0 for c in empty)
    assert all(doc.text[c.span.start - 1] == "\t" for c in empty)


# --- other shapes --------------------------------------------------------------------------------


def test_markdown_rows() -> None:
    raw = ("前言\n\n| 项目 | 年初预算数 | 全年执行数 | 执行率 |\n|---|---:|---:|---:|\n"
           "| 年度资金总额 | 680 | 661.7252 | 97.31% |\n| 其中：本年财政拨款 | 680 | 661.7252 | 97.31% |\n")
    blocks = rebuild(raw)
    assert [b.kind for b in blocks] == ["paragraph", "table"]
    table = blocks[1]
    assert table.rows[0][0].is_header and not table.rows[1][0].is_header
    cell = table.rows[1][2]
    assert (cell.text, cell.header_path, cell.row_header) == ("661.7252", ("全年执行数",), ("年度资金总额",))
    assert all(raw[c.span.start:c.span.end] == c.text for c in table.cells)


def test_flattened_table_line() -> None:
    raw = ("项目资金（万元）  年初预算数  全年预算数  全年执行数  分值  执行率  得分  "
           "年度资金总额  680  680  661.7252  10  100%  10  其中：本年财政拨款  680  680  661.7252  10  100%  10\n")
    (table,) = rebuild(raw)
    assert table.kind == "table" and len(table.rows) == 3
    executed = table.rows[2][3]
    assert executed.text == "661.7252"
    assert executed.header_path == ("项目资金（万元）", "全年执行数")
    assert executed.row_header == ("其中：本年财政拨款",)
    assert all(raw[c.span.start:c.span.end] == c.text for c in table.cells)


@pytest.mark.parametrize("line", [
    "填表人： 骆晓庄     填报日期：2023年7月5日     联系电话：   15211693121  ",
    "内设股室分别是1、综合室 2、财会室  3、城乡居民养老保险室  4、被征地农民社会保险障室  5、机关事业单位养老保险室",
    "全年预算数  680万元，全年执行数  661.7252万元，执行率  97.31%，得分  10分。",
])
def test_prose_with_wide_spaces_stays_a_paragraph(line: str) -> None:
    assert [b.kind for b in rebuild(line)] == ["paragraph"]


def test_lone_tab_lines_stay_paragraphs() -> None:
    raw = "\t一、基本情况\n\n\t本单位年初预算680万元。\n\n姓名\t张三\n"
    assert [b.kind for b in rebuild(raw)] == ["paragraph"] * 3


def test_tab_row_table_with_leading_empty_cells() -> None:
    raw = "一级指标\t二级指标\t分值\t得分\n产出指标\t数量指标\t20\t18\n\t质量指标\t10\t10\n\n后记\n"
    table, after = rebuild(raw)
    last = table.rows[2]
    assert [c.col for c in last] == [0, 1, 2, 3] and last[0].text == "" and len(last[0].span) == 0
    assert last[3].row_header == ("产出指标", "质量指标") and last[3].header_path == ("得分",)
    assert raw[after.span.start:after.span.end] == "后记"


# --- the grid API other loaders call --------------------------------------------------------


def test_build_table_with_merged_cells() -> None:
    s = Span(0, 0)
    grid = [
        [GridCell("指标", s, rowspan=2, colspan=2), GridCell("分值", s, rowspan=2), ("评价方式", s, 1, 2)],
        [("整体评价", s, 1, 1), ("样本评价", s, 1, 1)],
        [GridCell("产出指标", s, rowspan=2), ("数量指标", s, 1, 1), ("20", s, 1, 1), ("√", s, 1, 1), ("", s, 1, 1)],
        [("质量指标", s, 1, 1), ("10", s, 1, 1), ("", s, 1, 1), ("√", s, 1, 1)],
    ]
    block = build_table(grid, span=Span(0, 10), page=3)
    assert block.page == 3 and block.span == Span(0, 10)
    last = block.rows[3]
    assert [c.col for c in last] == [1, 2, 3, 4]
    assert last[0].row_header == ("产出指标", "质量指标")
    assert last[1].header_path == ("分值",)
    assert last[3].header_path == ("评价方式", "样本评价")
    assert all(c.is_header for c in block.rows[1])


def test_build_table_forced_header_rows() -> None:
    s = Span(0, 0)
    grid = [[("名称", s, 1, 1), ("金额", s, 1, 1)], [("办公费", s, 1, 1), ("28.26", s, 1, 1)]]
    plain = build_table(grid)
    forced = build_table(grid, header_rows=1)
    assert not plain.rows[0][0].is_header
    assert forced.rows[0][0].is_header and forced.rows[1][1].header_path == ("金额",)
    assert forced.rows[1][1].row_header == ("办公费",)


def test_rules_come_from_the_rule_file() -> None:
    rules = tables.default_rules()
    assert rules.is_header_term("全年执行数（B）") and rules.is_value_term("年度指标值")
    assert rules.has_unit_suffix("项目资金（万元）") and not rules.has_unit_suffix("楼堂馆所（2022年完工项目）")


def test_rebuild_is_linear_on_long_inputs() -> None:
    tab_paragraphs = "\t段落文字。\n\n" * 20000  # one-cell rows: never a table, scanned once
    started = time.perf_counter()
    blocks = rebuild(tab_paragraphs + "\n" + seed("001").text * 5)
    assert time.perf_counter() - started < 5
    assert sum(b.kind == "paragraph" for b in blocks[:20000]) == 20000


def test_total_row_after_an_empty_first_cell() -> None:
    raw = ("\t绩效指标\n\t一级指标\n\t三级指标\n\t分值\n\t得分\n\n\t\n\t产出指标\n\t运转保障率\n\t20\n\t18\n\n"
           "\t\n\t合计\n\t20\n\t18\n")
    (table,) = rebuild(raw)
    total = table.rows[2]
    assert [(c.col, c.colspan) for c in total] == [(0, 1), (1, 2), (3, 1), (4, 1)]
    assert [c.header_path[-1] for c in total[2:]] == ["分值", "得分"]
