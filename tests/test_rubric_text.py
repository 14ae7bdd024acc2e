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
    out = []
    for c in rubric_text.find(ctx):
        if c.kind == "indicator_rows":  # one relation over the rows: each row's score within its points
            out += [("CAP001", ctx.by_id[score].text, ctx.by_id[points].text) for *_, points, score, _ in c.params["rows"]]
        else:
            out.append((c.params["code"], *(ctx.by_id[i].text for i in c.claims)))
    return out


def test_items_as_label_points_score(tmp_path: Path) -> None:
    out = found("绩效评价得分表\n过程管理(9分)资金拨付\n5 5 财务合规\n4 3.5 (\n", tmp_path)
    assert ("SUM002", "9分", "5", "4") in out
    assert ("CAP001", "3.5", "4") in out


def test_items_as_bracketed_points_then_score(tmp_path: Path) -> None:
    out = found("得分表\n绩效目标(18 分) 合理性(6 分)\n6 清晰性(6 分)\n5 可衡量性(6 分)\n6 资金安排(8 分)\n", tmp_path)
    assert ("SUM002", "18 分", "6 分", "6 分", "6 分") in out
    assert ("CAP001", "5", "6 分") in out


def test_a_group_of_groups_is_left_alone(tmp_path: Path) -> None:
    out = found("得分表\n决策环节(20 分) 绩效目标(12 分) 合理性(6 分)\n6 清晰性(6 分)\n6\n", tmp_path)
    assert not [r for r in out if r[1] == "20 分"]


def test_a_figure_between_items_ends_the_group(tmp_path: Path) -> None:
    out = found("得分表\n前期论证(8 分)充分性\n4 4 规范性\n4 4 (12 ) 清晰度\n6 6\n", tmp_path)
    assert ("SUM002", "8 分", "4", "4") in out
    assert not [r for r in out if r[0] == "SUM002" and len(r) > 4]


def test_item_points_above_the_group_are_no_members(tmp_path: Path) -> None:
    assert not [r for r in found("得分表\n绩效目标(30分) 覆盖率 60 65 满意度 8 9\n", tmp_path) if r[0] == "SUM002"]


def test_items_under_groups_of_several_levels_are_one_relation(tmp_path: Path) -> None:
    # an item right after a group of another level, and items whose group label was lost
    text = "得分表\n(\n8 分)过程管理(6分)资金拨付\n3 3 资金核算\n3 2 (\n2 分)档案管理归档\n2 1 ( 产出(16 ) 数量达标\n4 4 质量达标\n4 3\n"
    rows = [c for c in rubric_text_constraints(text, tmp_path) if c.kind == "indicator_rows"]
    assert len(rows) == 1 and len(rows[0].params["rows"]) == 5


def test_pairs_after_a_sentence_are_not_the_rubric(tmp_path: Path) -> None:
    text = "得分表\n过程管理(6分)资金拨付\n3 3 资金核算\n3 2\n全年共开展检查。甲镇 12 15 乙镇 8 9\n"
    rows = [c for c in rubric_text_constraints(text, tmp_path) if c.kind == "indicator_rows"]
    assert [len(c.params["rows"]) for c in rows] == [2]


def rubric_text_constraints(text: str, tmp_path: Path) -> list:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    document = load(path, rules=RULES)
    return list(rubric_text.find(Context(document, read(document, RULES), RULES)))
