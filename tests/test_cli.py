"""The command line as a user runs it: exit codes, formats, bad input, rule overrides."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS

SEED = next(p for p in SEEDS if p.name.startswith("003"))


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "auditor", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_help():
    out = run("--help")
    assert out.returncode == 0 and "audit" in out.stdout and "eval" in out.stdout


def test_audit_summary_lists_findings_and_exits_1():
    out = run("audit", SEED)
    assert out.returncode == 1
    assert "RAT001" in out.stdout and "执行率" in out.stdout


def test_json_contract():
    out = run("audit", SEED, "--format", "json")
    data = json.loads(out.stdout)
    text = SEED.read_text(encoding="utf-8")
    assert data["document"]["format"] == "txt" and data["document"]["chars"] == len(text)
    assert len(data["document"]["sha256"]) == 64
    assert data["findings"]
    for f in data["findings"]:
        assert {"code", "category", "severity", "message", "evidence", "stated", "expected"} <= f.keys()
        for e in f["evidence"]:
            assert text[e["start"]:e["end"]] == e["text"]


def test_claims_format_is_one_object_per_line():
    out = run("audit", SEED, "--format", "claims")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows and {"value", "unit", "kind", "role", "subject", "year", "start", "end", "text"} <= rows[0].keys()


def test_text_format_is_the_extracted_text():
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", str(SEED), "--format", "text"],
                         capture_output=True, cwd=ROOT, timeout=120)
    assert out.stdout.decode("utf-8") == SEED.read_text(encoding="utf-8")


def test_clean_report_exits_0(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text("部门支出预算总额100万元，其中基本支出60万元，项目支出40万元。\n", encoding="utf-8")
    out = run("audit", path)
    assert out.returncode == 0, out.stdout


@pytest.mark.parametrize(("name", "content", "words"), [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty"),
    ("binary.txt", bytes(range(256)) * 20, "binary"),
    ("undecodable.txt", "café naïve résumé ".encode("latin-1") * 40, "decod"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = run("audit", path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert words in out.stderr


def test_directory_is_refused(tmp_path):
    out = run("audit", tmp_path)
    assert out.returncode == 2 and "directory" in out.stderr


def test_usage_error_exit_2():
    assert run("audit").returncode == 2
    assert run("audit", SEED, "--format", "nonsense").returncode == 2


def test_rules_lists_every_check():
    out = run("rules")
    assert out.returncode == 0
    for code in ("SUM001", "RAT001", "CAP001", "SCO001", "XREF001", "ENT001", "YEAR001", "UNIT001", "LOGIC001"):
        assert code in out.stdout
    doc = run("rules", "--doc")
    assert "为何重要" in doc.stdout and "错误示例" in doc.stdout


def test_rules_file_switches_a_check_off_and_changes_a_parameter(tmp_path):
    override = tmp_path / "province.yaml"
    override.write_text("catalogue:\n  checks:\n    RAT001: {enabled: false}\n", encoding="utf-8")
    out = run("audit", SEED, "--format", "json", "--rules", override)
    codes = {f["code"] for f in json.loads(out.stdout)["findings"]}
    assert "RAT001" not in codes and codes
    floor = tmp_path / "floor.yaml"
    floor.write_text("catalogue:\n  checks:\n    SCO001:\n      params: {floor: 0.98}\n", encoding="utf-8")
    out = run("audit", SEED, "--format", "json", "--rules", floor)
    sco = [f for f in json.loads(out.stdout)["findings"] if f["code"] == "SCO001"]
    assert sco and sco[0]["expected"] == "0"   # 97.31% is below a 98% floor: the item scores 0


def test_bad_rules_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue: [unclosed\n", encoding="utf-8")
    out = run("audit", SEED, "--rules", bad)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_html_output(tmp_path):
    out_file = tmp_path / "r.html"
    out = run("audit", SEED, "-o", out_file)
    assert out.returncode == 1 and out_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- the graph export and `auditor eval` ---------------------------------------------------------
# Two projects of one made-up report: the first ratio holds, the second does not (30/40 is 75%).
REPORT = ("某县2023年度农田水利项目绩效自评报告\n一、项目资金情况\n"
          "项目全年预算数为200万元，全年执行数为150万元，预算执行率为75%。\n二、培训资金\n"
          "培训项目全年预算数为40万元，全年执行数为30万元，预算执行率为90%。\n")
GOLD = {"findings": [{"category": "ratio_mismatch", "quotes": ["预算执行率为90%"], "explanation": "30/40 = 75%"}],
        "holds": [{"relation": "150/200 = 75%", "category": "ratio_mismatch",
                   "quotes": ["全年执行数为150万元", "预算执行率为75%"], "computed": "75%"}]}


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "r1.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r1.gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_graph_export(corpus):
    out = run("audit", corpus / "r1.txt", "--format", "graph")
    assert out.returncode == 1, out.stderr
    graph = json.loads(out.stdout)
    claims = {c["id"]: c for c in graph["claims"]}
    for c in claims.values():
        assert {"id", "start", "end", "text", "value", "unit", "role", "subject"} <= c.keys()
        assert REPORT[c["start"]:c["end"]] == c["text"]
    holds = {}
    for k in graph["constraints"]:
        assert {"id", "kind", "code", "claims", "holds"} <= k.keys() and set(k["claims"]) <= claims.keys()
        holds[frozenset(claims[i]["text"] for i in k["claims"])] = k["holds"]
    assert holds[frozenset({"200万元", "150万元", "75%"})] is True
    assert holds[frozenset({"40万元", "30万元", "90%"})] is False


def test_eval_json_with_mutants(corpus):
    out = run("eval", corpus, "--format", "json", "--mutants", "--disputed", corpus / "none.md")
    assert out.returncode == 0, out.stderr
    scores = json.loads(out.stdout)
    assert scores["documents"] == 1 and scores["recall"] == 1.0 and scores["precision"] == 1.0
    assert scores["false_alarms_on_holds"] == 0 and scores["f1"] == 1.0
    assert scores["relation_coverage"]["rate"] == 1.0 and scores["relation_coverage"]["relations"] == 2
    assert scores["per_category"]["ratio_mismatch"]["matched_gold"] == 1
    assert scores["per_code"]["RAT001"]["constraints"] == 2 and scores["per_code"]["RAT001"]["true"] == 1
    assert {k: scores["mutants"][k] for k in ("made", "killed", "kill_rate")} == {"made": 1, "killed": 1, "kill_rate": 1.0}
    assert run("eval", corpus, "--json", "--disputed", corpus / "none.md").stdout.startswith("{")


def test_eval_reports_figures_without_disputed_gold(corpus):
    disputed = corpus / "DISPUTED.md"
    disputed.write_text("```yaml\n- file: r1.txt\n  kind: finding\n  quote: 预算执行率为90%\n```\n", encoding="utf-8")
    scores = json.loads(run("eval", corpus, "--json", "--disputed", disputed).stdout)
    assert scores["without_disputed"]["entries"] == 1 and scores["without_disputed"]["precision"] == 0.0
    table = run("eval", corpus, "--disputed", disputed).stdout
    assert "TOTAL w/o disputed" in table and "without 1 disputed gold entries" in table


def test_eval_without_gold_files_exits_2(tmp_path):
    (tmp_path / "r1.txt").write_text(REPORT, encoding="utf-8")
    out = run("eval", tmp_path)
    assert out.returncode == 2 and "no gold file" in out.stderr
