"""Legacy Word (.doc, and RTF saved as .doc): converted, then read as what it became.

LibreOffice (``soffice --headless --convert-to docx``) keeps tables and merges, so its output is
read by the .docx loader; without LibreOffice, antiword's plain text is read by the text loader,
which rebuilds the tables antiword draws with ``|``. Each conversion runs in a temporary
directory with its own LibreOffice profile (so that it never waits on a running LibreOffice)
and a time limit.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from auditor.errors import InputError
from auditor.ingest.containers import refuse_encrypted
from auditor.model import Document
from auditor.rules import RuleSet

CONVERT_TIMEOUT_SECONDS = 180
_NO_CONVERTER = ("install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) "
                 "or antiword (apt-get install antiword), or save it as .docx")


def load(path: str, data: bytes, rules: RuleSet | None = None) -> Document:
    refuse_encrypted(path, data)
    rtf = data.lstrip().startswith(b"{\\rtf")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    antiword = None if rtf else shutil.which("antiword")  # antiword reads Word binaries only
    if not (soffice or antiword):
        raise InputError(path, f"is a legacy Word ({'RTF' if rtf else '.doc'}) file and no converter is installed",
                         _NO_CONVERTER)
    fmt = "rtf" if rtf else "doc"
    problem = ""
    if soffice:
        converted, problem = _soffice(soffice, data, ".rtf" if rtf else ".doc")
        if converted is not None:
            from auditor.ingest import docx

            return _as(docx.load(path, converted, rules), fmt, data)
    if antiword:
        text, problem = _antiword(antiword, data)
        if text is not None:
            from auditor.ingest import text as text_loader

            return _as(text_loader.load(path, text.encode("utf-8"), rules), fmt, data)
    raise InputError(path, f"is not a readable Word file ({problem})",
                     "open it in Word, check it is not password-protected, and save it as .docx")


def _as(document: Document, fmt: str, data: bytes) -> Document:
    return dataclasses.replace(document, format=fmt, sha256=Document.digest(data))


def _run(command: list[str], cwd: str) -> tuple[subprocess.CompletedProcess[bytes] | None, str]:
    """Run ``command`` with the time limit, in a process group of its own. The whole group is
    ended on timeout and on any other way out (Ctrl-C, the batch stopping its worker): LibreOffice
    forks soffice.bin, which would otherwise keep a copy of the report open after we are gone."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_own_memory_limit)
    try:
        out, err = process.communicate(timeout=CONVERT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return None, f"conversion took over {CONVERT_TIMEOUT_SECONDS} s"
    except BaseException:
        _kill_group(process)
        raise
    finally:
        _kill_group(process, only_strays=True)
    return subprocess.CompletedProcess(command, process.returncode, out, err), ""


def _own_memory_limit() -> None:
    """In the converter's process: the hard memory limit back (a batch worker's soft limit is
    sized for Python, not for LibreOffice, which has its own time limit)."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _kill_group(process: subprocess.Popen[bytes], only_strays: bool = False) -> None:
    """End ``process``'s group (with ``only_strays``, what is left of it after it exited)."""
    if only_strays and process.returncode is None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        process.kill()
        process.wait()


def _soffice(soffice: str, data: bytes, suffix: str) -> tuple[bytes | None, str]:
    with tempfile.TemporaryDirectory(prefix="auditor-doc-") as tmp:
        source = Path(tmp, "report" + suffix)
        source.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        done, problem = _run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                              "--convert-to", "docx", "--outdir", str(Path(tmp, "out")), str(source)], tmp)
        target = Path(tmp, "out", "report.docx")
        if done is not None and target.is_file() and target.stat().st_size:
            return target.read_bytes(), ""
        return None, problem or "LibreOffice could not convert it; it may be corrupt or password-protected"


def _antiword(antiword: str, data: bytes) -> tuple[str | None, str]:
    with tempfile.TemporaryDirectory(prefix="auditor-doc-") as tmp:
        source = Path(tmp, "report.doc")
        source.write_bytes(data)
        done, problem = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(source)], tmp)
        if done is not None and done.returncode == 0 and done.stdout.strip():
            return done.stdout.decode("utf-8", errors="replace"), ""
        reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines() if done else []
        return None, problem or (reason[-1] if reason else "antiword could not read it")
