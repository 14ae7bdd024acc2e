"""Severity is a decision error (auditor/checks/severity.py): error when the slip changes a
conclusion (a grade band, full marks for a shortfall, a total the conclusion quotes), warning when
it changes nothing scored, info for unit, wording and rounding slips and uncertain partners.

Each case is a small report written for this test, run through the whole pipeline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from auditor import graph, ingest, nlp
from auditor.checks import severity
from auditor.model import AuditResult
from auditor.pipeline import audit
from auditor.rules import RuleSet

TABLE_HEAD = ("2024年度项目支出绩效自评表\n项目名称\t农村饮水安全巩固提升\n"
              "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析\n")
FUNDING_HEAD = "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"


def indicator_table(quality: float, benefit: float, satisfaction: float, total: float) -> str:
    """An indicator table whose 总分 row adds up; the benefit item has 30 points. A target reached
    and scored below its points says why (else that is a finding of its own, SCO002)."""
    def why(score: float, points: int) -> str:
        return "抽检个别样本不达标" if score < points else ""

    return (TABLE_HEAD
            + "产出指标(60分)\t数量指标\t新建集中供水工程\t≥12处\t12处\t30\t30\t\n"
            + f"\t质量指标\t水质达标率\t≥95%\t96%\t30\t{quality}\t{why(quality, 30)}\n"
            + f"效益指标(30分)\t社会效益指标\t受益人口\t≥8000人\t8120人\t30\t{benefit}\t{why(benefit, 30)}\n"
            + f"满意度指标(10分)\t服务对象满意度指标\t群众满意度\t≥90%\t92%\t10\t{satisfaction}\t{why(satisfaction, 10)}\n"
            + f"总分\t\t\t\t\t100\t{total}\t\n")


RATE = "三、预算执行情况\n全年预算数500万元，全年执行数486.55万元，预算执行率{}。\n"  # 486.55 / 500 = 97.31%

CASES = [
    # error: 36 of 30 points; capped, the total 93 falls to 87, 优 → 良
    pytest.param(indicator_table(20, 36, 7, 93), "CAP001", "error", id="error-band-changes"),
    # error: 494 / 520 = 95% earns 9.5 of 10, written 10
    pytest.param("2024年度社区养老服务补助项目绩效自评表\n" + FUNDING_HEAD + "年度资金总额\t500\t520\t494\t10\t95%\t10\n",
                 "SCO001", "error", id="error-full-marks-for-shortfall"),
    # error: 97.31% executed, written 100%
    pytest.param(RATE.format("100%"), "RAT001", "error", id="error-rate-written-full"),
    # error: the conclusion's 96分 against the table's 95.5 (both 优): the quoted total is wrong
    pytest.param("二、自评结论\n本项目绩效自评得分为96分，评价等级为“优”。\n" + indicator_table(29, 27, 9.5, 95.5),
                 "XREF001", "error", id="error-quoted-total"),
    # warning: 32 of 30 points; capped, the total 98 is 96, still 优
    pytest.param(indicator_table(28, 32, 8, 98), "CAP001", "warning", id="warning-same-band"),
    # warning: full execution scored 8 of 10: the unit under-scored itself, no conclusion moves
    pytest.param("2024年度学生资助项目绩效自评表\n" + FUNDING_HEAD + "年度资金总额\t80\t80\t80\t10\t100%\t8\n",
                 "SCO001", "warning", id="warning-score-below-due"),
    # warning: 90% written for 97.31%
    pytest.param(RATE.format("90%"), "RAT001", "warning", id="warning-rate-off"),
    # info: 98% for 97.31%, less than one step of the last digit
    pytest.param(RATE.format("98%"), "RAT001", "info", id="info-rounding"),
    # info: a doubled unit
    pytest.param("三、预算执行情况\n本年度项目全年预算数128.5万元元，全年执行数120.3万元。\n", "UNIT001", "info",
                 id="info-doubled-unit"),
]


def run(text: str, tmp_path: Path, rules: RuleSet | None = None) -> AuditResult:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    return audit(path, rules)


@pytest.mark.parametrize(("text", "code", "level"), CASES)
def test_severity(text: str, code: str, level: str, tmp_path: Path) -> None:
    found = [(f.code, f.severity) for f in run(text, tmp_path).findings]
    assert found == [(code, level)]


def test_grade_bands_come_from_the_rules(tmp_path: Path) -> None:
    """A province whose 优 starts at 85: the capped total 87 stays 优, so the slip is a warning."""
    overlay = tmp_path / "province.yaml"
    overlay.write_text("catalogue:\n  checks:\n    SCO004:\n      params:\n"
                       "        bands: [[85, 优], [75, 良], [60, 中], [0, 差]]\n", encoding="utf-8")
    result = run(indicator_table(20, 36, 7, 93), tmp_path, RuleSet.load(overlay))
    assert [(f.code, f.severity) for f in result.findings] == [("CAP001", "warning")]


def test_category_level_comes_from_the_rules(tmp_path: Path) -> None:
    overlay = tmp_path / "province.yaml"
    overlay.write_text("catalogue:\n  severity:\n    categories:\n      unit_anomaly: warning\n", encoding="utf-8")
    text = "二、支出情况\n本年支出合计2150.6万元，其中基本支出1630.2万元、项目支出520.4元。年初结转36.5万元。\n"
    assert [(f.code, f.severity) for f in run(text, tmp_path).findings] == [("UNIT002", "info")]
    assert [(f.code, f.severity) for f in run(text, tmp_path, RuleSet.load(overlay)).findings] == [("UNIT002", "warning")]


def test_uncertain_partner_is_info(tmp_path: Path) -> None:
    """Whatever it would change, a finding whose partner figure is a guess accuses no one."""
    text = indicator_table(20, 36, 7, 93)
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    rules = RuleSet.load()
    document = ingest.load(path)
    reading = nlp.read(document, rules)
    context = graph.build(document, reading, rules).context
    (finding,) = run(text, tmp_path).findings
    assert severity.assess([finding], context, rules)[0].severity == "error"
    assert severity.assess([replace(finding, uncertain=True)], context, rules)[0].severity == "info"
