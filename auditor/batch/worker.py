"""A batch worker process: start-up is paid once, then reports are audited one at a time.

Start-up loads the rule set, quiets jieba, and audits a small built-in report so that jieba's
dictionary, spaCy's pipeline, the compiled patterns and the HTML templates are all warm before the
first real report. The parent then sends one task at a time over a pipe and gets back a plain,
picklable record (no Document: its text stays in the worker); the worker writes the report's HTML
page itself, so pages are rendered in parallel too.

A worker ignores SIGINT: Ctrl-C is the parent's to handle (it stops the workers and marks the run
interrupted). The parent stops a worker with SIGTERM first, which unwinds it like an exception: a
.doc converter's process group is killed and temporary copies of the report are removed; only a
worker that does not stop within ``STOP_GRACE_SECONDS`` is killed outright. A worker whose parent
dies sees its pipe close and exits.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from auditor.errors import InputError

PAGES_DIR = "reports"
STOP_GRACE_SECONDS = 3.0
# Address space a worker may add to what it uses once warm (RLIMIT_AS, soft): a report that needs
# more fails with one line instead of pushing the machine into swap or the OOM killer (SECURITY.md).
MEMORY_BYTES = int(os.environ.get("AUDITOR_WORKER_MEMORY_BYTES") or 2048 * 1024 * 1024)


def address_space() -> int:
    """This process's virtual size in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(extra: int = MEMORY_BYTES) -> int | None:
    """Limit this process's address space to its present size plus ``extra`` (the soft limit
    only: the PDF parser's child sets its own, and a converter it starts gets the hard one back).
    Returns the limit, or None where it cannot be set."""
    size = address_space()
    if extra <= 0 or not size:
        return None
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return limit


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)

WARM_TEXT = (
    "关于2023年度项目支出绩效自评报告\n"
    # 开展培训两次: a Chinese numeral, so that its converter (cn2an, ~0.4 s to import) is warm too
    "项目全年预算数为680万元，执行数为661.7252万元，完成预算的97.31%。项目绩效自评得分为95分，开展培训两次。\n"
    "\t项目名称\n\t城乡居民基本养老保险\n\n\t年度资金总额\n\t680\n\t661.7252\n\t10\n\t97.31%\n\t9.7\n"
)


def pipeline_audit(path: str, rules: Any, max_bytes: int | None = None) -> Any:
    """The real per-file audit (the default ``audit_fn``)."""
    from auditor.pipeline import audit

    return audit(path, rules, max_bytes=max_bytes)


def default_audit_fn(max_bytes: int | None = None) -> Callable[[str, Any], Any]:
    return partial(pipeline_audit, max_bytes=max_bytes)


def page_name(key: str) -> str:
    """The report's page, relative to OUTDIR: readable, unique per key, safe as a file name."""
    stem = PurePosixPath(key).stem
    safe = re.sub(r"[^\w\-\u3400-\u9fff]+", "_", stem).strip("_")[:60] or "report"
    return f"{PAGES_DIR}/{safe}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}.html"


_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
INDEX_LINK = '<nav class="batch-index"><a href="../index.html">← 返回批量审核结果</a></nav>'


def with_index_link(page: str) -> str:
    """A batch's report page with a link back to the batch's index, at the top of its body."""
    match = _BODY.search(page)
    if match is None:
        return page
    return page[:match.end()] + INDEX_LINK + page[match.end():]


def html_renderer() -> Callable[..., str] | None:
    """``auditor.report.html.render_html`` when the HTML report is installed."""
    try:
        from auditor.report import html
    except ImportError:
        return None
    return getattr(html, "render_html", None)


def max_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def finding_record(finding: Any, locate: Callable[[int, int], str] | None = None) -> dict[str, Any]:
    """A finding as the store keeps it; ``locate`` adds each evidence's place as the page names it."""
    evidence = [e.to_dict() for e in finding.evidence]
    if locate is not None:
        for record, e in zip(evidence, finding.evidence):
            record["location"] = locate(e.span.start, e.span.end)
    return {
        "fingerprint": finding.fingerprint,
        "code": finding.code,
        "name": finding.name,
        "category": finding.category,
        "severity": finding.severity,
        "message": finding.message,
        "evidence": evidence,
        "stated": finding.stated,
        "expected": finding.expected,
        "difference": finding.difference,
        "tolerance": finding.tolerance,
        "formula": finding.formula,
        "uncertain": bool(finding.uncertain),
    }


@dataclass(frozen=True)
class WorkerConfig:
    audit_fn: Callable[[str, Any], Any]  # (path, rules) -> AuditResult; must pickle by reference
    rules_file: str | None = None
    outdir: str | None = None  # where pages go; None: no pages
    render_pages: bool = True
    warm: bool = True
    memory_bytes: int | None = None  # address space a worker may add once warm (default MEMORY_BYTES)


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        from auditor.rules import RuleSet

        self.config = config
        self.exhausted = False  # a report ran it out of memory: it stops after answering
        logging.getLogger("jieba").setLevel(logging.WARNING)
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)
        except ImportError:
            pass
        self.rules = RuleSet.load(config.rules_file)
        self.render = html_renderer() if config.render_pages and config.outdir else None
        if config.warm:
            self.warm_up()

    def warm_up(self) -> None:
        with tempfile.TemporaryDirectory(prefix="auditor-warm-") as tmp:
            path = Path(tmp) / "warm.txt"
            path.write_text(WARM_TEXT, encoding="utf-8")
            try:
                result = self.config.audit_fn(str(path), self.rules)
                if self.render is not None:
                    self.render(result, triage={})
            except Exception:  # noqa: BLE001 - warming must never stop a worker; real files will tell
                pass

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        key, path = task["key"], task["path"]
        record: dict[str, Any] = {"path": key, "sha256": task.get("sha256"), "size": task.get("size"),
                                  "pid": os.getpid(), "page": None, "error": None}
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = self.config.audit_fn(path, self.rules)
        except InputError as exc:
            record.update(status="failed", error=str(exc).replace(path, key))
        except MemoryError:
            self.exhausted = True
            limit = self.config.memory_bytes or MEMORY_BYTES
            record.update(status="failed", error=f"needs over {limit >> 20} MB of memory to audit (a crafted "
                                                 "or damaged file?); raise AUDITOR_WORKER_MEMORY_BYTES if it is genuine")
        except Exception as exc:  # noqa: BLE001 - a bug on one report must not stop the batch
            where = traceback.extract_tb(exc.__traceback__)[-1]
            record.update(status="failed", error=f"internal error: {type(exc).__name__}: {exc} "
                                                 f"(at {Path(where.filename).name}:{where.lineno})")
        else:
            record.update(self._describe(result))
            record["seconds"] = time.perf_counter() - started
            if self.render is not None:
                rendering = time.perf_counter()
                self._write_page(key, result, task.get("triage") or {}, record)
                record["page_seconds"] = time.perf_counter() - rendering
        record.setdefault("seconds", time.perf_counter() - started)
        record["cpu_seconds"] = time.process_time() - cpu_started  # audit and page
        record["maxrss_kb"] = max_rss_kb()
        return record

    @staticmethod
    def _describe(result: Any) -> dict[str, Any]:
        doc, reading = result.document, result.reading
        locate = None
        if result.findings and doc.text:
            from auditor.report.summary import evidence_locator

            try:
                locate = evidence_locator(doc)
            except Exception:  # noqa: BLE001 - the findings are kept without their places
                locate = None
        return {
            "status": "ok",
            "format": doc.format,
            "unit": reading.unit_name,
            "year": getattr(reading, "report_year", None),
            "chars": len(doc.text),
            "claims": len(getattr(reading, "claims", ())),
            "findings": [finding_record(f, locate) for f in result.findings],
        }

    def _write_page(self, key: str, result: Any, triage: dict[str, Any], record: dict[str, Any]) -> None:
        name = page_name(key)
        target = Path(self.config.outdir) / name
        try:
            shown = replace(result, document=replace(result.document, path=key))
            html = with_index_link(self.render(shown, triage=triage))
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(html, encoding="utf-8")
            os.replace(tmp, target)
        except Exception as exc:  # noqa: BLE001 - the findings are kept even if the page fails
            record["error"] = f"page not written: {type(exc).__name__}: {exc}"
            return
        record["page"] = name


def main(conn: Any, config: WorkerConfig) -> None:
    """Process entry point: start up, say ready, then serve tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)  # unwinds: converters stopped, temporary files removed
    started = time.perf_counter()
    try:
        worker = Worker(config)
    except BaseException:  # noqa: BLE001 - tell the parent why, then exit
        conn.send(("fatal", traceback.format_exc()))
        return
    limit_memory(config.memory_bytes or MEMORY_BYTES)  # once warm: on top of what every worker needs
    conn.send(("ready", {"pid": os.getpid(), "startup": time.perf_counter() - started, "maxrss_kb": max_rss_kb()}))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        try:
            conn.send(("done", worker.run(task)))
        except (BrokenPipeError, OSError):
            return
        if worker.exhausted:  # its heap may be in pieces: a fresh worker takes its place
            return
        sys.stdout.flush()
