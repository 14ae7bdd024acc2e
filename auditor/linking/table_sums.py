"""Relations inside any rebuilt table, whatever its form: a 合计/小计 column is the sum of the
columns sharing its upper header, a 合计/小计 row the sum of the rows above it, and a rate line
(增减%, 比上年增长%, 占调整预算%) is recomputed from the two amount lines its label names. Lines are
columns (keyed by their header path) or rows (keyed by their label); the vocabulary is the
`relations` section of rules/tables.yaml. Where the extent of the parts or the operands is not
certain (nested rows without markers, a column group without its own total, two candidate
operands), nothing is formed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.linking.context import Context, squash
from auditor.model import Block, Claim, Constraint

BLANK = object()  # an empty cell (or a placeholder such as —): nothing, counted as no part
WORDS = object()  # a cell of words, or one whose figure is not its whole content: unplaced
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
SIGNS = "-−－"
QIZHONG = "其中"
UNIT_DECLARATION = ("单位", "金额单位")  # 单位：万元 over a column is no header of it
# rates do not add up; point budgets and scores are the score-table finders' (their groups are known there)
NOT_ADDED = ("percent", "points")
UNIT_SUFFIX = re.compile(r"[（(][^（）()]{1,6}[）)]$")  # 实发资金合计(万元)
# numbering styles, outermost first: 一、 (一) 1. (1)
LEVELS = (re.compile(r"^[一二三四五六七八九十]+[、.．]"), re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
          re.compile(r"^\d{1,2}[、.．](?!\d)"), re.compile(r"^[（(]\d{1,2}[）)]"))


@dataclass
class Line:
    """A column or a row of figures: ``cells`` maps the crossing line's index to its cell's figure."""

    index: int
    key: tuple[str, ...]
    cells: dict[int, object] = field(default_factory=dict)
    empty: bool = False  # a row of a label alone: every amount blank
    group: tuple[str, ...] = ()  # a row's outer labels (产出指标 › 数量指标): its group in the form
    labelled: bool = True  # a row with a label cell of its own (not only one carried down from above)

    def at(self, index: int) -> object:
        return self.cells.get(index, BLANK if self.empty else None)

    @property
    def name(self) -> str:
        return "".join(self.key)

    def figures(self) -> list[Claim]:
        return [v for v in self.cells.values() if isinstance(v, Claim)]


def vocabulary(ctx: Context) -> dict:
    return ctx.rules["tables"].get("relations", {})


def cell_value(ctx: Context, cell, claims: list[Claim], placeholders: tuple[str, ...]) -> object:  # noqa: ANN001
    text = squash(cell.text)
    if not text or text in placeholders:
        return BLANK
    own = [c for c in claims if c.cell == (cell.row, cell.col)]
    if len(own) == 1 and text.lstrip(SIGNS) == squash(own[0].text):
        return own[0]
    return WORDS


def negative(ctx: Context, claim: Claim) -> bool:
    before = ctx.text[max(0, claim.span.start - 1):claim.span.start]
    return bool(before) and before in SIGNS


def segments(ctx: Context, block: int, placeholders: tuple[str, ...],
             serial: tuple[str, ...] = ()) -> Iterator[tuple[list[Line], list[Line]]]:
    """(columns, rows) of each run of data rows under one header: rows keyed by their label,
    columns by their header path (a column whose cells disagree on their path is left out)."""
    columns: dict[int, Line] = {}
    rows: list[Line] = []
    broken: set[int] = set()
    misaligned = False  # a row with figures under no column: the loader could not align this table

    def done() -> tuple[list[Line], list[Line]]:
        if misaligned:
            return [], []
        kept = [c for i, c in sorted(columns.items()) if i not in broken and c.figures()  # columns of amounts
                and not any(w in c.name for w in serial)  # not the line numbers (栏次)
                and c.key and not c.key[-1].startswith(UNIT_DECLARATION)]  # a column with a header of its own
        return kept, rows

    for r, cells in enumerate(ctx.block(block).rows):
        if not cells:
            continue
        if all(c.is_header for c in cells if squash(c.text)):
            if rows:
                yield done()
            columns, rows, broken, misaligned = {}, [], set(), False
            continue
        claims = ctx.rows.get((block, r), [])
        words_of = [squash(h) for h in cells[0].row_header if not re.fullmatch(r"[\d.%\s]*", h)]
        label = words_of[-1] if words_of else ""  # the last label in words (a 栏次 number is none)
        row = Line(r, (label,), group=tuple(words_of[:-1]),
                   labelled=not label or any(squash(ctx.text[c.span.start:c.span.end]) == label for c in cells))
        unplaced = False
        for cell in cells:
            if squash(ctx.text[cell.span.start:cell.span.end]) in {squash(h) for h in cell.row_header}:
                continue  # a label cell (read on the simplified view, as the row header is)
            if not cell.header_path:
                unplaced = unplaced or bool(squash(cell.text))  # a figure the loader could not put under a column
                continue
            value = cell_value(ctx, cell, claims, placeholders)
            row.cells[cell.col] = value
            path = tuple(squash(h) for h in cell.header_path)
            column = columns.setdefault(cell.col, Line(cell.col, path))
            if column.key != path:
                broken.add(cell.col)
            column.cells[r] = value
        row.empty = not row.cells and not unplaced
        misaligned = misaligned or unplaced
        if row.cells or label:
            rows.append(row)
    if rows:
        yield done()


def is_total(name: str, words: list[str]) -> bool:
    name = UNIT_SUFFIX.sub("", strip_numbering(name))
    return any(name.endswith(w) for w in words) and len(name) <= 8


def is_rate(name: str, rate_words: list[str]) -> bool:
    return any(w in name for w in rate_words)


def strip_numbering(name: str) -> str:
    for level in LEVELS:
        name = level.sub("", name)
    return name


def level_of(name: str) -> int:
    for n, level in enumerate(LEVELS):
        if level.match(name):
            return n
    return len(LEVELS)  # unnumbered


def one_kind(claims: list[Claim]) -> bool:
    """All figures of one unit; bare figures among figures whose column names a unit of factor 1
    (人, 个) count in it, never beside 万元 (their scale would be a guess)."""
    kinds = {(c.quantity.dimension, c.quantity.unit, c.quantity.factor) for c in claims if c.quantity.unit}
    bare = any(not c.quantity.unit for c in claims)
    return len(kinds) <= 1 and not (bare and kinds and next(iter(kinds))[2] != 1)


def sum_constraint(ctx: Context, total: Line, parts: list[Line], at: int, key: str,
                   least: int = 1) -> Constraint | None:
    """The total line's figure at ``at`` against the parts' figures there: only when every part's
    cell is placed (a figure or blank), at least ``least`` are figures, and all are of one kind."""
    whole = total.cells.get(at)
    if not isinstance(whole, Claim) or negative(ctx, whole):
        return None
    figures = []
    for part in parts:
        value = part.at(at)
        if value is None or value is WORDS:
            return None
        if isinstance(value, Claim):
            if negative(ctx, value) or not part.labelled:
                return None  # a figure in a row without a label of its own: a part of which item?
            figures.append(value)
    if len(figures) < least or not one_kind([whole, *figures]) or whole.quantity.dimension in NOT_ADDED:
        return None
    return ctx.constraint("sum", "SUM001", [whole, *figures], "table", table=key)


def column_totals(ctx: Context, columns: list[Line], rows: list[Line], words: dict) -> Iterator[Constraint]:
    """A column headed 合计 is the sum of the columns beside it under the same upper header: the
    ones after it when the totals there open their groups (合计 | A | B), the ones before it when
    they close them (A | B | 合计). A sibling column group counts through its own 合计 column, or
    the total is left alone."""
    total_words = words["total_words"]
    for total in columns:
        if not total.key or not is_total(total.key[-1], total_words):
            continue
        depth, prefix = len(total.key) - 1, total.key[:-1]
        entries: list[tuple[str, list[Line]]] = []  # the columns under the prefix, by their head there
        for other in columns:
            if len(other.key) > depth and other.key[:depth] == prefix:
                head = other.key[depth]
                if entries and entries[-1][0] == head and other.key != total.key:
                    entries[-1][1].append(other)
                else:
                    entries.append((head, [other]))
        totals = [i for i, (_, members) in enumerate(entries) if members[0].key[depth:] == members[0].key[-1:]
                  and is_total(members[0].key[-1], total_words)]
        at = next(i for i, (_, members) in enumerate(entries) if total in members)
        if totals[0] == 0:
            span = entries[at + 1:next((i for i in totals if i > at), len(entries))]
        elif totals[-1] == len(entries) - 1:
            span = entries[max((i for i in totals if i < at), default=-1) + 1:at]
        else:
            continue  # a total among its siblings: which side it adds up is not certain
        parts: list[Line] | None = []
        for head, members in span:
            if head.startswith("其中") or is_rate(head, words["rate_words"]):
                parts = None  # a 其中 column is part of another; a rate is no amount
                break
            if len(members) == 1 and len(members[0].key) == depth + 1:
                parts.append(members[0])
                continue
            own = [m for m in members if len(m.key) == depth + 2 and is_total(m.key[-1], total_words)]
            if len(own) != 1:
                parts = None
                break
            parts.append(own[0])
        if not parts or len(parts) < 2:
            continue
        for row in rows:
            if is_rate(row.name, words["rate_words"]):
                continue
            found = sum_constraint(ctx, total, parts, row.index, "column")
            if found is not None:
                yield found


def row_parts(rows: list[Line], words: dict) -> list[Line] | None:
    """The rows a total row adds up: all of them when they are of one level, the outermost
    numbered ones when the first row is one of them (the others are their items), else unknown."""
    if not rows or any(r.name.startswith("其中") for r in rows):
        return None  # a 其中 row is part of the row above it: which rows are siblings is not certain
    levels = [level_of(r.name) for r in rows]
    top = min(levels)
    if len(set(levels)) == 1:
        return rows
    if levels[0] == top and top < len(LEVELS):
        return [r for r, lv in zip(rows, levels) if lv == top]
    return None


def heading_runs(rows: list[Line], at: int) -> set[tuple[int, int]]:
    """(i, end) for each row i whose figure at ``at`` could be the sum of the two or more figures
    of rows i+1..end (within their rounding)."""
    values = [r.at(at) for r in rows]
    runs = set()
    for i, head in enumerate(values):
        if not isinstance(head, Claim) or not head.quantity.value:
            continue
        low = high = 0
        count = 0
        for end in range(i + 1, len(values)):
            value = values[end]
            if isinstance(value, Claim):
                low += value.quantity.base_low
                high += value.quantity.base_high
                count += 1
                if low > head.quantity.base_high:
                    break
                if count >= 2 and head.quantity.base_low <= high:
                    runs.add((i, end))
    return runs


def hidden_headings(rows: list[Line], columns: list[Line]) -> tuple[set[int], list[tuple[int, int]]]:
    """Rows that could be the sum of a run of rows right after them: unmarked headings with their
    items, which a flat reading would count twice. Returns (columns where some run adds up and
    no flat sum is certain, the runs that add up in every column, two or more, where their head
    has a figure: headings for certain). A run that fails in two or more columns and holds in
    fewer is a coincidence of rounding (16 ≈ 1 + 4 + 10 at ±0.5 each): it holds nothing back."""
    runs = [(column.index, heading_runs(rows, column.index)) for column in columns]
    skip: set[int] = set()
    headings = []
    for run in sorted(set().union(*(found for _, found in runs))):
        head = rows[run[0]]
        checked = [at for at, _ in runs if isinstance(head.at(at), Claim) and head.at(at).quantity.value]
        holds = [at for at, found in runs if run in found]
        fails = len(checked) - len(holds)
        if len(checked) >= 2 and not fails:
            headings.append(run)
        elif not (fails >= 2 and len(holds) < fails):
            skip.update(holds)
    if any(a[1] >= b[0] for a, b in zip(headings, headings[1:])):  # overlapping runs: which is the heading?
        skip.update(at for at, _ in runs)
        headings = []
    return skip, headings


def total_rank(name: str, words: dict) -> int:
    """How much a total row closes: 小计 < 合计 < 总计 (rules: total_ranks)."""
    name = UNIT_SUFFIX.sub("", strip_numbering(name))
    return max((r for w, r in words.get("total_ranks", {}).items() if name.endswith(w)), default=0)


def row_totals(ctx: Context, columns: list[Line], rows: list[Line], words: dict) -> Iterator[Constraint]:
    """A row labelled 合计/小计 is the sum of the rows between it and the previous total of its
    rank or higher (or the header), column by column; a lower total in between (小计 under 合计)
    stands for the rows above it."""
    totals: list[int] = []
    for n, row in enumerate(rows):
        if not is_total(row.name, words["total_words"]):
            continue
        rank = total_rank(row.name, words)
        start = max((t for t in totals if total_rank(rows[t].name, words) >= rank), default=-1) + 1
        lower = [t for t in totals if t >= start]
        totals.append(n)
        after = lower[-1] + 1 if lower else start
        candidates = [r for r in rows[after:n] if not is_rate(r.name, words["rate_words"])]
        if len({r.group for r in candidates}) > 1:
            continue  # rows under several outer labels: which level adds up is not certain
        parts = row_parts(candidates, words)
        if parts is None or len(parts) + len(lower) < 2:
            continue
        flat = len(parts) == len(candidates)
        amounts = [c for c in columns if not is_rate(c.name, words["rate_words"])]
        skip, headings = hidden_headings(parts, amounts) if flat else (set(), [])
        for head, end in headings:  # the heading stands for its items
            for column in amounts:
                found = sum_constraint(ctx, parts[head], parts[head + 1:end + 1], column.index, "heading", least=2)
                if found is not None:
                    yield found
        parts = [p for k, p in enumerate(parts) if not any(head < k <= end for head, end in headings)]
        parts = [rows[t] for t in lower] + parts
        if len(parts) < 2:
            continue
        for column in amounts:
            if column.index in skip:
                continue
            found = sum_constraint(ctx, row, parts, column.index, "row")
            if found is not None:
                yield found


def heading_totals(ctx: Context, columns: list[Line], rows: list[Line], words: dict) -> Iterator[Constraint]:
    """A numbered row (一、税收收入) followed by rows of a deeper level is the sum of them, up to
    the next row of its level or a total row; only when its items are all of one level."""
    for n, head in enumerate(rows):
        level = level_of(head.name)
        if level == len(LEVELS) or head.empty or is_rate(head.name, words["rate_words"]):
            continue
        items = []
        for row in rows[n + 1:]:
            if level_of(row.name) <= level or is_total(row.name, words["total_words"]) or row.group != head.group:
                break
            items.append(row)
        if len(items) < 2 or row_parts(items, words) is not items:
            continue
        amounts = [c for c in columns if not is_rate(c.name, words["rate_words"])]
        skip, headings = hidden_headings(items, amounts)
        if headings:
            continue  # items with items of their own: which level adds up is not certain
        for column in amounts:
            if column.index in skip:
                continue
            # a heading over one figure may be a subset (贫困户 among 受益人数), not its only part
            found = sum_constraint(ctx, head, items, column.index, "heading", least=2)
            if found is not None:
                yield found


def qizhong_totals(ctx: Context, columns: list[Line], rows: list[Line], words: dict) -> Iterator[Constraint]:
    """A row followed by numbered 其中 rows (“三公”经费 › 其中：(一)… (二)… (三)…) is the sum of
    the rows of the first one's level, up to a row of an outer level, an unnumbered row or a total;
    rows of a deeper level between them are their items, not parts."""
    for n, head in enumerate(rows[:-1]):
        first = rows[n + 1]
        if head.empty or not first.name.startswith(QIZHONG) or is_rate(head.name, words["rate_words"]):
            continue
        level = level_of(first.name[len(QIZHONG):].lstrip(":："))
        if level == len(LEVELS):
            continue  # 其中：基本支出 alone: which rows are its siblings is not marked
        items = [first]
        for row in rows[n + 2:]:
            row_level = level_of(row.name)
            if row.group != head.group or is_total(row.name, words["total_words"]) or row_level < level \
                    or row_level == len(LEVELS):
                break
            if row_level == level:
                items.append(row)
        if len(items) < 2:
            continue
        for column in columns:
            if not is_rate(column.name, words["rate_words"]):
                found = sum_constraint(ctx, head, items, column.index, "qizhong", least=2)
                if found is not None:
                    yield found


def years_in(name: str) -> list[int]:
    return [int(y) for y in YEAR.findall(name)]


def only(lines: list[Line]) -> Line | None:
    return lines[0] if len(lines) == 1 else None


def growth_operands(rate: Line, lines: list[Line], words: dict) -> tuple[Line, Line] | None:
    """(this year, last year) for a growth line: the two years its own label names (2016年比2015年
    增减%); else this year is its only sibling amount under its upper header (本年执行数 › 金额) or
    the line of the year or word (本年) the header names, last year the line of the year before
    (or named 上年)."""
    amounts = [ln for ln in lines if ln is not rate and not is_rate(ln.name, words["rate_words"])]

    def of_year(year: int) -> Line | None:
        return only([ln for ln in amounts if years_in(ln.name) == [year]])

    def named(key: str) -> Line | None:
        return only([ln for ln in amounts if any(w in ln.name for w in words[key])])

    own = years_in(rate.key[-1])
    if len(own) == 2:
        current, previous = of_year(own[0]), of_year(own[1])
    elif own:
        return None
    else:
        upper = sorted({y for part in rate.key[:-1] for y in years_in(part)})
        if len(upper) > 1:
            return None
        current = only([ln for ln in amounts if ln.key[:-1] == rate.key[:-1]]) if len(rate.key) > 1 else None
        if not upper:  # a flat header: the lines named 本年 and 上年, or the only two years' lines
            years = sorted({y for ln in amounts for y in years_in(ln.name)})
            upper = years[1:] if len(years) == 2 and years[1] - years[0] == 1 and not named("current_words") else []
        if current is None:
            current = of_year(upper[0]) if upper else named("current_words")
        previous = of_year(upper[0] - 1) if upper else named("previous_words")
    return (current, previous) if current and previous and current is not previous else None


def share_operands(rate: Line, word: str, lines: list[Line], words: dict) -> tuple[Line, Line] | None:
    """(part, whole) for 占X%: the only other amount beside it under its upper header, over the
    only line named X (or one of X's other spellings)."""
    amounts = [ln for ln in lines if ln is not rate and not is_rate(ln.name, words["rate_words"])]
    names = [word, *words.get("aliases", {}).get(word, [])]
    whole = only([ln for ln in amounts if any(n in ln.name for n in names)])
    if whole is None:
        return None
    part = only([ln for ln in amounts if ln.key[:-1] == rate.key[:-1] and ln is not whole])
    return (part, whole) if part else None


def rate_lines(ctx: Context, lines: list[Line], words: dict) -> Iterator[Constraint]:
    share = re.compile(words["share_pattern"])
    for rate in lines:
        if not rate.key:
            continue
        name = rate.key[-1]
        growth = any(w in name for w in words["growth_words"])
        found = share.search(name)
        if growth == bool(found):
            continue  # neither, or both: not a rate this finder knows how to recompute
        operands = growth_operands(rate, lines, words) if growth else share_operands(rate, found.group(1), lines, words)
        if operands is None:
            continue
        first, second = operands
        for at, value in rate.cells.items():
            a, b = first.cells.get(at), second.cells.get(at)
            if not (isinstance(value, Claim) and isinstance(a, Claim) and isinstance(b, Claim)):
                continue
            if not one_kind([a, b]) or negative(ctx, a) or negative(ctx, b):
                continue
            if growth:
                yield ctx.constraint("growth", "RAT005", [value, a, b], "table", current=a.id, previous=b.id,
                                     change=None, rate_sign=-1 if negative(ctx, value) else 1, signed=True, word=name)
            elif not negative(ctx, value):
                yield ctx.constraint("ratio", "RAT002", [value, a, b], "table", denominators=1, word=name)


def shares_of_total(ctx: Context, columns: list[Line], rows: list[Line], words: dict) -> Iterator[Constraint]:
    """A column named a share alone (占比%, 比重) beside one amount column: each row's amount over
    the amount of the table's only total row."""
    totals = [r for r in rows if is_total(r.name, words["total_words"])]
    if len(totals) != 1:
        return
    whole_row = totals[0]
    for rate in columns:
        if not any(UNIT_SUFFIX.sub("", rate.key[-1]).rstrip("%％") == w for w in words["share_words"]):
            continue
        amounts = [c for c in columns if c is not rate and not is_rate(c.name, words["rate_words"])
                   and c.key[:-1] == rate.key[:-1]]
        if len(amounts) != 1:
            continue  # two amount columns (two years): which one the share is of is not certain
        amount = amounts[0]
        whole = amount.cells.get(whole_row.index)
        if not isinstance(whole, Claim) or negative(ctx, whole):
            continue
        for row in rows:
            value, part = rate.cells.get(row.index), amount.cells.get(row.index)
            if isinstance(value, Claim) and isinstance(part, Claim) and one_kind([part, whole]) \
                    and not negative(ctx, value) and not negative(ctx, part):
                yield ctx.constraint("ratio", "RAT002", [value, part, whole], "table", denominators=1,
                                     word=rate.key[-1])


def tables(ctx: Context) -> Iterator[tuple[int, Block, dict, tuple[str, ...]]]:
    """(block index, table, the relations vocabulary, its placeholders) of each table, when the
    rules have a relations vocabulary."""
    words = vocabulary(ctx)
    if not words:
        return
    placeholders = tuple(words.get("placeholders", ()))
    for index, block in enumerate(ctx.doc.blocks):
        if block.kind == "table":
            yield index, block, words, placeholders


def table_segments(ctx: Context, block: int, placeholders: tuple[str, ...],
                   serial: tuple[str, ...]) -> list[tuple[list[Line], list[Line]]]:
    """segments() of a table, built once per report (numbered_rows reads them too)."""
    return ctx.once(f"table_segments:{block}", lambda c: list(segments(c, block, placeholders, serial)))


def find(ctx: Context) -> Iterator[Constraint]:
    for index, _, words, placeholders in tables(ctx):
        for columns, rows in table_segments(ctx, index, placeholders, tuple(words.get("serial_headers", ()))):
            yield from column_totals(ctx, columns, rows, words)
            yield from row_totals(ctx, columns, rows, words)
            yield from heading_totals(ctx, columns, rows, words)
            yield from qizhong_totals(ctx, columns, rows, words)
            yield from rate_lines(ctx, columns, words)
            yield from shares_of_total(ctx, columns, rows, words)
            yield from rate_lines(ctx, rows, words)
