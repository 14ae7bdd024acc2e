"""Rows of label | figure pairs: a form laid out as `到位资金 | 318.40 | 已核查资金 | 318.40 |
核查资金占比 | 100%`. A pair whose label names a share (rules/tables.yaml relations.share_words)
is the amount of one pair over the amount of the other: the part is the pair whose label holds
more of the share's own words (核查 of 核查资金占比), the whole the other. Only a row of exactly
two amounts of one kind and one share is read, and only when the labels decide which is the part.

A part and its whole in one row (`发出问卷 | 52 | 收回有效问卷 | 50`, the pairs of rules/bounds.yaml)
are bounded: the part's figure is no larger than the whole's (LOGIC003), when one pair of the row
is labelled the part and one the whole, of one dimension and unit.

Pairs side by side (`计划安排资金 | 760.00 | 实际到位资金 | 742.15`) over rows of as many pairs
opening with 其中 (`其中：省级财政 | 27.65 | 省级财政 | 27.65`, a row of labels alone where no figure
was given) are totals over the parts below them, pair by pair."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.table_sums import BLANK, NOT_ADDED, QIZHONG, WORDS, cell_value, negative, one_kind, tables
from auditor.model import Claim, Constraint


def pairs(ctx: Context, block: int, row: int, placeholders: tuple[str, ...],
          least: int = 3) -> list[tuple[str, object]] | None:
    """(label, figure or BLANK) of a row made only of ``least`` or more label | figure pairs."""
    cells = [c for c in ctx.block(block).rows[row] if squash(c.text)]
    if len(cells) < 2 * least or len(cells) % 2:
        return None
    claims = ctx.rows.get((block, row), [])
    found = []
    for label, figure in zip(cells[::2], cells[1::2]):
        if cell_value(ctx, label, claims, placeholders) is not WORDS:
            return None
        value = cell_value(ctx, figure, claims, placeholders)
        if value is WORDS:
            return None
        found.append((squash(label.text), value))
    return found


def labels_only(ctx: Context, block: int, row: int, count: int) -> list[tuple[str, object]] | None:
    """A row of ``count`` labels and no figure (其中：中央财政 | 其中：中央财政): parts not given."""
    cells = [c for c in ctx.block(block).rows[row] if squash(c.text)]
    if len(cells) != count or ctx.rows.get((block, row)):
        return None
    return [(squash(c.text), BLANK) for c in cells]


def side_by_side_parts(ctx: Context, block: int, placeholders: tuple[str, ...]) -> Iterator[Constraint]:
    rows = ctx.block(block).rows
    for r in range(len(rows) - 2):
        head = pairs(ctx, block, r, placeholders, least=2)
        if not head or not all(isinstance(v, Claim) for _, v in head):
            continue
        parts = []
        for below in range(r + 1, len(rows)):
            found = pairs(ctx, block, below, placeholders, least=len(head)) or labels_only(ctx, block, below, len(head))
            if not found or len(found) != len(head) or (not parts and not found[0][0].startswith(QIZHONG)):
                break
            parts.append(found)
        if len(parts) < 2:
            continue
        for j, (_, whole) in enumerate(head):
            figures = [row[j][1] for row in parts if isinstance(row[j][1], Claim)]
            if len(figures) < 2 or not one_kind([whole, *figures]) or whole.quantity.dimension in NOT_ADDED \
                    or any(negative(ctx, c) for c in (whole, *figures)):
                continue
            yield ctx.constraint("sum", "SUM001", [whole, *figures], "table", table="pairs")


def shares(ctx: Context, found: list[tuple[str, Claim]], share_words: list[str]) -> Iterator[Constraint]:
    rates = [(label, c) for label, c in found if c.quantity.dimension == "percent"]
    amounts = [(label, c) for label, c in found if c.quantity.dimension not in NOT_ADDED]
    if len(rates) != 1 or len(amounts) != 2 or len(found) != 3:
        return
    (name, rate), ((first, a), (second, b)) = rates[0], amounts
    word = next((w for w in share_words if w in name), None)
    if word is None or not one_kind([a, b]) or any(negative(ctx, c) for c in (rate, a, b)):
        return
    stem = set(name.replace(word, ""))
    held = len(stem & set(first)), len(stem & set(second))
    if held[0] == held[1]:
        return  # the labels do not say which amount is the part
    part, whole = (a, b) if held[0] > held[1] else (b, a)
    yield ctx.constraint("ratio", "RAT002", [rate, part, whole], "table", denominators=1, word=name)


def last_cue(label: str, cues: list[str]) -> int:
    return max((label.rfind(c) + len(c) for c in cues if c in label), default=-1)


def bounds(ctx: Context, found: list[tuple[str, Claim]]) -> Iterator[Constraint]:
    labels = "".join(label for label, _ in found)
    for pair in ctx.rules["bounds"].get("pairs", ()):
        if any(w in labels for w in pair.get("unless", ())):
            continue
        roles: dict[str, list[tuple[str, Claim]]] = {"part": [], "whole": []}
        for label, claim in found:
            part, whole = last_cue(label, pair["part"]), last_cue(label, pair["whole"])
            if max(part, whole) >= 0:
                roles["part" if part > whole else "whole"].append((label, claim))
        if len(roles["part"]) != 1 or len(roles["whole"]) != 1:
            continue
        (part_name, part), (whole_name, whole) = roles["part"][0], roles["whole"][0]
        p, w = part.quantity, whole.quantity
        bare = not part.unit_text and not whole.unit_text  # a unit inherited from the table's heading
        if p.dimension != w.dimension or p.unit != w.unit or not (p.dimension in pair["dimensions"] or bare):
            continue
        yield ctx.constraint("bound", "LOGIC003", [part, whole], "table", pair=pair["name"],
                             part_name=part_name, whole_name=whole_name)


def find(ctx: Context) -> Iterator[Constraint]:
    for index, block, words, placeholders in tables(ctx):
        for row in range(len(block.rows)):
            found = pairs(ctx, index, row, placeholders, least=2)
            if found:
                figures = [(label, v) for label, v in found if isinstance(v, Claim)]
                if len(found) >= 3:
                    yield from shares(ctx, figures, words["share_words"])
                yield from bounds(ctx, figures)
        yield from side_by_side_parts(ctx, index, placeholders)
