"""A batch never stops for one input: odd names in folders and zips, an output folder where it
should not be, a full disk; what it leaves behind; what it says (fast: the stand-in audit)."""

from __future__ import annotations

import errno
import os
import sqlite3
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.batch import EXIT_CLEAN, EXIT_FAILED
from auditor.batch.runner import BatchError, BatchOptions, run_batch
from auditor.batch.sources import extract_zip, open_input
from test_batch_fakes import fake_audit, write_fake_batch


def run(spec: Path, out: Path, **kw) -> object:
    kw.setdefault("jobs", 1)
    kw.setdefault("quiet", True)
    kw.setdefault("warm", False)
    return run_batch(BatchOptions(input=str(spec), outdir=out, audit_fn=fake_audit, **kw))


def documents(out: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(out / "findings.sqlite") as conn:
        return {p: (s, e) for p, s, e in conn.execute("select path, status, error from documents")}


def runs(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "findings.sqlite") as conn:
        return conn.execute("select id, status from runs order by id").fetchall()


# names in folders --------------------------------------------------------------------------

def test_folder_names_that_are_not_utf8_get_readable_stable_keys(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 2)
    raw = os.fsencode(folder)
    with open(os.path.join(raw, "绩效自评报告".encode("gbk") + b".txt"), "w", encoding="utf-8") as fh:
        fh.write("UNIT 甲\n")  # a GBK name, as unzipping a Chinese Windows archive leaves it
    with open(os.path.join(raw, b"\xff\xfe.txt"), "w", encoding="utf-8") as fh:
        fh.write("UNIT 乙\n")  # bytes no encoding reads
    outcome = run(folder, tmp_path / "out")
    assert outcome.failed == 0 and outcome.files == 4
    docs = documents(tmp_path / "out")
    assert docs["绩效自评报告.txt"][0] == "ok" and docs["\\xff\\xfe.txt"][0] == "ok"
    again = run(folder, tmp_path / "out")  # the keys are the same: nothing to do again
    assert (again.files, again.skipped, again.todo) == (4, 4, 0)


def test_names_that_differ_only_in_normalisation_are_two_reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    composed = unicodedata.normalize("NFC", "café.txt")
    decomposed = unicodedata.normalize("NFD", "café.txt")
    (folder / composed).write_text("UNIT 甲\n", encoding="utf-8")
    (folder / decomposed).write_text("UNIT 乙\n", encoding="utf-8")
    if len(os.listdir(folder)) != 2:
        pytest.skip("this file system normalises names")
    outcome = run(folder, tmp_path / "out")
    assert outcome.files == 2
    assert set(documents(tmp_path / "out")) == {"café.txt", "café (2).txt"}
    assert run(folder, tmp_path / "out").todo == 0


def test_symbolic_links_in_the_folder_are_skipped_and_said(tmp_path):
    private = tmp_path / "private.txt"
    private.write_text("UNIT 机密\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text("UNIT 机密\n", encoding="utf-8")
    folder = tmp_path / "in"
    write_fake_batch(folder, 1)
    (folder / "link.txt").symlink_to(private)
    (folder / "linked-folder").symlink_to(tmp_path / "elsewhere")
    with open_input(folder) as batch:
        assert [s.key for s in batch.sources] == ["r0000.txt"]
        assert set(batch.skipped) == {"link.txt", "linked-folder"}
    import io

    stream = io.StringIO()
    outcome = run(folder, tmp_path / "out", quiet=False, stream=stream)
    assert outcome.exit_code == EXIT_CLEAN and set(documents(tmp_path / "out")) == {"r0000.txt"}
    assert "2 skipped" in stream.getvalue() and "skipped link.txt: a symbolic link" in stream.getvalue()


# names in zips -----------------------------------------------------------------------------

def _lie_about_utf8(archive: Path, name: str) -> None:
    """Rewrite member ``name`` (stored flagged UTF-8) as GBK bytes, the flag left on."""
    data = archive.read_bytes()
    utf8, gbk = name.encode("utf-8"), name.encode("gbk")
    assert len(gbk) < len(utf8)
    archive.write_bytes(data.replace(utf8, gbk + b"_" * (len(utf8) - len(gbk))))


def test_zip_with_awkward_member_names_audits_every_report(tmp_path):
    archive = tmp_path / "reports.zip"
    long_name = "长" * 100 + ".txt"  # 304 bytes: over any file system's 255
    deep = "/".join(["层" * 60] * 40) + "/深.txt"  # a path over PATH_MAX
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "UNIT 甲\n")
        zf.writestr("a.txt/b.txt", "UNIT 乙\n")  # a file and a folder of the same name
        zf.writestr(long_name, "UNIT 丙\n")
        zf.writestr(deep, "UNIT 丁\n")
        zf.writestr("twice.txt", "UNIT 戊\n")
        zf.writestr("twice.txt", "UNIT 己\n")  # a duplicate member name
        zf.writestr(unicodedata.normalize("NFD", "café.txt"), "UNIT 庚\n")
        zf.writestr("café.txt", "UNIT 辛\n")
        zf.writestr("报告.txt", "UNIT 壬\n")
    _lie_about_utf8(archive, "报告")
    outcome = run(archive, tmp_path / "out")
    docs = documents(tmp_path / "out")
    assert outcome.exit_code == EXIT_CLEAN, docs
    assert set(docs) == {"a.txt", "a.txt/b.txt", long_name, deep, "twice.txt", "twice (2).txt", "café.txt",
                         "café (2).txt", "报告__.txt"}
    assert all(status == "ok" for status, _ in docs.values())
    again = run(archive, tmp_path / "out")  # the same archive gives the same keys
    assert (again.files, again.todo) == (9, 0)


def test_zip_names_without_the_utf8_flag(tmp_path):
    archive = tmp_path / "cn.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("X" * 10 + ".txt", "UNIT 甲\n")
        zf.writestr("Y" * 10 + ".txt", "UNIT 乙\n")
        info = zipfile.ZipInfo("Z" * 10 + ".txt")
        name = "预算执行.txt".encode("gbk")
        crc = zipfile.crc32(("Z" * 10 + ".txt").encode("ascii"))
        utf8 = "项目决算.txt".encode("utf-8")
        info.extra = b"\x75\x70" + (5 + len(utf8)).to_bytes(2, "little") + b"\x01" + crc.to_bytes(4, "little") + utf8
        zf.writestr(info, "UNIT 丙\n")
    data = archive.read_bytes()
    data = data.replace(b"X" * 10, "绩效报告甲".encode("gb18030"))  # GBK, no flag (Chinese Windows)
    data = data.replace(b"Y" * 10, "报告乙".encode("utf-8")[:9] + b"_")  # UTF-8, no flag (some Macs)
    archive.write_bytes(data)
    assert name  # the Info-ZIP Unicode path field names the third member
    with extract_zip(archive) as batch:
        assert sorted(s.key for s in batch.sources) == sorted(["绩效报告甲.txt", "报告乙_.txt", "项目决算.txt"])


def test_zip_extraction_stays_in_the_output_folder_and_is_removed(tmp_path):
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "UNIT 甲\n")
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".auditor-extract-killed"  # what a batch killed with SIGKILL leaves
    leftover.mkdir()
    (leftover / "000001.txt").write_text("机密\n", encoding="utf-8")
    run(archive, out)
    assert not leftover.exists() and documents(out)["a.txt"][0] == "ok"
    assert not list(out.glob(".auditor-extract-*"))
    with extract_zip(archive, workdir=out) as batch:
        assert out in batch.sources[0].path.parents
    assert not list(out.glob(".auditor-extract-*"))


# the output folder -------------------------------------------------------------------------

def test_output_folder_equal_to_the_input_is_refused(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 2)
    before = sorted(os.listdir(folder))
    with pytest.raises(BatchError, match="output folder is the input folder"):
        run(folder, folder)
    assert sorted(os.listdir(folder)) == before


def test_output_folder_inside_the_input_is_left_out(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 2)
    run(folder, folder / "audit" / "out")
    again = run(folder, folder / "audit" / "out")
    assert (again.files, again.todo) == (2, 0)


@pytest.mark.parametrize("args", [["missing-folder"], ["in", "--rules", "missing.yaml"], ["in", "--db", "nope://x"]])
def test_a_failed_invocation_creates_no_output_folder(tmp_path, monkeypatch, args):
    from auditor.cli import cli

    write_fake_batch(tmp_path / "in", 1)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["batch", *args, "-o", "new/out"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "new").exists()


def test_a_full_disk_while_writing_the_summaries_leaves_the_run_resumable(tmp_path, monkeypatch):
    import auditor.batch.outputs as outputs

    folder, out = tmp_path / "in", tmp_path / "out"
    write_fake_batch(folder, 3)
    real = outputs.write_outputs

    def full(*args, **kw):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs, "write_outputs", full)
    with pytest.raises(BatchError, match="No space left on device.*--resume"):
        run(folder, out)
    assert runs(out) == [(1, "running")] and len(documents(out)) == 3
    assert not (out / "index.html").exists()
    monkeypatch.setattr(outputs, "write_outputs", real)
    outcome = run_batch(BatchOptions(input=None, outdir=out, resume=True, audit_fn=fake_audit, quiet=True, warm=False))
    assert (outcome.run_id, outcome.files, outcome.todo) == (1, 3, 0)
    assert runs(out) == [(1, "done")] and (out / "index.html").exists()


def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    from auditor.cli import cli

    folder, out = tmp_path / "in", tmp_path / "out"
    write_fake_batch(folder, 1)
    out.mkdir()
    real_open = open

    def read_only(path, *args, **kw):
        if str(path).startswith(str(out)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr("builtins.open", read_only)
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 2 and "cannot write into the output folder (Permission denied)" in result.stderr
    assert "Traceback" not in result.output


def test_one_report_that_cannot_be_stored_does_not_stop_the_batch(tmp_path, monkeypatch):
    import io

    from sqlalchemy.exc import StatementError

    from auditor.batch.store import Store

    folder, out = tmp_path / "in", tmp_path / "out"
    write_fake_batch(folder, 3)
    real_save = Store.save

    def save(self, run_id, record, ruleset_hash):
        if record["path"] == "r0001.txt" and record.get("status") == "ok":
            raise StatementError("value too long", "INSERT", {}, ValueError("value too long"))
        return real_save(self, run_id, record, ruleset_hash)

    monkeypatch.setattr(Store, "save", save)
    stream = io.StringIO()
    outcome = run(folder, out, stream=stream)
    assert outcome.exit_code == EXIT_FAILED and outcome.files == 3
    docs = documents(out)
    assert docs["r0000.txt"][0] == docs["r0002.txt"][0] == "ok"
    assert docs["r0001.txt"][0] == "failed" and "internal error while storing it" in docs["r0001.txt"][1]
    assert "r0001.txt: internal error while storing it" in stream.getvalue()


# what it says ------------------------------------------------------------------------------

def test_failed_reports_are_named_at_the_end_even_when_quiet(tmp_path):
    import io

    folder = tmp_path / "in"
    write_fake_batch(folder, 2)
    (folder / "broken\x1b[31m.txt").write_text("BROKEN\n", encoding="utf-8")
    stream = io.StringIO()
    outcome = run(folder, tmp_path / "out", stream=stream)
    assert outcome.exit_code == EXIT_FAILED
    text = stream.getvalue()
    assert "failed: broken\\x1b[31m.txt: " in text and "\x1b" not in text


def test_reusing_an_output_folder_for_other_input_warns(tmp_path):
    import io

    first, second = tmp_path / "a", tmp_path / "b"
    write_fake_batch(first, 1)
    write_fake_batch(second, 1, prefix="s")
    run(first, tmp_path / "out")
    stream = io.StringIO()
    run(second, tmp_path / "out", stream=stream)
    assert "warning" in stream.getvalue() and str(first) in stream.getvalue()
    stream = io.StringIO()
    run(second, tmp_path / "out", stream=stream)
    assert "warning" not in stream.getvalue()


def test_index_shows_bidi_controls(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "报告\u202etxt.exe.txt").write_text("UNIT 甲\n", encoding="utf-8")
    run(folder, tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in index and "报告⟨U+202E⟩txt.exe.txt" in index


def test_a_killed_zip_batch_leaves_no_extracted_file_nor_converter(tmp_path):
    import signal
    import subprocess
    import sys

    from test_cli import FAKE_DOC, fake_converter_env, interrupt_conversion

    env, pids, temp = fake_converter_env(tmp_path)
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("甲单位/报告.doc", FAKE_DOC)
        zf.writestr("乙单位/说明.txt", "UNIT 乙\n")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "batch", str(archive), "-o", str(out), "-j", "1",
                             "--no-pages"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    interrupt_conversion(proc, pids, signal.SIGTERM, lambda: list(out.glob(".auditor-extract-*")),
                         seconds=180, timeout=60)
    assert not list(out.glob(".auditor-extract-*")) and not list(temp.glob("auditor-*"))


def test_a_report_that_needs_too_much_memory_fails_alone(tmp_path):
    folder = tmp_path / "in"
    write_fake_batch(folder, 3)
    (folder / "hungry.txt").write_text("ALLOC 4000\n", encoding="utf-8")
    outcome = run(folder, tmp_path / "out", memory_bytes=256 << 20)
    docs = documents(tmp_path / "out")
    assert outcome.exit_code == EXIT_FAILED and outcome.files == 4
    assert docs["hungry.txt"][0] == "failed" and "needs over 256 MB of memory" in docs["hungry.txt"][1]
    assert all(docs[k][0] == "ok" for k in docs if k != "hungry.txt")
