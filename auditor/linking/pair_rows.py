"""Rows of label | figure pairs: a form laid out as `投入总数 | 246.37 | 抽查资金总数 | 246.37 |
资金抽查占比 | 100%`. A pair whose label names a share (rules/tables.yaml relations.share_words)
is the amount of one pair over the amount of the other: the part is the pair whose label holds
more of the share's own words (抽查 of 资金抽查占比), the whole the other. Only a row of exactly
two amounts of one kind and one share is read, and only when the labels decide which is the part."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.table_sums import BLANK, NOT_ADDED, WORDS, cell_value, negative, one_kind, vocabulary
from auditor.model import Claim, Constraint


def pairs(ctx: Context, block: int, row: int, placeholders: tuple[str, ...]) -> list[tuple[str, Claim]] | None:
    """(label, figure) of a row made only of label | figure pairs (blank figures dropped)."""
    cells = [c for c in ctx.block(block).rows[row] if squash(c.text)]
    if len(cells) < 6 or len(cells) % 2:
        return None
    claims = ctx.rows.get((block, row), [])
    found = []
    for label, figure in zip(cells[::2], cells[1::2]):
        if cell_value(ctx, label, claims, placeholders) is not WORDS:
            return None
        value = cell_value(ctx, figure, claims, placeholders)
        if value is WORDS:
            return None
        if value is not BLANK:
            found.append((squash(label.text), value))
    return found


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


def find(ctx: Context) -> Iterator[Constraint]:
    words = vocabulary(ctx)
    if not words:
        return
    placeholders = tuple(words.get("placeholders", ()))
    for index, block in enumerate(ctx.doc.blocks):
        if block.kind != "table":
            continue
        for row in range(len(block.rows)):
            found = pairs(ctx, index, row, placeholders)
            if found:
                yield from shares(ctx, found, words["share_words"])
