"""``auditor batch`` and ``auditor triage`` (loaded lazily by ``auditor.cli``).

Only click is imported here at module level: the store, the pool and the pipeline are imported
when a command runs, so ``auditor --help`` stays fast.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from auditor.batch import EXIT_FAILED
from auditor.batch.display import describe_exception, terminal_safe

STATES = ("open", "confirmed", "dismissed")


def _fail(message: str) -> None:
    click.echo(f"auditor: {terminal_safe(message)}", err=True)
    raise SystemExit(EXIT_FAILED)


def _utf8_option(name: str, value: str | None) -> str | None:
    """A text option as given; refused when the terminal passed bytes that are not UTF-8."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise click.BadParameter("is not valid UTF-8 text (check the terminal's encoding)",
                                 param_hint=name) from None
    return value


@click.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the pages, index.html, summary.csv/.xlsx and (by default) findings.sqlite.")
@click.option("--db", envvar="AUDITOR_DB", default=None, metavar="URL",
              help="Findings store: postgresql://user@host/db, or an SQLite file (default OUTDIR/findings.sqlite). "
                   "Also $AUDITOR_DB. A password is best left to PGPASSWORD or ~/.pgpass.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file overlaid on the bundled rules.")
@click.option("--resume", is_flag=True, help="Continue OUTDIR's last unfinished batch (INPUT may be left out).")
@click.option("--force", is_flag=True, help="Audit every report again, even those unchanged since the last run.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no messages (errors still go to stderr).")
@click.option("--timeout", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Seconds one report may take before its worker is stopped and the report marked failed (0: none).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this (default 50 MB).")
@click.option("--no-pages", is_flag=True, help="Do not write a page per report (index and summaries only).")
def batch(input_path: Path | None, outdir: Path, db: str | None, jobs: int | None, rules_file: Path | None,
          resume: bool, force: bool, quiet: bool, timeout: float, max_bytes: int | None, no_pages: bool) -> None:
    """Audit every report under INPUT (a folder, searched recursively, or a .zip) into OUTDIR.

    Writes OUTDIR/index.html (reports ranked by risk), reports/*.html (one page per report),
    summary.csv, findings.csv, summary.xlsx and findings.sqlite (unless --db).

    Reports are audited in parallel and each one's findings are stored as soon as it is done; a
    re-run skips reports unchanged since their last audit (same SHA-256, same rule set) and keeps
    every triage decision. index.html ranks the reports by risk: the sum over findings of
    error 10, warning 3, info 1 (half for an uncertain finding, nothing for a dismissed one).

    \b
    Exit codes:
      0    all reports audited, no finding left that was not dismissed
      1    all reports audited, some have findings
      2    some report could not be audited (see index.html), or the batch could not run
      130  interrupted; continue with --resume
    """
    from auditor.batch.runner import BatchError, BatchOptions, run_batch
    from auditor.batch.store import StoreError
    from auditor.errors import InputError

    if input_path is None and not resume:
        raise click.UsageError("give INPUT, the folder or .zip of reports (or --resume)")
    options = BatchOptions(input=str(input_path) if input_path else None, outdir=outdir, db=db, jobs=jobs,
                           rules_file=str(rules_file) if rules_file else None, resume=resume, force=force,
                           quiet=quiet, timeout=timeout or None, max_bytes=max_bytes, render_pages=not no_pages)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        outcome = run_batch(options)
    except (BatchError, StoreError, InputError) as exc:
        _fail(str(exc))
        return
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _fail(f"the findings store failed ({reason}); what was stored is kept: continue with --resume")
        return
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{terminal_safe(where)}{exc.strerror or exc}; what was stored is kept: continue with --resume")
        return
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback; the store keeps what was done
        _fail(f"internal error: {describe_exception(exc)}; what was stored is kept: continue with --resume")
        return
    raise SystemExit(outcome.exit_code)


@click.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("fingerprints", nargs=-1)
@click.option("--state", type=click.Choice(STATES), default=None,
              help="With FINGERPRINTS: the decision to record. Without: list only findings in this state.")
@click.option("--who", default=None, help="Who decided (default: your login name).")
@click.option("--note", default=None, help="Why (shown beside the finding; without it an earlier note is kept).")
@click.option("--doc", "doc", default=None, metavar="PATH",
              help="The report (its path in the batch) when a fingerprint occurs in several.")
@click.option("--all", "all_docs", is_flag=True, help="Apply to every report holding the fingerprint.")
@click.option("--db", envvar="AUDITOR_DB", default=None, metavar="URL",
              help="The findings store, if the batch used --db (default: the one OUTDIR's batch used).")
@click.option("--no-refresh", is_flag=True, help="Do not rewrite index.html, the summaries and the affected pages.")
def triage(outdir: Path, fingerprints: tuple[str, ...], state: str | None, who: str | None, note: str | None,
           doc: str | None, all_docs: bool, db: str | None, no_refresh: bool) -> None:
    """Record reviewers' decisions on findings of the batch in OUTDIR, or list them.

    \b
      auditor triage OUT                              list every finding and its state
      auditor triage OUT --state open                 list the findings still open
      auditor triage OUT 3fa2c1 --state dismissed --note "表内另有说明"
      auditor triage OUT 3fa2c1 9be0 --state confirmed --who 张三

    A FINGERPRINT may be shortened to any unique prefix. Decisions are kept per report and
    fingerprint, so they survive re-runs of the batch.
    """
    from auditor.batch.runner import store_url_for
    from auditor.batch.store import Store, StoreError

    who, note = _utf8_option("--who", who), _utf8_option("--note", note)
    try:
        store = Store.open(store_url_for(outdir.resolve(), db))
    except StoreError as exc:
        _fail(str(exc))
        return
    try:
        if not fingerprints:
            _list(store, state, doc)
            return
        if state is None:
            raise click.UsageError("say what to record with --state open|confirmed|dismissed")
        who = who if who is not None else _login()
        targets: list[tuple[str, str]] = []
        for prefix in fingerprints:
            targets.extend(_resolve(store, prefix.strip().lower(), doc, all_docs))
        for path, fingerprint in targets:
            store.set_triage(path, fingerprint, state, who=who, note=note)
            click.echo(f"{state}\t{fingerprint}\t{terminal_safe(path)}")
        if not no_refresh:
            _refresh(store, outdir.resolve(), sorted({p for p, _ in targets}))
    except StoreError as exc:
        _fail(str(exc))
    finally:
        store.close()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _resolve(store, prefix: str, doc: str | None, all_docs: bool) -> list[tuple[str, str]]:  # noqa: ANN001
    if len(prefix) < 4:
        _fail(f"fingerprint {prefix!r} is too short: give at least 4 characters")
    matches = store.find_findings(prefix, path=doc)
    if not matches:
        where = f" in {terminal_safe(doc)}" if doc else ""
        _fail(f"no finding with fingerprint {prefix}{where} (list them with `auditor triage OUTDIR`)")
    fingerprints = sorted({m["fingerprint"] for m in matches})
    if len(fingerprints) > 1:
        _fail(f"fingerprint {prefix} is ambiguous: " + ", ".join(fingerprints[:10]))
    paths = sorted({m["path"] for m in matches})
    if len(paths) > 1 and not all_docs:
        _fail(f"fingerprint {fingerprints[0]} occurs in {len(paths)} reports ({terminal_safe(', '.join(paths[:5]))}"
              f"{'…' if len(paths) > 5 else ''}): choose one with --doc PATH, or use --all")
    return [(p, fingerprints[0]) for p in paths]


def _list(store, state: str | None, doc: str | None) -> None:  # noqa: ANN001
    run = store.latest_run()
    if run is None:
        click.echo("no batch in this store", err=True)
        return
    for f in store.finding_rows(run["id"]):
        if (state and f["triage"] != state) or (doc and f["path"] != doc):
            continue
        line = "\t".join([f["fingerprint"], f["triage"], f["severity"], f["code"], terminal_safe(f["path"]),
                          terminal_safe(f["message"])])
        if f["triage_who"] or f["triage_note"]:
            line += f"\t[{terminal_safe(f['triage_who'])}: {terminal_safe(f['triage_note'])}]"
        click.echo(line)


def _refresh(store, outdir: Path, paths: list[str]) -> None:  # noqa: ANN001
    """Rewrite the summaries, and the pages of ``paths`` so they show the new decisions."""
    from auditor.batch.outputs import write_outputs
    from auditor.batch.pages import refresh_pages

    run = store.latest_run(str(outdir)) or store.latest_run()
    if run is None:
        return
    stale = refresh_pages(store, run, outdir, paths)
    for path, why in stale.items():
        click.echo(f"auditor: the page of {terminal_safe(path)} still shows the old state ({why}); "
                   "re-run the batch with --force to rebuild it", err=True)
    write_outputs(store, run["id"], outdir)
