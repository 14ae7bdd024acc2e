"""Column sums of tables whose rows lost cells (auditor/linking/placed_totals.py) and breakdowns
by classification (auditor/linking/classified_lists.py): which figures each sum holds."""

from __future__ import annotations

from auditor.linking import classified_lists, placed_totals
from auditor.linking.context import Context

WATER_TABLE = """2024年农村饮水工程补助分乡表
乡名 | 受益人口(人) | 新建(处) | 维修(处) | 补助资金(万元) | 市级资金(万元) | 县级资金(万元)
石门乡 | 1450 | 3 | 2 | 62.00 | 50.00 | 12.00
柳林乡 | 980 | 4 | 41.60 | 41.60
白沙乡 | 760 | 1 | 5 | 30.40 | 24.00 | 6.40
合计 | 3190 | 8 | 7 | 134.00 | 115.60 | 18.40
"""




def sums(ctx: Context, finder) -> list[list[str]]:  # noqa: ANN001
    return [[ctx.by_id[i].text for i in c.claims] for c in finder.find(ctx)]


def test_a_row_missing_a_cell_is_placed_by_the_column_sums(context) -> None:  # noqa: ANN001
    # 柳林乡's 4 can only be 新建 (3 + 4 + 1 = 8), its second 41.60 only 市级 (50 + 41.6 + 24 = 115.6)
    found = sums(context(WATER_TABLE), placed_totals)
    assert ["8", "3", "4", "1"] in found
    assert ["7", "2", "5"] in found
    assert ["115.60", "50.00", "41.60", "24.00"] in found
    assert ["18.40", "12.00", "6.40"] in found


def test_one_changed_figure_keeps_the_placement(context) -> None:  # noqa: ANN001
    found = sums(context(WATER_TABLE.replace("| 41.60 | 41.60", "| 41.60 | 47.60")), placed_totals)
    assert ["115.60", "50.00", "47.60", "24.00"] in found


def test_two_placements_fitting_as_well_form_nothing(context) -> None:  # noqa: ANN001
    text = "村名 | 户数 | 脱贫户 | 监测户\n甲村 | 40 | 40\n乙村 | 40 | 40\n丙村 | 20 | 10 | 10\n合计 | 100 | 50 | 50\n"
    assert sums(context(text), placed_totals) == []


def test_a_word_between_figures_leaves_the_table_alone(context) -> None:  # noqa: ANN001
    text = WATER_TABLE.replace("柳林乡 | 980 | 4 |", "柳林乡 | 980 | 在建 | 4 |")
    assert sums(context(text), placed_totals) == []


def test_a_search_too_large_forms_nothing(context, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(placed_totals, "MAX_STEPS", 3)
    assert sums(context(WATER_TABLE), placed_totals) == []


def test_each_classification_adds_up_to_the_amount(context) -> None:  # noqa: ANN001
    text = ("2023年度一般公共预算财政拨款支出640.00万元，比上年减少12.00万元。其中：按功能分类科目，"
            "教育支出600.00万元，社会保障和就业支出40.00万元；按经济分类科目，工资福利支出500.00万元，"
            "商品和服务支出140.00万元。\n")
    assert sums(context(text), classified_lists) == [["640.00万元", "600.00万元", "40.00万元"],
                                                    ["640.00万元", "500.00万元", "140.00万元"]]


def test_a_classification_list_running_on_past_its_full_stop_is_left_alone(context) -> None:  # noqa: ANN001
    text = "本年财政拨款支出90.00万元。按经济分类科目，工资福利支出50.00万元。商品和服务支出40.00万元。\n"
    assert sums(context(text), classified_lists) == []


def test_a_distribution_bracket_after_words_lists_the_amount(context) -> None:  # noqa: ANN001
    from auditor.linking.lists import PartLists
    ctx = context("专项资助52.00万元，惠及学生830人，均为省级资金（分配城区学校30.50万元，乡镇学校21.50万元）。\n")
    found = [(g.total.text, [p.text for p in g.parts]) for g in PartLists(ctx).found]
    assert ("52.00万元", ["30.50万元", "21.50万元"]) in found


def test_a_total_row_under_the_header_sums_the_rows_below(context) -> None:  # noqa: ANN001
    lines = WATER_TABLE.splitlines()
    text = "\n".join([lines[0], lines[1], lines[-1], *lines[2:-1]]) + "\n"
    assert ["8", "3", "4", "1"] in sums(context(text), placed_totals)


def test_a_total_among_its_rows_forms_nothing(context) -> None:  # noqa: ANN001
    lines = WATER_TABLE.splitlines()
    text = "\n".join([lines[0], lines[1], lines[2], lines[-1], *lines[3:-1]]) + "\n"
    assert sums(context(text), placed_totals) == []


def test_placements_each_leaving_a_column_off_form_one_constraint_over_them(context) -> None:  # noqa: ANN001
    # 乙县's 2.00 may be 市级 or 县级; either way its column no longer adds up (3 + 2 + 1.5 against 4.5)
    text = ("县 | 人数(人) | 资金(万元) | 中央(万元) | 市级(万元) | 县级(万元)\n甲县 | 120 | 36.00 | 30.00 | 3.00 | 3.00\n"
            "乙县 | 90 | 27.00 | 27.00 | 2.00\n丙县 | 60 | 18.00 | 15.00 | 1.50 | 1.50\n"
            "合计 | 270 | 81.00 | 72.00 | 4.50 | 4.50\n")
    ctx = context(text)
    found = list(placed_totals.find(ctx))
    assert [c.kind for c in found] == ["placed_readings"]
    assert len(found[0].params["readings"]) == 2
    assert [ctx.by_id[i].text for i in found[0].params["moved"]] == ["2.00"]
    assert sums(context(text.replace("| 27.00 | 2.00", "| 27.00 | 0")), placed_totals) != []
