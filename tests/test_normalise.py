"""The normalised view of a text and its map back to the original offsets (auditor.ingest.normalise),
and claims read through it: every span still points into the original text."""

import pytest

from auditor.ingest import text as text_loader
from auditor.ingest.normalise import aligned, fold, normalise_text
from auditor.model import Document
from auditor.nlp import read
from auditor.rules import RuleSet

RULES = RuleSet.load()
# Five lines hard-wrapped at one width, mid-sentence; then a heading and a table row.
WRAPPED = (
    "本年度共安排项目资金三百万元，主要用于村级\n"
    "道路维护和公共设施的日常管护，全年实际支出\n"
    "二百八十万元，结余部分按规定结转下年继续使\n"
    "用，资金使用情况已经在村务公开栏公示，接受\n"
    "群众监督，未发现挤占挪用和虚报冒领的情况。\n"
    "二、项目绩效目标完成情况和存在的主要问题\n"
    "项目\t预算数\t执行数\n"
)


@pytest.mark.parametrize(("original", "normalised"), [
    ("項目資金預算執行率為98.5%", "项目资金预算执行率为98.5%"),
    ("總收入4185.36萬元，其中財政撥款收入", "总收入4185.36万元，其中财政拨款收入"),
    ("預(yù)算資(zī)金到位", "预算资金到位"),
    ("學（xué）段資助", "学段资助"),
    ("支出１２３．４５万元（含税），占比１５％", "支出123.45万元(含税)，占比15%"),
    ("全年预算数(A)、执行数(B)", "全年预算数(A)、执行数(B)"),  # a header's letter is no gloss
    ("他的(de)读音", "他的(de)读音"),  # no tone mark: left alone
    ("APP（ａｐｐ）", "APP(app)"),
])
def test_normalised_text(original, normalised):
    assert normalise_text(original).text == normalised


@pytest.mark.parametrize(("original", "figure", "written"), [
    ("預(yù)算資(zī)金67.3萬(wàn)元，", "67.3万元", "67.3萬(wàn)元"),
    ("全年支出１２３．４５万元", "123.45万元", "１２３．４５万元"),
    ("執行數為760.2160萬元", "760.2160万元", "760.2160萬元"),
])
def test_spans_map_back_to_the_original(original, figure, written):
    view = normalise_text(original)
    start = view.text.index(figure)
    span = view.span_to_original(start, start + len(figure))
    assert original[span.start:span.end] == written
    assert view.to_normalised(span.start) == start


def test_every_kept_character_maps_to_its_original():
    original = "預(yù)算執行率為９８％\n項目資金"
    view = normalise_text(original)
    assert len(view.text) < len(original)
    for i, char in enumerate(view.text):
        assert normalise_text(original[view.to_original(i)]).text == char
    assert view.to_original(len(view.text)) == len(original)


def test_hard_wrapped_lines_are_rejoined_but_headings_and_rows_are_not():
    view = normalise_text(WRAPPED)
    lines = view.text.split("\n")
    assert lines[0].endswith("村级道路维护和公共设施的日常管护，全年实际支出二百八十万元，结余部分按规定结转下年继续使用，"
                              "资金使用情况已经在村务公开栏公示，接受群众监督，未发现挤占挪用和虚报冒领的情况。")
    assert lines[1] == "二、项目绩效目标完成情况和存在的主要问题"
    assert lines[2] == "项目\t预算数\t执行数"


def test_short_lines_are_not_wraps():
    text = "一、基本情况\n本单位为财政全额拨款单位\n二、预算收支\n"
    assert normalise_text(text).text.count("\n") == text.count("\n")  # full-width brackets made ASCII, no line joined


@pytest.mark.parametrize(("label", "folded"), [
    ("年初\n預算數", "年初预算数"),
    ("全年執行數（萬元）", "全年执行数(万元)"),
    ("項(xiàng)目 名稱", "项目名称"),
])
def test_fold_for_header_words(label, folded):
    assert fold(label) == folded


def claims_of(snippet: str):
    document = text_loader.load("snippet.txt", snippet.encode("utf-8"))
    return document.text, read(document, RULES).claims


@pytest.mark.parametrize(("snippet", "written", "unit", "role"), [
    ("2019年總收入4185.36萬元，其中財政補助收入1527.04萬元。\n", "4185.36萬元", "万元", "income"),
    ("2019年總收入4185.36萬元，其中財政補助收入1527.04萬元。\n", "1527.04萬元", "万元", "income"),
    ("預(yù)算執(zhí)行率為98.5%。\n", "98.5%", "%", "rate"),
    ("年初預(yù)算資金67.3萬(wàn)元。\n", "67.3萬(wàn)元", "万元", "budget"),
    ("全年决算支出１４２９．４６万元。\n", "１４２９．４６万元", "万元", "executed"),
])
def test_claims_are_read_from_the_normalised_view(snippet, written, unit, role):
    text, claims = claims_of(snippet)
    claim = next(c for c in claims if c.text == written)
    assert text[claim.span.start:claim.span.end] == written
    assert (claim.quantity.unit, claim.role) == (unit, role)


def test_a_figure_split_by_a_hard_wrap_keeps_its_unit():
    lines = ["本年度共安排项目资金，主要用于村级道路的维护", "和公共设施的日常管护，全年决算支出280.5万",
             "元，结余部分按规定结转下年继续使用，资金使", "用情况已经在村务公开栏公示，接受群众的监督，",
             "未发现挤占挪用和虚报冒领资金等违规的情况。"]
    text, claims = claims_of("\n".join(lines) + "\n")
    (claim,) = [c for c in claims if c.quantity.value == 280.5]
    assert claim.text == "280.5万\n元" == text[claim.span.start:claim.span.end]
    assert (claim.quantity.unit, claim.role) == ("万元", "executed")


def test_loader_attaches_the_view(tmp_path):
    from auditor import ingest

    path = tmp_path / "report.txt"
    path.write_text("預算執行率為98.5%\n", encoding="utf-8")
    document = ingest.load(path)
    assert document.normalised is not None and document.normalised.text == "预算执行率为98.5%\n"
    assert document.text == "預算執行率為98.5%\n"


@pytest.mark.parametrize(("original", "cue_view"), [
    ("項目資金預算執行率為98.5%", "项目资金预算执行率为98.5%"),
    ("預(yù)算資(zī)金到位", "预    算资    金到位"),  # glosses blanked, not dropped
    ("支出１２３．４５万元（含税）", "支出１２３．４５万元（含税）"),  # full-width forms stay as written
    ("本年度共安排项目资金\n三百万元", "本年度共安排项目资金\n三百万元"),
])
def test_the_linking_stage_reads_simplified_cues_at_the_original_offsets(original, cue_view):
    document = Document(path="x.txt", text=original, blocks=(), format="txt", sha256="")
    view = aligned(document)
    assert view == cue_view and len(view) == len(original)


def test_simplified_characters_keeps_every_offset() -> None:
    from auditor.ingest.normalise import simplified_characters

    text = "項目\t年初預算數\n（萬元）abc 12.5"
    view = simplified_characters(text)
    assert len(view) == len(text)
    assert view == "项目\t年初预算数\n（万元）abc 12.5"
    assert simplified_characters("abc 12") == "abc 12"


# Lines wrapped at one width in display columns (a Chinese character two, a digit one): their
# character counts differ, as figures and Chinese mix.
WRAPPED_IN_COLUMNS = (
    "二、采购预算说明\n"
    "本单位本年度图书资料采购预算，按照计划全年安排\n"
    "812450.30 元，比上年增加 102300.50 元，增长 14.41%\n"
    "。其中：纸质图书采购预算 503600 元，占图书采购\n"
    "预算的 61.99%，比上年增加 60120 元，增长 13.56%；\n"
    "电子资源采购预算 308850.30 元，占图书采购预算的\n"
    "38.01%，主要用于数据库的续订和各类期刊的订阅。\n"
)


def test_lines_wrapped_at_one_width_in_columns_are_rejoined():
    lines = normalise_text(WRAPPED_IN_COLUMNS).text.split("\n")
    assert lines[0] == "二、采购预算说明"
    assert lines[1].endswith("全年安排812450.30 元，比上年增加 102300.50 元，增长 14.41%。其中：纸质图书采购预算 503600 元，"
                             "占图书采购预算的 61.99%，比上年增加 60120 元，增长 13.56%；")
    assert lines[2] == "电子资源采购预算 308850.30 元，占图书采购预算的38.01%，主要用于数据库的续订和各类期刊的订阅。"


def test_the_linking_view_runs_a_clause_on_over_a_wrap_at_the_original_offsets():
    document = text_loader.load("snippet.txt", WRAPPED_IN_COLUMNS.encode("utf-8"))
    view = aligned(document)
    assert len(view) == len(document.text)
    at = document.text.index("61.99%")
    assert view[at - 10:at] == "占图书采购 预算的 " and document.text[at - 10:at] == "占图书采购\n预算的 "
    assert "13.56%；\n电子资源" in view  # a sentence end: the line break stays


def test_items_of_about_one_length_each_on_its_line_are_no_wrapped_run():
    items = ("（一）资金安排情况\n"
             "一是道路硬化工程，按计划安排资金共计2770000元\n二是环境整治\n"
             "三是公共照明设施建设，安排资金56.5万元整\n四是绿化\n"
             "五是垃圾分类设施购置，安排资金180000元\n六是其他\n"
             "七是村务公开栏的更新改造，安排资金9.25万元\n八是宣传\n"
             "九是村级活动场所的维修，安排资金4.6万元\n十是培训\n")
    assert normalise_text(items).text.split("\n")[1:] == items.split("\n")[1:]


def test_a_decimal_percentage_opening_a_line_carries_the_sentence_on():
    lines = ["本年度一般公共预算支出合计，较上年决算数减少", "157.80万元，下降幅度较大，主要原因是上年下拨", "29.2%的专项资金本年度未再安排，另外的两项",
             "支出按照规定压减，日常公用经费也同比下降了", "5.6%。", "1.基本支出情况"]
    text = "\n".join(lines) + "\n"
    view = normalise_text(text).text
    assert "上年下拨29.2%的专项资金" in view
    assert view.endswith("下降了5.6%。\n1.基本支出情况\n")


def test_a_hard_wrapped_paragraph_is_one_block_and_its_spans_point_into_the_original():
    from auditor.ingest.normalise import with_normalised

    document = with_normalised(text_loader.load("snippet.txt", WRAPPED_IN_COLUMNS.encode("utf-8")))
    texts = [document.text[b.span.start:b.span.end] for b in document.blocks]
    assert texts[0] == "二、采购预算说明"
    assert texts[1].startswith("本单位本年度") and texts[1].endswith("增长 13.56%；") and texts[1].count("\n") == 3
    assert texts[2].startswith("电子资源") and texts[2].endswith("订阅。")
    claims = read(document, RULES).claims
    share = next(c for c in claims if c.text == "61.99%")
    assert document.text[share.span.start:share.span.end] == "61.99%"


def test_numbered_headings_closed_by_their_bracket_are_never_joined_to_the_line_after():
    text = ("三、综合评价结论\n经评价，本局城区污水管网改造项目总体得分为91.5分，评价等级为优。\n四、绩效评价指标分析\n"
            "（一）项目决策情况（分值20分，自评得分20分）\n项目立项依据充分，程序规范。\n"
            "（二）项目过程情况（分值20分，自评得分18.5分）\n资金拨付及时，个别工程验收资料不全。\n"
            "（三）项目产出情况（分值30分，自评得分28分）\n完成管网改造工程3.6公里。\n"
            "（四）项目效益情况（分值30分，自评得分25分）\n改善了城区居民生活环境。\n")
    assert normalise_text(text).text.count("\n") == text.count("\n")  # full-width brackets made ASCII, no line joined
