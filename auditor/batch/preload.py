"""Imported once by the batch's fork server before it forks any worker.

Everything slow to start is done here, once: importing the pipeline,
loading jieba's dictionary, and one audit of a small built-in report (compiled patterns, lexicons,
the HTML templates). Workers forked afterwards start warm and share these pages with the server
and with each other until they write to them. Nothing here may fail the fork server: any error is
swallowed, and a worker then simply warms itself.
"""

from __future__ import annotations

import os

# One thread per worker: the batch's parallelism is its processes, and a forked child must not
# inherit a BLAS thread pool.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _warm() -> None:
    from auditor.batch.worker import Worker, WorkerConfig, default_audit_fn

    Worker(WorkerConfig(audit_fn=default_audit_fn(), outdir="/nonexistent", render_pages=True, warm=True))


try:
    _warm()
except Exception:  # noqa: BLE001 - see the module docstring
    pass
