"""One report under the bundled rules and under a province's overlay (tests/fixtures/rules/province.yaml:
stepwise execution-rate score, grade bands 优≥85 良≥75, its own funding-table headers 核定数 / 实拨数 /
到位率): different findings, each correct under its rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.pipeline import audit
from auditor.rules import RuleSet, check_file

PROVINCE = Path(__file__).resolve().parent / "fixtures" / "rules" / "province.yaml"


def report(executed: str, rate: str, score: str, total: str, grade: str) -> str:
    """A road-maintenance project: 600万元 budget, the indicator items worth 78 of their 90 points (the
    points lost on targets met are explained, so SCO002 has nothing to say)."""
    return f"""2024年度农村公路养护项目绩效自评报告
一、项目基本情况
本项目全年预算数600万元，全年执行数{executed}万元，预算执行率{rate}。
二、自评结论
经综合评价，本项目绩效自评得分为{total}分，评价等级为“{grade}”。
2024年度项目支出绩效自评表
项目名称\t农村公路养护
项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
年度资金总额\t600\t600\t{executed}\t10\t{rate}\t{score}
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析
产出指标(50分)\t数量指标\t养护农村公路里程\t≥320公里\t326公里\t20\t20\t
\t质量指标\t路面技术状况优良率\t≥80%\t82%\t15\t15\t
\t时效指标\t养护任务按期完成率\t100%\t100%\t15\t15\t
效益指标(30分)\t社会效益指标\t群众出行条件改善\t有效改善\t有效改善\t15\t10\t部分路段仍待改造
\t可持续影响指标\t养护长效机制\t长期\t长期\t15\t10\t管护制度尚未完全落实
满意度指标(10分)\t服务对象满意度指标\t沿线群众满意度\t≥90%\t91%\t10\t8\t个别村组反映养护不及时
总分\t100\t{total}
"""


# 552 / 600 = 92%: 9.2 points as rate × points; 8 by the province's steps (≥90% earns 80%).
# 87.2 is 良 by the bundled bands, 优 by the province's.
RATE_TIMES_POINTS = report("552", "92%", "9.2", "87.2", "良")
# 576 / 600 = 96%: 9.6 points as rate × points, so 10 is full marks for a shortfall; the province's
# steps give ≥95% full marks. 88 is 良 by the bundled bands, 优 by the province's.
STEPWISE = report("576", "96%", "10", "88", "良")


def findings(text: str, tmp_path: Path, rules: RuleSet) -> list[tuple[str, str, str, str]]:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    return sorted((f.code, f.stated, f.expected, f.severity) for f in audit(path, rules).findings)


def test_the_province_file_is_valid() -> None:
    assert check_file(PROVINCE) == []


@pytest.mark.parametrize(("text", "default", "province"), [
    pytest.param(RATE_TIMES_POINTS, [],
                 [("SCO001", "9.2", "8", "warning"),     # the capped total 86 stays 优: no band moves
                  ("SCO004", "87.2", "优", "error")],    # the conclusion's grade is wrong
                 id="scored-as-rate-times-points"),
    pytest.param(STEPWISE,
                 [("SCO001", "10", "9.6", "error")],     # full marks for 96%
                 [("SCO004", "88", "优", "error")],
                 id="scored-by-steps"),
])
def test_same_report_default_and_province(text: str, default: list, province: list, tmp_path: Path) -> None:
    assert findings(text, tmp_path, RuleSet.load()) == default
    assert findings(text, tmp_path, RuleSet.load(PROVINCE)) == province


def test_province_message_is_its_own(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(RATE_TIMES_POINTS.encode("utf-8"))
    (sco001,) = [f for f in audit(path, RuleSet.load(PROVINCE)).findings if f.code == "SCO001"]
    assert sco001.message == "年度资金总额执行率实为92%，按分档计分应得8分，实填9.2分"


# The province's own funding-table words: 核定数 / 实拨数 / 到位率 for 全年预算数 / 全年执行数 / 执行率.
# 470 / 500 = 94%, stated 99%: only a reader who knows the words sees the table and the slip.
RENAMED = """2024年度村级卫生室补助资金绩效自评表
项目名称\t村级卫生室运行补助
项目资金（万元）\t核定数\t实拨数\t到位率
年度资金总额\t500\t470\t99%
"""


def test_a_renamed_funding_table_is_read_with_the_province_words(tmp_path: Path) -> None:
    assert findings(RENAMED, tmp_path, RuleSet.load()) == []
    assert [(code, stated, expected) for code, stated, expected, _ in findings(RENAMED, tmp_path,
                                                                               RuleSet.load(PROVINCE))] \
        == [("RAT001", "99%", "94%")]


def test_a_province_grade_word_reaches_the_grade_finder(tmp_path: Path) -> None:
    """The grade words are rules (lexicon.score_cues): a province whose reports write 绩效评定 adds it."""
    text = "2024年度农村公路养护项目绩效自评报告\n经综合评价，本项目自评得分82分，绩效评定：优。\n"
    overlay = tmp_path / "grades.yaml"
    overlay.write_text("lexicon:\n  score_cues:\n    grade_lead: [等级, 等次, 评价结果, 评定]\n", encoding="utf-8")
    assert findings(text, tmp_path, RuleSet.load()) == []
    assert [(code, stated, expected) for code, stated, expected, _ in findings(text, tmp_path, RuleSet.load(overlay))] \
        == [("SCO004", "82", "良")]  # 82 is 良, the report says 优
