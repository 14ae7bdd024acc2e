"""``auditor batch`` with the real pipeline: the corpora, triage across re-runs, the notebook,
and the PostgreSQL store (``.ci/run`` starts a local server and sets AUDITOR_TEST_PG_URL)."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpora" / "seeds"
PG_URL = os.environ.get("AUDITOR_TEST_PG_URL")


def batch(folder: Path, out: Path, **options: object) -> object:
    """``auditor batch`` in this process: its fork server stays warm from one batch to the next."""
    from auditor.batch.runner import BatchOptions, run_batch

    return run_batch(BatchOptions(input=str(folder), outdir=out, quiet=True, **options))


def triage(*args: str) -> object:
    from click.testing import CliRunner

    from auditor.cli import cli

    return CliRunner().invoke(cli, ["triage", *args])


def auditor(*args: str, check: int | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    if check is not None:
        assert done.returncode == check, done.stderr[-3000:]
    return done


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def reports_under(folder: Path) -> list[Path]:
    from auditor.batch.sources import scan_folder

    return [s.path for s in scan_folder(folder)]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpora; without a .doc converter, a copy without the .doc renditions (which could only
    fail, saying that no converter is installed: tested in test_ingest_formats)."""
    from tests.conftest import CONVERTER

    if CONVERTER:
        return REPO / "corpora"
    copy = tmp_path_factory.mktemp("corpora-without-doc") / "corpora"
    shutil.copytree(REPO / "corpora", copy, ignore=shutil.ignore_patterns("*.doc"))
    return copy


@pytest.fixture(scope="module")
def corpora_batch(tmp_path_factory: pytest.TempPathFactory, corpora: Path) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("corpora-batch")
    done = auditor("batch", str(corpora), "-o", str(out))
    return out, done


def test_corpora_batch_writes_everything(corpora_batch, corpora):
    out, done = corpora_batch
    db = out / "findings.sqlite"
    failed = query(db, "select path, error from documents where status != 'ok'")
    assert not failed, f"reports of the corpora that could not be audited: {failed}"
    assert done.returncode == 1, done.stderr[-3000:]  # findings, no failure
    assert "auditing" in done.stderr and "report/s" in done.stderr  # the progress bar
    expected = {p.relative_to(corpora.resolve()).as_posix() for p in reports_under(corpora)}
    assert {p for (p,) in query(db, "select path from documents")} == expected
    assert {f for (f,) in query(db, "select distinct format from documents")} >= {"txt", "docx"}
    for name in ("index.html", "summary.csv", "findings.csv", "summary.xlsx"):
        assert (out / name).stat().st_size > 0
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(expected)
    pages = query(db, "select page from documents")
    assert all(page and (out / page).is_file() for (page,) in pages)
    units = {u for (u,) in query(db, "select unit from documents where path like 'seeds/%'")}
    assert "攀枝花市社会保险事务中心" in units
    index = (out / "index.html").read_text(encoding="utf-8")
    first_page = query(db, "select page from documents order by risk desc, errors desc, warnings desc, path limit 1")[0][0]
    assert first_page.split("/")[-1].split("-")[0] in index


def test_batch_findings_equal_single_audits(corpora_batch):
    from auditor.pipeline import audit
    from auditor.rules import RuleSet

    out, _ = corpora_batch
    rules = RuleSet.load()
    for path in sorted(SEEDS.glob("*.txt")):
        alone = Counter(f.fingerprint for f in audit(path, rules).findings)
        stored = Counter(fp for (fp,) in query(out / "findings.sqlite",
                                                "select f.fingerprint from findings f join documents d on d.id = "
                                                "f.document_id where d.path = ?", f"seeds/{path.name}"))
        assert stored == alone, path.name


def test_rerun_of_the_corpora_skips_everything(corpora_batch, corpora):
    out, _ = corpora_batch
    before = query(out / "findings.sqlite", "select path, audited_at from documents order by path")
    done = auditor("batch", str(corpora), "-o", str(out), "--quiet", check=1)
    assert done.stderr == ""
    assert query(out / "findings.sqlite", "select path, audited_at from documents order by path") == before
    assert query(out / "findings.sqlite", "select files, audited, skipped from runs order by id desc limit 1") == [
        (len(before), 0, len(before))]


def test_triage_survives_reruns_and_shows_on_the_page(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.json"))
    out = tmp_path / "out"
    assert batch(folder, out).exit_code == 1
    db = out / "findings.sqlite"
    path, fingerprint, page = query(db, "select d.path, f.fingerprint, d.page from findings f join documents d "
                                        "on d.id = f.document_id order by d.path, f.ordinal limit 1")[0]
    done = triage(str(out), fingerprint, "--state", "dismissed", "--who", "王五", "--note", "附表已更正")
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"dismissed\t{fingerprint}\t{path}"
    assert "附表已更正" in (out / page).read_text(encoding="utf-8")  # the page was rebuilt with the decision
    # the report changes (a line added at its end): it is audited again, the decision stays
    (folder / path).write_text((folder / path).read_text(encoding="utf-8") + "\n（修订稿）\n", encoding="utf-8")
    outcome = batch(folder, out)
    assert (outcome.exit_code, outcome.todo, outcome.skipped) == (1, 1, 4)
    assert query(db, "select state, who, note from triage") == [("dismissed", "王五", "附表已更正")]
    assert fingerprint in {fp for (fp,) in query(db, "select fingerprint from findings f join documents d on "
                                                     "d.id = f.document_id where d.path = ?", path)}
    assert "附表已更正" in (out / page).read_text(encoding="utf-8")
    # everything audited again: still there
    assert batch(folder, out, force=True).todo == 5
    assert query(db, "select state, who, note from triage") == [("dismissed", "王五", "附表已更正")]
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["fingerprint"] == fingerprint and r["path"] == path]
    assert rows and all(r["triage"] == "dismissed" and r["triage_note"] == "附表已更正" for r in rows)


def test_notebook_runs_on_a_batch(corpora_batch, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    out, _ = corpora_batch
    monkeypatch.setenv("AUDITOR_BATCH_DB", str(out / "findings.sqlite"))
    notebook = nbformat.read(REPO / "notebooks" / "batch_findings.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    images = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", ())
              if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # by category, by unit, by severity


@pytest.fixture()
def pg_database():
    """A fresh database on the server of AUDITOR_TEST_PG_URL, dropped afterwards."""
    if not PG_URL:
        pytest.skip("AUDITOR_TEST_PG_URL is not set: no PostgreSQL server to test against "
                    "(.ci/run starts one and sets it)")
    import sqlalchemy as sa

    from auditor.batch.store import database_url

    admin = sa.create_engine(database_url(PG_URL, None), isolation_level="AUTOCOMMIT")
    name = f"auditor_batch_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(database_url(PG_URL, None)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_store(pg_database, tmp_path):
    import sqlalchemy as sa

    from auditor.batch.store import database_url

    out = tmp_path / "out"
    assert batch(SEEDS, out, db=pg_database).exit_code == 1
    assert not (out / "findings.sqlite").exists()
    engine = sa.create_engine(database_url(pg_database, None))
    with engine.connect() as conn:
        docs = conn.execute(sa.text("select path, status, sha256, year from documents order by path")).all()
        count = conn.execute(sa.text("select count(*) from findings")).scalar_one()
        fingerprint, path = conn.execute(sa.text(
            "select f.fingerprint, d.path from findings f join documents d on d.id = f.document_id "
            "order by d.path, f.ordinal limit 1")).one()
    assert [d.path for d in docs] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(d.status == "ok" and len(d.sha256) == 64 for d in docs) and count > 0
    # the database an OUTDIR's batch used is opened only when named again (never from its settings)
    refused = triage(str(out), fingerprint, "--state", "confirmed", "--who", "赵六")
    assert refused.exit_code == 2 and "--db" in refused.output
    assert triage(str(out), fingerprint, "--state", "confirmed", "--who", "赵六", "--db", pg_database).exit_code == 0
    outcome = batch(SEEDS, out, db=pg_database)
    assert (outcome.exit_code, outcome.todo) == (1, 0)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select path, fingerprint, state, who from triage")).all() == [
            (path, fingerprint, "confirmed", "赵六")]
        assert conn.execute(sa.text("select audited, skipped, status from runs order by id desc limit 1")).one() == (
            0, len(docs), "done")
        assert conn.execute(sa.text("select count(*) from findings")).scalar_one() == count
    engine.dispose()


def test_zip_of_reports_with_chinese_names(tmp_path):
    import zipfile

    archive = tmp_path / "报告.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(SEEDS.glob("*.txt"))[:3]:
            zf.write(path, f"区县/{path.stem}_绩效自评报告.txt")
    out = tmp_path / "out"
    outcome = batch(archive, out)
    assert (outcome.exit_code, outcome.files, outcome.failed) == (1, 3, 0)
    db = out / "findings.sqlite"
    assert all(p.startswith("区县/") and p.endswith("_绩效自评报告.txt") for (p,) in query(db, "select path from documents"))
    path, fingerprint, page = query(db, "select d.path, f.fingerprint, d.page from findings f join documents d "
                                        "on d.id = f.document_id order by d.path, f.ordinal limit 1")[0]
    done = triage(str(out), fingerprint, "--doc", path, "--state", "confirmed", "--note", "压缩包内报告已复核")
    assert done.exit_code == 0 and "still shows the old state" not in done.output, done.output
    assert "压缩包内报告已复核" in (out / page).read_text(encoding="utf-8")  # rebuilt from the archive's member
    assert batch(archive, out).todo == 0  # unchanged members are skipped on a re-run
