"""Coverage-guided fuzzing of what reads untrusted input (atheris, on libFuzzer).

    pip install -e '.[dev]'                       # atheris is in the dev extra (Linux)
    python fuzz/fuzz_audit.py text -max_total_time=600
    python fuzz/fuzz_audit.py docx-xml -max_total_time=300 -timeout=20 -rss_limit_mb=3072
    python fuzz/fuzz_audit.py all -max_total_time=120   # every target in turn, each this long

Targets (the first argument):

- ``text``: bytes as a .txt report: decoding, table rebuilding, the whole audit, the HTML page;
- ``claims``: UTF-8 text straight into the claim extractor (figures, units, roles) and the checks;
- ``html``: bytes as an HTML or MHTML page (seeds: the seed reports as pages);
- ``docx`` / ``xlsx`` / ``xls`` / ``pdf``: bytes as that format, mutating the renditions;
- ``docx-xml`` / ``xlsx-xml``: bytes as the main XML part of a rendition, zipped into a valid
  package, so that mutations reach the XML walkers instead of the zip's checksums.

Anything but ``InputError`` raised while reading or auditing is a crash: libFuzzer stops and
writes the input as ``crash-*`` under ``fuzz/work/TARGET/`` (``-timeout`` makes a slow input a
crash too; ``-rss_limit_mb`` a greedy one). Add ``-fork=1 -ignore_crashes=1`` to keep going and
collect several (libFuzzer's fork mode does not work with atheris), or ``--keep-going``: each
distinct exception (type and place) is written once under ``fuzz/work/TARGET/found/`` with its
traceback, and fuzzing goes on (hangs and memory still stop it). Reproduce one with ``python fuzz/fuzz_audit.py TARGET path/to/crash-file``, and
keep it as a regression test in tests/test_hostile.py. The corpus grows under
``fuzz/work/TARGET/corpus`` (not committed).

.doc and RTF are not fuzzed here: they are converted by LibreOffice or antiword in a separate
process with a time limit, and what comes back is read by the .docx or text loader, fuzzed here.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The PDF parser in this process, where libFuzzer sees its coverage and limits it (-timeout,
# -rss_limit_mb), not in the child process the auditor runs it in (auditor/ingest/sandbox.py).
os.environ["AUDITOR_PARSER_SANDBOX"] = "0"
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
RENDITIONS = ROOT / "corpora" / "renditions"
WORK = Path(os.environ.get("AUDITOR_FUZZ_WORK", ROOT / "fuzz" / "work"))
MAX_TEXT_SEED = 8_000  # characters of each seed report kept as a seed input (shorter runs more often)

# Strings that hostile or broken reports hold, added to the text seeds.
HOSTILE = [
    "1," * 200 + "万元", "(" * 300 + "1" + ")" * 300, "\t" * 500 + "1\n", "其中：" * 50 + "100万元",
    "预算数\t执行数\t得分\n" + "1\t2\t3\n" * 50, "|1|2|\n|---|---|\n|3|4|\n", "２０２３年度预算１，２３４．５万元",
    "完成率≥９５％，实际完成\u200b9\u200b8\u202e%。", "<script>alert(1)</script>预算<b onclick=x>1</b>万元",
    "〔2023〕12号 电话13812345678 第3页 1、2、3月", "百分之九十五，十二万元，两次", "1.5-2.5万元以上",
]
TARGETS = ("text", "claims", "html", "docx", "docx-xml", "xlsx", "xlsx-xml", "xls", "pdf")


def seed_inputs(target: str) -> list[bytes]:
    texts = [p.read_text(encoding="utf-8")[:MAX_TEXT_SEED] for p in SEEDS] + HOSTILE
    if target in ("text", "claims"):
        return [t.encode("utf-8") for t in texts] + ([texts[0].encode("gb18030")] if target == "text" else [])
    if target == "html":
        pages = []
        for t in texts[: len(SEEDS)]:
            body = "".join(f"<p>{line}</p>" if "\t" not in line else
                           "<table><tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr></table>"
                           for line in t.splitlines())
            pages.append(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode("utf-8"))
        mht = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
               b'Content-Type: text/html; charset="gb2312"\r\n\r\n' + pages[0].decode().encode("gb18030")
               + b"\r\n--b--\r\n")
        return pages + [mht]
    fmt = target.removesuffix("-xml")
    files = [p.read_bytes() for p in sorted((RENDITIONS / fmt).glob(f"*.{fmt}"))]
    if target.endswith("-xml"):
        return [zipfile.ZipFile(io.BytesIO(f)).read(MAIN_PART[fmt]) for f in files]
    return files


MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml"}
_PACKAGE: dict[str, bytes] = {}


def package(fmt: str, part: bytes) -> bytes:
    """A rendition of ``fmt`` with its main XML part replaced by ``part``."""
    if fmt not in _PACKAGE:
        _PACKAGE[fmt] = sorted((RENDITIONS / fmt).glob(f"*.{fmt}"))[0].read_bytes()
    source = zipfile.ZipFile(io.BytesIO(_PACKAGE[fmt]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, part if info.filename == MAIN_PART[fmt] else source.read(info.filename))
    return out.getvalue()


class Runner:
    """One input through the code that reads it: only InputError may come out."""

    def __init__(self, target: str, found: Path | None = None) -> None:
        from auditor.rules import RuleSet

        self.target = target
        self.rules = RuleSet.load()
        self.found = found  # keep going: record each distinct crash here instead of stopping

    def __call__(self, data: bytes) -> None:
        from auditor.errors import InputError

        try:
            self.run(data)
        except Exception as exc:  # noqa: BLE001 - sorted out below
            if not isinstance(exc, InputError):
                if self.found is None:
                    raise
                self.record(data, exc)
                return
            message = str(exc)
            if "\n" in message or "fuzz." not in message.split(":")[0]:
                raise AssertionError(f"InputError without its one-line message: {message!r}") from None

    def record(self, data: bytes, exc: Exception) -> None:
        import hashlib
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        place = next((f for f in reversed(frames) if "/auditor/" in f.filename), frames[-1])
        signature = f"{type(exc).__name__} {Path(place.filename).name}:{place.lineno}"
        name = hashlib.sha1(signature.encode()).hexdigest()[:12]
        if not (self.found / f"{name}.txt").exists():
            (self.found / f"{name}.bin").write_bytes(data)
            (self.found / f"{name}.txt").write_text(signature + "\n\n" + "".join(traceback.format_exception(exc)))
            print(f"\n*** found: {signature} -> {self.found / name}.bin", flush=True)

    def run(self, data: bytes) -> None:
        from auditor.pipeline import audit_document
        from auditor.report.html import render_html

        target = self.target
        if target == "claims":
            from auditor.ingest.text_layouts import rebuild
            from auditor.model import Document
            from auditor.nlp import read

            text = data.decode("utf-8", errors="replace")
            document = Document(path="fuzz.txt", text=text, blocks=tuple(rebuild(text)), format="txt", sha256="")
            read(document, self.rules)
            return
        if target.endswith("-xml"):
            fmt = target.removesuffix("-xml")
            data = package(fmt, data)
        else:
            fmt = {"text": "txt"}.get(target, target)
        document = load_bytes(data, fmt)
        render_html(audit_document(document, self.rules))


def load_bytes(data: bytes, suffix: str):  # noqa: ANN201 - a Document
    """``auditor.ingest.load`` without the file: its checks, sniffing and loader on ``data``."""
    import tempfile

    from auditor import ingest

    with tempfile.TemporaryDirectory(prefix="auditor-fuzz-") as tmp:
        path = Path(tmp, f"fuzz.{suffix}")
        path.write_bytes(data)
        document = ingest.load(path)
    return document


def main(argv: list[str]) -> None:
    import atheris

    if len(argv) < 2 or argv[1] not in (*TARGETS, "all"):
        raise SystemExit(__doc__)
    target, flags = argv[1], [f for f in argv[2:] if f != "--keep-going"]
    keep_going = "--keep-going" in argv
    if target == "all":
        import subprocess

        for name in TARGETS:
            print(f"=== {name}", flush=True)
            subprocess.run([sys.executable, __file__, name, *argv[2:]], check=False)
        return
    work = WORK / target
    corpus, seeds = work / "corpus", work / "seeds"
    for folder in (corpus, seeds):
        folder.mkdir(parents=True, exist_ok=True)
    for n, data in enumerate(seed_inputs(target)):
        (seeds / f"seed-{n:03d}").write_bytes(data)
    reproducing = any(not f.startswith("-") for f in flags)
    with atheris.instrument_imports(include=["auditor"]):
        import auditor.ingest  # noqa: F401 - instrumented for coverage
        import auditor.ingest.docx  # noqa: F401
        import auditor.ingest.html  # noqa: F401
        import auditor.ingest.pdf  # noqa: F401
        import auditor.ingest.text  # noqa: F401
        import auditor.ingest.xlsx  # noqa: F401
        import auditor.nlp  # noqa: F401
        import auditor.pipeline  # noqa: F401
        import auditor.report.html  # noqa: F401
    found = work / "found"
    found.mkdir(exist_ok=True)
    runner = Runner(target, found if keep_going else None)
    runner(seed_inputs(target)[0])  # warm: jieba loads once, not in the first input's time
    args = [argv[0], *flags] if reproducing else [argv[0], f"-artifact_prefix={work}/", *flags, str(corpus), str(seeds)]
    atheris.Setup(args, runner)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
