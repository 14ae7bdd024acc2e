"""The points a row's scoring criteria hand out (评分标准: ``1、…是否真实(1分)；2、…是否完整(1分)``)
against the row's own points: the bracketed points that open each criterion are the row's points
split up.

Only a cell of plain additive criteria is read: every other figure in it sits inside a criterion's
bracket (``(2分，其中…1分…)``), no criterion is worth nothing (``(0分)``: a scale of alternatives),
and criteria that hand out more than the row's points while one of them alone is worth all of them
are alternatives too (完成(5分)；基本完成(3分)), not parts.
"""

from __future__ import annotations

from auditor.linking.context import Context
from auditor.model import Claim

OPENERS = "(（"
CLOSERS = ")）"
AFTER_POINTS = CLOSERS + ",，;；"  # (1分) or (2分，其中…)


def criteria_points(ctx: Context, cells, claims: list[Claim], points: Claim) -> list[Claim]:  # noqa: ANN001
    """The bracketed points of the criteria cell among ``cells`` (a row's), or [] when the cell is
    not one of plain additive criteria."""
    words = ctx.rules.param("SUM002", "criteria_headers", [])
    cell = next((c for c in cells if any(w in "".join(c.header_path) for w in words)), None)
    if cell is None:
        return []
    inside = [c for c in claims if cell.span.start <= c.span.start < cell.span.end]
    opened = [c for c in inside if c.quantity.unit == "分" and ctx.text[c.span.start - 1] in OPENERS]
    if not opened or any(ctx.text[c.span.end:c.span.end + 1] not in AFTER_POINTS for c in opened):
        return []  # (1分/项): a rate per item, not a criterion's share
    brackets = []
    for c in opened:
        close = min((k for k in (ctx.text.find(ch, c.span.end, cell.span.end) for ch in CLOSERS) if k >= 0),
                    default=cell.span.end)
        brackets.append((c.span.start, close))
    if any(not any(a <= c.span.start < b for a, b in brackets) for c in inside):
        return []  # a figure outside the criteria's brackets: a tier (≥95%) or a formula, not parts
    values = [c.quantity.value for c in opened]
    if 0 in values or (sum(values) > points.quantity.value and points.quantity.value in values):
        return []
    return opened
