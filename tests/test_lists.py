"""The narrative's local groups (auditor/linking/lists.py, subgroups.py): which figures form a list."""

from __future__ import annotations

from auditor.linking import subgroups
from auditor.linking.context import Context
from auditor.linking.lists import PartLists


def groups(ctx: Context) -> list[tuple[str, list[str], bool]]:
    """Each list as (total, parts, complete), figures as written."""
    return [(g.total.text, [p.text for p in g.parts], g.complete) for g in PartLists(ctx).found]


def test_whole_is_the_nearest_figure_of_the_parts_unit(context) -> None:  # noqa: ANN001
    ctx = context("生活补助按1250元/生标准投入436.25万元，惠及学生3490人，其中上级资金318.75万元，本级资金117.50万元。\n")
    assert ("436.25万元", ["318.75万元", "117.50万元"], True) in groups(ctx)


def test_standard_words_inside_a_name_make_no_standard(context) -> None:  # noqa: ANN001
    ctx = context("高标准农田建设资金共计1200万元，其中中央资金800万元，省级资金400万元。\n")
    assert ("1200万元", ["800万元", "400万元"], True) in groups(ctx)


def test_standard_per_head_is_no_whole(context) -> None:  # noqa: ANN001
    ctx = context("补助标准为每人每月300元，其中中央200元，省级100元。\n")
    assert all(total != "300元" for total, _, _ in groups(ctx))


def test_what_is_left_after_use_is_no_part(context) -> None:  # noqa: ANN001
    ctx = context("下达资金50万元，其中中央资金30万元，省级资金20万元，已使用42万元，结余8万元。\n")
    assert groups(ctx) == [("50万元", ["30万元", "20万元"], True)]


def test_what_is_left_is_a_part_when_no_use_is_stated(context) -> None:  # noqa: ANN001
    ctx = context("转移性支出9.6亿元（其中：上解支出2.1亿元、债务还本支出3.4亿元、结转下年支出4.1亿元）。\n")
    assert ("9.6亿元", ["2.1亿元", "3.4亿元", "4.1亿元"], True) in groups(ctx)


def test_a_total_with_its_bracket_closes_the_parts_before_it(context) -> None:  # noqa: ANN001
    ctx = context("一期投资600万元（其中设备购置200万元），二期投资400万元（其中设备购置100万元），"
                  "合计投资1000万元（其中设备购置300万元）。\n")
    found = groups(ctx)
    assert ("1000万元", ["600万元", "400万元"], True) in found
    assert ("300万元", ["200万元", "100万元"], True) in found


def test_sibling_brackets_of_different_names_form_nothing(context) -> None:  # noqa: ANN001
    ctx = context("一期投资600万元（其中设备购置200万元），二期投资400万元（其中安装工程100万元），"
                  "合计投资1000万元（其中设备购置300万元）。\n")
    assert all(total != "300万元" or parts == [] for total, parts, _ in groups(ctx))


SECTIONS = (
    "全市12个县区（含7个县、5个区，下同）一般公共预算收入完成286.4亿元，同比增加21.3亿元。\n"
    "在7个县收支情况上，一般公共预算收入完成118.2亿元，同比增加8.6亿元。\n"
    "在5个区收支情况上，一般公共预算收入完成168.2亿元，同比增加12.7亿元。\n"
)


def sums(ctx: Context) -> list[list[str]]:
    return [[ctx.claims[i].text for i in c.claims] for c in subgroups.find(ctx)]


def test_parallel_sections_add_up_a_measure_and_its_change(context) -> None:  # noqa: ANN001
    assert sums(context(SECTIONS)) == [["286.4亿元", "118.2亿元", "168.2亿元"], ["21.3亿元", "8.6亿元", "12.7亿元"]]


def test_a_section_without_the_measure_forms_nothing(context) -> None:  # noqa: ANN001
    text = SECTIONS.replace("一般公共预算收入完成168.2亿元", "税收收入完成168.2亿元")
    assert sums(context(text)) == []


def test_a_sentence_opening_with_a_name_and_zhong_lists_that_figure_parts(context) -> None:  # noqa: ANN001
    ctx = context("总支出780万元，其中项目支出80万元，基本支出700万元。基本支出中人员经费600万元，公用经费100万元。\n")
    assert ("700万元", ["600万元", "100万元"], True) in groups(ctx)


def test_a_sentence_opening_with_a_count_and_zhong(context) -> None:  # noqa: ANN001
    assert ("46个", ["39个", "7个"], True) in groups(context("46个乡镇中，39个乡镇收入正增长，7个乡镇负增长。\n"))


def test_a_second_breakdown_opened_by_the_same_cue_has_the_same_total(context) -> None:  # noqa: ANN001
    ctx = context("收入完成1500万元，从征收部门来看：税务部门900万元；财政部门600万元。"
                  "从收入分类来看，税收收入1000万元；非税收入500万元。\n")
    found = groups(ctx)
    assert ("1500万元", ["900万元", "600万元"], True) in found
    assert ("1500万元", ["1000万元", "500万元"], True) in found


def test_a_cue_after_a_name_lists_the_figure_so_named(context) -> None:  # noqa: ANN001
    ctx = context("本年支出800万元。结余20万元。支出分项目具体如下：教育支出500万元，卫生支出300万元。\n")
    assert ("800万元", ["500万元", "300万元"], True) in groups(ctx)


def test_a_sentence_referring_back_lists_the_parts_of_the_sum_before(context) -> None:  # noqa: ANN001
    ctx = context("下达资金100万元。我县将该笔资金用于“甲项目”（60万元）和“乙项目”（40万元）。\n")
    assert ("100万元", ["60万元", "40万元"], True) in groups(ctx)


def test_paragraphs_each_stating_a_part_named_like_the_total(context) -> None:  # noqa: ANN001
    ctx = context("上级下达本县农村公路养护补助资金共1150万元。具体情况如下：\n"
                  "2月26日，省交通运输厅向本县下达2024年农村公路养护补助资金760万元，已拨付。\n"
                  "9月3日，省交通运输厅向本县下达第二批农村公路养护补助资金390万元。\n"
                  "上级下达本县危桥改造补助资金共1900万元。\n")
    assert ("1150万元", ["760万元", "390万元"], True) in groups(ctx)


def test_a_sentence_that_only_sums_up_closes_the_sentences_before_it(context) -> None:  # noqa: ANN001
    ctx = context("4月拨付第一批资金180万元。10月拨付第二批资金236万元。两批共计下达416万元。\n")
    assert ("416万元", ["180万元", "236万元"], True) in groups(ctx)
