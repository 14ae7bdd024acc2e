"""The seeds rendered as .docx/.pdf/.doc/.xlsx/.xls (``corpora/make_renditions.py``) read like the seeds.

1. Every gold quote that lies inside one paragraph or one table cell of the text seed is found in
   the text extracted from each rendition (only quotes inside table cells for the workbooks, which
   hold the seed's tables alone).
2. Each rendition yields the findings of its text seed (for a workbook: of the seed's tables
   alone), compared as sets of ``(code, stated, expected)``: at least 95% overlap (intersection
   over union) per format over the corpus; the differences are printed.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from auditor.ingest import load
from auditor.model import Document, Finding
from auditor.pipeline import audit

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpora" / "seeds"
RENDITIONS = ROOT / "corpora" / "renditions"
FORMATS = ("docx", "pdf", "doc", "xlsx", "xls")
TABLES_ONLY = {"xlsx", "xls"}
MIN_OVERLAP = 0.95


def renditions(fmt: str) -> list[Path]:
    return sorted(p for p in (RENDITIONS / fmt).glob(f"*.{fmt}"))


def needs_converter(fmt: str) -> None:
    if fmt == "doc" and not (shutil.which("soffice") or shutil.which("antiword")):
        pytest.skip("reading .doc needs LibreOffice or antiword")


@cache
def seed(stem: str) -> Document:
    return load(SEEDS / f"{stem}.txt")


def inside_one_block(doc: Document, quote: str, cells_only: bool) -> bool:
    """Whether an occurrence of ``quote`` lies inside one paragraph or one table cell."""
    spans = [c.span for b in doc.blocks for c in b.cells]
    if not cells_only:
        spans += [b.span for b in doc.blocks if b.kind == "paragraph"]
    at = doc.text.find(quote)
    while at >= 0:
        if any(s.start <= at and at + len(quote) <= s.end for s in spans):
            return True
        at = doc.text.find(quote, at + 1)
    return False


@pytest.mark.parametrize("fmt", FORMATS)
def test_gold_quotes_are_found_in_every_rendition(fmt):
    needs_converter(fmt)
    made = renditions(fmt)
    assert made, f"no renditions in {RENDITIONS / fmt}; run corpora/make_renditions.py"
    missing, checked = [], 0
    for path in made:
        gold = json.loads((SEEDS / f"{path.stem}.gold.json").read_text(encoding="utf-8"))
        text = load(path).text
        # the rendition's own gold file: the seed's findings, quotes adapted to this text
        adapted = json.loads(path.with_name(f"{path.stem}.gold.json").read_text(encoding="utf-8"))
        explanations = {(g["category"], g.get("explanation") or g.get("relation")) for g in gold["findings"]}
        for entry in adapted["findings"]:
            assert (entry["category"], entry.get("explanation")) in explanations
            assert all(q in text for q in entry["quotes"]), entry["quotes"]
        source = seed(path.stem)
        for entry in gold["findings"] + gold.get("holds", []):
            for quote in entry["quotes"]:
                if inside_one_block(source, quote, cells_only=fmt in TABLES_ONLY):
                    checked += 1
                    if quote not in text:
                        missing.append(f"{path.name}: {quote!r}")
    print(f"{fmt}: {checked - len(missing)}/{checked} gold quotes found")
    assert checked and not missing, "\n".join(missing)


def signature(findings: tuple[Finding, ...]) -> set[tuple[str, str, str]]:
    return {(f.code, f.stated, f.expected) for f in findings}


def source_of(fmt: str, stem: str, folder: Path) -> Path:
    """What a rendition holds, as text: the seed, or for a workbook only the seed's tables."""
    if fmt not in TABLES_ONLY:
        return SEEDS / f"{stem}.txt"
    doc = seed(stem)
    parts, end = [], None
    for table in (b for b in doc.blocks if b.kind == "table"):
        between = doc.text[end:table.span.start] if end is not None else ""
        # Tables stay as close as they were; where text parted them, a line of text still does
        # (two blank lines and a line of text end a table in a text export).
        parts += [between if not between.strip() else "\n\n\n——\n\n\n", doc.at(table.span)]
        end = table.span.end
    path = folder / f"{stem}.txt"
    path.write_text("".join(parts) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_renditions_yield_the_findings_of_their_seed(fmt, tmp_path):
    needs_converter(fmt)
    expected = {p.stem: audit(source_of(fmt, p.stem, tmp_path)).findings for p in renditions(fmt)}
    shared = union = 0
    report = []
    for path in renditions(fmt):
        want, got = signature(expected[path.stem]), signature(audit(path).findings)
        shared += len(want & got)
        union += len(want | got)
        report += [f"{path.name} lacks {s}" for s in sorted(want - got)]
        report += [f"{path.name} adds  {s}" for s in sorted(got - want)]
    overlap = shared / union if union else 1.0
    print(f"{fmt}: findings overlap {overlap:.1%} ({shared}/{union})", *report, sep="\n")
    assert overlap >= MIN_OVERLAP, "\n".join([f"{fmt}: overlap {overlap:.1%}", *report])
