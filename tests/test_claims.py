"""Claim extraction on the seeds: every figure a gold quote names is a claim with the right unit,
and phone numbers, document numbers, dates, years and list numbering are not claims."""

import json
import re

import pytest

from auditor.evaluate import occurrences
from auditor.nlp.numbers import UnitLexicon, find_figures
from auditor.rules import RuleSet
from tests.conftest import SEEDS, audited

LEX = UnitLexicon(RuleSet.load()["units"])
NON_CLAIMS = {
    "phone": re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    "document number": re.compile(r"〔\d{4}〕\d+号"),
    "date": re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"),
    "year": re.compile(r"(?:19|20)\d\d(?=\s*年)"),
    "list numbering": re.compile(r"(?m)^[ \t\u3000]*\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]"),
    "attachment": re.compile(r"附件\d+"),
}


def quotes(seed):
    data = json.loads(seed.with_suffix(".gold.json").read_text(encoding="utf-8"))
    return [q for item in data["findings"] + data["holds"] for q in item["quotes"]]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_figure_in_gold_quotes_is_a_claim(seed):
    result = audited(str(seed))
    text = result.document.text
    claims = result.reading.claims
    missing = []
    for quote in quotes(seed):
        for fig in (f for f in find_figures(quote, LEX) if f.tag == "figure"):
            for occ in occurrences(text, quote):
                start, end = occ.start + fig.number_start, occ.start + fig.number_end
                hit = [c for c in claims if c.span.start <= start and end <= c.span.end]
                written = fig.unit.text if fig.unit else ""
                if not hit or (written and hit[0].quantity.unit != written):
                    missing.append((quote, quote[fig.number_start:fig.number_end], written,
                                    hit[0].quantity.unit if hit else None))
    assert not missing


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_non_claims_are_not_claims(seed):
    result = audited(str(seed))
    text = result.document.text
    wrong = []
    for kind, pattern in NON_CLAIMS.items():
        for m in pattern.finditer(text):
            for c in result.reading.claims:
                if c.span.start < m.end() and m.start() < c.span.end and not (kind == "list numbering" and "分" in c.text):
                    wrong.append((kind, m.group(), c.text))
    assert not wrong


def claim_at(result, text):
    matches = [c for c in result.reading.claims if c.text == text]
    assert matches, text
    return matches


@pytest.mark.parametrize(("seed", "text", "role", "kind", "subject"), [
    ("000", "1362.16万元", "budget", "money", "部门预算收入总额"),
    ("000", "67.3万元元", "addition", "money", "追加预算"),
    ("000", "97.65分", "score", "score", "本次绩效评价综合得分"),
    ("003", "760.2160", "executed", "money", "年度资金总额"),
    ("003", "75.00%", "rate", "rate", "年度资金总额"),
    ("003", "85", "score", "score", "年度资金总额"),
    ("001", "88%", "rate", "rate", ""),
    ("002", "203455.30 元", "balance", "money", "财政资金结转结余"),
])
def test_roles_and_subjects(seed, text, role, kind, subject):
    path = next(p for p in SEEDS if p.name.startswith(seed))
    claim = claim_at(audited(str(path)), text)[0]
    assert (claim.role, claim.kind) == (role, kind)
    assert subject in claim.subject


def test_table_cells_take_unit_and_year_from_headers():
    path = next(p for p in SEEDS if p.name.startswith("001"))
    result = audited(str(path))
    c = next(c for c in result.reading.claims if c.text == "11910.58")
    assert (c.quantity.unit, c.year, c.role) == ("万元", 2021, "executed")
    assert c.subject == "对机关事业单位基本养老保险基金的补助"


def test_report_year():
    years = {p.name[:3]: audited(str(p)).reading.report_year for p in SEEDS}
    assert years == {"000": 2022, "001": 2022, "002": 2023, "003": 2023, "004": 2021}


def test_report_without_numbers_has_no_claims(tmp_path):
    from auditor.pipeline import audit

    path = tmp_path / "plain.txt"
    path.write_text("本单位认真开展绩效自评工作，取得了较好成效。\n", encoding="utf-8")
    result = audit(path)
    assert result.reading.claims == () and result.findings == ()


# --- keys, candidate roles and declared units: newly written snippets ---------------------------

def read_snippet(snippet: str):
    from auditor.ingest import text as text_loader
    from auditor.nlp import read

    document = text_loader.load("snippet.txt", snippet.encode("utf-8"))
    return read(document, RuleSet.load())


@pytest.mark.parametrize(("snippet", "figure", "roles", "source", "stage", "item"), [
    # a cue on the right when the left has none
    ("项目资金500万元已全部到位。", "500万元", ("executed",), "", "到位", "项目资金"),
    ("其余5000万元结转下年使用。", "5000万元", ("balance",), "", "结转", "其余"),
    ("培训经费12万元已全部拨付。", "12万元", ("executed",), "", "支付", "培训经费"),
    # a change of a stage is not the stage: both readings kept, the change first
    ("较上年决算数减少83.47万元。", "83.47万元", ("change", "executed"), "", "决算增减", "较上年决算数减少"),
    ("比上年增加42万元。", "42万元", ("change",), "", "增减", "比上年增加"),
    # a level of government before a kind of money; a source's 预算 is no stage
    ("中央财政补助资金下达800万元。", "800万元", ("budget",), "中央", "预算", None),
    ("一般公共预算财政拨款收入264.93万元。", "264.93万元", ("income",), "财政拨款", "", "收入"),
    ("省级资金到位率为95%。", "95%", ("rate",), "省级", "到位", None),
    # a longer cue hides the shorter one inside it
    ("全年预算数1000万元。", "1000万元", ("adjusted_budget",), "", "调整", ""),
    ("年初预算项目资金300万元。", "300万元", ("budget",), "", "预算", "项目资金"),
])
def test_keys_and_roles_from_both_sides(snippet, figure, roles, source, stage, item):
    (claim,) = [c for c in read_snippet(snippet + "\n").claims if c.text == figure]
    assert claim.roles == roles and claim.role == roles[0]
    assert (claim.key.source, claim.key.stage) == (source, stage)
    if item is not None:
        assert claim.key.item == item


@pytest.mark.parametrize(("snippet", "figure", "not_role"), [
    ("按《项目预算管理办法》组织培训120人次。", "120人次", "budget"),
    ("根据《关于下达资金预算的通知》支付资金30万元。", "30万元", "budget"),
])
def test_words_inside_a_document_title_are_not_cues(snippet, figure, not_role):
    (claim,) = [c for c in read_snippet(snippet + "\n").claims if c.text == figure]
    assert not_role not in claim.roles


def test_key_year_and_section():
    reading = read_snippet("一、预算执行情况\n2023年年初预算1362.16万元，全年追加预算67.3万元。\n")
    budget, addition = reading.claims
    assert (budget.key.year, budget.section, budget.key.stage) == (2023, "预算执行情况", "预算")
    assert (addition.role, addition.key.stage) == ("addition", "调整")


DECLARED = ("{declaration}\n项目\t年初预算数\t全年预算数\t全年执行数\t在职人数\n"
            "项目资金\t100\t120\t118\t35\n")


@pytest.mark.parametrize(("declaration", "unit"), [
    ("单位：万元", "万元"),
    ("金额单位:元", "元"),
    ("（万元）", "万元"),
    ("", ""),
])
def test_table_figures_take_the_declared_money_unit(declaration, unit):
    reading = read_snippet(DECLARED.format(declaration=declaration))
    by_text = {c.text: c for c in reading.claims}
    assert reading.money_unit == unit
    assert by_text["100"].quantity.unit == unit and by_text["118"].quantity.unit == unit
    assert by_text["35"].quantity.unit == "人"  # a people column is not money, whatever is declared
    assert by_text["120"].header_path == ("全年预算数",) and by_text["120"].key.stage == "调整"
    assert by_text["118"].key == by_text["118"].key.__class__("", "执行", None, "项目资金")


@pytest.mark.parametrize("snippet", [
    "2023年度项目绩效自评报告",
    "截至2023年12月31日",
    "（璧财绩〔2023〕12号）",
    "依据〔2021〕41、181号文件",
    "依据(川财教2022118)文件",
    "（湘财社〔2019〕147号）",
    "1、项目概况",
    "（1）资金到位情况",
    "联系电话：13812345678",
    "联系方式：023-45855004",
    "索引号：11510000-3/2023-00012",
    "网址：http://www.example.gov.cn/art/2023/5/art_1229_58993.html",
    "原文见 /info/5311/13352539.htm",
])
def test_not_claims(snippet):
    assert read_snippet(snippet + "\n").claims == ()


@pytest.mark.parametrize(("text", "title"), [
    ("某县2023年度农村公路养护资金绩效自评\n- 公开目录\n- 绩效自评报告\n", "某县2023年度农村公路养护资金绩效自评"),
    ("- 索引号\n- 发文机构\n关于2022年度学生资助项目绩效自评报告\n", "关于2022年度学生资助项目绩效自评报告"),
    ("某局2021年部门决算说明\n一、基本情况\n", "某局2021年部门决算说明"),
])
def test_the_title_is_the_report_line_not_a_catalogue_field(text, title):
    from auditor.ingest import text as text_loader
    from auditor.nlp import read

    reading = read(text_loader.load("t.txt", text.encode("utf-8")), RuleSet.load())
    assert reading.title == title


@pytest.mark.parametrize(("snippet", "figure", "unit"), [
    ("下达乡村建设资金3520.6万。其中，省级2000万元。", "3520.6万", "万元"),   # money named before: 万元
    ("全年一般公共预算支出约1.2亿，", "约1.2亿", "亿元"),
    ("全年增收375万，", "375万", "万元"),
    ("带动周边农户增收，惠及2万群众。", "2万", "万"),                      # no money word: left bare
    ("项目资金惠及5万群众。", "5万", "万"),                               # a noun follows: its 万
])
def test_a_bare_magnitude_is_money_where_its_clause_names_money(snippet, figure, unit):
    (claim,) = [c for c in read_snippet(snippet + "\n").claims if c.text == figure]
    assert claim.quantity.unit == unit


@pytest.mark.parametrize(("snippet", "figure", "subject"), [
    # a clause that began at a bracket takes the words before it
    ("因公出国(境)费支出决算12万元。", "12万元", "因公出国(境)费支出决算"),
    ("完成人工造林(含补植)350亩。", "350亩", "完成人工造林(含补植)"),
    # a bracket's tail (a note, a point budget) is left out
    ("（单位：万元，下同）一般公共预算收入完成320万元。", "320万元", "一般公共预算收入完成"),
    ("二、产出指标(30分)培训覆盖率95%", "95%", "培训覆盖率"),
    # the per-head standard of the figure before is not the next figure's subject
    ("初中按1250元/生标准补助学生46.5万元。", "46.5万元", "标准补助学生"),
    # numbering and dashes left over from a clause break
    ("2.上级补助收入6.47万元。", "6.47万元", "上级补助收入"),
    ("——节能环保支出15万元", "15万元", "节能环保支出"),
    ("20xx年我镇获得衔接资金500万元。", "500万元", "我镇获得衔接资金"),  # a year placeholder
    ("新建公厕(二)期工程投资30万元。", "30万元", "新建公厕(二)期工程投资"),
])
def test_subjects_are_cut_clean(snippet, figure, subject):
    (claim,) = [c for c in read_snippet(snippet + "\n").claims if c.text == figure]
    assert claim.subject == subject


PASSAGE_ROW = ("年度总体目标\t预期目标\n"
               "通过实施本项目改善农村人居环境，提升群众生活质量，助力乡村振兴全面推进和城乡融合发展\t"
               "新建村级活动室1间120平方米，硬化道路3.5公里\n")


@pytest.mark.parametrize(("figure", "subject"), [
    ("120平方米", "新建村级活动室"),  # right after another figure: that one's words
    ("3.5公里", "硬化道路"),
])
def test_a_figure_in_a_cell_of_text_under_a_passage_is_named_by_its_own_words(figure, subject):
    (claim,) = [c for c in read_snippet(PASSAGE_ROW).claims if c.text == figure]
    assert claim.cell is not None and claim.subject == subject


@pytest.mark.parametrize(("text", "title"), [
    ("某县卫生健康局2024年度部门整体支出绩效自评报告\n一、基本情况\n", "某县卫生健康局2024年度部门整体支出绩效自评报告"),
    ("某镇中心小学2023年部门决算公开表\n单位：万元\n", "某镇中心小学2023年部门决算公开表"),
    ("某区水务局2022年度部门決算\n一、部門基本情況\n", "某区水务局2022年度部门决算"),  # traditional: read on the simplified view
    ("一、基本情况\n本年度共完成培训120人次。\n", ""),  # a heading is no title
    ("二、部门收支决算情况说明\n本年收入合计85.6万元。\n", ""),  # a numbered heading, though it names a 说明
    ("".join(f"• 栏目{n}\n  • 内容{n}\n" for n in range(8)) + "某县水利局关于2023年度小型水库维修资金绩效自评报告\n",
     "某县水利局关于2023年度小型水库维修资金绩效自评报告"),  # a web page's list items before it are skipped
    ("某区农业农村局2024年度耕地地力保护补贴实施情况\n绩效目标分解下达情况\n",
     "某区农业农村局2024年度耕地地力保护补贴实施情况"),  # no 报告 word: a dated line ending in 情况
    ("某街道办事处\n2022年度“三公”经费决算情况公告\n", "2022年度“三公”经费决算情况公告"),
    ("绩效目标分解下达情况\n2023年拨付资金12万元，执行情况良好。\n", ""),  # undated, then a sentence
])
def test_title_of_a_report(text: str, title: str) -> None:
    from auditor.ingest import text as text_loader
    from auditor.nlp.claims import title_of

    assert title_of(text_loader.load("report.txt", text.encode("utf-8"))) == title


@pytest.mark.parametrize(("text", "unit"), [
    ("项目支出绩效自评表\n单位名称：某县农业农村局\n", "某县农业农村局"),
    ("项目名称 村道养护 实施单位 某镇人民政府 主管部门 某县交通运输局\n", "某镇人民政府"),
    # a flattened form: the figure of another cell after the label is no unit's name
    ("自评表 项目资金（元） 实施单位 8,216 预期目标 年度总体目标\n某区体育中心\n", "某区体育中心"),
    ("首页>信息公开>预算决算>区文旅委\n某区文化和旅游委员会\n", "某区文化和旅游委员会"),  # a breadcrumb is no name
])
def test_unit_name_of_a_report(text: str, unit: str) -> None:
    from auditor.ingest import text as text_loader
    from auditor.nlp.claims import unit_name_of

    assert unit_name_of(text_loader.load("report.txt", text.encode("utf-8"))) == unit


@pytest.mark.parametrize(("snippet", "figure", "unit"), [
    ("相比2022年的总支出4312.65增加218.40万元，增幅5.06%。", "4312.65", "万元"),  # the base of a change
    ("公务接待费1.86减少0.21万元。", "1.86", "万元"),
    ("新建改造户厕9650（其中，新建户厕9400户，改造户厕250），完成率100%。", "9650", "户"),  # parts in a bracket
    ("新建改造户厕9650（其中，新建户厕9400户，改造户厕250），完成率100%。", "250", "户"),
    ("平均得分86增加4%。", "86", ""),  # a rate's change says nothing of the base's unit
    ("培训1260（其中，农民1200人次，教材60册）。", "1260", ""),  # two units inside: no certain one
    ("总支出4312.65，比上年增加218.40万元。", "4312.65", ""),  # not right before its change
])
def test_a_bare_figure_inherits_the_unit_of_its_certain_partner(snippet: str, figure: str, unit: str) -> None:
    (claim,) = [c for c in read_snippet(snippet).claims if c.text == figure]
    assert claim.quantity.unit == unit
    assert claim.unit_text == ""  # inherited, never written


@pytest.mark.parametrize(("table", "figures"), [
    # a 收入支出决算总表 with its line numbers (行次) and column numbers (栏次)
    ("单位：万元\n项目\t行次\t金额\n栏次\t1\t2\n一、财政拨款收入\t1\t812.40\n二、事业收入\t2\t96.15\n",
     ["812.40", "96.15"]),
    # a numbered list of projects (序号)
    ("序号\t项目名称\t预算数（万元）\n1\t校舍维修\t45.5\n2\t设备购置\t30\n", ["45.5", "30"]),
])
def test_line_and_column_numbers_are_no_figures(table, figures):
    assert [c.text for c in read_snippet(table).claims] == figures
