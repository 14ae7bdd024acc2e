"""Rows of a table whose empty cells were lost (auditor/checks/placements.py): the figures are placed
in the columns in their order; a row is wrong only when no placement balances every relation whose
total and at least one part are written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auditor.checks.placements import best_placements
from auditor.linking.column_groups import columns, relations
from auditor.model import Claim, Quantity, Span
from auditor.rules import RuleSet


def figure(text: str, index: int) -> Claim:
    value = Decimal(text)
    places = max(0, -value.as_tuple().exponent)
    half = Decimal(5).scaleb(-(places + 1))
    quantity = Quantity(value=value, unit="万元", low=value - half, high=value + half, dimension="money",
                        factor=Decimal(10000), decimals=places)
    return Claim(id=index, quantity=quantity, span=Span(index, index + 1), text=text, kind="money", role="value",
                 subject="")


# 下达 金额 人数 | 1类人数 1类金额 2类人数 2类金额 (per period), 全年 人数 金额
WORDS = RuleSet.load()["tables"]["column_groups"]
COLUMNS = columns(2, ["下达资金", "资助金额", "资助人数", "1类", "2类"] * 2 + ["资助人数", "资助金额"],
                  ["人数", "金额"] * 4, WORDS)
RELATIONS = [[t, *ps] for t, ps in relations(COLUMNS, 2)]
COUNTS = {i for i, (_, label, m) in enumerate(COLUMNS) if "人数" in label + m}


def test_heading_gives_the_columns_and_their_sums() -> None:
    assert len(COLUMNS) == 16
    assert COLUMNS[3] == (0, "1类", "人数") and COLUMNS[14] == (2, "资助人数", "")
    named = {(COLUMNS[t][1] + COLUMNS[t][2], tuple(COLUMNS[p][1] + COLUMNS[p][2] for p in ps))
             for t, *ps in RELATIONS}
    assert ("资助人数", ("1类人数", "2类人数")) in named
    assert ("资助人数", ("资助人数", "资助人数")) in named  # 全年 = 春 + 秋
    assert not any(COLUMNS[t][1] == "下达资金" for t, *_ in RELATIONS)  # issued funds are no total


@pytest.mark.parametrize(("row", "breaks"), [
    # every cell written
    ("20.0 20.0 200 150 15.0 50 5.0 18.0 18.0 180 180 18.0 0 0 380 38.0", 0),
    # cells lost: 秋 下达, both 2类 and 全年 人数
    ("20.0 20.0 200 200 20.0 18.0 180 180 18.0 38.0", 0),
    # only 全年 and one period written
    ("12.5 125 125 12.5", 0),
    # 秋 金额 17.0 but its only class 18.0; 全年 38.0 = 20.0 + 18.0 would need 秋 18.0: no reading balances
    ("20.0 20.0 200 200 20.0 17.0 180 180 18.0 380 38.0", 1),
])
def test_a_row_balances_when_one_placement_does(row: str, breaks: int) -> None:
    sequence = [figure(text, i) for i, text in enumerate(row.split())]
    found, placements = best_placements(sequence, len(COLUMNS), RELATIONS, COUNTS)
    assert found == breaks
    assert placements


def test_a_figure_with_decimals_never_sits_under_a_count() -> None:
    sequence = [figure("12.5", 0)]
    found, placements = best_placements(sequence, len(COLUMNS), RELATIONS, COUNTS)
    assert found == 0
    assert all(p[c] is None for p in placements for c in COUNTS)


SPLIT = frozenset(k for k, (t, *_) in enumerate(RELATIONS) if COLUMNS[t][0] < 2)


@pytest.mark.parametrize(("split", "breaks"), [(frozenset(), 0), (SPLIT, 1)])
def test_tiers_are_not_read_under_a_blank_total(split: frozenset[int], breaks: int) -> None:
    # 春 1类 830 + 2类 80 = 910 against 资助人数 210: balanced only by leaving 资助人数 blank beside
    # its tiers (830 and 80 as tiers, 210 as 全年), which a form never does
    sequence = [figure(text, i) for i, text in enumerate("24.6 24.6 210 830 16.5 80 8.1 0 210 24.6".split())]
    found, _ = best_placements(sequence, len(COLUMNS), RELATIONS, COUNTS, split=split)
    assert found == breaks
