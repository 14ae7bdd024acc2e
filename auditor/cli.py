"""Command line: ``auditor audit|eval|rules|batch|triage``.

Exit codes as linters use them: 0 no findings, 1 findings, 2 unusable input or usage error.
Heavy modules (spaCy, jieba) are imported only by the commands that need them, so ``--help`` and
start-up stay fast.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import webbrowser
from pathlib import Path

import click

from auditor import __version__
from auditor.batch.display import describe_exception, terminal_safe
from auditor.errors import InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class LazyGroup(click.Group):
    """Loads the batch commands only when they are asked for."""

    lazy = {
        "batch": "auditor.batch.commands:batch",
        "triage": "auditor.batch.commands:triage",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


def fail(message: str) -> None:
    click.echo(f"auditor: {terminal_safe(message)}", err=True)
    raise SystemExit(EXIT_ERROR)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def cli() -> None:
    """Consistency auditor for Chinese budget performance self-evaluation reports (绩效自评报告).

    Reads a report, extracts every numeric claim with its meaning, links the claims that must
    agree, and reports every contradiction with its evidence.
    """


FORMATS = ("summary", "json", "claims", "text", "html", "graph")
OUTPUT_SUFFIXES = ("", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".txt")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
              help="summary (default), json (eval.md contract), claims (one JSON object per claim), "
                   "text (the extracted text), html (annotated page), "
                   "graph (claims and constraints, each constraint with whether it holds).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (.html, .json, .jsonl or .txt; - for standard output); .html implies "
                   "--format html, .json implies json.")
@click.option("--open", "open_browser", is_flag=True, help="Open the written HTML page in the default browser.")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file overlaid on the bundled rules (switch checks off, change parameters).")
@click.option("--max-bytes", type=int, default=None, help="Refuse files larger than this (default 50 MB).")
@click.option("--max-chars", type=int, default=None,
              help="Refuse reports whose text is longer than this many characters (default 1,000,000).")
def audit(file: Path, fmt: str | None, output: Path | None, open_browser: bool, rules_file: Path | None,
          max_bytes: int | None, max_chars: int | None) -> None:
    """Audit one report FILE (.txt, .docx, .doc, .pdf, .xls/.xlsx, .html)."""
    from auditor import ingest
    from auditor.pipeline import analyse, audit_document
    from auditor.rules import RuleSet

    if output is not None and str(output) == "-":
        output = None  # -o - : standard output
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        fail(f"{terminal_safe(output)}: cannot write a {output.suffix} file; write .html, .json, .jsonl or .txt "
             "(or -o - for standard output)")
    if fmt is None:
        suffix = output.suffix.lower() if output else ""
        fmt = {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "summary")
    try:
        rules = RuleSet.load(rules_file)
        document = ingest.load(file, max_bytes=max_bytes, max_chars=max_chars)
        result = analyse(document, rules) if fmt == "graph" else audit_document(document, rules)
    except InputError as exc:
        fail(str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - one line naming the file, never a traceback
        fail(f"{terminal_safe(file)}: internal error: {describe_exception(exc)}")
        return
    text = render_graph(result, rules) if fmt == "graph" else render(result, fmt)
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror})")
        if open_browser and fmt == "html":
            webbrowser.open(output.resolve().as_uri())
    else:
        click.echo(text, nl=fmt != "text" and not text.endswith("\n"))
    raise SystemExit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


def render(result, fmt: str) -> str:  # noqa: ANN001 - AuditResult, imported lazily
    from auditor.report import summary

    if fmt == "json":
        return json.dumps(summary.add_locations(result, result.to_dict()), ensure_ascii=False, indent=1) + "\n"
    if fmt == "claims":
        return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in summary.claim_records(result))
    if fmt == "text":
        return result.document.text
    if fmt == "html":
        from auditor.report.html import render_html

        return render_html(result)
    return summary.render_summary(result)


def render_graph(analysis, rules) -> str:  # noqa: ANN001 - pipeline.Analysis and RuleSet, imported lazily
    from auditor.pipeline import broken_constraints
    from auditor.report.graph import graph_record

    return json.dumps(graph_record(analysis, broken_constraints(analysis, rules)), ensure_ascii=False, indent=1) + "\n"


@cli.command(name="eval")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file overlaid on the bundled rules.")
@click.option("--details", is_flag=True,
              help="Also list every missed gold finding, false alarm, unreached gold finding and surviving mutant.")
@click.option("--format", "-f", "fmt", type=click.Choice(("table", "json")), default="table",
              help="table (default) or json (one object).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--mutants", is_flag=True,
              help="Also change one figure of a few holds per report and count the changes the audit catches.")
@click.option("--disputed", "disputed_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Markdown file of disputed gold entries (default: corpora/DISPUTED.md).")
def eval_(dirs: tuple[Path, ...], rules_file: Path | None, details: bool, fmt: str, as_json: bool, mutants: bool,
          disputed_file: Path | None) -> None:
    """Score auditor against the gold files (NAME.gold.json beside NAME.txt/.docx/...) under DIRS."""
    from auditor.evaluate import DISPUTED_FILE, evaluate, format_scores, gold_pairs, read_disputed
    from auditor.rules import RuleSet

    if not gold_pairs(dirs):
        fail(f"no gold file (NAME.gold.json beside NAME.txt/.docx/...) under {', '.join(map(str, dirs))}")
    try:
        rules = RuleSet.load(rules_file)
        disputed = read_disputed(disputed_file or DISPUTED_FILE)
        scores = evaluate(dirs, rules, progress=sys.stderr.isatty(), mutate=mutants, disputed=disputed)
    except InputError as exc:
        fail(str(exc))
        return
    if as_json or fmt == "json":
        click.echo(json.dumps(scores.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_scores(scores, details=details))
    if scores.errors:
        raise SystemExit(EXIT_ERROR)


@cli.command()
@click.argument("code", required=False)
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file overlaid on the bundled rules.")
@click.option("--doc", "as_doc", is_flag=True, help="Print every rule's page (Markdown, the content of docs/rules.md).")
@click.option("--check", "check_file", type=click.Path(path_type=Path), default=None,
              help="Validate a rule file against the schema without auditing: exit 0 when usable, 2 otherwise.")
def rules(code: str | None, rules_file: Path | None, as_doc: bool, check_file: Path | None) -> None:
    """List every check (code, name, category, severity, what it finds), or print rule CODE's page."""
    from auditor.rule_docs import rule_lines, rule_page, rules_doc
    from auditor.rules import RuleSet
    from auditor.rules import check_file as validate

    if check_file is not None:
        problems = validate(check_file)
        for problem in problems:
            click.echo(f"auditor: {problem}", err=True)
        if problems:
            raise SystemExit(EXIT_ERROR)
        click.echo(f"{check_file}: ok")
        return
    try:
        ruleset = RuleSet.load(rules_file)
    except InputError as exc:
        fail(str(exc))
        return
    if code is not None:
        known = {c.upper(): c for c in ruleset.checks}
        if code.upper() not in known:
            import difflib

            near = difflib.get_close_matches(code.upper(), list(known), n=1)
            fail(f"no rule {code!r}" + (f"; did you mean {near[0]!r}?" if near else "; `auditor rules` lists them"))
        click.echo(rule_page(ruleset, known[code.upper()]))
        return
    click.echo(rules_doc(ruleset) if as_doc else rule_lines(ruleset), nl=not as_doc)


EXIT_INTERRUPTED = 130


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """The ``auditor`` command: :func:`main`, then exit with its status. After Ctrl-C (handled,
    cleanup done, message written) the process leaves at once with 130: CPython was seen to end it
    by SIGINT instead (exit -2) when the interruption had struck inside a library's code."""
    code = main()
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; Ctrl-C exits 130 from every command, an unexpected error is one
    line on stderr and exit 2. SIGTERM is handled as Ctrl-C, so that nothing is left running or
    on disk (a .doc converter, temporary copies of a report)."""
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        code = cli.main(args=argv, prog_name="auditor", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except (KeyboardInterrupt, click.exceptions.Abort):  # click turns Ctrl-C into Abort
        click.echo("auditor: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrokenPipeError:  # the reader (| head) went away: nothing more to say
        sys.stderr.close()
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        click.echo(f"auditor: internal error: {describe_exception(exc)}", err=True)
        return EXIT_ERROR
    return code if isinstance(code, int) else EXIT_CLEAN
