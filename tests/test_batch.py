"""Batch runner, store, summaries and triage, with a stand-in audit function (fast).

The real pipeline over the corpora and a synthetic batch is in test_batch_corpora.py and
test_batch_resume.py."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor.batch import EXIT_CLEAN, EXIT_FAILED, EXIT_FINDINGS
from auditor.batch.outputs import cell_text
from auditor.batch.risk import risk_score
from auditor.batch.runner import BatchOptions, run_batch
from auditor.batch.sources import extract_zip, open_input, safe_key
from auditor.batch.store import Store, database_url
from test_batch_fakes import fake_audit, write_fake_batch


def run(folder: Path, out: Path, **kw) -> object:
    kw.setdefault("jobs", 2)
    kw.setdefault("quiet", True)
    return run_batch(BatchOptions(input=str(folder), outdir=out, audit_fn=fake_audit, **kw))


def stored_count(db: Path) -> int:
    try:
        return rows(db, "select count(*) from documents")[0][0] if db.exists() else 0
    except sqlite3.OperationalError:  # the tables are being created
        return 0


def rows(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


@pytest.fixture(scope="module")
def first_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    root = tmp_path_factory.mktemp("fakebatch")
    folder = root / "in"
    write_fake_batch(folder / "sub", 24)
    (folder / "bad").mkdir()
    (folder / "bad" / "broken.txt").write_text("BROKEN\n", encoding="utf-8")
    (folder / "bad" / "bug.txt").write_text("BUG\n", encoding="utf-8")
    (folder / "bad" / "crash.txt").write_text("CRASH\n", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")  # not a report: ignored
    (folder / "~$lock.docx").write_bytes(b"x")  # an Office lock file: ignored
    out = root / "out"
    outcome = run(folder, out)
    return folder, out, outcome


def test_batch_records_every_report_and_every_failure(first_batch):
    folder, out, outcome = first_batch
    assert outcome.exit_code == EXIT_FAILED
    assert (outcome.files, outcome.audited, outcome.failed) == (27, 27, 3)
    db = out / "findings.sqlite"
    errors = dict(rows(db, "select path, error from documents where status = 'failed'"))
    assert set(errors) == {"bad/broken.txt", "bad/bug.txt", "bad/crash.txt"}
    assert errors["bad/broken.txt"] == "bad/broken.txt: file is damaged; export it again"
    assert "RuntimeError: a bug in a check" in errors["bad/bug.txt"]
    assert "died (killed by SIGSEGV)" in errors["bad/crash.txt"]
    # 24 fake reports with i % 4 findings each
    assert rows(db, "select count(*) from findings") == [(sum(i % 4 for i in range(24)),)]
    assert rows(db, "select count(*), count(distinct path) from documents") == [(27, 27)]
    units = {u for (u,) in rows(db, "select unit from documents where status = 'ok'")}
    assert units == {f"单位{i}" for i in range(7)}


def test_summaries_rank_by_risk(first_batch):
    _, out, _ = first_batch
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 27
    assert [r["status"] for r in table[:3]] == ["failed"] * 3  # failures first
    ranked = table[3:]
    risks = [float(r["risk"]) for r in ranked]
    assert risks == sorted(risks, reverse=True)
    assert [int(r["rank"]) for r in ranked] == list(range(1, 25))
    top = ranked[0]
    assert float(top["risk"]) == risk_score([("error", False, None), ("warning", False, None), ("info", False, None)])
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == sum(i % 4 for i in range(24))
    book = load_workbook(out / "summary.xlsx", read_only=True)
    assert book.sheetnames == ["报告", "发现"]
    assert len(list(book["报告"].iter_rows())) == 28
    assert len(list(book["发现"].iter_rows())) == 1 + sum(i % 4 for i in range(24))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "无法审核的报告（3）" in index and "按风险排序（24）" in index
    assert "bad/crash.txt" in index and "https://" not in index and "http://" not in index


def test_rerun_skips_unchanged_keeps_triage_and_retries_failures(first_batch, tmp_path):
    folder, out, _ = first_batch
    store = Store.open(database_url(None, out))
    path, fingerprint = rows(out / "findings.sqlite",
                             "select d.path, f.fingerprint from findings f join documents d on d.id = f.document_id "
                             "where f.severity = 'error' order by d.path limit 1")[0]
    before = store.document(path)["risk"]
    store.set_triage(path, fingerprint, "dismissed", who="张三", note="表内另有说明")
    assert store.document(path)["risk"] == before - 10
    changed = folder / "sub" / "r0005.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "FIND T900 year_mismatch error 报告\n", encoding="utf-8")
    outcome = run(folder, out)
    assert outcome.todo == 4  # the changed report and the three failures
    assert (outcome.files, outcome.skipped) == (27, 23)
    assert rows(out / "findings.sqlite", "select state, who, note from triage") == [("dismissed", "张三", "表内另有说明")]
    assert store.document(path)["risk"] == before - 10
    assert "T900" in {c for (c,) in rows(out / "findings.sqlite", "select code from findings")}
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        states = {(r["path"], r["fingerprint"]): r["triage"] for r in csv.DictReader(fh)}
    assert states[(path, fingerprint)] == "dismissed"
    store.close()


def test_triage_command(first_batch):
    from auditor.cli import cli

    _, out, _ = first_batch
    path, fingerprint = rows(out / "findings.sqlite",
                             "select d.path, f.fingerprint from findings f join documents d on d.id = f.document_id "
                             "where f.severity = 'warning' order by d.path limit 1")[0]
    runner = CliRunner()
    result = runner.invoke(cli, ["triage", str(out), fingerprint[:8], "--state", "confirmed", "--who", "李四",
                                 "--note", "已核实"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"confirmed\t{fingerprint}\t{path}"
    listed = runner.invoke(cli, ["triage", str(out), "--state", "confirmed"])
    assert fingerprint in listed.output and "李四: 已核实" in listed.output
    missing = runner.invoke(cli, ["triage", str(out), "ffffffff", "--state", "open"])
    assert missing.exit_code == 2 and "no finding with fingerprint" in missing.output
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        states = {(r["path"], r["fingerprint"]): r["triage"] for r in csv.DictReader(fh)}
    assert states[(path, fingerprint)] == "confirmed"  # the summaries were rewritten


def test_exit_codes(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("UNIT 甲\n", encoding="utf-8")
    assert run(clean, tmp_path / "o1").exit_code == EXIT_CLEAN
    (clean / "b.txt").write_text("FIND X001 sum_mismatch info 合计\n", encoding="utf-8")
    outcome = run(clean, tmp_path / "o1")
    assert outcome.exit_code == EXIT_FINDINGS and outcome.todo == 1
    fingerprint = rows(tmp_path / "o1" / "findings.sqlite", "select fingerprint from findings")[0][0]
    store = Store.open(database_url(None, tmp_path / "o1"))
    store.set_triage("b.txt", fingerprint, "dismissed")
    store.close()
    assert run(clean, tmp_path / "o1").exit_code == EXIT_CLEAN  # nothing left but a dismissed finding


def test_a_report_that_hangs_is_stopped(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 3)
    (folder / "slow.txt").write_text("SLEEP 30\n", encoding="utf-8")
    outcome = run(folder, tmp_path / "out", timeout=1.0)
    assert outcome.exit_code == EXIT_FAILED and outcome.audited == 4
    assert rows(tmp_path / "out" / "findings.sqlite", "select error from documents where path = 'slow.txt'") == [
        ("timed out after 1 s; its worker was stopped",)]


def test_resume_needs_an_unfinished_run(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 2)
    run(folder, tmp_path / "out")
    from auditor.batch.runner import BatchError

    with pytest.raises(BatchError, match="nothing to resume"):
        run_batch(BatchOptions(input=None, outdir=tmp_path / "out", resume=True, audit_fn=fake_audit, quiet=True))


# .zip input ------------------------------------------------------------------------------

def _member(name: str, data: bytes, *, utf8_flag: bool = True, mode: int | None = None) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.external_attr = mode << 16
    return info, data


def test_zip_is_extracted_safely(tmp_path):
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("区县/good.txt", "UNIT 甲\nFIND X001 sum_mismatch error 合计\n")
        zf.writestr("../evil.txt", "UNIT 乙\n")
        zf.writestr("/abs/evil2.txt", "UNIT 乙\n")
        zf.writestr("a/../../evil3.txt", "UNIT 乙\n")
        zf.writestr(_member("link.txt", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)[0], b"/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
        zf.writestr("__MACOSX/._good.txt", "junk")
        zf.writestr("readme.md", "not a report")
    # a member whose name is GBK without the UTF-8 flag, as Chinese Windows writes it
    gbk_name = "绩效报告.txt".encode("gb18030")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("X" * (len(gbk_name) - 4) + ".txt", "UNIT 丙\n")
    archive.write_bytes(archive.read_bytes().replace(b"X" * (len(gbk_name) - 4) + b".txt", gbk_name))
    assert any(not i.flag_bits & 0x800 and not i.filename.isascii() for i in zipfile.ZipFile(archive).infolist())
    outcome = run(archive, tmp_path / "out")
    db = tmp_path / "out" / "findings.sqlite"
    docs = dict(rows(db, "select path, status from documents"))
    assert docs["区县/good.txt"] == "ok" and docs["绩效报告.txt"] == "ok"
    refused = {p for p, s in docs.items() if s == "failed"}
    assert refused == {"../evil.txt", "/abs/evil2.txt", "a/../../evil3.txt", "link.txt", "inner.zip"}
    assert not (tmp_path / "evil.txt").exists() and not Path("/abs/evil2.txt").exists()
    assert outcome.exit_code == EXIT_FAILED


def test_zip_bomb_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * (8 * 1024 * 1024))
        zf.writestr("ok.txt", "UNIT 甲\n")
    with extract_zip(archive, max_member_bytes=4 * 1024 * 1024) as batch:
        assert [s.key for s in batch.sources] == ["ok.txt"]
        assert "over the limit" in batch.refused["big.txt"]
    # a directory that lies about the size is caught while inflating (ratio limit)
    with extract_zip(archive, max_ratio=10) as batch:
        assert "big.txt" in batch.refused and "zip bomb" in batch.refused["big.txt"]


@pytest.mark.parametrize("name, key", [
    ("a/b.txt", "a/b.txt"), ("a\\b.txt", "a/b.txt"), ("./a//b.txt", "a/b.txt"),
    ("../a.txt", None), ("/etc/passwd", None), ("C:/x.txt", None), ("a/../../b.txt", None), ("", None),
])
def test_safe_key(name, key):
    assert safe_key(name) == key


def test_input_must_be_a_folder_or_zip(tmp_path):
    from auditor.errors import InputError

    (tmp_path / "one.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="auditor audit"):
        open_input(tmp_path / "one.txt")
    with pytest.raises(InputError, match="no such"):
        open_input(tmp_path / "missing")


def test_spreadsheet_cells_cannot_inject_formulas():
    assert cell_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell_text("-5.2") == "-5.2" and cell_text("+3%") == "+3%"
    assert cell_text("@SUM(A1)") == "'@SUM(A1)" and cell_text("正常\x07") == "正常"


def test_outdir_inside_input_is_not_audited(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 3)
    run(folder, folder / "out")
    again = run(folder, folder / "out")
    assert again.files == 3 and again.skipped == 3


def test_batch_help_documents_exit_codes():
    from auditor.cli import cli

    result = CliRunner().invoke(cli, ["batch", "--help"])
    assert result.exit_code == 0
    for text in ("Exit codes", "130", "--resume", "--db"):
        assert text in result.output


def test_progress_bar_reports_rate_and_findings(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 6)
    stream = io.StringIO()
    run_batch(BatchOptions(input=str(folder), outdir=tmp_path / "out", audit_fn=fake_audit, jobs=2, stream=stream))
    text = stream.getvalue()
    assert "6/6" in text and "report/s" in text and "findings=7" in text


def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder, out = tmp_path / "in", tmp_path / "out"
    write_fake_batch(folder, 40)
    for path in folder.iterdir():
        path.write_text(path.read_text(encoding="utf-8") + "SLEEP 0.1\n", encoding="utf-8")
    script = (
        "import sys; from pathlib import Path\n"
        "from test_batch_fakes import fake_audit\n"
        "from auditor.batch.runner import BatchOptions, run_batch\n"
        f"outcome = run_batch(BatchOptions(input={str(folder)!r}, outdir=Path({str(out)!r}), audit_fn=fake_audit, jobs=2))\n"
        "sys.exit(outcome.exit_code)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), str(Path(__file__).parent.parent)]))
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while stored_count(out / "findings.sqlite") < 5:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "interrupted" in proc.stderr.read()
    db = out / "findings.sqlite"
    assert rows(db, "select status from runs") == [("interrupted",)]
    stored = rows(db, "select count(*) from documents")[0][0]
    assert 5 <= stored < 40
    outcome = run_batch(BatchOptions(input=None, outdir=out, resume=True, audit_fn=fake_audit, jobs=2, quiet=True))
    assert (outcome.run_id, outcome.files, outcome.audited, outcome.todo) == (1, 40, 40, 40 - stored)
    assert rows(db, "select count(*), count(distinct path) from documents") == [(40, 40)]
    assert rows(db, "select status from runs") == [("done",)]


def test_workers_are_recycled_without_losing_reports(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 12)
    outcome = run(folder, tmp_path / "out", recycle_after=2)
    assert outcome.audited == 12 and outcome.failed == 0
    assert len(outcome.workers) >= 6 and all(w.tasks <= 2 for w in outcome.workers)
