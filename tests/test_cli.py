"""The command line as a user runs it: exit codes, formats, bad input, rule overrides."""

import json
import re
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


# exit codes and messages (issue 15) ------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n\t\n", "\u3000\u3000\n".encode("utf-8"), b"\xff\xfe \x00\n\x00",
], ids=["bom", "bom-and-spaces", "full-width-spaces", "utf16-spaces"])
def test_a_file_of_only_a_bom_or_white_space_is_empty(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    out = run("audit", path)
    assert out.returncode == 2 and "file is empty" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_fifo_or_device_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    for target in (fifo, "/dev/zero"):
        out = run("audit", target)
        assert out.returncode == 2 and "not a regular file" in out.stderr


@pytest.mark.parametrize("name", ["page.pdf", "report.docx", "out.xlsx"])
def test_an_output_file_of_an_unknown_kind_is_refused(tmp_path, name):
    out = run("audit", SEED, "-o", tmp_path / name)
    assert out.returncode == 2 and "cannot write a" in out.stderr
    assert not (tmp_path / name).exists()


def test_output_dash_is_standard_output(tmp_path):
    out = run("audit", SEED, "-f", "json", "-o", "-", cwd=tmp_path)
    assert out.returncode == 1 and json.loads(out.stdout)["findings"]
    assert not (tmp_path / "-").exists()


def _raise(exc):
    def raiser(*args, **kwargs):
        raise exc
    return raiser


@pytest.mark.parametrize(("argv", "target"), [
    (["audit", str(SEED)], "auditor.pipeline.audit_document"),
    (["eval", str(ROOT / "corpora" / "seeds")], "auditor.evaluate.evaluate"),
    (["rules"], "auditor.rule_docs.rule_lines"),
    (["batch", str(ROOT / "corpora" / "seeds"), "-o", "OUT"], "auditor.batch.runner.run_batch"),
    (["triage", "OUT"], "auditor.batch.store.Store.open"),
])
def test_ctrl_c_exits_130_from_every_command(tmp_path, monkeypatch, capsys, argv, target):
    from auditor.cli import main

    (tmp_path / "OUT").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(target, _raise(KeyboardInterrupt()))
    assert main(argv) == 130
    assert "interrupted" in capsys.readouterr().err


def test_ctrl_c_during_a_real_run_exits_130(tmp_path):
    import signal
    import time

    text = SEED.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"  # some 800,000 characters: several seconds to audit on any machine
    big.write_text(text * (800_000 // len(text)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", str(big)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    assert proc.poll() is None, "the audit finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Aborted" not in err and "Traceback" not in err, err


def test_an_unexpected_error_is_one_line_naming_the_file(monkeypatch, capsys):
    from auditor.cli import main

    monkeypatch.setattr("auditor.pipeline.audit_document", _raise(RuntimeError("boom\nsecond line")))
    assert main(["audit", str(SEED)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and SEED.name in err and "RuntimeError: boom second line" in err


# nothing left behind (issue 15) ----------------------------------------------------------------

FAKE_SOFFICE = """#!/bin/sh
# Stands in for LibreOffice: a converter that forks a child and never finishes.
sleep 300 &
echo $$ >> "$FAKE_PIDS"
echo $! >> "$FAKE_PIDS"
wait
"""
# enough of an OLE file to be read as a Word .doc (the converter never gets to read it)
FAKE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 512


def fake_converter_env(tmp_path):
    import atexit
    import os
    import shutil
    import tempfile
    from pathlib import Path

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE_SOFFICE, encoding="utf-8")
    script.chmod(0o755)
    # a short temporary folder: multiprocessing's socket path under it must stay within AF_UNIX's
    # 108 bytes, which pytest's deep tmp_path under xdist passes
    temp = Path(tempfile.mkdtemp(prefix="aud-", dir="/tmp"))
    atexit.register(shutil.rmtree, temp, ignore_errors=True)
    pids = tmp_path / "pids"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TMPDIR=str(temp),
               FAKE_PIDS=str(pids), PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    return env, pids, temp


def alive(pid: int) -> bool:
    from pathlib import Path

    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is dead; only its parent has not collected it


def wait_for_converter(proc, pids, seconds=90):
    import time

    deadline = time.monotonic() + seconds
    while not (pids.exists() and len(pids.read_text().split()) >= 2):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the converter never started"
        time.sleep(0.1)
    return [int(p) for p in pids.read_text().split()]


def interrupt_conversion(proc, pids, signum, while_converting, seconds=90, timeout=30):
    """Wait for ``proc``'s (fake) converter, check ``while_converting()``, send ``signum``: the run must
    exit 130 and leave no converter process behind."""
    import time

    try:
        converter = wait_for_converter(proc, pids, seconds)
        assert while_converting()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    time.sleep(0.2)
    assert not [pid for pid in converter if alive(pid)]


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_an_interrupted_doc_conversion_leaves_nothing_running_or_on_disk(tmp_path, sig):
    import signal

    env, pids, temp = fake_converter_env(tmp_path)
    report = tmp_path / "report.doc"
    report.write_bytes(FAKE_DOC)
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "audit", str(report)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the report's copy is there while it converts, and gone after
    interrupt_conversion(proc, pids, getattr(signal, sig), lambda: list(temp.glob("auditor-doc-*")))
    assert not list(temp.glob("auditor-*"))


# places people can find (issue 15) -------------------------------------------------------------

def test_summary_gives_the_place_the_page_gives():
    out = run("audit", SEED)
    lines = out.stdout.splitlines()[1:]
    assert lines and all(re.search(r"(正文第\d+段|表\d+ 第\d+(至\d+)?行)", line) for line in lines), out.stdout
    assert any("表1 第6行（年度资金总额 × 得分）" in line for line in lines)
    assert any("比率不符" in line for line in lines) and "ratio_mismatch" not in out.stdout


def test_json_evidence_carries_its_place():
    data = json.loads(run("audit", SEED, "--format", "json").stdout)
    places = [e["location"] for f in data["findings"] for e in f["evidence"]]
    assert places and all(re.match(r"(第\d+页 · )?(正文第\d+段|表\d+ 第)", p) for p in places)


def test_escape_sequences_in_a_name_do_not_reach_the_terminal(tmp_path):
    path = tmp_path / "evil\x1b[2J.txt"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = run("audit", path)
    assert out.returncode == 1 and "\x1b" not in out.stdout and "evil\\x1b[2J.txt" in out.stdout
    empty = tmp_path / "empty\x1b]0;pwned\x07.txt"
    empty.write_bytes(b"")
    out = run("audit", empty)
    assert out.returncode == 2 and "\x1b" not in out.stderr and "\x07" not in out.stderr
