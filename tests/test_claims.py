"""Claim extraction on the seeds: every figure a gold quote names is a claim with the right unit,
and phone numbers, document numbers, dates, years and list numbering are not claims."""

import json
import re

import pytest

from auditor.evaluate import occurrences
from auditor.nlp.numbers import UnitLexicon, find_figures
from auditor.rules import RuleSet
from tests.conftest import SEEDS, audited

LEX = UnitLexicon(RuleSet.load()["units"])
NON_CLAIMS = {
    "phone": re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    "document number": re.compile(r"〔\d{4}〕\d+号"),
    "date": re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"),
    "year": re.compile(r"(?:19|20)\d\d(?=\s*年)"),
    "list numbering": re.compile(r"(?m)^[ \t\u3000]*\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]"),
    "attachment": re.compile(r"附件\d+"),
}


def quotes(seed):
    data = json.loads(seed.with_suffix(".gold.json").read_text(encoding="utf-8"))
    return [q for item in data["findings"] + data["holds"] for q in item["quotes"]]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_figure_in_gold_quotes_is_a_claim(seed):
    result = audited(str(seed))
    text = result.document.text
    claims = result.reading.claims
    missing = []
    for quote in quotes(seed):
        for fig in (f for f in find_figures(quote, LEX) if f.tag == "figure"):
            for occ in occurrences(text, quote):
                start, end = occ.start + fig.number_start, occ.start + fig.number_end
                hit = [c for c in claims if c.span.start <= start and end <= c.span.end]
                written = fig.unit.text if fig.unit else ""
                if not hit or (written and hit[0].quantity.unit != written):
                    missing.append((quote, quote[fig.number_start:fig.number_end], written,
                                    hit[0].quantity.unit if hit else None))
    assert not missing


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_non_claims_are_not_claims(seed):
    result = audited(str(seed))
    text = result.document.text
    wrong = []
    for kind, pattern in NON_CLAIMS.items():
        for m in pattern.finditer(text):
            for c in result.reading.claims:
                if c.span.start < m.end() and m.start() < c.span.end and not (kind == "list numbering" and "分" in c.text):
                    wrong.append((kind, m.group(), c.text))
    assert not wrong


def claim_at(result, text):
    matches = [c for c in result.reading.claims if c.text == text]
    assert matches, text
    return matches


@pytest.mark.parametrize(("seed", "text", "role", "kind", "subject"), [
    ("000", "1362.16万元", "budget", "money", "部门预算收入总额"),
    ("000", "67.3万元元", "addition", "money", "追加预算"),
    ("000", "97.65分", "score", "score", "本次绩效评价综合得分"),
    ("003", "760.2160", "executed", "money", "年度资金总额"),
    ("003", "75.00%", "rate", "rate", "年度资金总额"),
    ("003", "85", "score", "score", "年度资金总额"),
    ("001", "88%", "rate", "rate", ""),
    ("002", "203455.30 元", "balance", "money", "财政资金结转结余"),
])
def test_roles_and_subjects(seed, text, role, kind, subject):
    path = next(p for p in SEEDS if p.name.startswith(seed))
    claim = claim_at(audited(str(path)), text)[0]
    assert (claim.role, claim.kind) == (role, kind)
    assert subject in claim.subject


def test_table_cells_take_unit_and_year_from_headers():
    path = next(p for p in SEEDS if p.name.startswith("001"))
    result = audited(str(path))
    c = next(c for c in result.reading.claims if c.text == "11910.58")
    assert (c.quantity.unit, c.year, c.role) == ("万元", 2021, "executed")
    assert c.subject == "对机关事业单位基本养老保险基金的补助"


def test_report_year():
    years = {p.name[:3]: audited(str(p)).reading.report_year for p in SEEDS}
    assert years == {"000": 2022, "001": 2022, "002": 2023, "003": 2023, "004": 2021}


def test_report_without_numbers_has_no_claims(tmp_path):
    from auditor.pipeline import audit

    path = tmp_path / "plain.txt"
    path.write_text("本单位认真开展绩效自评工作，取得了较好成效。\n", encoding="utf-8")
    result = audit(path)
    assert result.reading.claims == () and result.findings == ()
