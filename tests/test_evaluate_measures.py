"""Reach, mutants, disputed gold and counts per code, on small hand-made cases."""

from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.evaluate import Corpus, Disputed, Gold, GoldFinding, reached, read_disputed, score_document
from auditor.model import Evidence, Finding, Span
from auditor.mutants import Mutant, figures, killed, mutants

TEXT = "学校维修资金预算120万元，实际支出96万元，执行率80%。另购置图书2000册。"


def at(quote: str, text: str = TEXT) -> Span:
    start = text.index(quote)
    return Span(start, start + len(quote))


def finding(code: str, *quotes: str, text: str = TEXT, category: str = "ratio_mismatch") -> Finding:
    return Finding(code, "n", category, "error", "m", tuple(Evidence(at(q, text), q) for q in quotes))


# --- reach --------------------------------------------------------------------------------------
RATE = GoldFinding("ratio_mismatch", ("预算120万元", "支出96万元", "执行率80%"))


def test_reached_when_one_constraint_overlaps_every_figure_quote():
    assert reached(TEXT, RATE, [[at("120万元"), at("96万元"), at("80%")]])


def test_not_reached_when_the_figures_are_split_between_constraints():
    assert not reached(TEXT, RATE, [[at("120万元"), at("96万元")], [at("96万元"), at("80%")]])


def test_quotes_without_a_digit_need_no_claim_and_a_relation_without_figures_is_left_out():
    gold = GoldFinding("ratio_mismatch", ("学校维修资金", "支出96万元", "执行率80%"))
    assert reached(TEXT, gold, [[at("96万元"), at("80%")]])
    assert reached(TEXT, GoldFinding("logic_contradiction", ("学校维修资金",)), []) is None


def test_reach_is_counted_over_findings_and_holds():
    gold = Gold((RATE,), (GoldFinding("sum_mismatch", ("图书2000册",)),))
    score = score_document("d", TEXT, [], gold, [[at("120万元"), at("96万元"), at("80%")]])
    corpus = Corpus([score])
    assert corpus.reach() == (1, 2) and corpus.reach("finding") == (1, 1) and corpus.reach_rate == 0.5


# --- mutants ------------------------------------------------------------------------------------
def test_figures_leave_out_years_dates_list_numbers_labels_and_document_numbers():
    text = ("1、2023年3月5日下达资金（2）指标3：完成120万元；依据某财〔2023〕15号文，"
            "索引号01525707-9，共购置4A级设备7台，执行率80.5%。")
    found = [text[s.start:s.end] for s in figures(text, Span(0, len(text)))]
    assert found == ["120", "7", "80.5"]


def test_figures_skip_years_without_a_year_mark_and_numbers_that_start_with_one():
    text = "2019至2021年度资金120万元，文号20230529，合计2018元"
    assert [text[s.start:s.end] for s in figures(text, Span(0, len(text)))] == ["120"]


def test_figures_leave_out_the_row_numbers_of_a_statement_with_a_row_number_column():
    text = ("项目 | 行次 | 金额 |\n一、财政拨款收入 | 1 | 520.30 |\n二、事业收入 | 2 | 18 |\n"
            "本年收入合计 | 12 | 538.30 |\n说明：本年新增设备 15 台")
    found = [text[s.start:s.end] for s in figures(text, Span(0, len(text)))]
    assert found == ["520.30", "18", "538.30", "15"]
    # without a 行次 header a whole number after a label is a figure (得分 | 8)
    text = "指标得分 | 8 | 分值 | 10"
    assert [text[s.start:s.end] for s in figures(text, Span(0, len(text)))] == ["8", "10"]


def test_mutants_change_the_leading_digit_of_one_figure_per_hold_and_are_deterministic():
    holds = [[at("预算120万元"), at("执行率80%")], [at("实际支出96万元")], [at("图书2000册")]]
    made = mutants("a.txt", TEXT, holds, per_document=3)
    assert made == mutants("a.txt", TEXT, holds, per_document=3)
    assert len(made) == 2 and {m.hold for m in made} == {0, 1}  # 2000 may be a year: never changed
    for m in made:
        assert len(m.mutated) == len(m.original) and m.mutated[0] != m.original[0]
        assert m.mutated[1:] == m.original[1:] and m.mutated[0] != "0"
        changed = m.apply(TEXT)
        assert changed[:m.span.start] == TEXT[:m.span.start] and changed[m.span.end:] == TEXT[m.span.end:]


def test_mutants_are_capped_per_document():
    holds = [[at("预算120万元")], [at("实际支出96万元")], [at("执行率80%")]]
    assert len(mutants("a.txt", TEXT, holds, per_document=2)) == 2


def test_a_mutant_is_killed_by_a_new_finding_on_the_changed_figure_only():
    mutant = Mutant(0, at("96"), "96", "56")
    on_figure = finding("RAT001", "96万元", "80%")
    elsewhere = finding("RAT001", "120万元")
    assert killed(mutant, [], [on_figure]) == ["RAT001"]
    assert killed(mutant, [], [elsewhere]) == []
    assert killed(mutant, [on_figure], [on_figure]) == []  # the alarm was there before the change
    other_relation = finding("RAT001", "96万元", "120万元")
    assert killed(mutant, [on_figure], [on_figure, other_relation]) == ["RAT001"]  # a second relation broken


# --- disputed gold ------------------------------------------------------------------------------
def test_disputed_entries_are_read_from_yaml_blocks(tmp_path: Path):
    md = tmp_path / "DISPUTED.md"
    md.write_text("# Disputed\n\nprose\n\n```yaml\n- file: a.txt\n  kind: finding\n  quote: 执行率80%\n"
                  "  why: 96/120 = 80%\n```\n\n```yaml\n[]\n```\n", encoding="utf-8")
    assert read_disputed(md) == [Disputed("a.txt", "finding", "执行率80%")]
    assert read_disputed(tmp_path / "absent.md") == []
    md.write_text("```yaml\n- file: a.txt\n  kind: maybe\n  quote: x\n```\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_disputed(md)


def test_gold_without_disputed_entries_matches_on_kind_and_first_quote():
    hold = GoldFinding("sum_mismatch", ("图书2000册",))
    gold = Gold((RATE,), (hold,))
    assert gold.without([Disputed("a.txt", "finding", "预算120万元")]) == Gold((), (hold,))
    assert gold.without([Disputed("a.txt", "hold", "预算120万元")]) == gold
    assert Disputed("a.gold.json", "hold", "x").stem == Disputed("a.txt", "hold", "x").stem == "a"


# --- per code -----------------------------------------------------------------------------------
def test_per_code_counts_constraints_findings_true_and_alarms_on_holds():
    gold = Gold((RATE,), (GoldFinding("sum_mismatch", ("图书2000册",)),))
    preds = [finding("RAT001", "80%"), finding("SUM001", "2000册", category="sum_mismatch"),
             finding("RAT002", "120万元", category="sum_mismatch")]
    score = score_document("d", TEXT, preds, gold)
    score.constraints.update({"RAT001": 2, "SUM001": 1})
    table = Corpus([score]).per_code()
    assert table["RAT001"] == {"constraints": 2, "findings": 1, "true": 1, "on_holds": 0, "kills": 0}
    assert table["SUM001"] == {"constraints": 1, "findings": 1, "true": 0, "on_holds": 1, "kills": 0}
    assert table["RAT002"]["constraints"] == 0 and table["RAT002"]["findings"] == 1


def test_the_repository_list_of_disputed_gold_exists_and_parses():
    from auditor.evaluate import DISPUTED_FILE

    assert DISPUTED_FILE.exists()
    for entry in read_disputed(DISPUTED_FILE):
        assert entry.kind in ("finding", "hold") and entry.quote
