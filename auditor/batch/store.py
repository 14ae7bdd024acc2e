"""The findings store: every read and write of the batch database goes through this module.

SQLAlchemy Core over SQLite (default: ``OUTDIR/findings.sqlite``) or PostgreSQL (``--db
postgresql://user@host/db``, driven by psycopg 3). Tables:

``runs``       one row per ``auditor batch`` run: source, rule set, status, counts.
``documents``  one row per report key (its path relative to the batch input): SHA-256, format,
               budget unit, report year, status ``ok``/``failed`` with the error, the rule-set hash
               it was audited with, the run that audited it and the last run that included it.
``findings``   the findings of each report's latest audit (replaced as a whole on re-audit).
``triage``     open / confirmed / dismissed with who and a note, keyed by (report key, finding
               fingerprint); never cleared by a run.

Only the batch's parent process writes during a run, one transaction per report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from auditor.batch.risk import TRIAGE_STATES, rank_key, risk_score

DEFAULT_DB_NAME = "findings.sqlite"

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running | done | interrupted
    Column("source", Text, nullable=False),  # the folder or .zip audited
    Column("outdir", Text),
    Column("rules_file", Text),  # --rules overlay, if any
    Column("ruleset", String(200)),
    Column("ruleset_hash", String(64)),
    Column("version", String(32)),
    Column("jobs", Integer),
    Column("files", Integer, default=0),
    Column("audited", Integer, default=0),
    Column("skipped", Integer, default=0),
    Column("failed", Integer, default=0),
    Column("findings", Integer, default=0),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False, unique=True),
    Column("sha256", String(64)),
    Column("format", String(16)),
    Column("unit", Text),  # the budget unit (reporting organisation)
    Column("year", Integer),  # the report year
    Column("size", Integer),
    Column("chars", Integer),
    Column("claims", Integer),
    Column("status", String(16), nullable=False),  # ok | failed
    Column("error", Text),
    Column("ruleset_hash", String(64)),
    Column("run_id", Integer, ForeignKey("runs.id")),  # the run that last audited it
    Column("seen_run_id", Integer, ForeignKey("runs.id"), index=True),  # the last run that included it
    Column("audited_at", DateTime(timezone=True)),
    Column("seconds", Float),
    Column("page", Text),  # its HTML page, relative to OUTDIR
    Column("errors", Integer, default=0),
    Column("warnings", Integer, default=0),
    Column("infos", Integer, default=0),
    Column("risk", Float),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("code", String(32), nullable=False),
    Column("name", Text),
    Column("category", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("message", Text),
    Column("evidence", Text),  # JSON list of {start, end, text, role?, value?, unit?}
    Column("stated", Text),
    Column("expected", Text),
    Column("difference", Text),
    Column("tolerance", Text),
    Column("formula", Text),
    Column("uncertain", Boolean, nullable=False, default=False),
    UniqueConstraint("document_id", "ordinal"),
    Index("ix_findings_document", "document_id"),
    Index("ix_findings_fingerprint", "fingerprint"),
)

triage = Table(
    "triage", metadata,
    Column("path", Text, primary_key=True),
    Column("fingerprint", String(40), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("who", Text),
    Column("note", Text),
    Column("updated_at", DateTime(timezone=True)),
)


class StoreError(Exception):
    """The database cannot be opened or used; the message says what to do."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def database_url(db: str | None, outdir: Path | None) -> str:
    """The SQLAlchemy URL for ``--db`` (a URL or a file path), default ``OUTDIR/findings.sqlite``."""
    if not db:
        if outdir is None:
            raise StoreError("no database: give OUTDIR or --db URL")
        return f"sqlite:///{(Path(outdir) / DEFAULT_DB_NAME).resolve()}"
    if "://" not in db:  # a plain file path means an SQLite file
        return f"sqlite:///{Path(db).resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if db.startswith(plain):  # SQLAlchemy's default driver is psycopg2; auditor uses psycopg 3
            return "postgresql+psycopg://" + db[len(plain):]
    return db


def public_url(url: str) -> str:
    """``url`` without its password, safe to print or to write to disk."""
    try:
        return make_url(url).render_as_string(hide_password=True).replace(":***@", "@")
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (triage, notebooks) never block the batch
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process, fast per commit
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    """The batch database. ``Store.open(url)`` creates the tables if they are missing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        try:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 60})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True)
            metadata.create_all(engine)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise StoreError(f"{public_url(url)}: no driver for this database ({exc}); "
                             "for PostgreSQL install auditor[postgres]") from None
        except ArgumentError as exc:
            raise StoreError(f"{db_label(url)}: not a database URL ({exc})") from None
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"{public_url(url)}: cannot open the database ({reason})") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def url(self) -> str:
        return public_url(self.engine.url.render_as_string(hide_password=False))

    # runs ----------------------------------------------------------------------------------

    def start_run(self, *, source: str, outdir: str, rules_file: str | None, ruleset: str,
                  ruleset_hash: str, version: str, jobs: int) -> int:
        with self.engine.begin() as conn:
            # Nobody else writes into this OUTDIR now (the runner holds its lock), so a run still
            # marked running there was killed: it can only be resumed.
            conn.execute(update(runs).where(runs.c.outdir == outdir, runs.c.status == "running")
                         .values(status="interrupted"))
            return conn.execute(insert(runs).values(
                started_at=now(), status="running", source=source, outdir=outdir, rules_file=rules_file,
                ruleset=ruleset, ruleset_hash=ruleset_hash, version=version, jobs=jobs,
                files=0, audited=0, skipped=0, failed=0, findings=0,
            )).inserted_primary_key[0]

    def reopen_run(self, run_id: int, *, ruleset_hash: str, jobs: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(
                status="running", finished_at=None, ruleset_hash=ruleset_hash, jobs=jobs))

    def unfinished_run(self, outdir: str) -> dict[str, Any] | None:
        """The latest run of ``outdir`` that did not finish (interrupted, killed, crashed)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.outdir == outdir)
                               .order_by(runs.c.id.desc()).limit(1)).mappings().first()
        return dict(row) if row and row["status"] != "done" else None

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        return dict(row) if row else None

    def latest_run(self, outdir: str | None = None) -> dict[str, Any] | None:
        query = select(runs).order_by(runs.c.id.desc()).limit(1)
        if outdir is not None:
            query = query.where(runs.c.outdir == outdir)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def finish_run(self, run_id: int, status: str) -> dict[str, Any]:
        """Close a run with its counts (see :meth:`count_run`)."""
        counts = self.count_run(run_id)
        self.close_run(run_id, status)
        return counts

    def close_run(self, run_id: int, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(status=status))

    def count_run(self, run_id: int) -> dict[str, Any]:
        """Record a run's counts and end time, taken from the store (so a resumed run counts it
        all); its status is left as it is until :meth:`close_run`."""
        with self.engine.begin() as conn:
            seen = documents.c.seen_run_id == run_id
            files = conn.execute(select(func.count()).where(seen)).scalar_one()
            audited = conn.execute(select(func.count()).where(seen, documents.c.run_id == run_id)).scalar_one()
            failed = conn.execute(select(func.count()).where(seen, documents.c.status == "failed")).scalar_one()
            found = conn.execute(select(func.count()).select_from(findings.join(documents))
                                 .where(seen)).scalar_one()
            counts = {"files": files, "audited": audited, "skipped": files - audited, "failed": failed,
                      "findings": found}
            conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=now(), **counts))
        return counts

    # documents -----------------------------------------------------------------------------

    def known(self, paths: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """What the store holds about each report key: sha256, ruleset_hash, status, page."""
        cols = [documents.c.path, documents.c.sha256, documents.c.ruleset_hash, documents.c.status,
                documents.c.page]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols)).mappings().all()
        wanted = None if paths is None else set(paths)
        return {r["path"]: dict(r) for r in rows if wanted is None or r["path"] in wanted}

    def mark_seen(self, run_id: int, paths: Iterable[str]) -> None:
        """Record that ``paths`` (already stored) belong to run ``run_id``'s batch."""
        paths = list(paths)
        with self.engine.begin() as conn:
            for start in range(0, len(paths), 500):
                conn.execute(update(documents).where(documents.c.path.in_(paths[start:start + 500]))
                             .values(seen_run_id=run_id))

    def save(self, run_id: int, record: dict[str, Any], ruleset_hash: str) -> None:
        """Store one report's outcome (a worker record, see ``auditor.batch.worker``) atomically:
        its document row, and its findings replacing the previous ones."""
        path = record["path"]
        found = record.get("findings") or []
        failed = record.get("status") == "failed"
        with self.engine.begin() as conn:
            states = self._triage_states(conn, path)
            counts = defaultdict(int)
            for f in found:
                counts[f["severity"]] += 1
            values = {
                "sha256": record.get("sha256"),
                "format": record.get("format"),
                "unit": record.get("unit") or None,
                "year": record.get("year"),
                "size": record.get("size"),
                "chars": record.get("chars"),
                "claims": record.get("claims"),
                "status": "failed" if failed else "ok",
                "error": record.get("error"),
                "ruleset_hash": ruleset_hash,
                "run_id": run_id,
                "seen_run_id": run_id,
                "audited_at": now(),
                "seconds": record.get("seconds"),
                "page": record.get("page"),
                "errors": counts["error"],
                "warnings": counts["warning"],
                "infos": counts["info"],
                "risk": None if failed else risk_score(
                    (f["severity"], bool(f.get("uncertain")), states.get(f["fingerprint"])) for f in found),
            }
            doc_id = conn.execute(select(documents.c.id).where(documents.c.path == path)).scalar()
            if doc_id is None:
                doc_id = conn.execute(insert(documents).values(path=path, **values)).inserted_primary_key[0]
            else:
                conn.execute(update(documents).where(documents.c.id == doc_id).values(**values))
                conn.execute(delete(findings).where(findings.c.document_id == doc_id))
            if found:
                conn.execute(insert(findings), [{
                    "document_id": doc_id,
                    "ordinal": i,
                    "fingerprint": f["fingerprint"],
                    "code": f["code"],
                    "name": f.get("name", ""),
                    "category": f["category"],
                    "severity": f["severity"],
                    "message": f.get("message", ""),
                    "evidence": _json_dumps(f.get("evidence", [])),
                    "stated": f.get("stated", ""),
                    "expected": f.get("expected", ""),
                    "difference": f.get("difference", ""),
                    "tolerance": f.get("tolerance", ""),
                    "formula": f.get("formula", ""),
                    "uncertain": bool(f.get("uncertain")),
                } for i, f in enumerate(found)])

    def document(self, path: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.path == path)).mappings().first()
        return dict(row) if row else None

    def document_paths(self, run_id: int | None = None) -> list[str]:
        query = select(documents.c.path).order_by(documents.c.path)
        if run_id is not None:
            query = query.where(documents.c.seen_run_id == run_id)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    # triage --------------------------------------------------------------------------------

    @staticmethod
    def _triage_states(conn: Any, path: str) -> dict[str, str]:
        rows = conn.execute(select(triage.c.fingerprint, triage.c.state).where(triage.c.path == path))
        return {fp: state for fp, state in rows}

    def triage_map(self, paths: Iterable[str] | None = None) -> dict[str, dict[str, dict[str, str]]]:
        """report key -> fingerprint -> {'state', 'who', 'note'} (what ``render_html`` takes)."""
        wanted = None if paths is None else set(paths)
        out: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
        with self.engine.connect() as conn:
            for row in conn.execute(select(triage)).mappings():
                if wanted is None or row["path"] in wanted:
                    out[row["path"]][row["fingerprint"]] = {
                        "state": row["state"], "who": row["who"] or "", "note": row["note"] or ""}
        return dict(out)

    def find_findings(self, fingerprint: str, path: str | None = None) -> list[dict[str, Any]]:
        """Stored findings whose fingerprint starts with ``fingerprint``, optionally of one report."""
        query = (select(documents.c.path, findings.c.fingerprint, findings.c.code, findings.c.message)
                 .select_from(findings.join(documents))
                 .where(findings.c.fingerprint.startswith(fingerprint, autoescape=True))
                 .order_by(documents.c.path, findings.c.ordinal))
        if path is not None:
            query = query.where(documents.c.path == path)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def set_triage(self, path: str, fingerprint: str, state: str, who: str = "", note: str | None = "") -> None:
        """Record a decision; ``note`` None keeps the note of an earlier decision."""
        if state not in TRIAGE_STATES:
            raise StoreError(f"unknown triage state {state!r} (one of {', '.join(TRIAGE_STATES)})")
        values = {"state": state, "who": who, "note": note or "", "updated_at": now()}
        if note is None:
            del values["note"]
        with self.engine.begin() as conn:
            changed = conn.execute(update(triage).where(triage.c.path == path, triage.c.fingerprint == fingerprint)
                                   .values(**values)).rowcount
            if not changed:
                conn.execute(insert(triage).values(path=path, fingerprint=fingerprint, **values))
            self._refresh_risk(conn, path)

    def _refresh_risk(self, conn: Any, path: str) -> None:
        doc = conn.execute(select(documents.c.id, documents.c.status).where(documents.c.path == path)).first()
        if doc is None or doc.status != "ok":
            return
        states = self._triage_states(conn, path)
        rows = conn.execute(select(findings.c.severity, findings.c.uncertain, findings.c.fingerprint)
                            .where(findings.c.document_id == doc.id))
        risk = risk_score((sev, bool(unc), states.get(fp)) for sev, unc, fp in rows)
        conn.execute(update(documents).where(documents.c.id == doc.id).values(risk=risk))

    # reading for the summaries ---------------------------------------------------------------

    def report_rows(self, run_id: int) -> list[dict[str, Any]]:
        """One dict per report of run ``run_id``'s batch, riskiest first (failed ones first of all),
        with triage counts and the categories found."""
        with self.engine.connect() as conn:
            docs = [dict(r) for r in conn.execute(
                select(documents).where(documents.c.seen_run_id == run_id)).mappings()]
            by_id = {d["id"]: d for d in docs}
            for d in docs:
                d.update(findings=0, open=0, confirmed=0, dismissed=0, categories={})
            states = self._states_for(conn, run_id)
            rows = conn.execute(
                select(findings.c.document_id, findings.c.fingerprint, findings.c.category)
                .select_from(findings.join(documents)).where(documents.c.seen_run_id == run_id))
            for doc_id, fp, category in rows:
                d = by_id[doc_id]
                d["findings"] += 1
                d[states.get((d["path"], fp), "open")] += 1
                d["categories"][category] = d["categories"].get(category, 0) + 1
        failed = sorted((d for d in docs if d["status"] != "ok"), key=lambda d: d["path"])
        ok = sorted((d for d in docs if d["status"] == "ok"), key=rank_key)
        for rank, d in enumerate(ok, 1):
            d["rank"] = rank
        for d in failed:
            d["rank"] = None
        return failed + ok

    def finding_rows(self, run_id: int) -> list[dict[str, Any]]:
        """One dict per finding of run ``run_id``'s batch, with its report and triage state."""
        query = (select(documents.c.path, documents.c.unit, documents.c.year, documents.c.page, findings)
                 .select_from(findings.join(documents))
                 .where(documents.c.seen_run_id == run_id)
                 .order_by(documents.c.path, findings.c.ordinal))
        out = []
        with self.engine.connect() as conn:
            decisions = {(r["path"], r["fingerprint"]): dict(r) for r in conn.execute(
                select(triage).where(triage.c.path.in_(
                    select(documents.c.path).where(documents.c.seen_run_id == run_id)))).mappings()}
            for row in conn.execute(query).mappings():
                d = dict(row)
                t = decisions.get((d["path"], d["fingerprint"]), {})
                d["triage"] = t.get("state", "open")
                d["triage_who"] = t.get("who") or ""
                d["triage_note"] = t.get("note") or ""
                out.append(d)
        return out

    @staticmethod
    def _states_for(conn: Any, run_id: int) -> dict[tuple[str, str], str]:
        rows = conn.execute(select(triage.c.path, triage.c.fingerprint, triage.c.state).where(
            triage.c.path.in_(select(documents.c.path).where(documents.c.seen_run_id == run_id))))
        return {(p, fp): s for p, fp, s in rows}


def db_label(url: str) -> str:
    return public_url(url)
