"""Windows and lengths the finders use are parameters in rules/, read from the rule set in use:
an overlay changing one changes what the finder links."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.pipeline import audit
from auditor.rules import RuleSet

# a completion sentence against the indicator row's actual value (achievements.py)
INDICATOR = """2024年农村饮水安全巩固提升项目支出绩效自评报告
二、项目实施情况
截至年底，已完成新建集中供水工程18处，改造老旧供水管网42公里。
三、绩效指标完成情况
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析
产出指标\t数量指标\t新建集中供水工程\t≥18处\t20处\t20\t20\t
产出指标\t数量指标\t改造老旧供水管网\t≥40公里\t42公里\t10\t10\t
"""
# the indicator named right after the figure (已建成20个村级综合服务站)
NAME_AFTER = """2024年村级综合服务设施建设项目支出绩效自评报告
二、项目实施情况
截至年底，已建成20个村级综合服务站，覆盖全镇行政村。
三、绩效指标完成情况
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析
产出指标\t数量指标\t村级综合服务站\t≥20个\t22个\t20\t20\t
"""
# one fund line in two tables (links.py)
FUND_LINE = """2024年度区教育局部门整体支出绩效自评报告
附表1 部门支出基础数据表
支出项目\t2023年决算数（万元）\t2024年预算数（万元）\t2024年决算数（万元）
学前教育幼儿资助补助资金\t312.5\t330\t326.8
附表2 重点项目支出情况表
项目名称\t资金金额（万元）\t执行情况
学前教育幼儿资助补助资金\t362.8\t已按规定拨付
"""


def xref(text: str, tmp_path: Path, rules: RuleSet) -> list[tuple[str, str]]:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    return sorted((f.stated, f.expected) for f in audit(path, rules).findings if f.code == "XREF001")


@pytest.mark.parametrize(("text", "param", "value"), [
    (INDICATOR, "min_indicator_name", 12),  # 新建集中供水工程 has 8 characters
    (NAME_AFTER, "max_after_figure", 3),  # 个村级综合服务站: the name starts after the unit
    (FUND_LINE, "min_line_label", 20),  # 学前教育幼儿资助补助资金 has 12
])
def test_an_overlay_parameter_reaches_the_finder(text, param, value, tmp_path):
    assert xref(text, tmp_path, RuleSet.load())
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(f"catalogue:\n  checks:\n    XREF001:\n      params:\n        {param}: {value}\n",
                       encoding="utf-8")
    assert xref(text, tmp_path, RuleSet.load(overlay)) == []
