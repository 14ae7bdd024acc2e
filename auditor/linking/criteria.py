"""The points a row's scoring criteria hand out (评分标准: ``1、…是否真实(1分)；2、…是否完整(1分)``,
``…纳入考核体系的，得5分；…挂钩机制的，得5分``) against the row's own points: the points that open
each criterion's bracket, or that a criterion awards (得n分), are the row's points split up.

Only a cell of plain additive criteria is read: every other figure in it sits inside a criterion's
bracket (``(2分，其中…1分…)``), no word of a per-item or capped award (每, 最高: rules), no
criterion is worth nothing (``(0分)``, ``得0分``: a scale of alternatives), and criteria that hand
out more than the row's points while one of them alone is worth all of them are alternatives too
(完成(5分)；基本完成(3分)), not parts.
"""

from __future__ import annotations

from auditor.linking.context import Context
from auditor.model import Claim

OPENERS = "(（"
CLOSERS = ")）"
AFTER_POINTS = CLOSERS + ",，;；。 \t|\n"  # (1分), (2分，其中…), 得5分；…: not (1分/项), not 得1分、2分


def numbering(ctx: Context, claim: Claim, cell_start: int) -> bool:
    """1. or 2、 opening a criterion (at the cell's start or after one ends): a list number, no figure."""
    before = ctx.text[cell_start:claim.span.start].rstrip()
    return not claim.quantity.unit and ctx.text[claim.span.end:claim.span.end + 1] in (".", "、", "．") and \
        (not before or before[-1] in "。；;")


def criteria_points(ctx: Context, cells, claims: list[Claim], points: Claim) -> list[Claim]:  # noqa: ANN001
    """The criteria points of the criteria cell among ``cells`` (a row's), or [] when the cell is
    not one of plain additive criteria."""
    words = ctx.rules.param("SUM002", "criteria_headers", [])
    cell = next((c for c in cells if any(w in "".join(c.header_path) for w in words)), None)
    if cell is None or any(w in ctx.at(cell.span) for w in ctx.rules.param("SUM002", "criteria_per_item", [])):
        return []
    inside = [c for c in claims if cell.span.start <= c.span.start < cell.span.end and not numbering(ctx, c, cell.span.start)]
    opened = [c for c in inside if c.quantity.unit == "分" and ctx.text[c.span.start - 1] in OPENERS]
    brackets = []
    for c in opened:
        close = min((k for k in (ctx.text.find(ch, c.span.end, cell.span.end) for ch in CLOSERS) if k >= 0),
                    default=cell.span.end)
        brackets.append((c.span.start, close))
    awarded = [c for c in inside if c.quantity.unit == "分" and ctx.text[c.span.start - 1] == "得"
               and not any(a < c.span.start < b for a, b in brackets)]
    criteria = sorted(opened + awarded, key=lambda c: c.span.start)
    if not criteria or any(c.span.end < cell.span.end and ctx.text[c.span.end] not in AFTER_POINTS for c in criteria):
        return []  # (1分/项): a rate per item, not a criterion's share
    if any(c not in criteria and not any(a <= c.span.start < b for a, b in brackets) for c in inside):
        return []  # a figure outside the criteria: a tier (≥95%) or a formula (×5分), not parts
    values = [c.quantity.value for c in criteria]
    if 0 in values or (sum(values) > points.quantity.value and points.quantity.value in values):
        return []
    return criteria
