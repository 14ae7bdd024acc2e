"""Indicator rows of a score form that reach us flattened into text (a PDF's or a web page's
line of space- or ``|``-separated cells, or one cell per line): ``186人 186人 2 2``,
``≥90% 97% 5 5``, ``4380人 3066人 2 1.4``.

A row is recognised by the types of its cells, never by its wording: a run of figure cells with
nothing but separators between them is read as rows of

    target actual points score   (target and actual measure the same thing: a unit, a %, a comparator)
    actual points score          (the target was words: 按时完成, 定性)
    points score                 (target and actual both words: 及时 及时 20 20; only inside a run
                                  that goes on with a full row)

where points and score are bare numbers and points are a plausible point value (at most full
marks, few decimals). A run that does not split into such rows exactly is left alone, as is any
run in a text that names no points column before a score column (分值 … 得分) or whose nearest
header is another table's. The rows yield the score cap (CAP001) and, with a target, the
missed-target-with-full-marks check (SCO003). A target column flattened ahead of its rows pairs
with them in order when counts and units make it certain; a closing pair of full marks (or a
labelled 总分 pair) is the form's total against its rows and funding row (SUM003).
Rows a loader rebuilt into a table are read again here (a flattened line binds only its first
row to the header's columns); the constraints they share with the table finder are the same ones.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from auditor.linking.context import Context
from auditor.linking.flat_cells import TOKEN, FigureCell, header_runs, runs
from auditor.linking.flat_funding import funding_rows
from auditor.linking.indicator_rows import IndicatorRow
from auditor.linking.indicator_rows import constraint as indicator_table
from auditor.model import Claim, Constraint

SCALE_WORDS = "十百千万亿"
NUMBER = re.compile(r"\d+(?:\.\d+)?")  # a bare number cell: a points or a score
SCORE_COLUMNS = {"max", "score"}
FORM_COLUMNS = {"target", "actual"}  # an indicator form's other columns


@dataclass(frozen=True)
class FlatRow:
    target: Claim | None
    actual: Claim | None
    points: Claim
    score: Claim


def is_points(cell: FigureCell, full_marks: Decimal, decimals: int) -> bool:
    q = cell.claim.quantity
    return cell.bare and 0 < q.value <= full_marks and q.decimals <= decimals


def is_score(cell: FigureCell, decimals: int) -> bool:
    return cell.bare and cell.claim.quantity.decimals <= decimals


def same_measure(a: FigureCell, b: FigureCell) -> bool:
    qa, qb = a.claim.quantity, b.claim.quantity
    if b.claim.quantity.comparator != "=":
        return False  # an actual value states no comparator
    if a.unit.strip("<>=~") == b.unit:
        return True
    # 0.31万人次 against 3000人次: the same unit but for its scale word
    return bool(qa.dimension) and qa.dimension == qb.dimension and \
        qa.unit.lstrip(SCALE_WORDS) == qb.unit.lstrip(SCALE_WORDS) != ""


@dataclass
class Split:
    rows: list[FlatRow]
    closing: tuple[Claim, Claim] | None = None  # a closing pair: the total row's points and score


def split_rows(cells: list[FigureCell], full_marks: Decimal, decimals: int) -> Split | None:
    """The run read as indicator rows, or None when it does not split into them exactly."""
    def pair_at(i: int) -> bool:
        return i + 1 < len(cells) and is_points(cells[i], full_marks, decimals) and is_score(cells[i + 1], decimals + 1)

    rows: list[FlatRow] = []
    i, full = 0, 0
    while i < len(cells):
        c = cells[i]
        if not c.bare and i + 1 < len(cells) and not cells[i + 1].bare and same_measure(c, cells[i + 1]) \
                and pair_at(i + 2):
            rows.append(FlatRow(c.claim, cells[i + 1].claim, cells[i + 2].claim, cells[i + 3].claim))
            i, full = i + 4, full + 1
        elif not c.bare and pair_at(i + 1):
            rows.append(FlatRow(None, c.claim, cells[i + 1].claim, cells[i + 2].claim))
            i, full = i + 3, full + 1
        elif i == 0 and pair_at(0) and len(cells) >= 6 and not cells[2].bare and not cells[3].bare:
            # words for target and actual: only before a full row of both measures
            rows.append(FlatRow(None, None, c.claim, cells[1].claim))
            i += 2
        elif i == len(cells) - 2 and full and all(x.bare for x in cells[i:]):
            # a closing pair belongs to no indicator: the total row's, when its points are full marks
            closing = (cells[i].claim, cells[i + 1].claim)
            return Split(rows, closing if closing[0].quantity.value == full_marks else None)
        else:
            return None
    return Split(rows) if full else None


def score_columns_from(ctx: Context) -> int | None:
    """Where the text has named a points column and then a score column (分值 … 得分): rows are
    read only after it."""
    tables = ctx.rules["tables"]
    points = [at for at in (ctx.text.find(w) for w in tables.get("points_terms", ())) if at >= 0]
    if not points:
        return None
    first = min(points)
    scores = [at for at in (ctx.text.find(w, first + 1) for w in tables.get("score_terms", ())) if at > first]
    return min(scores) if scores else None


def funding_score(ctx: Context, start: int, end: int, taken: set[int]) -> tuple[Claim, Claim] | None:
    """The funding row's points and score between a form's start and its first indicator row: the
    one flattened funding row read there, else the one points and one score figure a loader placed
    there (none other)."""
    read = [r for r in funding_rows(ctx) if start <= r.start < end]
    if len(read) == 1:
        return read[0].cells["max"], read[0].cells["score"]
    if read:
        return None
    between = [c for c in ctx.claims if start <= c.span.start < end and c.id not in taken]
    points = [c for c in between if c.role == "max"]
    scores = [c for c in between if c.role == "score"]
    return (points[0], scores[0]) if len(points) == 1 and len(scores) == 1 else None


def total(ctx: Context, rows: list[FlatRow], closing: tuple[Claim, Claim], form_start: int) -> Iterator[Constraint]:
    """The closing pair against the form's rows and its funding row (总分 = Σ 分值, 得分 = Σ 得分)."""
    if closing[0].cell is not None:
        return  # a total row the loader placed in a table: the table finder's
    taken = {c.id for r in rows for c in (r.target, r.actual, r.points, r.score) if c is not None}
    funding = funding_score(ctx, form_start, rows[0].points.span.start, taken)
    if funding is None:
        return
    stated_max, stated_score = closing
    item_max = [funding[0].id, *(r.points.id for r in rows)]
    item_score = [funding[1].id, *(r.score.id for r in rows)]
    claims = [stated_max, stated_score, *(ctx.by_id[i] for i in item_max + item_score)]
    yield ctx.constraint("total_score", "SUM003", claims, "table", max=stated_max.id, score=stated_score.id,
                         item_max=item_max, item_score=item_score, related=[], whole_exact=True)


def form_starts(ctx: Context) -> list[int]:
    words = ctx.rules["tables"].get("form_starts", ())
    return sorted(m.start() for w in words for m in re.finditer(re.escape(w), ctx.text))


def column_targets(targets: list[FigureCell], rows: list[FlatRow], actuals: list[FigureCell]) -> list[FlatRow]:
    """A column flattened ahead of its rows (a PDF that gives the 年度指标值 column first, then the
    rows of actual, points and score): the targets pair with the rows in order, only when their
    counts are equal, every pair measures the same thing and the units change along the column
    (two or more units, so that the order is shown, not assumed)."""
    if len(targets) < 2 or len(targets) != len(rows) or any(r.target is not None for r in rows):
        return []
    units = {t.unit.strip("<>=~") for t in targets} - {""}
    if len(units) < 2 or not all(t.unit.strip("<>=~") in ("", a.unit) or same_measure(t, a)
                                 for t, a in zip(targets, actuals, strict=True)):
        return []
    return [FlatRow(t.claim, r.actual, r.points, r.score) for t, r in zip(targets, rows, strict=True)]


def target_headers(ctx: Context) -> list[int]:
    """Where the text names a target column (年度指标值, 指标值: header_roles of role target)."""
    words = [w for w, role in ctx.rules["lexicon"]["header_roles"].items() if role == "target"]
    return sorted(m.end() for w in words for m in re.finditer(re.escape(w), ctx.text))


ITEM_NUMBER = re.compile(r"^[\u4e00-\u9fff]{0,4}\d+[:：、.．]")  # 指标1: 3、


def label_before(ctx: Context, at: int) -> str:
    """The indicator's name for messages: the word right before its row (指标5:新建村级公厕)."""
    words = TOKEN.findall(ctx.text[max(0, at - 40):at])
    word = ITEM_NUMBER.sub("", words[-1]) if words else ""
    return word if word and not any(ch.isdigit() for ch in word) else ""


def achieved_unexplained(ctx: Context, row: FlatRow) -> Iterator[Constraint]:
    """The row's actual value against its target (or a whole rate against a target in words),
    scored below its points with no reason (SCO002): only a row whose actual, points and score
    stand on one line that ends with the score, and the next line is another row (it ends with a
    pair of numbers) or there is none: no 偏差原因 cell is there, nor a reason wrapped onto it."""
    if row.actual is None:
        return
    line_end = ctx.text.find("\n", row.score.span.end)
    line_end = len(ctx.text) if line_end < 0 else line_end
    if "\n" in ctx.text[row.actual.span.start:row.score.span.end] or TOKEN.search(ctx.text, row.score.span.end, line_end):
        return
    following = ctx.text[line_end:ctx.text.find("\n", line_end + 1) if "\n" in ctx.text[line_end + 1:] else len(ctx.text)]
    last = following.split()[-2:]
    if following.strip() and not (len(last) == 2 and all(NUMBER.fullmatch(x) for x in last)):
        return
    if row.target is None:  # the word before is the target's, in words: the indicator's name is not known
        yield ctx.constraint("qualitative", "SCO002", [row.score, row.points, row.actual], "table",
                             spans=(row.actual.span,), indicator="")
    else:
        yield ctx.constraint("qualitative", "SCO002", [row.score, row.points, row.actual, row.target], "table",
                             spans=(row.actual.span,), indicator=label_before(ctx, row.target.span.start))


def labelled_total(ctx: Context, cells: list[FigureCell], full_marks: Decimal) -> bool:
    """总分 100 98.6: a pair of bare figures, full marks first, after a total row's label."""
    if len(cells) != 2 or not all(c.bare for c in cells) or cells[0].claim.quantity.value != full_marks:
        return False
    words = TOKEN.findall(ctx.text[max(0, cells[0].start - 20):cells[0].start])
    return bool(words) and words[-1] in ctx.rules["tables"].get("total_labels", ())


def under_score_header(columns: list[tuple[list[str], int]], nearest: int) -> bool:
    """The nearest header run before a row (a second header line of 指标值 完成值 aside) names
    points or score."""
    for roles, _ in reversed(columns[:nearest]):
        if not set(roles) <= FORM_COLUMNS:
            return bool(SCORE_COLUMNS & set(roles))
    return False


def find(ctx: Context) -> Iterator[Constraint]:
    params = ctx.rules["tables"].get("flat_rows", {})
    full_marks = Decimal(str(params.get("full_marks", 100)))
    decimals = int(params.get("points_decimals", 1))
    after = score_columns_from(ctx)
    if after is None:
        return
    starts, headers = form_starts(ctx), target_headers(ctx)
    # the header run nearest before a row must be a score form's (分值, 得分), not a staffing or
    # an accounts table's that the text goes on with
    columns = header_runs(ctx)
    column_ends = [end for _, end in columns]
    form_start, rows, whole = 0, [], True  # the form's rows so far; whole: no run of it left unread
    checked: list[IndicatorRow] = []  # the form's rows as its indicator table checks them
    targets: list[FigureCell] = []  # measures left over since the last target column header
    for cells in runs(ctx):
        if cells[0].start < after:
            continue
        begun = bisect_right(starts, cells[0].start)
        if begun and starts[begun - 1] > form_start:  # a new form (项目名称, …自评表) begins
            yield from indicator_table(ctx, checked)
            form_start, rows, whole, checked = starts[begun - 1], [], True, []
        header = bisect_right(headers, cells[0].start)
        if header and targets and headers[header - 1] > targets[-1].start:
            targets = []  # a target column header after them: they were no targets of these rows
        lead = 0  # measures ahead of the first row (a target column flattened ahead of its rows)
        split = split_rows(cells, full_marks, decimals) if len(cells) >= 3 else None
        while split is None and lead + 3 <= len(cells) and not cells[lead].bare:
            lead += 1
            split = split_rows(cells[lead:], full_marks, decimals)
        if split is None:
            lead = 0
        elif lead:
            targets, cells = targets + cells[:lead], cells[lead:]
        if split is not None and not under_score_header(columns, bisect_right(column_ends, cells[0].start)):
            split = None
        if split is None and rows and labelled_total(ctx, cells, full_marks):
            if whole:
                yield from total(ctx, rows, (cells[0].claim, cells[1].claim), form_start)
            rows, whole, targets = [], False, []
            continue
        if split is None:
            whole = whole and not (rows and any(c.bare for c in cells))
            targets = [] if any(c.bare for c in cells) else targets + cells
            continue
        pending = targets if header and targets and headers[header - 1] <= targets[0].start else []
        actuals = [c for c in cells if any(c.claim is r.actual for r in split.rows)]
        paired = column_targets(pending, split.rows, actuals)
        if pending and not paired and split.rows[0].target is not None:
            # the first measure may be the last of a target column ahead: its row's target is unsure
            first = split.rows[0]
            split.rows[0] = FlatRow(None, first.actual, first.points, first.score)
        targets = []
        for row in paired or split.rows:
            both = row.target is not None and row.actual is not None
            checked.append(IndicatorRow(row.target if both else None, row.actual if both else None, row.points,
                                        row.score, label_before(ctx, row.target.span.start) if both else ""))
            yield from achieved_unexplained(ctx, row)
        rows += split.rows
        if split.closing is not None:
            if whole:
                yield from total(ctx, rows, split.closing, form_start)
            rows, whole = [], False  # whatever follows the total belongs to no row of this form
    yield from indicator_table(ctx, checked)
