"""The reader of indicator rows flattened into text (auditor/linking/flat_rows.py): which runs of
figure cells it reads as rows, and which it leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.ingest import load
from auditor.linking import flat_funding, flat_rows
from auditor.linking.context import Context
from auditor.nlp import read
from auditor.rules import RuleSet

RULES = RuleSet.load()
HEADER = "三级指标 年度指标值 实际完成值 分值 得分 偏差原因\n"


def rows(text: str, tmp_path: Path) -> list[tuple[str, ...]]:
    """Each relation the reader forms, as the texts of its claims: the rows of an indicator table
    one by one (their cap, CAP001, and with a target SCO003), other constraints whole."""
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    document = load(path, rules=RULES)
    ctx = Context(document, read(document, RULES), RULES)
    found: list[tuple[str, ...]] = []
    for c in flat_rows.find(ctx):
        if c.kind != "indicator_rows":
            found.append((c.params["code"], *(ctx.by_id[i].text for i in c.claims)))
            continue
        for target, actual, points, score, _ in c.params["rows"]:
            found.append(("CAP001", ctx.by_id[score].text, ctx.by_id[points].text))
            if target is not None:
                found.append(("SCO003", *(ctx.by_id[i].text for i in (target, actual, score, points))))
    return found


def test_target_actual_points_score(tmp_path: Path) -> None:
    found = rows(HEADER + "指标1:新建村级服务站 ≥18个 18个 5 5 指标2:服务满意度 90% 88% 5 4.6\n", tmp_path)
    assert ("SCO003", "≥18个", "18个", "5", "5") in found
    assert ("SCO003", "90%", "88%", "4.6", "5") in found
    assert ("CAP001", "4.6", "5") in found


def test_unit_word_the_reader_does_not_know(tmp_path: Path) -> None:
    found = rows(HEADER + "指标1:修缮古建筑 6处 6处 3 3 指标2:培训班 4期 4期 2 2\n", tmp_path)
    assert [r[0] for r in found].count("SCO003") == 2


def test_actual_points_score_after_a_words_target(tmp_path: Path) -> None:
    found = rows(HEADER + "指标1:验收 按期验收 98% 6 6 指标2:覆盖率 ≥95% 97% 4 4\n", tmp_path)
    assert ("CAP001", "6", "6") in found
    assert not any(r[0] == "SCO003" and "98%" in r and "按期验收" in r for r in found)


def test_words_row_only_before_a_full_row(tmp_path: Path) -> None:
    found = rows(HEADER + "及时性 按期 按期 20 20 =98% 98% 10 10\n", tmp_path)
    assert ("CAP001", "20", "20") in found
    assert ("SCO003", "98%", "98%", "10", "10") in found  # the = stays outside the figure


@pytest.mark.parametrize("line", [
    "年度资金总额 100 95 95% 10 9.5",         # a funding row: bare money before a rate
    "指标1:人数 120人 110人 2 1.5 3",          # one figure too many: no certain split
    "指标1:人数 120人 110人 200 150",          # 200 is no point value of a 100-point form
])
def test_runs_left_alone(line: str, tmp_path: Path) -> None:
    assert rows(HEADER + line + "\n", tmp_path) == []


@pytest.mark.parametrize("line", [
    "指标1:人数 120人 110% 2 1.5",            # target and actual measure different things
    "指标1:人数 120人 ≥110人 2 2",            # an actual states no comparator
])
def test_no_target_when_the_pair_does_not_measure_alike(line: str, tmp_path: Path) -> None:
    assert not [r for r in rows(HEADER + line + "\n", tmp_path) if r[0] == "SCO003"]


def test_target_column_ahead_of_its_rows(tmp_path: Path) -> None:
    text = "年度指标值 实际完成值 分值 得分 村卫生室 46所 ≥95% 覆盖率 41所 4 4 96% 4 4\n"
    found = rows(text, tmp_path)
    assert ("SCO003", "46所", "41所", "4", "4") in found
    assert ("SCO003", "≥95%", "96%", "4", "4") in found


def test_target_column_of_one_unit_is_not_paired(tmp_path: Path) -> None:
    text = "年度指标值 实际完成值 分值 得分 脱贫户 1580户 就业户 300户 1496户 5 5 320户 5 5\n"
    assert not [r for r in rows(text, tmp_path) if r[0] == "SCO003"]


def test_no_points_header_no_rows(tmp_path: Path) -> None:
    assert rows("全年计划培训 3000人 2800人 4 4 期。\n", tmp_path) == []


def test_pipes_and_one_cell_per_line(tmp_path: Path) -> None:
    piped = rows(HEADER + "| 覆盖率 | ≥95% | 97% | 6 | 6 |\n", tmp_path)
    per_line = rows(HEADER + "覆盖率\n≥95%\n97%\n6\n6\n", tmp_path)
    for found in (piped, per_line):
        assert ("SCO003", "≥95%", "97%", "6", "6") in found


def funding(text: str, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-8"))
    document = load(path, rules=RULES)
    ctx = Context(document, read(document, RULES), RULES)
    return [{role: claim.text for role, claim in row.cells.items()} for row in flat_funding.funding_rows(ctx)]


FUNDING_HEADER = "项目名称 某项目 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额 "


def test_funding_row_by_column_count_and_rate_place(tmp_path: Path) -> None:
    [row] = funding(FUNDING_HEADER + "120.00 120.00 86.40 10 72% 7.2\n", tmp_path)
    assert row == {"budget": "120.00", "adjusted_budget": "120.00", "executed": "86.40", "max": "10",
                   "rate": "72%", "score": "7.2"}


def test_funding_rate_as_a_fraction(tmp_path: Path) -> None:
    [row] = funding(FUNDING_HEADER + "36 36 33.7 10 0.936 9\n", tmp_path)
    assert row["rate"] == "0.936"


@pytest.mark.parametrize("figures", [
    "120.00 86.40 10 72% 7.2",          # one cell short: which column is empty is not certain
    "120.00 120.00 86.40 10 72% 7.2 5",  # one too many
    "120.00 120.00 72% 10 86.40 7.2",    # the rate not under 执行率
])
def test_funding_rows_left_alone(figures: str, tmp_path: Path) -> None:
    assert funding(FUNDING_HEADER + figures + "\n", tmp_path) == []
