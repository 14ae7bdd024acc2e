"""Benchmark: how fast auditor audits, against the targets of issue 6.

    python -m auditor.bench                      # the corpora and 1,000 synthetic reports
    python -m auditor.bench --synthetic 2000 --jobs 2 --json bench.json

For each report set (the corpora under ``corpora/``, and a synthetic batch made from the seeds by
``corpora/synthetic.py`` in a temporary folder) it measures:

- **plain jieba**: ``jieba.lcut`` of each report's extracted text, in this process, warmed;
- **audit**: ``auditor.pipeline.audit`` of each report in this process, warmed (load, read, link,
  check; no rendering), and its ratio to plain jieba on the same texts (total over total);
- **batch**: ``auditor batch`` end to end (worker start-up, audit, HTML page per report, store,
  summaries) with ``--jobs`` workers: reports per second over the whole run, and the peak
  resident memory of each worker (``ru_maxrss``);

and, once, the CLI start-up (``python -m auditor --version`` and ``batch --help``, best of 5).

Targets on a 2-core machine: audit ≤ 3× plain jieba per report, ≥ 20 reports/s over a batch,
CLI start-up ≤ 1.5 s, ≤ 300 MB per worker. Not a test: it prints figures, it does not fail.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS = {"ratio_to_jieba": 3.0, "reports_per_second": 20.0, "startup_seconds": 1.5, "worker_mb": 300.0}
REPO = Path(__file__).resolve().parent.parent


def _synthetic_module() -> Any:
    path = REPO / "corpora" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("auditor_synthetic_corpus", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: the synthetic batch generator is missing (run from a source checkout)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report_files(folder: Path) -> list[Path]:
    from auditor.batch.sources import scan_folder

    return [s.path for s in scan_folder(folder)]


def cli_startup(repeat: int = 5) -> dict[str, float]:
    out = {}
    for label, args in (("version", ["--version"]), ("batch_help", ["batch", "--help"])):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "auditor", *args], cwd=REPO, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        out[label] = min(times)
    return out


def in_process(files: list[Path], sample: int | None) -> dict[str, Any]:
    """Per-report audit time and plain jieba time on the same extracted texts, in this process."""
    import jieba

    from auditor import ingest
    from auditor.errors import InputError
    from auditor.pipeline import audit, audit_document
    from auditor.rules import RuleSet

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    rules = RuleSet.load()
    chosen = files if not sample or sample >= len(files) else files[:: max(1, len(files) // sample)][:sample]
    audit(chosen[0], rules)  # warm jieba, patterns, lexicons
    audit_times, jieba_times, audit_cpu, jieba_cpu, chars, failed = [], [], [], [], [], 0
    load_times, analysis_times = [], []
    by_format: dict[str, list[float]] = {}
    for path in chosen:
        try:
            started, cpu = time.perf_counter(), time.process_time()
            document = ingest.load(path)
            loaded = time.perf_counter()
            audit_document(document, rules)
            audit_times.append(time.perf_counter() - started)
            audit_cpu.append(time.process_time() - cpu)
            load_times.append(loaded - started)
            analysis_times.append(time.perf_counter() - loaded)
            text = document.text
            by_format.setdefault(document.format, []).append(audit_times[-1])
        except InputError:
            failed += 1
            continue
        started, cpu = time.perf_counter(), time.process_time()
        jieba.lcut(text)
        jieba_times.append(time.perf_counter() - started)
        jieba_cpu.append(time.process_time() - cpu)
        chars.append(len(text))
    total_audit, total_jieba = sum(audit_times), sum(jieba_times)
    return {
        "reports": len(audit_times),
        "failed": failed,
        "chars_mean": statistics.mean(chars) if chars else 0,
        "audit_mean_ms": 1000 * statistics.mean(audit_times) if audit_times else 0,
        "audit_median_ms": 1000 * statistics.median(audit_times) if audit_times else 0,
        "audit_max_ms": 1000 * max(audit_times, default=0),
        "jieba_mean_ms": 1000 * statistics.mean(jieba_times) if jieba_times else 0,
        "ratio_to_jieba": total_audit / total_jieba if total_jieba else float("nan"),
        "ratio_to_jieba_cpu": sum(audit_cpu) / sum(jieba_cpu) if sum(jieba_cpu) else float("nan"),
        "load_mean_ms": 1000 * statistics.mean(load_times) if load_times else 0,
        "audit_ms_by_format": {f: 1000 * statistics.mean(t) for f, t in sorted(by_format.items())},
        "analysis_mean_ms": 1000 * statistics.mean(analysis_times) if analysis_times else 0,
        "ratio_analysis_to_jieba": sum(analysis_times) / total_jieba if total_jieba else float("nan"),
        "audit_cpu_mean_ms": 1000 * statistics.mean(audit_cpu) if audit_cpu else 0,
        "ratio_median": statistics.median(a / j for a, j in zip(audit_times, jieba_times) if j) if jieba_times else 0,
    }


def batch_run(folder: Path, jobs: int, pages: bool = True) -> dict[str, Any]:
    from auditor.batch.runner import BatchOptions, run_batch

    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as out:
        started = time.perf_counter()
        outcome = run_batch(BatchOptions(input=str(folder), outdir=Path(out), jobs=jobs, quiet=True,
                                         render_pages=pages))
        wall = time.perf_counter() - started
    workers = outcome.workers
    return {
        "reports": outcome.files,
        "failed": outcome.failed,
        "findings": outcome.findings,
        "jobs": jobs,
        "wall_seconds": wall,
        "reports_per_second": outcome.files / wall if wall else 0,
        "reports_per_second_after_startup": ((outcome.todo - 1) / (outcome.audit_wall - outcome.first_result)
                                             if outcome.todo > 1 and outcome.audit_wall > outcome.first_result else 0),
        "first_report_seconds": outcome.first_result,
        "worker_startup_seconds": max((w.startup for w in workers), default=0),
        "worker_peak_mb": max((w.maxrss_kb for w in workers), default=0) / 1024,
        "per_report_ms_in_workers": 1000 * sum(w.busy for w in workers) / max(1, sum(w.tasks for w in workers)),
        "page_ms_in_workers": 1000 * sum(w.page for w in workers) / max(1, sum(w.tasks for w in workers)),
        "load_average": os.getloadavg()[0],
        "cpu_ms_per_report_workers": 1000 * sum(w.cpu for w in workers) / max(1, sum(w.tasks for w in workers)),
        "cpu_ms_per_report_parent": 1000 * outcome.parent_cpu / max(1, outcome.files),
        # what the run would reach with its cores to itself: every core busy with workers' CPU
        # work, the parent's share included
        "reports_per_second_cpu_bound": (min(jobs, os.cpu_count() or 1) * 1000 / (
            1000 * sum(w.cpu for w in workers) / max(1, sum(w.tasks for w in workers))
            + 1000 * outcome.parent_cpu / max(1, outcome.files))) if workers else 0,
    }


def measure(name: str, folder: Path, jobs: int, sample: int | None, pages: bool) -> dict[str, Any]:
    files = report_files(folder)
    print(f"[{name}] {len(files)} reports in {folder}", file=sys.stderr, flush=True)
    return {"set": name, "files": len(files), "in_process": in_process(files, sample),
            "batch": batch_run(folder, jobs, pages)}


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def format_results(results: dict[str, Any]) -> str:
    lines = []
    start = results["startup"]
    lines.append(f"CLI start-up: --version {start['version']:.2f} s, batch --help {start['batch_help']:.2f} s "
                 f"(target ≤ {TARGETS['startup_seconds']} s: {_mark(max(start.values()) <= TARGETS['startup_seconds'])})")
    for r in results["sets"]:
        ip, b = r["in_process"], r["batch"]
        lines.append(f"\n== {r['set']}: {r['files']} reports (mean {ip['chars_mean']:.0f} characters)")
        lines.append(f"  audit per report (1 process): mean {ip['audit_mean_ms']:.1f} ms, median "
                     f"{ip['audit_median_ms']:.1f} ms, max {ip['audit_max_ms']:.0f} ms over {ip['reports']} reports")
        lines.append(f"    of which loading the file {ip['load_mean_ms']:.1f} ms, reading + linking + checking "
                     f"{ip['analysis_mean_ms']:.1f} ms ({ip['ratio_analysis_to_jieba']:.2f}× jieba)")
        if len(ip["audit_ms_by_format"]) > 1:
            lines.append("    by format: " + ", ".join(f"{f} {ms:.0f} ms" for f, ms in ip["audit_ms_by_format"].items()))
        lines.append(f"  plain jieba.lcut per report:  mean {ip['jieba_mean_ms']:.1f} ms")
        lines.append(f"  audit / jieba: {ip['ratio_to_jieba']:.2f}× wall, {ip['ratio_to_jieba_cpu']:.2f}× CPU (median per "
                     f"report {ip['ratio_median']:.2f}×; target ≤ {TARGETS['ratio_to_jieba']}×: "
                     f"{_mark(ip['ratio_to_jieba_cpu'] <= TARGETS['ratio_to_jieba'])})")
        lines.append(f"  batch, {b['jobs']} workers: {b['reports']} reports in {b['wall_seconds']:.1f} s = "
                     f"{b['reports_per_second']:.1f} reports/s end to end ({b['reports_per_second_after_startup']:.1f} "
                     f"after start-up; target ≥ {TARGETS['reports_per_second']:g}: "
                     f"{_mark(b['reports_per_second'] >= TARGETS['reports_per_second'])})")
        lines.append(f"  per report in a worker: {b['per_report_ms_in_workers']:.1f} ms (of which the HTML page "
                     f"{b['page_ms_in_workers']:.1f} ms); first report after {b['first_report_seconds']:.1f} s "
                     f"(fork server warm-up), worker start-up {b['worker_startup_seconds']:.2f} s")
        lines.append(f"  CPU per report: {b['cpu_ms_per_report_workers']:.1f} ms in a worker + "
                     f"{b['cpu_ms_per_report_parent']:.1f} ms in the parent (store, summaries) → "
                     f"{b['reports_per_second_cpu_bound']:.1f} reports/s with the cores to itself")
        lines.append(f"  {b['failed']} failed; {b['findings']} findings; load average after the run "
                     f"{b['load_average']:.1f} on {os.cpu_count()} cores")
        lines.append(f"  peak memory per worker: {b['worker_peak_mb']:.0f} MB (target ≤ {TARGETS['worker_mb']:g} MB: "
                     f"{_mark(b['worker_peak_mb'] <= TARGETS['worker_mb'])})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auditor.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO / "corpora", help="folder of real reports (default corpora/)")
    parser.add_argument("--no-corpora", action="store_true", help="only the synthetic batch")
    parser.add_argument("--synthetic", type=int, default=1000, help="synthetic reports to generate (0: none)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=200,
                        help="reports timed in-process per set (0: all); the batch always runs them all")
    parser.add_argument("--no-pages", action="store_true", help="batch without per-report HTML pages")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                               "targets": TARGETS, "startup": cli_startup(), "sets": []}
    if not args.no_corpora and args.corpora.is_dir():
        results["sets"].append(measure("corpora", args.corpora, args.jobs, args.sample or None, not args.no_pages))
    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="auditor-synthetic-") as tmp:
            _synthetic_module().generate(tmp, args.synthetic)
            results["sets"].append(measure(f"synthetic ×{args.synthetic}", Path(tmp), args.jobs, args.sample or None,
                                           not args.no_pages))
    print(format_results(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
