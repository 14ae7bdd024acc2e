"""Batch audits: a folder or a .zip of reports, a findings store, a ranked summary.

``auditor batch INPUT -o OUTDIR`` audits every report under INPUT (a folder, searched
recursively, or a .zip) across worker processes and writes into OUTDIR::

    OUTDIR/index.html        the reports ranked by risk (below), each linked to its page
    OUTDIR/reports/*.html    one annotated page per report (with its triage states)
    OUTDIR/summary.csv       one row per report (UTF-8 with BOM, so Excel reads the Chinese)
    OUTDIR/findings.csv      one row per finding
    OUTDIR/summary.xlsx      sheets ``reports`` and ``findings``, the same rows
    OUTDIR/findings.sqlite   the findings store (unless ``--db URL`` names another database)

Reports
    Files with a report suffix (.txt .docx .doc .pdf .xls .xlsx .html .htm); hidden files, Office
    lock files (``~$…``) and OUTDIR itself are left out, symbolic links are skipped (and counted).
    A report is known by its path relative to INPUT (for a .zip, its member name), POSIX
    separators, NFC: that key ties its findings and triage decisions together across runs. Keys
    are unique and stable (see ``auditor.batch.sources``). OUTDIR may not be INPUT itself.

The store (``auditor.batch.store``)
    Tables ``runs`` (one row per ``auditor batch`` run), ``documents`` (one row per report key:
    SHA-256, format, budget unit, report year, status ok/failed and the error), ``findings`` (the
    current findings of each report, with their fingerprints) and ``triage`` (open / confirmed /
    dismissed, who, note, keyed by report key and finding fingerprint). ``triage`` is never
    cleared by a run, so a decision survives re-runs as long as the finding's fingerprint (its
    code and evidence texts) is unchanged. One store holds one batch; keep several batches in one
    PostgreSQL server as separate databases.

Re-runs and ``--resume``
    Each report's results are committed in one transaction as soon as it is audited. A re-run
    skips a report whose SHA-256 and rule-set hash (the rule data and auditor's version) equal
    the stored ones and whose last audit succeeded; everything else is audited again (failed
    files are retried). ``--resume`` continues the last unfinished run of OUTDIR (stopped with
    Ctrl-C, killed, or crashed) under the same run id, and can omit INPUT.

Exit codes
    0  every report was audited and no finding is left that has not been dismissed
    1  every report was audited and some have findings (not dismissed)
    2  some report could not be audited (unreadable, crashed its worker, timed out), or the batch
       itself could not run (bad INPUT, OUTDIR or database)
    130  interrupted (Ctrl-C / SIGTERM): what was finished is stored; use ``--resume``

Risk score (``auditor.batch.risk``)
    See :func:`auditor.batch.risk.risk_score`.
"""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130
