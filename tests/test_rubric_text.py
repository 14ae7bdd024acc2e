"""The reader of scoring rubrics flattened into text (auditor/linking/rubric_text.py)."""

from __future__ import annotations

from pathlib import Path

from auditor.ingest import load
from auditor.linking import rubric_text
from auditor.linking.context import Context
from auditor.nlp import read
from auditor.rules import RuleSet

RULES = RuleSet.load()


def found(text: str, tmp_path: Path) -> list[tuple[str, ...]]:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    document = load(path, rules=RULES)
    ctx = Context(document, read(document, RULES), RULES)
    return [(c.params["code"], *(ctx.by_id[i].text for i in c.claims)) for c in rubric_text.find(ctx)]


def test_items_as_label_points_score(tmp_path: Path) -> None:
    out = found("绩效评价得分表\n项目管理(7分)资金分配\n3 3 资金使用\n4 3.5 (\n", tmp_path)
    assert ("SUM002", "7分", "3", "4") in out
    assert ("CAP001", "3.5", "4") in out


def test_items_as_bracketed_points_then_score(tmp_path: Path) -> None:
    out = found("得分表\n目标任务(15 分) 相关性(5 分)\n5 明确性(5 分)\n4 合理性(5 分)\n5 预算编制(10 分)\n", tmp_path)
    assert ("SUM002", "15 分", "5 分", "5 分", "5 分") in out
    assert ("CAP001", "4", "5 分") in out


def test_a_group_of_groups_is_left_alone(tmp_path: Path) -> None:
    out = found("得分表\n部门决策(25 分) 目标任务(15 分) 相关性(5 分)\n5 明确性(5 分)\n5\n", tmp_path)
    assert not [r for r in out if r[1] == "25 分"]


def test_a_figure_between_items_ends_the_group(tmp_path: Path) -> None:
    out = found("得分表\n项目决策(10 分)必要性\n5 5 可行性\n5 5 (10 ) 明确性\n5 5\n", tmp_path)
    assert ("SUM002", "10 分", "5", "5") in out
    assert not [r for r in out if r[0] == "SUM002" and len(r) > 4]


def test_item_points_above_the_group_are_no_members(tmp_path: Path) -> None:
    assert not [r for r in found("得分表\n绩效目标(30分) 覆盖率 60 65 满意度 8 9\n", tmp_path) if r[0] == "SUM002"]
