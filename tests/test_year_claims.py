"""Years as claims (Context.year_claim): year constraints relate them, the graph shows them, and no
money, rate, score or unit finder ever reads one; the mutants never change one."""

from __future__ import annotations

from auditor import mutants
from auditor.ingest import load
from auditor.model import Span
from auditor.pipeline import analyse
from auditor.report.graph import graph_record
from auditor.rules import RuleSet

REPORT = """2024年度农村公路养护补助资金绩效自评报告
一、资金情况
2024年度，根据《某省财政厅关于提前下达2024年农村公路养护补助资金的通知》（某财建〔2023〕17号），下达我县资金480万元，其中省级2024万元、县级176万元。
截止到2024年12月31日，已拨付资金2023万元，执行率2023%。
时效指标：2024年11月30日前完成资金拨付。
"""


def analysed(tmp_path):  # noqa: ANN001, ANN201
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return analyse(load(path), RuleSet.load())


def test_year_constraints_relate_year_claims(tmp_path) -> None:  # noqa: ANN001
    analysis = analysed(tmp_path)
    by_id = analysis.graph.context.by_id
    codes = {c.params["code"] for c in analysis.graph.constraints
             if sum(by_id[i].kind == "year" for i in c.claims) >= 2}
    assert {"YEAR001", "YEAR002", "YEAR003"} <= codes
    years = [c for c in graph_record(analysis, set())["claims"] if c["unit"] == "年"]
    assert {"2024", "2023"} <= {c["value"] for c in years}


def test_no_other_finder_reads_a_year(tmp_path) -> None:  # noqa: ANN001
    analysis = analysed(tmp_path)
    context = analysis.graph.context
    years = {i for i, c in context.by_id.items() if c.kind == "year"}
    assert years and not years & {c.id for c in context.claims}
    assert not years & {c.id for c in context.narrative}
    for constraint in analysis.graph.constraints:
        if years & set(constraint.claims):
            assert constraint.params["code"].startswith("YEAR"), constraint
    assert not any(f.code.startswith("YEAR") for f in analysis.findings)


def test_mutants_never_change_a_year() -> None:
    spans = mutants.figures(REPORT, Span(0, len(REPORT)))
    changed = {REPORT[s.start:s.end + 1] for s in spans}
    assert not any(text.endswith(("年", "〕")) for text in changed), changed
    assert {"480万", "176万"} <= changed
