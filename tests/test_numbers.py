"""Figures in text: numbers, magnitudes, Chinese numerals, units, comparators, ranges, non-claims."""

from decimal import Decimal

import pytest

from auditor.nlp.numbers import UnitLexicon, find_figures
from auditor.rules import RuleSet

LEX = UnitLexicon(RuleSet.load()["units"])


def figures(text):
    return [f for f in find_figures(text, LEX) if f.tag == "figure"]


@pytest.mark.parametrize(("text", "value", "unit", "comparator"), [
    ("年初预算1362.16万元", "1362.16", "万元", "="),
    ("执行率100%", "100", "%", "="),
    ("得分97.65分", "97.65", "分", "="),
    ("参保7.17万人", "7.17", "万人", "="),
    ("资金１２３．５万元", "123.5", "万元", "="),           # full-width digits
    ("收入1,234,567.89元", "1234567.89", "元", "="),      # thousands separators
    ("提高14.5个百分点", "14.5", "个百分点", "="),
    ("满意度≥90%", "90", "%", ">="),
    ("满意度达91%以上", "91", "%", ">="),
    ("不低于95%", "95", "%", ">="),
    ("成本不超过300万元", "300", "万元", "<="),
    ("开展了30余次培训", "30", "次", ">"),
    ("举办十三场宣传", "13", "场", "="),
    ("检查两次", "2", "次", "="),
    ("达到百分之九十", "90", "%", "="),
    ("资金 372.31 万元", "372.31", "万元", "="),
    ("共5亿元", "5", "亿元", "="),
    ("排查山洪隐患点共 64 处", "64", "处", "="),  # places
    ("维修水毁道路12处", "12", "处", "="),
    ("购置农机具5台套", "5", "台套", "="),                  # compound count units
    ("开展督查3批次", "3", "批次", "="),
    ("送戏下乡十二场次", "12", "场次", "="),
    ("同比增加 41800\n元，主要原因", "41800", "元", "="),  # a sentence wrapped between figure and unit
    ("完成造林1.2万亩", "1.2", "万亩", "="),               # a magnitude before a unit the lexicon lacks
    ("发放良种38万粒", "38", "万粒", "="),
    ("绿化苗木≧500株", "500", "株", ">="),
    ("投诉率≦2%", "2", "%", "<="),
    ("安装太阳能路灯326盏", "326", "盏", "="),
    ("惠及群众8640口人", "8640", "口人", "="),
    ("业务用房面积约960平米", "960", "平米", "~"),
    ("硬化晾晒场650平方", "650", "平方", "="),
    ("治理面积12.5平方公里", "12.5", "平方公里", "="),
    ("规范管理患者8例", "8", "例", "="),
    ("间接受益农户7万余户", "7", "万户", ">"),              # 余 between magnitude and unit
    ("年产鲜薯10万斤", "10", "万斤", "="),
    ("全国财政支出2.17万亿元", "2.17", "万亿元", "="),
])
def test_figure(text, value, unit, comparator):
    (fig,) = figures(text)
    assert fig.value == Decimal(value)
    assert fig.unit is not None and fig.unit.text == unit
    assert fig.comparator == comparator


@pytest.mark.parametrize(("text", "low", "high", "unit"), [
    ("偏差度在10%-20%之间", "10", "20", "%"),
    ("控制在10～20万元", "10", "20", "万元"),
])
def test_range(text, low, high, unit):
    (fig,) = figures(text)
    assert (fig.value, fig.high, fig.unit.text, fig.comparator) == (Decimal(low), Decimal(high), unit, "range")


def test_doubled_unit_is_kept_as_written():
    (fig,) = figures("决算支出1429.46万元元，")
    assert fig.unit.text == "万元" and fig.unit_text == "万元元"


@pytest.mark.parametrize(("text", "tag"), [
    ("联系电话：15211693121", "phone"),
    ("（璧财绩〔2023〕1号）", "docno"),
    ("2023年7月5日", "date"),
    ("1.科学规范原则", "numbering"),
    ("内设股室分别是1、综合室 2、财会室", "numbering"),
    ("详见附件4", "numbering"),
    ("2022年度整体支出", "year"),
    ("截至2022年12月底", "year"),
    ("在6、9、11月的预算执行情况", "date"),
    ("发布日期：2023-05-29", "date"),                          # a date with dashes
    ("更新于2022/7/1", "date"),
    ("某县2024新型经营主体培训项目", "year"),                    # a year without 年 inside a name
    ("附件：%E8%B5%84%E9%87%91%E8%A1%A8.xls", "code"),        # a URL-encoded file name
    ("原文%25E9%2587%2591%25E9%25A2%259D", "code"),            # encoded twice
])
def test_non_claims(text, tag):
    found = find_figures(text, LEX)
    assert found and all(f.tag != "figure" for f in found), [(f.value, f.tag) for f in found]
    assert tag in {f.tag for f in found}


def test_words_with_numerals_are_not_figures():
    assert figures("一是统一部署，三公经费，五是") == []


def test_offsets_point_into_the_original_text():
    text = "预算１２３．５万元，执行１２０万元。"
    for fig in figures(text):
        assert text[fig.start:fig.end].endswith("万元")


@pytest.mark.parametrize("text", [
    "本年在职职工3\n人员经费12万元",   # the next line's word, not the figure's unit
    "\t合计\t12\n元，",                  # table cells: no wrapped sentence
    "12\n万元，",                          # a number alone on its line
])
def test_a_unit_on_the_next_line_only_ends_a_wrapped_sentence(text):
    assert [f.unit for f in figures(text) if f.value == 12 or f.value == 3][0] is None
