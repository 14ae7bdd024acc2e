"""A batch's summaries, written from the store: ``index.html``, ``summary.csv``, ``findings.csv``
and ``summary.xlsx``.

The CSV files are for machines (English column names, UTF-8 with a BOM so that Excel also reads
them); ``summary.xlsx`` is for people (Chinese headers, sheets 报告 and 发现). Text taken from
reports is neutralised where a spreadsheet would run it as a formula. ``index.html`` is one
self-contained page (no network): the reports that could not be audited, then every report ranked
by the risk score, each linked to its page.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor.batch import risk
from auditor.batch.display import visible_bidi
from auditor.batch.store import Store
from auditor.report.html import CATEGORY_LABEL, SEVERITY_LABEL  # the page's names, the same everywhere

TRIAGE_LABEL = {"open": "待处理", "confirmed": "已确认", "dismissed": "已排除"}

REPORT_COLUMNS = ("rank", "path", "status", "risk", "errors", "warnings", "infos", "findings", "open",
                  "confirmed", "dismissed", "categories", "unit", "year", "format", "chars", "claims", "sha256",
                  "seconds", "audited_at", "page", "error")
REPORT_HEADERS = ("排名", "报告", "状态", "风险分", "错误", "警告", "提示", "发现数", "待处理", "已确认", "已排除",
                  "问题类别", "单位", "年度", "格式", "字数", "数字陈述", "SHA-256", "用时(秒)", "审核时间", "页面",
                  "错误信息")
FINDING_COLUMNS = ("path", "unit", "year", "fingerprint", "code", "name", "category", "category_label", "severity",
                   "uncertain", "message", "stated", "expected", "difference", "evidence", "location", "triage",
                   "triage_who", "triage_note", "page")
FINDING_HEADERS = ("报告", "单位", "年度", "指纹", "规则", "规则名", "类别代码", "类别", "严重程度", "不确定", "说明",
                   "陈述值", "重算值", "差额", "证据", "位置", "复核状态", "复核人", "复核意见", "页面")
# Widths of the spreadsheet's columns, in characters (a CJK character counts two).
COLUMN_WIDTHS = {"path": 36, "unit": 24, "categories": 30, "message": 60, "evidence": 40, "location": 28,
                 "error": 40, "sha256": 16, "fingerprint": 14, "name": 20, "triage_note": 24, "page": 12,
                 "audited_at": 26, "category_label": 16, "category": 18}
XLSX_CELL_LIMIT = 32_767  # Excel's most characters in a cell
_CUT = "…（已截断）"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?%?")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_outputs(store: Store, run_id: int, outdir: Path,
                  status: str | None = None) -> tuple[dict[str, Path], list[dict[str, Any]]]:
    """Write every summary of run ``run_id`` into ``outdir`` (``status``: the run's status to show,
    when it is about to be recorded); returns the paths and the report rows."""
    reports = [_report_row(r) for r in store.report_rows(run_id)]
    found = [_finding_row(f) for f in store.finding_rows(run_id)]
    run = store.run(run_id) or {}
    if status is not None:
        run["status"] = status
    paths = {
        "index": outdir / "index.html",
        "summary_csv": outdir / "summary.csv",
        "findings_csv": outdir / "findings.csv",
        "summary_xlsx": outdir / "summary.xlsx",
    }
    _atomic_write(paths["index"], render_index(reports, run, outdir).encode("utf-8"))
    _write_csv(paths["summary_csv"], REPORT_COLUMNS, reports)
    _write_csv(paths["findings_csv"], FINDING_COLUMNS, found)
    _write_xlsx(paths["summary_xlsx"], reports, found, outdir)
    return paths, reports


def _report_row(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    cats = d.pop("categories", {}) or {}
    d["category_counts"] = cats
    d["categories"] = "; ".join(f"{CATEGORY_LABEL.get(c, c)}:{n}"
                                for c, n in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))
    d["risk"] = d.get("risk") if d.get("status") == "ok" else None
    if isinstance(d.get("seconds"), float):
        d["seconds"] = round(d["seconds"], 3)
    return d


def _finding_row(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    try:
        evidence = json.loads(d.get("evidence") or "[]")
    except ValueError:
        evidence = []
    d["evidence"] = " | ".join(e.get("text", "") for e in evidence)
    d["location"] = evidence[0].get("location") if evidence else None  # as the report's page names it
    d["category_label"] = CATEGORY_LABEL.get(d.get("category"), d.get("category"))
    d["uncertain"] = bool(d.get("uncertain"))
    return d


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def local_time(value: datetime) -> str:
    """A stored time in this machine's zone, with its offset: ``2026-03-01 09:30:00 +08:00``.
    (SQLite gives back the UTC time it was given, without its zone.)"""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone()
    offset = local.strftime("%z")
    return f"{local.strftime('%Y-%m-%d %H:%M:%S')} {offset[:3]}:{offset[3:]}"


def cell_text(value: Any) -> Any:
    """A value a spreadsheet shows as written: text that would start a formula gets a leading '."""
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
            return "'" + value
    return value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else cell_text(row.get(c)) for c in columns])
    os.replace(tmp, path)


def _write_xlsx(path: Path, reports: Sequence[dict[str, Any]], found: Sequence[dict[str, Any]],
                outdir: Path | None = None) -> None:
    """Sheets 报告 and 发现: Chinese headers, column widths, an autofilter, frozen header row, each
    report's page as a hyperlink, every cell within Excel's limit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    link_font = Font(color="0563C1", underline="single")
    for title, headers, columns, rows in (("报告", REPORT_HEADERS, REPORT_COLUMNS, reports),
                                          ("发现", FINDING_HEADERS, FINDING_COLUMNS, found)):
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for n, (column, header) in enumerate(zip(columns, headers), 1):
            sheet.column_dimensions[get_column_letter(n)].width = max(COLUMN_WIDTHS.get(column, 10),
                                                                      2 * len(header) + 4)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        bold = Font(bold=True)
        head = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            values = []
            for c in columns:
                value = cell_text(row.get(c))
                if c == "severity" and value:
                    value = SEVERITY_LABEL.get(value, value)
                elif c == "triage" and value:
                    value = TRIAGE_LABEL.get(value, value)
                elif c == "status":
                    value = "已审核" if value == "ok" else "失败"
                elif c == "uncertain":
                    value = "是" if value else ""
                if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                    value = value[:XLSX_CELL_LIMIT - len(_CUT)] + _CUT
                if c == "page" and value and (outdir is None or (outdir / str(value)).exists()):
                    cell = WriteOnlyCell(sheet, value="打开")
                    cell.hyperlink = _href(str(value))
                    cell.font = link_font
                    value = cell
                values.append(value)
            sheet.append(values)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    book.save(tmp)
    os.replace(tmp, path)


# index.html ------------------------------------------------------------------------------------

_SCRIPT = """
(function () {
  var box = document.getElementById('filter');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#ranked tbody tr'));
  box.addEventListener('input', function () {
    var q = box.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (tr) {
      var hit = !q || tr.textContent.toLowerCase().indexOf(q) >= 0;
      tr.hidden = !hit;
      if (hit) { shown++; }
    });
    document.getElementById('shown').textContent = shown;
  });
})();
"""

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#555;font-size:.9em;margin-bottom:1em}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fff4f4}
.err{color:#b00020;font-weight:bold}.warn{color:#a15c00}.info{color:#555}
.cat{display:inline-block;background:#eef;border-radius:3px;padding:0 .3em;margin:0 .2em .2em 0}
.risk{font-weight:bold}
details{margin:1em 0;color:#333}
input#filter{padding:.3em;width:20em;margin:.5em 0}
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _href(page: str) -> str:
    return quote(page, safe="/")


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:"


def render_index(reports: Sequence[dict[str, Any]], run: dict[str, Any], outdir: Path) -> str:
    failed = [r for r in reports if r["status"] != "ok"]
    ranked = [r for r in reports if r["status"] == "ok"]
    flagged = sum(1 for r in ranked if r["findings"])
    total = sum(r["findings"] for r in ranked)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>批量审核结果</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>绩效自评报告批量审核</h1>",
        '<div class="meta">',
        f"来源：{_esc(run.get('source'))}　批次 #{_esc(run.get('id'))}　规则集：{_esc(run.get('ruleset'))}"
        f"　auditor {_esc(run.get('version'))}<br>",
        f"开始：{_esc(_when(run.get('started_at')))}　结束：{_esc(_when(run.get('finished_at')))}"
        f"　状态：{_esc({'done': '完成', 'interrupted': '中断（可用 --resume 继续）', 'running': '进行中'}.get(run.get('status'), run.get('status')))}<br>",
        f"报告 {len(reports)} 份：已审核 {len(ranked)} 份，其中 {flagged} 份有发现，共 {total} 项；"
        f"无法审核 {len(failed)} 份。",
        ' 汇总表：<a href="summary.xlsx">summary.xlsx</a>、<a href="summary.csv">summary.csv</a>、'
        '<a href="findings.csv">findings.csv</a>',
        "</div>",
        "<details><summary>风险分如何计算</summary><p>风险分 = 各项发现的权重之和。权重：错误 10，警告 3，提示 1；"
        "检查标记为“不确定”的发现按一半计；已排除的发现不计，已确认的发现按确定计。"
        "同分时按错误数、警告数、报告路径排序。无法审核的报告不计分，单独列在最前。</p></details>",
    ]
    if failed:
        out.append(f"<h2>无法审核的报告（{len(failed)}）</h2>")
        out.append('<table id="failed"><thead><tr><th>报告</th><th>原因</th></tr></thead><tbody>')
        for r in failed:
            out.append(f'<tr class="failed"><td>{_esc(visible_bidi(r["path"]))}</td>'
                       f'<td>{_esc(visible_bidi(r.get("error") or ""))}</td></tr>')
        out.append("</tbody></table>")
    out.append(f"<h2>按风险排序（{len(ranked)}）</h2>")
    out.append(f'<input id="filter" type="search" placeholder="筛选：报告、单位、类别…" aria-label="筛选">'
               f' 显示 <span id="shown">{len(ranked)}</span> 份')
    out.append('<table id="ranked"><thead><tr><th>排名</th><th>风险分</th><th>报告</th><th>单位</th><th>年度</th>'
               '<th>错误</th><th>警告</th><th>提示</th><th>复核（待处理/已确认/已排除）</th><th>问题类别</th>'
               "</tr></thead><tbody>")
    for r in ranked:
        page = r.get("page")
        name = _esc(visible_bidi(r["path"]))  # a bidi override must not disguise a name
        link = f'<a href="{_esc(_href(page))}">{name}</a>' if page and (outdir / page).exists() else name
        cats = "".join(
            f'<span class="cat" title="{_esc(c)}">{_esc(CATEGORY_LABEL.get(c, c))} {n}</span>'
            for c, n in sorted(r["category_counts"].items(), key=lambda kv: (-kv[1], kv[0])))
        note = f' title="{_esc(r.get("error"))}"' if r.get("error") else ""
        out.append(
            f"<tr{note}><td class=n>{r['rank']}</td><td class='n risk'>{_fmt_risk(r.get('risk'))}</td><td>{link}</td>"
            f"<td>{_esc(r.get('unit') or '')}</td><td class=n>{_esc(r.get('year') or '')}</td>"
            f"<td class='n err'>{r['errors'] or ''}</td><td class='n warn'>{r['warnings'] or ''}</td>"
            f"<td class='n info'>{r['infos'] or ''}</td>"
            f"<td class=n>{r['open']} / {r['confirmed']} / {r['dismissed']}</td><td>{cats}</td></tr>")
    out.append("</tbody></table>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def _fmt_risk(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return local_time(value)
    return "" if value is None else str(value)


__all__ = ["write_outputs", "render_index", "cell_text", "risk"]
