"""Rebuild the pages of a few reports outside a batch run (after ``auditor triage``), so that a
page shows the decisions just recorded. The report is audited again in-process; a report whose
file is gone or has changed since the batch keeps its page as it was."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from auditor.batch.sources import extract_member, file_sha256, scan_folder
from auditor.batch.store import Store
from auditor.batch.worker import Worker, WorkerConfig, default_audit_fn, html_renderer


def refresh_pages(store: Store, run: dict[str, Any], outdir: Path, paths: list[str]) -> dict[str, str]:
    """Re-render the pages of ``paths``; returns why, for each page that could not be refreshed."""
    if not paths or html_renderer() is None:
        return {}
    source = Path(run["source"])
    decisions = store.triage_map(paths)
    stale: dict[str, str] = {}
    worker: Worker | None = None
    # A key is not always the file's path (names read as GB18030, "name (2).txt"): look it up.
    in_folder = {s.key: s.path for s in scan_folder(source, exclude=outdir)} if source.is_dir() else {}
    with tempfile.TemporaryDirectory(prefix="auditor-triage-") as tmp:
        for path in paths:
            doc = store.document(path)
            if not doc or doc["status"] != "ok" or not doc.get("page"):
                continue
            if source.is_dir():
                file: Path | None = in_folder.get(path)
            elif source.is_file():
                file = extract_member(source, path, Path(tmp))
            else:
                file = None
            if file is None or not file.is_file():
                stale[path] = "its file is no longer in the batch's input"
                continue
            if file_sha256(file) != doc["sha256"]:
                stale[path] = "its file has changed since the batch"
                continue
            if worker is None:
                worker = Worker(WorkerConfig(audit_fn=default_audit_fn(), rules_file=run.get("rules_file"),
                                             outdir=str(outdir), render_pages=True, warm=False))
            record = worker.run({"key": path, "path": str(file), "sha256": doc["sha256"],
                                 "triage": decisions.get(path, {})})
            if record.get("page") is None:
                stale[path] = record.get("error") or "the page could not be written"
    return stale
