"""Rule files: the schema every overlay is checked against, the rule pages and docs/rules.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditor import rule_schema
from auditor.errors import InputError
from auditor.model import CATEGORIES
from auditor.rule_docs import PROVINCE_EXAMPLE, SECTIONS, anchor, rule_page, rules_doc
from auditor.rules import RuleSet, bundled_problems, check_file
from tests.conftest import ROOT, SEEDS

SEED = next(p for p in SEEDS if p.name.startswith("003"))


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "province.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the schema -------------------------------------------------------------------------------


def test_bundled_rules_validate() -> None:
    assert [str(p) for p in bundled_problems()] == []


def test_severity_section_names_known_categories_and_codes() -> None:
    rules = RuleSet.load()
    section = rules["catalogue"]["severity"]
    assert set(section["categories"]) == set(CATEGORIES)
    assert set(section["void_scores"]) <= set(rules.checks)


def test_no_bundled_check_forces_error() -> None:
    """A check's own ``severity: error`` would skip the decision rule: an error is earned per finding."""
    forced = [code for code, spec in RuleSet.load().checks.items() if spec.get("severity") == "error"]
    assert forced == [], "drop `severity: error` from these catalogue entries (auditor/checks/severity.py decides)"


TYPOS = [
    pytest.param("catalogue:\n  checks:\n    UNIT01: {enabled: false}\n", 3, "UNIT01", "UNIT001", id="unknown-code"),
    pytest.param("catalogue:\n  checks:\n    UNIT001:\n      enabled: flase\n", 4, "flase", "false", id="not-a-boolean"),
    pytest.param("catalogue:\n  checks:\n    SCO001:\n      params:\n        flor: 0.6\n", 5, "flor", "floor",
                 id="misspelt-parameter"),
    pytest.param("catalogue:\n  checks:\n    SCO001:\n      severity: warn\n", 4, "warn", "warning",
                 id="unknown-level"),
    pytest.param("catalogue:\n  checks:\n    SUM001:\n      enabeld: false\n", 4, "enabeld", "enabled",
                 id="misspelt-key"),
    pytest.param("tabels:\n  header_min_terms: 3\n", 1, "tabels", "tables", id="unknown-file"),
    pytest.param("lexicon:\n  header_roles:\n    核定数: budgt\n", 3, "budgt", "budget", id="unknown-role"),
    pytest.param("catalogue:\n  severity:\n    categories:\n      sum_mismatch: eror\n", 4, "eror", "error",
                 id="severity-level"),
]


@pytest.mark.parametrize(("text", "line", "wrong", "right"), TYPOS)
def test_typo_is_an_input_error_with_file_line_and_nearest_name(tmp_path: Path, text: str, line: int, wrong: str,
                                                               right: str) -> None:
    path = overlay(tmp_path, text)
    problems = check_file(path)
    assert len(problems) == 1, problems
    message = str(problems[0])
    assert message.startswith(f"{path}:{line}: ") and wrong in message and f"did you mean {right!r}" in message
    with pytest.raises(InputError) as raised:
        RuleSet.load(path)
    assert str(raised.value) == message


def test_a_key_new_in_the_bundled_files_is_known_and_typed_by_its_default() -> None:
    """A helper adds a rule file or key: no schema change needed, and an overlay's typo still caught."""
    schema_file = yaml.safe_load((ROOT / "rules" / "schema.yaml").read_text(encoding="utf-8"))
    bundled = {**RuleSet.load().data, "growth": {"cues": ["增长", "增加"], "window": 8}}
    schema = rule_schema.build_schema(schema_file, bundled)

    def errors(data: dict) -> list[str]:
        return [str(e) for e in rule_schema.problems(data, schema, None, "x.yaml")]

    assert errors({"growth": {"cues": ["上升"], "window": 12}}) == []
    assert errors({"growth": {"window": "8"}}) == ["x.yaml:1: growth.window must be a number, not '8'"]
    assert errors({"growth": {"windows": 8}}) == [
        "x.yaml:1: unknown key 'windows' in growth; did you mean 'window'?"]


def test_out_of_range_and_wrong_type(tmp_path: Path) -> None:
    path = overlay(tmp_path, "catalogue:\n  checks:\n    SCO001:\n      params: {floor: 1.5}\n"
                             "tables:\n  header_min_terms: two\n")
    problems = [str(p) for p in check_file(path)]
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:4: ") and "1.5" in problems[0]
    assert problems[1].startswith(f"{path}:6: ") and "whole number" in problems[1]


def test_open_mappings_take_new_names_and_values_are_typed(tmp_path: Path) -> None:
    path = overlay(tmp_path, "lexicon:\n  header_roles:\n    核定预算数: budget\n"
                             "units:\n  units:\n    百万元: {dimension: money, factor: 1000000}\n"
                             "catalogue:\n  checks:\n    SCO004:\n      params:\n"
                             "        bands: [[85, 优], [75, 良], [60, 中], [0, 差]]\n")
    assert check_file(path) == []
    rules = RuleSet.load(path)
    assert rules.param("SCO004", "bands")[0] == [85, "优"] and rules["lexicon"]["header_roles"]["核定预算数"] == "budget"


def test_missing_file_says_it_is_missing(tmp_path: Path) -> None:
    problems = check_file(tmp_path / "nowhere.yaml")
    assert [str(p) for p in problems] == [f"{tmp_path / 'nowhere.yaml'}: rule file does not exist"]


def test_broken_yaml_names_its_line(tmp_path: Path) -> None:
    path = overlay(tmp_path, "catalogue:\n  checks:\n    SUM001: {enabled: false\n")
    (problem,) = check_file(path)
    assert str(problem).startswith(f"{path}:") and "not valid YAML" in str(problem)


def test_empty_overlay_is_the_default(tmp_path: Path) -> None:
    assert check_file(overlay(tmp_path, "# nothing yet\n")) == []


@pytest.mark.parametrize("text", [t.values[0] for t in TYPOS[:3]], ids=["code", "boolean", "parameter"])
def test_audit_with_a_typo_exits_2_with_one_line(tmp_path: Path, text: str) -> None:
    out = cli("audit", SEED, "--rules", overlay(tmp_path, text))
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "did you mean" in out.stderr


def test_rules_check_validates_without_auditing(tmp_path: Path) -> None:
    good = overlay(tmp_path, "catalogue:\n  checks:\n    RAT001: {enabled: false}\n")
    out = cli("rules", "--check", good)
    assert out.returncode == 0 and out.stdout.strip() == f"{good}: ok"
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue:\n  checks:\n    UNIT01: {enabled: false}\n    UNIT002: {enabled: flase}\n",
                   encoding="utf-8")
    out = cli("rules", "--check", bad)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 2  # every problem, one a line
    assert cli("rules", "--check", tmp_path / "nowhere.yaml").returncode == 2


# --- rule pages and docs/rules.md -------------------------------------------------------------


def test_every_rule_has_a_complete_page() -> None:
    rules = RuleSet.load()
    for code, spec in rules.checks.items():
        missing = [s for s in SECTIONS if not spec.get("doc", {}).get(s)]
        assert not missing, f"{code}: doc lacks {missing}"
        if spec.get("params"):
            assert spec["doc"].get("参数"), f"{code}: its parameters are not explained (doc.参数)"


def test_rules_code_prints_its_page() -> None:
    out = cli("rules", "SUM001")
    assert out.returncode == 0
    assert out.stdout.startswith("## SUM001")
    for heading in SECTIONS:
        assert f"**{heading}**" in out.stdout
    page = cli("rules", "sco001").stdout
    assert "`floor` = `0`" in page and "`cap` = `1`" in page
    wrong = cli("rules", "SUM01")
    assert wrong.returncode == 2 and "did you mean 'SUM001'" in wrong.stderr


def test_docs_rules_md_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_doc(RuleSet.load()), "docs/rules.md is stale: run `auditor rules --doc > docs/rules.md`"
    assert cli("rules", "--doc").stdout == committed


def test_every_page_is_in_the_doc_under_its_anchor() -> None:
    rules = RuleSet.load()
    doc = rules_doc(rules)
    for code in rules.checks:
        assert f"\n## {code}\n" in doc and rule_page(rules, code) in doc
        assert anchor(code) == f"docs/rules.md#{code.lower()}"


def test_worked_overlay_example_is_valid(tmp_path: Path) -> None:
    path = overlay(tmp_path, PROVINCE_EXAMPLE)
    assert check_file(path) == []
    rules = RuleSet.load(path)
    assert rules.param("SCO001", "steps")[0] == [0.95, 1] and not rules.enabled("UNIT001")


def test_json_findings_carry_their_rule_anchor() -> None:
    out = cli("audit", SEED, "--format", "json")
    findings = json.loads(out.stdout)["findings"]
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert findings
    for f in findings:
        assert f["doc"] == f"docs/rules.md#{f['code'].lower()}"
        assert f"\n## {f['code']}\n" in doc


def test_a_check_disabled_leaves_the_others_of_a_shared_constraint(tmp_path: Path) -> None:
    """An indicator table is one constraint checking two relations (CAP001, SCO003): turning one off
    keeps the other."""
    from auditor.pipeline import audit

    report = tmp_path / "表.txt"
    report.write_text("2024年度农村道路养护项目绩效自评表\n"
                      "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
                      "产出指标\t数量指标\t养护里程\t≥120公里\t96公里\t20\t20\n"
                      "\t质量指标\t路况优良率\t≥85%\t90%\t10\t12\n", encoding="utf-8")
    both = {f.code for f in audit(report).findings}
    assert {"CAP001", "SCO003"} <= both
    for off, kept in (("SCO003", "CAP001"), ("CAP001", "SCO003")):
        rules = RuleSet.load(overlay(tmp_path, f"catalogue:\n  checks:\n    {off}: {{enabled: false}}\n"))
        codes = {f.code for f in audit(report, rules).findings}
        assert kept in codes and off not in codes
