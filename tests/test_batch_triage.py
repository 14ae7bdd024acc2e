"""``auditor triage`` on a folder that may come from someone else, with odd input (fast)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.batch.runner import STATE_FILE, BatchOptions, run_batch
from auditor.cli import cli
from test_batch_fakes import write_fake_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def batch(tmp_path: Path) -> tuple[Path, str, str]:
    from test_batch_fakes import fake_audit

    folder, out = tmp_path / "in", tmp_path / "out"
    write_fake_batch(folder, 2)
    (folder / "evil\x1b]0;pwned\x07.txt").write_text("FIND X001 sum_mismatch error 合计\n", encoding="utf-8")
    run_batch(BatchOptions(input=str(folder), outdir=out, audit_fn=fake_audit, jobs=1, quiet=True, warm=False))
    with sqlite3.connect(out / "findings.sqlite") as conn:
        path, fingerprint = conn.execute(
            "select d.path, f.fingerprint from findings f join documents d on d.id = f.document_id "
            "where d.path like 'evil%'").fetchone()
    return out, path, fingerprint


def test_terminal_escapes_in_names_are_shown_escaped(batch):
    out, path, fingerprint = batch
    runner = CliRunner()
    listed = runner.invoke(cli, ["triage", str(out)])
    assert listed.exit_code == 0 and "evil\\x1b]0;pwned\\x07.txt" in listed.output
    decided = runner.invoke(cli, ["triage", str(out), fingerprint[:8], "--state", "confirmed", "--no-refresh"])
    assert decided.exit_code == 0 and "\x1b" not in decided.output and "\x07" not in decided.output


def test_a_decision_without_note_keeps_the_earlier_note(batch):
    out, _, fingerprint = batch
    runner = CliRunner()
    runner.invoke(cli, ["triage", str(out), fingerprint[:8], "--state", "dismissed", "--note", "表内另有说明",
                        "--no-refresh"])
    runner.invoke(cli, ["triage", str(out), fingerprint[:8], "--state", "confirmed", "--no-refresh"])
    with sqlite3.connect(out / "findings.sqlite") as conn:
        assert conn.execute("select state, note from triage").fetchall() == [("confirmed", "表内另有说明")]


def test_who_and_note_that_are_not_utf8_are_refused(batch):
    out, _, fingerprint = batch
    env = dict(os.environ, PYTHONPATH=str(ROOT), LC_ALL="C.UTF-8")
    for option in ("--who", "--note"):
        done = subprocess.run([sys.executable, "-m", "auditor", "triage", str(out), fingerprint[:8].encode(),
                               "--state", "confirmed", option.encode(), "张三".encode("gbk")],
                              capture_output=True, env=env, timeout=60)
        assert done.returncode == 2
        assert b"Traceback" not in done.stderr and b"not valid UTF-8" in done.stderr


def test_triage_never_connects_to_a_database_it_was_not_given(batch, monkeypatch):
    out, _, _ = batch
    (out / STATE_FILE).write_text(json.dumps({"db": "postgresql://someone@attacker.example/db"}), encoding="utf-8")
    import sqlalchemy

    def refuse(*args, **kw):
        raise AssertionError(f"connected to {args}")

    monkeypatch.delenv("AUDITOR_DB", raising=False)
    monkeypatch.setattr(sqlalchemy, "create_engine", refuse)
    monkeypatch.setattr("auditor.batch.store.create_engine", refuse)
    result = CliRunner().invoke(cli, ["triage", str(out)])
    assert result.exit_code == 2
    assert "attacker.example" in result.stderr and "--db" in result.stderr


def test_a_page_is_refreshed_for_a_report_whose_key_is_not_its_file_name(tmp_path):
    from auditor.batch.worker import pipeline_audit

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    text = (ROOT / "corpora" / "seeds").glob("003_*.txt").__next__().read_text(encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), "绩效报告".encode("gbk") + b".txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
    run_batch(BatchOptions(input=str(folder), outdir=out, audit_fn=pipeline_audit, jobs=1, quiet=True, warm=False))
    with sqlite3.connect(out / "findings.sqlite") as conn:
        path, fingerprint, page = conn.execute(
            "select d.path, f.fingerprint, d.page from findings f join documents d on d.id = f.document_id "
            "order by f.ordinal limit 1").fetchone()
    assert path == "绩效报告.txt"
    done = CliRunner().invoke(cli, ["triage", str(out), fingerprint, "--state", "dismissed", "--note", "已核实无误"])
    assert done.exit_code == 0 and "still shows the old state" not in done.output, done.output
    assert "已核实无误" in (out / page).read_text(encoding="utf-8")
