"""A synthetic batch (reports made from the seeds by corpora/synthetic.py), killed mid-way with
SIGKILL and resumed: no report lost, none audited twice, none duplicated in the store."""

from __future__ import annotations

import csv
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COUNT = 200  # the >= 1,000 batch is the benchmark's (python -m auditor.bench)


def synthetic() -> object:
    spec = importlib.util.spec_from_file_location("auditor_synthetic_corpus", REPO / "corpora" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from documents").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killed_batch_resumes_without_loss_or_duplicates(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    files = synthetic().generate(folder, COUNT, seed=7)
    assert len(files) == COUNT
    db = out / "findings.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "batch", str(folder), "-o", str(out), "--jobs", "2"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while committed(db) < 30:
            assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "the batch committed too few reports in 300 s"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)  # the parent only, as `kill -9 PID` would
        proc.wait(timeout=30)
        progress = proc.stderr.read()
        # its workers notice that the parent is gone and exit: nothing is left behind
        deadline = time.monotonic() + 30
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_alive(proc.pid), "worker processes outlived the killed batch"
    finally:
        if group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert "auditing" in progress and "findings=" in progress  # the progress bar was running

    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("select path, audited_at from documents").fetchall())
        assert conn.execute("select status from runs").fetchall() == [("running",)]
    assert 30 <= len(before) < COUNT, "the kill came too late to test a resume"

    done = subprocess.run([sys.executable, "-m", "auditor", "batch", "--resume", "-o", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr[-3000:]  # findings, and no report failed
    assert f"{COUNT - len(before)} to audit, {len(before)} unchanged" in done.stderr
    assert "resuming run 1" in done.stderr

    with sqlite3.connect(db) as conn:
        rows = conn.execute("select path, sha256, status, run_id, seen_run_id, audited_at from documents").fetchall()
        runs = conn.execute("select id, status, files, audited, skipped, failed from runs").fetchall()
        per_doc = conn.execute("select document_id, count(*), count(distinct ordinal), min(ordinal), max(ordinal) "
                               "from findings group by document_id").fetchall()
        total = conn.execute("select count(*) from findings").fetchone()[0]
    expected = {p.relative_to(folder).as_posix() for p in files}
    assert len(rows) == COUNT and {r[0] for r in rows} == expected  # none lost, none twice
    assert all(r[2] == "ok" and r[3] == 1 and r[4] == 1 for r in rows)
    assert runs == [(1, "done", COUNT, COUNT, 0, 0)]  # one run, resumed, counting everything
    # what was committed before the kill was kept as it was, not audited again
    assert {r[0]: r[5] for r in rows if r[0] in before} == before
    assert all(n == distinct and low == 0 and high == n - 1 for _, n, distinct, low, high in per_doc)
    import hashlib

    assert all(hashlib.sha256((folder / r[0]).read_bytes()).hexdigest() == r[1] for r in rows)

    # the stored findings are what a single audit finds, before and after the kill alike
    from auditor.pipeline import audit
    from auditor.rules import RuleSet

    rules = RuleSet.load()
    killed_side = sorted(before)[:3]
    resumed_side = sorted(expected - set(before))[:3]
    with sqlite3.connect(db) as conn:
        for key in killed_side + resumed_side:
            stored = Counter(fp for (fp,) in conn.execute(
                "select f.fingerprint from findings f join documents d on d.id = f.document_id where d.path = ?",
                (key,)))
            assert stored == Counter(f.fingerprint for f in audit(folder / key, rules).findings), key

    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == COUNT and sum(int(r["findings"]) for r in table) == total
    assert len(list((out / "reports").glob("*.html"))) == COUNT
    assert "按风险排序（200）" in (out / "index.html").read_text(encoding="utf-8")
    units = {r["unit"] for r in table}
    assert len(units) > 20  # the synthetic batch spreads over many budget units
