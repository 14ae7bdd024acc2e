"""The reader of balance chains (auditor/linking/chains.py): which figures a 加/加上 chain adds up."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.ingest import load
from auditor.linking.chains import ChainReader, _outside_brackets
from auditor.linking.context import Context
from auditor.linking.lists import PartLists
from auditor.nlp import read
from auditor.rules import RuleSet

RULES = RuleSet.load()


@pytest.fixture
def chains(tmp_path: Path):  # noqa: ANN201 - text -> [(total, [items], side, alternatives)]
    def make(text: str) -> list[tuple[str, list[str], str, int]]:
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
        document = load(path, rules=RULES)
        ctx = Context(document, read(document, RULES), RULES)
        return [(c.total.text, [i.text for i in c.items], c.side.name, len(c.alternatives))
                for c in ChainReader(ctx, PartLists.of(ctx)).chains()]
    return make


CHAINS = [
    ("全县一般公共预算总收入9000万元，其中地方收入5000万元，增长3%；加上级补助收入2000万元，"
     "上年结余收入300万元，调入资金100万元，收入合计7400万元。\n",
     [("7400万元", ["5000万元", "2000万元", "300万元", "100万元"], "收入合计", 0)]),
    ("全镇一般公共预算支出800万元，上解支出20万元，债务还本支出30万元，支出总计850万元。\n",
     [("850万元", ["800万元", "20万元", "30万元"], "支出合计", 0)]),
    ("基金收入10万元，加上级补助收入90万元（其中：特别国债40万元），收入合计100万元。\n",
     [("100万元", ["10万元", "90万元"], "收入合计", 0)]),
    # the 其中 list may end after 110, after 40 or run to the end: three readings
    ("镇本级收入300万元，加上级转移支付收入150万元，其中：一般转移支付收入110万元，"
     "专项转移支付收入40万元，上年结转结余8万元，收入合计为458万元。\n",
     [("458万元", ["300万元", "150万元", "40万元", "8万元"], "收入合计", 2)]),
    ("本年可用资金为120.5万元。加上上年结余10.2万元，全年可用资金为130.7万元。\n",
     [("130.7万元", ["120.5万元", "10.2万元"], "收入合计", 0)]),
]


@pytest.mark.parametrize(("text", "expected"), CHAINS, ids=["revenue_from_before_jia", "expenditure_without_jia",
                                                            "bracketed_parts_left_out", "open_sublist_readings",
                                                            "jia_opening_its_sentence"])
def test_chains_read(chains, text: str, expected: list) -> None:  # noqa: ANN001
    assert chains(text) == expected


@pytest.mark.parametrize("text", [
    "本级收入20万元，加上级补助收入30万元、上年结余5万元等，收入合计55万元。\n",  # cut short
    "本级收入20万元，加上级补助收入30万元，其他5万元，收入合计55万元。\n",  # an unnamed item
    "本级收入20万元，比上年增加3万元，加上级补助收入30万元，收入合计50万元。\n",  # a change before 加
    "收入总计55万元，支出总计50万元。\n",  # two totals, no chain
])
def test_no_single_reading_no_chain(chains, text: str) -> None:  # noqa: ANN001
    assert chains(text) == []


def test_outside_brackets() -> None:
    assert _outside_brackets("支出（含结转等）合计") == "支出合计"


def test_open_balance_reads_both_sides(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("基金收入60万元，上年结余4万元，基金支出50万元。\n上述收支相抵，年终结余14万元。\n", encoding="utf-8")
    document = load(path, rules=RULES)
    ctx = Context(document, read(document, RULES), RULES)
    found = [(b.text, [c.text for c in i], [c.text for c in e])
             for b, i, e in ChainReader(ctx, PartLists.of(ctx)).open_balances()]
    assert found == [("14万元", ["60万元", "4万元"], ["50万元"])]
