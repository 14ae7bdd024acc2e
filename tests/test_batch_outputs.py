"""What a batch writes, as people use it: places they can find, the same names everywhere, a
spreadsheet ready to filter, local times, a way back to the index (fast: the stand-in audit)."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.batch.runner import BatchOptions, run_batch
from auditor.report.html import CATEGORY_LABEL
from test_batch_fakes import fake_audit, write_fake_batch

LONG = "长" * 40_000


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outputs")
    folder = root / "in"
    write_fake_batch(folder, 6)
    (folder / "long.txt").write_text(f"UNIT 甲\n第一段。\n\nFIND X009 ratio_mismatch warning {LONG}\n",
                                     encoding="utf-8")
    out = root / "out"
    run_batch(BatchOptions(input=str(folder), outdir=out, audit_fn=fake_audit, jobs=1, quiet=True, warm=False))
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_findings_give_the_place_the_page_gives(batch):
    found = read_csv(batch / "findings.csv")
    assert found and all(re.fullmatch(r"正文第\d+段", f["location"]) for f in found)
    assert "offset" not in found[0]


def test_category_names_are_the_same_in_page_index_csv_and_xlsx(batch):
    found = read_csv(batch / "findings.csv")
    assert {f["category_label"] for f in found} <= set(CATEGORY_LABEL.values())
    reports = read_csv(batch / "summary.csv")
    names = {part.split(":")[0] for r in reports for part in r["categories"].split("; ") if part}
    assert names and names <= set(CATEGORY_LABEL.values())
    book = load_workbook(batch / "summary.xlsx")
    sheet = book["发现"]
    header = [c.value for c in sheet[1]]
    shown = {row[header.index("类别")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown <= set(CATEGORY_LABEL.values())
    index = (batch / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in names)


def test_spreadsheet_has_widths_a_filter_links_and_fitting_cells(batch):
    book = load_workbook(batch / "summary.xlsx")
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width >= 20
    reports = book["报告"]
    header = [c.value for c in reports[1]]
    links = [row[header.index("页面")].hyperlink for row in reports.iter_rows(min_row=2)]
    assert links and all(link is not None and link.target.startswith("reports/") for link in links)
    assert all((batch / link.target).exists() for link in links)
    for row in book["发现"].iter_rows(min_row=2, values_only=True):
        assert all(not isinstance(v, str) or len(v) <= 32_767 for v in row)
    assert any(isinstance(v, str) and v.endswith("（已截断）") for row in book["发现"].iter_rows(values_only=True)
               for v in row)


def test_times_are_local_with_their_offset(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        folder = tmp_path / "in"
        write_fake_batch(folder, 1)
        run_batch(BatchOptions(input=str(folder), outdir=tmp_path / "out", audit_fn=fake_audit, jobs=1, quiet=True,
                               warm=False))
        stamp = read_csv(tmp_path / "out" / "summary.csv")[0]["audited_at"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00", stamp), stamp
        index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
        assert "+08:00" in index and "UTC" not in index
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_each_page_links_back_to_the_index(batch):
    pages = list((batch / "reports").glob("*.html"))
    assert pages
    for page in pages:
        assert '<a href="../index.html">' in page.read_text(encoding="utf-8")
