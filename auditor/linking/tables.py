"""Constraints from table structure: funding rows (B/A, its score, its cap), indicator rows (cap,
完成 with partial marks, missed targets with full marks), point budgets of indicator groups, the
总分 row against its items, staffing control rates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.linking.context import POINTS_IN_LABEL, Context, label, squash
from auditor.linking.criteria import criteria_points
from auditor.linking.flat_funding import FundingRow, funding_rows
from auditor.linking.indicator_rows import IndicatorRow
from auditor.linking.indicator_rows import constraint as indicator_table
from auditor.model import Cell, Claim, Constraint


def is_total_row(ctx: Context, label: str) -> bool:
    """总分 / 合计 / …自评得分: the row of a table's total score (words in rules/lexicon.yaml)."""
    words = ctx.rules["lexicon"]["score_cues"]
    return label in words["total_row"] or (label.endswith(words["total_row_suffix"])
                                           and len(label) <= len(words["total_row_suffix"]) + 12)


LABEL_MARKS = "：:"
LABEL_CHARS = 12  # a label before its colon (绩效评价得分：98分)


def narrative_total(ctx: Context, claim: Claim) -> bool:
    """A score the text states as a report's total (自评得分92.5分, 自评得分：92.5分)."""
    cues = ctx.rules["lexicon"]["score_cues"]["narrative_total"]
    subject = claim.subject
    if not subject and ctx.text[claim.span.start - 1:claim.span.start] in LABEL_MARKS:
        # a figure after its label's colon is read without a subject: the label is the words before it
        subject = ctx.text[max(0, claim.span.start - 1 - LABEL_CHARS):claim.span.start - 1]
        subject = subject[max(subject.rfind(mark) for mark in "，,。；;\n") + 1:]
    return any(cue in subject for cue in cues)


@dataclass
class Row:
    block: int
    index: int
    cells: list[Cell]
    claims: list[Claim]
    by_role: dict[str, list[Claim]] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)  # each cell's text in simplified characters (ctx.text)
    _whole: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)  # claim id -> whole

    def __post_init__(self) -> None:
        for claim in self.claims:
            self.by_role.setdefault(claim.role, []).append(claim)

    def one(self, *roles: str, whole: bool = True) -> Claim | None:
        for role in roles:
            for claim in self.by_role.get(role, ()):
                if not whole or self.whole(claim):
                    return claim
        return None

    def whole(self, claim: Claim) -> bool:
        """The figure is its cell's whole content (a value cell, not a figure inside a label)."""
        found = self._whole.get(claim.id)  # asked by every finder reading the row (rows are shared)
        if found is None:
            cell = next((c for c in self.cells if c.col == claim.cell[1]), None)
            found = self._whole[claim.id] = cell is not None and squash(cell.text) == squash(claim.text)
        return found

    def cell_under(self, *headers: str) -> Cell | None:
        for cell in self.cells:
            path = "".join(cell.header_path)
            if any(h in path for h in headers):
                return cell
        return None

    def view(self, i: int) -> str:
        """Cell ``i``'s text in simplified characters, to match vocabulary (a traditional table)."""
        return self.views[i] if i < len(self.views) else self.cells[i].text

    @property
    def first_label(self) -> str:
        return next((label(self.view(i)) for i, c in enumerate(self.cells) if squash(c.text)), "")

    @property
    def labels(self) -> tuple[str, ...]:
        return self.cells[0].row_header if self.cells else ()


def rows_of(ctx: Context, sheet: list[int]) -> list[Row]:
    """The rows of a sheet's tables that hold more than headers (built once per table and report:
    a dozen finders read them)."""
    built = ctx.once("table_rows", lambda _: {})
    rows = []
    for block in sheet:
        if block not in built:
            built[block] = [Row(block, index, list(cells), ctx.rows.get((block, index), []),
                                views=[ctx.at(c.span) for c in cells])
                            for index, cells in enumerate(ctx.block(block).rows)
                            if cells and not all(c.is_header for c in cells if squash(c.text))]
        rows += built[block]
    return rows


def is_funding(row: Row) -> bool:
    return row.one("executed") is not None and row.one("adjusted_budget", "budget") is not None


def is_indicator(row: Row) -> bool:
    return row.one("max") is not None and row.one("score") is not None and not is_funding(row)


def group_claims(row: Row) -> list[tuple[int, str, Claim | None]]:
    """(level, label, the label's point claim when this row holds the label cell) per labelled level."""
    out = []
    for level, text in enumerate(row.labels):
        text = squash(text)
        if POINTS_IN_LABEL.search(text):
            cols = {c.col for i, c in enumerate(row.cells) if squash(row.view(i)) == text}
            holder = next((c for c in row.claims if c.quantity.dimension == "points" and c.cell[1] in cols), None)
            out.append((level, text, holder))
    return out


def is_scored(row: Row) -> bool:
    """An item row with a score but no point column of its own (得分 only, points in the header)."""
    return row.one("score") is not None and row.one("max") is None and not is_funding(row)


def header_points(ctx: Context, row: Row, column: int) -> list[Claim]:
    """The point budgets the header above ``row`` states for ``column`` (得分（20分×执行率）) and
    for the whole block (预算执行情况（20分）, its label in the first column)."""
    rows = ctx.block(row.block).rows
    header = next((r for r in range(row.index - 1, -1, -1) if rows[r] and all(c.is_header for c in rows[r])), None)
    if header is None:
        return []
    cols = {column, min(c.col for c in rows[header])}
    return [c for c in ctx.rows.get((row.block, header), []) if c.cell[1] in cols
            and c.role == "max" and c.quantity.dimension == "points"]


def funding_constraints(ctx: Context, row: Row) -> Iterator[Constraint]:
    executed = row.one("executed")
    budget = row.one("adjusted_budget") or row.one("budget")
    rate, points, score = row.one("rate"), row.one("max"), row.one("score")
    if rate is not None:
        # a bare 0.1 under 执行率 may be a fraction as well as a percentage
        bare = "%" not in rate.text and "％" not in rate.text and rate.quantity.value <= 1
        yield ctx.constraint("ratio", "RAT001", [rate, executed, budget], "table", denominators=1,
                             may_be_fraction=bare)
    also: list[Claim] = []
    if points is None and score is not None:
        stated = header_points(ctx, row, score.cell[1])
        said = ctx.once("header_points_compared", lambda _: set())
        if len(stated) >= 2 and not said & {c.id for c in stated}:
            # 预算执行情况（20分） and 得分（20分×执行率）: one budget stated twice, compared whatever the values
            said.update(c.id for c in stated)
            yield ctx.constraint("same_quantity", "XREF001", stated, "table", what="预算执行分值", every=True)
        if stated and len({c.quantity.value for c in stated}) == 1:
            points, also = stated[0], stated[1:]  # several statements of one budget: all are evidence
    if points is not None and score is not None:
        yield ctx.constraint("score_cap", "CAP001", [score, points, *also], "table")
        yield ctx.constraint("score_formula", "SCO001", [score, points, executed, budget], "table",
                             also=[c.id for c in also])


def funding_parts(ctx: Context, total: Row, parts: list[Row]) -> Iterator[Constraint]:
    """年度资金总额 against its 其中 rows (本年财政拨款, 上年结转, 其他资金), column by column."""
    if not parts or (total.one("max") is None and total.one("rate") is None):
        return  # only a score table's funding block lists its sources as parts; basic-data tables nest
    for role in ("budget", "adjusted_budget", "executed"):
        whole = total.one(role)
        if whole is None:
            continue
        values = [p.one(role) for p in parts if p.one(role) is not None]
        if values:
            yield ctx.constraint("sum", "SUM001", [whole, *values], "table", relation="=" if len(values) > 1 else ">=")


def indicator_row(row: Row) -> IndicatorRow:
    """The row's score against its points and, where both measure alike, its target and actual
    value (checked for the whole table at once: indicator_rows)."""
    target, achieved = row.one("target"), row.one("actual")
    alike = target and achieved and target.quantity.dimension == achieved.quantity.dimension and \
        target.quantity.dimension
    return IndicatorRow(target if alike else None, achieved if alike else None, row.one("max"), row.one("score"),
                        squash(row.labels[-1]) if row.labels else "")


def wrapped_below(ctx: Context, row: Row) -> bool:
    """The next row of the block holds one cell of words and no figure (a cell's text wrapped
    onto a line of its own)."""
    rows = ctx.block(row.block).rows
    below = rows[row.index + 1] if row.index + 1 < len(rows) else ()
    filled = [c for c in below if squash(c.text)]
    return len(filled) == 1 and not ctx.rows.get((row.block, row.index + 1))


def indicator_constraints(ctx: Context, row: Row) -> Iterator[Constraint]:
    points, score = row.one("max"), row.one("score")
    actual = row.cell_under("实际完成")
    reason = row.cell_under("偏差原因")
    done = ctx.rules.param("SCO002", "done_words", ["完成", "达成"])
    blank = ctx.rules.param("SCO002", "no_reason", ["无", "/", "-", "—", "——", "无偏差"])
    indicator = row.labels[-1] if row.labels else ""
    status = squash(actual.text) if actual is not None else ""
    achieved = any(w in status for w in done) and not any(w in status for w in ("未", "没有", "部分", "基本", "尚"))
    if reason is not None and squash(reason.text) not in ("", *blank):
        return
    if reason is None and wrapped_below(ctx, row):
        return  # a row of words alone under it: its 偏差原因 may have wrapped onto that line
    target_cell = row.cell_under(*(w for w, role in ctx.rules["lexicon"]["header_roles"].items() if role == "target"))
    if not achieved and target_cell is not None and status not in ("", *blank) and squash(target_cell.text) == status and \
            not any(c.cell is not None and c.cell[1] in (target_cell.col, actual.col) for c in row.claims):
        achieved = True  # the target's own words written as the actual value (按季度发放 | 按季度发放)
    if achieved:
        yield ctx.constraint("qualitative", "SCO002", [score, points], "table", spans=(actual.span,),
                             indicator=squash(indicator))
        return
    # a figure reaching its target (or a whole rate against a target in words): the check compares them
    measured = indicator_row(row)
    figure = row.one("actual")
    if measured.actual is not None:
        yield ctx.constraint("qualitative", "SCO002", [score, points, measured.actual, measured.target], "table",
                             spans=(measured.actual.span,), indicator=squash(indicator))
    elif figure is not None and target_cell is not None and squash(target_cell.text) and \
            not any(c.cell == (row.index, target_cell.col) for c in row.claims):
        yield ctx.constraint("qualitative", "SCO002", [score, points, figure], "table", spans=(figure.span,),
                             indicator=squash(indicator))


def group_tree(ctx: Context, indicators: list[Row]) -> Iterator[Constraint]:
    """Point budgets of labelled groups (产出指标(50分) › 数量指标 …) against their members."""
    holders: dict[tuple[int, str], Claim] = {}
    members: dict[tuple[int, str], list[Row]] = {}
    order: list[tuple[int, str]] = []
    for row in indicators:
        for level, text, holder in group_claims(row):
            key = (level, text)
            if holder is not None:
                holders[key] = holder
            if key not in members:
                members[key] = []
                order.append(key)
            members[key].append(row)
    parent_of: dict[tuple[int, str], tuple[int, str]] = {}
    for key in order:
        for other in order:
            if other[0] < key[0] and set(map(id, members[key])) <= set(map(id, members[other])):
                if key not in parent_of or other[0] > parent_of[key][0]:
                    parent_of[key] = other
    covered: set[int] = set()  # rows whose criteria a group's tree takes in
    for top in (k for k in order if k not in parent_of and k in holders):
        tree = []
        for key in [top, *(k for k in order if parent_of.get(k) == top)]:
            if key not in holders:
                continue
            children = [k for k in order if parent_of.get(k) == key]
            if children and all(c in holders for c in children):
                child_ids = [holders[c].id for c in children]
            else:
                child_ids = [r.one("max").id for r in members[key] if r.one("max") is not None]
            tree.append((holders[key].id, child_ids))
        tree += criteria_nodes(ctx, members[top])
        covered.update(map(id, members[top]))
        ids = [i for node, kids in tree for i in (node, *kids)]
        yield ctx.constraint("group_points", "SUM002", [ctx.by_id[i] for i in dict.fromkeys(ids)], "table",
                             tree=tree)
    for row in indicators:  # a row in no labelled group: its criteria against its points alone
        tree = criteria_nodes(ctx, [row]) if id(row) not in covered else []
        if tree:
            yield ctx.constraint("group_points", "SUM002", [ctx.by_id[i] for i in (tree[0][0], *tree[0][1])], "table",
                                 tree=tree)
    # an item scored above the point budget of the group it sits in
    for key, rows in members.items():
        if key in holders and len(rows) == 1 and key[0] > 0:
            score = rows[0].one("score")
            if score is not None:
                yield ctx.constraint("score_cap", "CAP001", [score, holders[key]], "table")


def criteria_nodes(ctx: Context, rows: list[Row]) -> list[tuple[int, list[int]]]:
    """Each row's points against the points its scoring criteria hand out (评分标准 …(1分)), as
    nodes of a point tree."""
    nodes = []
    for row in rows:
        points = row.one("max")
        criteria = criteria_points(ctx, row.cells, row.claims, points) if points is not None else []
        if criteria:
            nodes.append((points.id, [c.id for c in criteria]))
    return nodes


def total_row(ctx: Context, row: Row, indicators: list[Row], funding: Row | None, sheet: list[int]) -> Iterator[Constraint]:
    numbers = [c for c in row.claims if row.whole(c)]
    if not numbers or len(numbers) > 2:
        return
    if len(numbers) == 2:
        stated_max, stated_score = numbers
    elif numbers[0].role in ("max", "score"):  # one figure: its column says which it is
        stated_max, stated_score = (numbers[0], None) if numbers[0].role == "max" else (None, numbers[0])
    else:
        return
    items = [*indicators, *([funding] if funding else [])]
    item_max = [r.one("max").id for r in items if r.one("max")]
    item_score = [r.one("score").id for r in items if r.one("score")]
    if not (stated_max and item_max) and not (stated_score and item_score):
        return
    flat = text_funding(ctx, sheet) if funding is None else []
    if len(flat) == 1:  # the form's funding row, flattened into the text above the table
        item_max.append(flat[0].cells["max"].id)
        item_score.append(flat[0].cells["score"].id)
    related = [funding.one("score").id] if funding and funding.one("score") else []
    first = ctx.block(sheet[0]).span.start
    previous_table = max((i for i in range(sheet[0]) if ctx.block(i).kind == "table"), default=-1)
    for claim in ctx.narrative:  # the report's own statement of this table's total, just before it
        if claim.role == "score" and claim.span.end <= first and claim.block >= max(sheet[0] - 3, previous_table + 1) \
                and narrative_total(ctx, claim):
            related.append(claim.id)
    claims = [c for c in (stated_max, stated_score) if c is not None]
    item_max = item_max if stated_max else []
    item_score = item_score if stated_score else []
    claims += [ctx.by_id[i] for i in dict.fromkeys(item_max + item_score)]  # evidence of the relation
    yield ctx.constraint("total_score", "SUM003", claims, "table",
                         max=stated_max.id if stated_max else None, score=stated_score.id if stated_score else None,
                         item_max=item_max, item_score=item_score, related=related,
                         funding_unread=funding is None and len(flat) != 1 and funding_in_text(ctx, sheet))


def text_before(ctx: Context, sheet: list[int]) -> tuple[int, int]:
    """The text between the previous table and this one."""
    previous_table = max((i for i in range(sheet[0]) if ctx.block(i).kind == "table"), default=-1)
    return ctx.block(previous_table).span.end if previous_table >= 0 else 0, ctx.block(sheet[0]).span.start


def text_funding(ctx: Context, sheet: list[int]) -> list[FundingRow]:
    start, end = text_before(ctx, sheet)
    return [r for r in funding_rows(ctx) if start <= r.start < end]


def funding_in_text(ctx: Context, sheet: list[int]) -> bool:
    """A funding header (全年执行数 … 得分) in the text of the form before this table: the form's
    funding item may be there, unread as a row."""
    start, end = text_before(ctx, sheet)
    words = [w for w, role in ctx.rules["lexicon"]["header_roles"].items() if role == "executed"]
    return any(w in ctx.text[start:end] for w in words)


def control_rate(ctx: Context, row: Row) -> Iterator[Constraint]:
    establishment, staff, rate = row.one("establishment"), row.one("staff"), row.one("rate")
    if establishment and staff and rate:
        yield ctx.constraint("ratio", "RAT004", [rate, staff, establishment], "table", denominators=1)


def find(ctx: Context) -> Iterator[Constraint]:
    carried: Row | None = None
    for n, sheet in enumerate(ctx.sheets):
        # a funding block set apart from its indicator table by a blank line still counts in its 总分
        adjacent = n > 0 and sheet[0] == ctx.sheets[n - 1][-1] + 1
        funding: Row | None = carried if adjacent else None  # the funding total (年度资金总额)
        funding_rows: list[Row] = []  # it and its 其中 rows, while they run
        indicators: list[Row] = []
        for row in rows_of(ctx, sheet):
            part_of_funding = funding_rows and not is_indicator(row) and row.one("executed", "budget", "adjusted_budget")
            if funding_rows and not part_of_funding and not is_funding(row):
                yield from funding_parts(ctx, funding_rows[0], funding_rows[1:])
                funding_rows = []
            if is_total_row(ctx, row.first_label) and not is_funding(row) and row.one("establishment") is None:
                yield from total_row(ctx, row, indicators, funding, sheet)
                yield from group_tree(ctx, indicators)
                yield from indicator_table(ctx, (indicator_row(r) for r in indicators if is_indicator(r)))
                funding, indicators = None, []
            elif is_funding(row) or part_of_funding:
                if not funding_rows and is_funding(row):
                    funding = row  # this table's own funding total replaces one carried over
                funding_rows.append(row)
                if is_funding(row):
                    yield from funding_constraints(ctx, row)
            elif is_indicator(row):
                indicators.append(row)
                yield from indicator_constraints(ctx, row)
            elif is_scored(row) and row.whole(row.one("score")):
                indicators.append(row)
            else:
                yield from control_rate(ctx, row)
        if funding_rows:
            yield from funding_parts(ctx, funding_rows[0], funding_rows[1:])
        if indicators:
            yield from group_tree(ctx, indicators)
            yield from indicator_table(ctx, (indicator_row(r) for r in indicators if is_indicator(r)))
        # carried to the next table only when it is a score table's funding block (with its points)
        carried = funding if not indicators and funding is not None and funding.one("max") else None
