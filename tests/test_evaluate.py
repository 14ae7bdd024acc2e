"""The scoring rule of eval.md on small hand-made cases."""

from auditor.evaluate import Gold, GoldFinding, score_document
from auditor.model import Evidence, Finding, Span

TEXT = "项目全年预算数为900万元，执行数为760.2160万元，完成预算的75%。本单位无项目预算。"


def pred(category, quote, code="X"):
    start = TEXT.index(quote)
    return Finding(code, "n", category, "error", "m", (Evidence(Span(start, start + len(quote)), quote),))


GOLD = Gold((GoldFinding("ratio_mismatch", ("完成预算的75%",)),),
            (GoldFinding("logic_contradiction", ("本单位无项目预算",)),))


def test_match():
    s = score_document("d", TEXT, [pred("ratio_mismatch", "75%")], GOLD)
    assert s.by_category["ratio_mismatch"].gold_matched == 1 and s.by_category["ratio_mismatch"].precision == 1


def test_wrong_category_is_a_location_match_only():
    s = score_document("d", TEXT, [pred("sum_mismatch", "75%")], GOLD)
    assert s.by_category["ratio_mismatch"].gold_matched == 0
    assert s.location.gold_matched == 1


def test_duplicate_costs_precision():
    s = score_document("d", TEXT, [pred("ratio_mismatch", "75%"), pred("ratio_mismatch", "完成预算")], GOLD)
    tally = s.by_category["ratio_mismatch"]
    assert (tally.gold_matched, tally.predicted, tally.predicted_matched) == (1, 2, 1)
    assert len(s.false_alarms) == 1


def test_hold_hit_is_a_false_alarm_on_a_hold():
    s = score_document("d", TEXT, [pred("logic_contradiction", "无项目预算")], GOLD)
    assert len(s.hold_alarms) == 1


def test_every_occurrence_of_a_quote_counts():
    text = "得分10分。另处得分10分。"
    gold = Gold((GoldFinding("score_exceeds_max", ("得分10分",)),), ())
    second = text.rindex("得分10分")
    p = Finding("X", "n", "score_exceeds_max", "error", "m", (Evidence(Span(second, second + 5), "得分10分"),))
    assert score_document("d", text, [p], gold).by_category["score_exceeds_max"].gold_matched == 1
