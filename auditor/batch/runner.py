"""Run a batch: plan (skip what is unchanged), audit across worker processes, commit each report
as it finishes, then write the index and the summaries.

The pool is auditor's own rather than ``multiprocessing.Pool``: each worker gets one task at a
time over its own pipe, so the parent always knows which report a worker holds. A worker that
dies (segfault, out-of-memory kill, ``kill -9``) or overruns ``timeout`` costs only that report,
which is recorded as failed with the reason; a new worker takes its place and the batch goes on.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, TextIO

from auditor import __version__
from auditor.batch import EXIT_CLEAN, EXIT_FAILED, EXIT_FINDINGS, EXIT_INTERRUPTED, worker
from auditor.batch.display import storable, terminal_safe
from auditor.batch.sources import EXTRACT_PREFIX, Source, file_sha256, input_kind, open_input
from auditor.batch.store import DEFAULT_DB_NAME, Store, StoreError, database_url, public_url

STATE_FILE = ".auditor-batch.json"  # OUTDIR's database URL (never a password), for `auditor triage`
LOCK_FILE = ".auditor-batch.lock"
START_METHOD_ENV = "AUDITOR_BATCH_START"  # fork | forkserver | spawn (default forkserver)


class BatchError(Exception):
    """The batch as a whole cannot run; the message says what to do."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM: handled like Ctrl-C."""


def ruleset_hash(rules: Any) -> str:
    """Identifies the rule set for re-run skipping: its data and auditor's version."""
    blob = json.dumps({"version": __version__, "rules": rules.data}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def default_start_method() -> str:
    wanted = os.environ.get(START_METHOD_ENV)
    methods = multiprocessing.get_all_start_methods()
    if wanted in methods:
        return wanted
    return "forkserver" if "forkserver" in methods else "spawn"


# the pool ----------------------------------------------------------------------------------

@dataclass
class _Slot:
    proc: Any
    conn: Any
    ready: bool = False
    task: dict[str, Any] | None = None
    since: float = 0.0
    fatal: str = ""
    eof: bool = False
    retiring: bool = False  # told to stop after its last report; it is replaced when it exits


@dataclass
class WorkerStats:
    pid: int
    startup: float = 0.0  # seconds from process start to ready (imports, rules, warm-up)
    tasks: int = 0
    busy: float = 0.0  # seconds spent on reports (audit and page)
    page: float = 0.0  # of which writing pages
    cpu: float = 0.0  # CPU seconds spent on reports
    maxrss_kb: int = 0  # peak resident memory
    exit: str = ""


class PoolError(Exception):
    pass


class WorkerPool:
    """``size`` worker processes serving tasks; ``imap(tasks)`` yields one record per task."""

    MAX_START_FAILURES = 3

    def __init__(self, size: int, config: worker.WorkerConfig, *, timeout: float | None = None,
                 start_method: str | None = None, recycle_after: int | None = 500) -> None:
        self.size = max(1, size)
        self.config = config
        self.timeout = timeout
        self.recycle_after = recycle_after  # a worker is replaced after this many reports (bounds any leak)
        self.ctx = multiprocessing.get_context(start_method or default_start_method())
        if self.ctx.get_start_method() == "forkserver":
            self.ctx.set_forkserver_preload(["auditor.batch.preload"])
        self.slots: list[_Slot] = []
        self.stats: dict[int, WorkerStats] = {}
        self._start_failures = 0

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=worker.main, args=(child, self.config), name="auditor-worker", daemon=True)
        proc.start()
        child.close()
        slot = _Slot(proc, parent)
        self.slots.append(slot)
        return slot

    def _send(self, slot: _Slot, task: dict[str, Any]) -> bool:
        try:
            slot.conn.send(task)
        except OSError:  # it died since it was last seen alive; the next round replaces it
            slot.eof = True
            return False
        slot.task, slot.since = task, time.monotonic()
        return True

    @staticmethod
    def _death(proc: Any) -> str:
        code = proc.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with code {code}"

    def _failure(self, task: dict[str, Any], error: str, seconds: float) -> dict[str, Any]:
        return {"path": task["key"], "sha256": task.get("sha256"), "size": task.get("size"), "status": "failed",
                "error": error, "seconds": seconds, "findings": []}

    def _retire(self, slot: _Slot, why: str) -> None:
        self.slots.remove(slot)
        stats = self.stats.get(slot.proc.pid)
        if stats is not None:
            stats.exit = why
        try:
            slot.conn.close()
        except OSError:
            pass

    def imap(self, tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        pending = deque(tasks)
        for _ in range(min(self.size, len(pending))):
            self._spawn()
        while pending or any(s.task is not None for s in self.slots):
            out: list[dict[str, Any]] = []
            now = time.monotonic()
            for slot in list(self.slots):
                alive = slot.proc.is_alive()  # sampled first: a dead worker's last words are in the pipe
                out.extend(self._drain(slot))
                if slot.task is not None and self.timeout and now - slot.since > self.timeout:
                    _stop_processes([slot.proc])
                    out.append(self._failure(slot.task, f"timed out after {self.timeout:g} s; its worker was stopped",
                                             now - slot.since))
                    self._retire(slot, "stopped: timeout")
                elif not alive or slot.eof:
                    if alive:
                        slot.proc.kill()
                    slot.proc.join()
                    if slot.task is not None:
                        out.append(self._failure(slot.task, f"the worker auditing it died ({self._death(slot.proc)})",
                                                 now - slot.since))
                    if not slot.ready:
                        self._start_failures += 1
                        if self._start_failures >= self.MAX_START_FAILURES:
                            last = (slot.fatal.strip().splitlines() or [self._death(slot.proc)])[-1]
                            raise PoolError(f"workers cannot start: {last}")
                    self._retire(slot, self._death(slot.proc))
            busy = sum(1 for s in self.slots if s.task is not None)
            while len([s for s in self.slots if not s.retiring]) < min(self.size, len(pending) + busy):
                self._spawn()
            for slot in self.slots:
                if slot.ready and slot.task is None and pending and not slot.retiring and not slot.eof:
                    task = pending.popleft()
                    if not self._send(slot, task):
                        pending.appendleft(task)
            yield from out
            if not (pending or any(s.task is not None for s in self.slots)):
                break
            wait([s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots], timeout=self._wait_time())

    def _wait_time(self) -> float | None:
        if not self.timeout:
            return None
        now = time.monotonic()
        left = [self.timeout - (now - s.since) for s in self.slots if s.task is not None]
        return max(0.0, min(left)) + 0.01 if left else None

    def _drain(self, slot: _Slot) -> list[dict[str, Any]]:
        out = []
        while True:
            try:
                if not slot.conn.poll():
                    break
                kind, payload = slot.conn.recv()
            except (EOFError, OSError):
                slot.eof = True
                break
            if kind == "ready":
                slot.ready = True
                self._start_failures = 0
                self.stats[payload["pid"]] = WorkerStats(payload["pid"], startup=payload["startup"],
                                                         maxrss_kb=payload["maxrss_kb"])
            elif kind == "fatal":
                slot.fatal = payload
            elif kind == "done":
                slot.task = None
                stats = self.stats.setdefault(slot.proc.pid, WorkerStats(slot.proc.pid))
                stats.tasks += 1
                stats.busy += (payload.get("seconds") or 0.0) + (payload.get("page_seconds") or 0.0)
                stats.page += payload.get("page_seconds") or 0.0
                stats.cpu += payload.get("cpu_seconds") or 0.0
                stats.maxrss_kb = max(stats.maxrss_kb, payload.get("maxrss_kb") or 0)
                out.append(payload)
                if self.recycle_after and stats.tasks >= self.recycle_after and not slot.retiring:
                    slot.retiring = True
                    try:
                        slot.conn.send(None)
                    except OSError:
                        pass
        return out

    def close(self) -> None:
        """Stop every worker: ask politely, then kill what does not stop."""
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for slot in self.slots:
            slot.proc.join(max(0.0, deadline - time.monotonic()))
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join()
        for slot in list(self.slots):
            self._retire(slot, "stopped")

    def terminate(self) -> None:
        _stop_processes([slot.proc for slot in self.slots])
        for slot in list(self.slots):
            self._retire(slot, "stopped: interrupted")


def _stop_processes(procs: list[Any]) -> None:
    """SIGTERM, so that each cleans up after itself (see ``worker``), then SIGKILL what is left."""
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + worker.STOP_GRACE_SECONDS
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()


# the batch ---------------------------------------------------------------------------------

@dataclass
class BatchOptions:
    input: str | None
    outdir: Path
    db: str | None = None
    jobs: int | None = None  # default: one worker per core
    rules_file: str | None = None
    resume: bool = False
    force: bool = False  # audit everything again, unchanged or not
    quiet: bool = False
    timeout: float | None = 300.0  # seconds per report before its worker is stopped
    max_bytes: int | None = None
    audit_fn: Callable[[str, Any], Any] | None = None  # (path, rules) -> AuditResult; default the pipeline
    render_pages: bool = True
    warm: bool = True
    start_method: str | None = None
    recycle_after: int | None = 500  # reports per worker before it is replaced by a fresh one
    memory_bytes: int | None = None  # a worker's memory limit above its warm size (default: worker.MEMORY_BYTES)
    stream: TextIO | None = None  # where progress and messages go (default stderr)


@dataclass
class BatchOutcome:
    run_id: int
    outdir: Path
    db: str
    files: int = 0
    audited: int = 0
    skipped: int = 0
    failed: int = 0
    findings: int = 0
    todo: int = 0  # reports audited in this invocation
    wall: float = 0.0  # seconds, start to end of this invocation
    audit_wall: float = 0.0  # seconds from the pool's start to its last report
    first_result: float = 0.0  # seconds from the pool's start to its first report (start-up)
    parent_cpu: float = 0.0  # CPU seconds the parent spent (planning, storing, summaries)
    exit_code: int = EXIT_CLEAN
    interrupted: bool = False
    workers: list[WorkerStats] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    skipped_inputs: dict[str, str] = field(default_factory=dict)  # left out of the input (symbolic links)


class _OutdirLock:
    def __init__(self, outdir: Path) -> None:
        self.path = outdir / LOCK_FILE
        self.fh: Any = None

    def __enter__(self) -> _OutdirLock:
        try:
            self.fh = open(self.path, "a+")
        except OSError as exc:
            raise BatchError(f"{self.path.parent}: cannot write into the output folder ({exc.strerror})") from None
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise BatchError(f"{self.path.parent}: another `auditor batch` is writing into this folder") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _isatty(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted


def read_state(outdir: Path) -> dict[str, Any]:
    try:
        return json.loads((outdir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def store_url_for(outdir: Path, db: str | None) -> str:
    """The database of OUTDIR: ``--db`` (or $AUDITOR_DB) if given, else its SQLite file.

    The database an earlier batch used is never opened unless named again: OUTDIR may come from
    someone else, and opening the server its saved settings name would send it the local
    PGPASSWORD or ~/.pgpass entry."""
    if db:
        return database_url(db, outdir)
    saved = read_state(outdir).get("db")
    if saved:
        raise StoreError(f"{outdir}: its batch used the database {public_url(saved)}; to use it, name it "
                         "with --db URL (or $AUDITOR_DB)")
    return database_url(None, outdir)


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """A worker's record with every text storable (see :func:`display.storable`)."""
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return storable(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return clean(record)


def _remove_created(outdir: Path, created: list[Path]) -> None:
    """Undo a failed invocation's new OUTDIR (and the folders made to hold it): only the files
    the batch itself makes there."""
    for name in (LOCK_FILE, STATE_FILE, DEFAULT_DB_NAME, f"{DEFAULT_DB_NAME}-wal", f"{DEFAULT_DB_NAME}-shm",
                 f"{DEFAULT_DB_NAME}-journal"):
        try:
            (outdir / name).unlink(missing_ok=True)
        except OSError:
            pass
    for folder in created:  # deepest first; a folder someone else has filled since stays
        try:
            folder.rmdir()
        except OSError:
            break


def _check_input(spec: str, outdir: Path) -> None:
    """INPUT must be a folder or a .zip, and not OUTDIR itself (a batch would audit its own pages)."""
    if input_kind(spec) == "folder" and Path(spec).resolve() == outdir:
        raise BatchError(f"{spec}: the output folder is the input folder; choose another output folder "
                         "(outside the reports, or a sub-folder of it)")


def run_batch(opts: BatchOptions) -> BatchOutcome:
    """Run one batch. A SIGTERM anywhere in it is handled as Ctrl-C, so that the extracted files
    of a .zip are removed and what was audited is kept."""
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGTERM, _raise_interrupted) if on_main_thread else None
    try:
        return _run_batch(opts)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous_handler)


def _run_batch(opts: BatchOptions) -> BatchOutcome:
    from auditor.rules import RuleSet

    outdir = Path(opts.outdir).resolve()
    if opts.input:
        _check_input(opts.input, outdir)
    elif not opts.resume:
        raise BatchError("give the folder or .zip of reports to audit")
    if opts.rules_file:
        RuleSet.load(opts.rules_file)  # a bad rules file fails before OUTDIR is made
    created = [folder for folder in (outdir, *outdir.parents) if not folder.exists()]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"{opts.outdir}: cannot create the output folder ({exc.strerror})") from None
    progress = _Progress()
    try:
        with _OutdirLock(outdir):
            return _locked_batch(opts, outdir, progress)
    except BaseException:
        if created and not progress.run_started:
            _remove_created(outdir, created)
        raise


@dataclass
class _Progress:
    run_started: bool = False


def _locked_batch(opts: BatchOptions, outdir: Path, progress: _Progress) -> BatchOutcome:
    from auditor.rules import RuleSet

    started, cpu_started = time.perf_counter(), time.process_time()
    stream = opts.stream or sys.stderr
    say = (lambda msg: None) if opts.quiet else (lambda msg: print(msg, file=stream, flush=True))

    def warn(msg: str) -> None:  # shown with --quiet too
        print(msg, file=stream, flush=True)

    for stale in outdir.glob(EXTRACT_PREFIX + "*"):  # left by a batch that was killed outright
        shutil.rmtree(stale, ignore_errors=True)
    url = database_url(opts.db, outdir) if opts.db else store_url_for(outdir, None)
    store = Store.open(url)
    try:
        try:
            (outdir / STATE_FILE).write_text(json.dumps({"db": public_url(url) if opts.db else None}),
                                             encoding="utf-8")
        except OSError as exc:
            raise BatchError(f"{opts.outdir}: cannot write into the output folder ({exc.strerror})") from None
        previous = store.unfinished_run(str(outdir)) if opts.resume else None
        if opts.resume and previous is None:
            raise BatchError(f"{opts.outdir}: nothing to resume (its last batch finished, or none ran); "
                             "run it again without --resume")
        spec = opts.input or (previous or {}).get("source")
        if not spec:
            raise BatchError("give the folder or .zip of reports to audit")
        if not opts.input:
            _check_input(spec, outdir)
        rules_file = opts.rules_file or (previous or {}).get("rules_file")
        rules = RuleSet.load(rules_file)
        rules_hash = ruleset_hash(rules)
        jobs = opts.jobs or os.cpu_count() or 1
        source = str(Path(spec).resolve())
        last = store.latest_run(str(outdir))
        if previous is None and last is not None and last["source"] != source:
            warn(f"auditor batch: warning: {terminal_safe(opts.outdir)} held the batch of "
                 f"{terminal_safe(last['source'])}; its reports stay in the store, but this run's summaries "
                 f"list only those of {terminal_safe(spec)} (use a new output folder to keep batches apart)")
        with open_input(spec, exclude=outdir, workdir=outdir) as batch:
            if previous is not None:
                run_id = previous["id"]
                store.reopen_run(run_id, ruleset_hash=rules_hash, jobs=jobs)
            else:
                run_id = store.start_run(source=source, outdir=str(outdir), ruleset=rules.name,
                                         rules_file=str(Path(rules_file).resolve()) if rules_file else None,
                                         ruleset_hash=rules_hash, version=__version__, jobs=jobs)
            progress.run_started = True
            outcome = BatchOutcome(run_id=run_id, outdir=outdir, db=public_url(url))
            outcome.skipped_inputs = dict(batch.skipped)
            render = opts.render_pages and worker.html_renderer() is not None
            todo, unchanged = plan(batch.sources, store, rules_hash, outdir, force=opts.force, pages=render)
            store.mark_seen(run_id, [s.key for s in unchanged])
            for key, reason in batch.refused.items():
                store.save(run_id, _clean_record({"path": key, "status": "failed", "error": reason, "findings": []}),
                           rules_hash)
            say(f"auditor batch: {len(batch.sources) + len(batch.refused)} reports in {terminal_safe(spec)}; "
                f"{len(todo)} to audit, {len(unchanged)} unchanged"
                + (f", {len(batch.refused)} refused" if batch.refused else "")
                + (f", {len(batch.skipped)} skipped" if batch.skipped else "")
                + (f" (resuming run {run_id})" if previous else "")
                + (f"; {min(jobs, len(todo))} workers" if todo else ""))
            for key, reason in batch.skipped.items():
                say(f"auditor batch: skipped {terminal_safe(key)}: {reason}")
            outcome.todo = len(todo)
            _audit(opts, todo, store, run_id, rules_hash, rules_file, outdir, render, jobs, outcome, stream)
        return _finish(store, run_id, outdir, outcome, opts, say, warn, started, cpu_started)
    finally:
        store.close()


def _audit(opts: BatchOptions, todo: list[Source], store: Store, run_id: int, rules_hash: str,
           rules_file: str | None, outdir: Path, render: bool, jobs: int, outcome: BatchOutcome,
           stream: TextIO) -> None:
    """Audit ``todo`` across the pool, storing each report as it comes back."""
    from tqdm import tqdm

    triage = store.triage_map([s.key for s in todo])
    tasks = [{"key": s.key, "path": str(s.path), "sha256": s.sha256, "size": s.size,
              "triage": triage.get(s.key, {})} for s in todo]
    config = worker.WorkerConfig(audit_fn=opts.audit_fn or worker.default_audit_fn(opts.max_bytes),
                                 rules_file=str(rules_file) if rules_file else None,
                                 outdir=str(outdir), render_pages=render, warm=opts.warm,
                                 memory_bytes=opts.memory_bytes)
    tqdm.monitor_interval = 0  # no monitor thread in the parent
    bar = tqdm(total=len(todo), desc="auditing", unit="report", file=stream, disable=opts.quiet or not todo,
               dynamic_ncols=True, mininterval=0.5 if _isatty(stream) else 2.0, smoothing=0.05)
    pool = WorkerPool(min(jobs, max(1, len(todo))), config, timeout=opts.timeout,
                      start_method=opts.start_method, recycle_after=opts.recycle_after)
    found = failed = 0
    pool_started = time.perf_counter()
    try:
        for record in pool.imap(tasks):
            if not outcome.first_result:
                outcome.first_result = time.perf_counter() - pool_started
            record = _store_record(store, run_id, record, rules_hash, stream)
            found += len(record.get("findings") or ())
            failed += record.get("status") == "failed"
            bar.set_postfix_str(f"findings={found} failed={failed}", refresh=False)
            bar.update(1)
        outcome.audit_wall = time.perf_counter() - pool_started
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (Interrupted)
        pool.terminate()
        bar.close()
        outcome.interrupted = True
    except PoolError as exc:
        pool.terminate()
        bar.close()
        store.finish_run(run_id, "interrupted")
        raise BatchError(str(exc)) from None
    finally:
        pool.close()
        bar.close()
        outcome.workers = list(pool.stats.values())


def _store_record(store: Store, run_id: int, record: dict[str, Any], rules_hash: str,
                  stream: TextIO) -> dict[str, Any]:
    """Store one report; if that fails for this report alone, store it as failed and say so."""
    from sqlalchemy.exc import SQLAlchemyError

    record = _clean_record(record)
    try:
        store.save(run_id, record, rules_hash)
        return record
    except (SQLAlchemyError, ValueError, TypeError, KeyError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
        error = f"internal error while storing it: {type(exc).__name__}: {reason}"
    print(f"auditor batch: {terminal_safe(record['path'])}: {error}", file=stream, flush=True)
    failed = {"path": record["path"], "sha256": record.get("sha256"), "size": record.get("size"),
              "status": "failed", "error": storable(error), "findings": []}
    store.save(run_id, failed, rules_hash)  # if even this fails, the store is broken: the batch stops
    return failed


MAX_FAILED_LISTED = 20


def _finish(store: Store, run_id: int, outdir: Path, outcome: BatchOutcome, opts: BatchOptions,
            say: Callable[[str], None], warn: Callable[[str], None], started: float,
            cpu_started: float) -> BatchOutcome:
    """Count, write the summaries, and only then mark the run finished: a batch killed while
    writing them stays resumable, and ``--resume`` writes them."""
    from auditor.batch.outputs import write_outputs

    status = "interrupted" if outcome.interrupted else "done"
    for key, value in store.count_run(run_id).items():
        setattr(outcome, key, value)
    try:
        outcome.outputs, rows = write_outputs(store, run_id, outdir, status=status)
    except OSError as exc:
        raise BatchError(f"{opts.outdir}: cannot write the summaries ({exc.strerror or exc}); every audited "
                         f"report is stored: make room, then `auditor batch --resume -o {opts.outdir}`") from None
    store.close_run(run_id, status)
    if outcome.interrupted:
        outcome.exit_code = EXIT_INTERRUPTED
    elif any(r["status"] != "ok" for r in rows):
        outcome.exit_code = EXIT_FAILED
    elif any(r["open"] + r["confirmed"] for r in rows):
        outcome.exit_code = EXIT_FINDINGS
    outcome.wall = time.perf_counter() - started
    outcome.parent_cpu = time.process_time() - cpu_started
    skipped = len(outcome.skipped_inputs)
    if outcome.interrupted:
        say(f"auditor batch: interrupted; {outcome.audited} reports stored. Continue with "
            f"`auditor batch --resume -o {opts.outdir}`")
    else:
        flagged = sum(1 for r in rows if r["status"] == "ok" and r["findings"])
        say(f"auditor batch: {outcome.files} reports: {outcome.audited} audited in this run, "
            f"{outcome.skipped} unchanged, {outcome.failed} failed"
            + (f", {skipped} skipped" if skipped else "")
            + f"; {outcome.findings} findings in {flagged} reports; {outdir / 'index.html'}")
    failures = [r for r in rows if r["status"] != "ok"]
    for r in failures[:MAX_FAILED_LISTED]:  # named with --quiet too: exit 2 must say which
        error = str(r.get("error") or "")
        error = error[len(r["path"]) + 2:] if error.startswith(f"{r['path']}: ") else error
        warn(f"auditor batch: failed: {terminal_safe(r['path'])}: {terminal_safe(error)}")
    if len(failures) > MAX_FAILED_LISTED:
        warn(f"auditor batch: … and {len(failures) - MAX_FAILED_LISTED} more failed; see {outdir / 'index.html'}")
    if opts.quiet and skipped:
        warn(f"auditor batch: {skipped} skipped (symbolic links are not followed)")
    return outcome


def plan(sources: Iterable[Source], store: Store, rules_hash: str, outdir: Path, *, force: bool = False,
         pages: bool = True) -> tuple[list[Source], list[Source]]:
    """Split the batch into reports to audit (largest first, for an even finish across workers) and
    reports unchanged since their last successful audit (same SHA-256, same rule set, page there)."""
    known = store.known()
    todo, unchanged = [], []
    for src in sources:
        if src.sha256 is None:
            try:
                src = Source(src.key, src.path, src.size, file_sha256(src.path))
            except OSError:
                pass  # the worker's loader will say why it cannot be read
        k = known.get(src.key)
        if (not force and k and k["status"] == "ok" and k["sha256"] == src.sha256 and k["ruleset_hash"] == rules_hash
                and (not pages or (k["page"] and (outdir / k["page"]).exists()))):
            unchanged.append(src)
        else:
            todo.append(src)
    todo.sort(key=lambda s: (-s.size, s.key))
    return todo, unchanged
