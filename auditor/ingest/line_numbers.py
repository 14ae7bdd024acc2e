"""Rows of a form with line numbers (行次), halves side by side (收入 | 支出 of a 收入支出决算总表),
that lost their empty cells in the export: `一、财政拨款收入 | 1 | 417.36 | 一、卫生健康支出 | 31`.

The line numbers run down each half one a row. The rows that kept every cell give each half's
numbering (line number − row index, the same in all of them); a narrow row is then bound when
exactly one order-keeping placement of its cells fits: each half's line number in its 行次
column (and no other cell equal to it elsewhere), words in a half's label column, figures in its
amount columns, and no half holding cells without its line number. Otherwise the row is left to
the caller (placed by type, or past the header).
"""

from __future__ import annotations

from collections.abc import Callable

Placement = list[int]
MAX_COLUMNS = 12  # such forms have two or three halves of three columns; the placements grow as C(columns, cells)


def halves(columns: list[str], is_serial: Callable[[str], bool]) -> list[tuple[int, int, int]] | None:
    """(first column, line-number column, end) of each half: halves open with the first
    column's word repeated (项目 | 行次 | 金额 | 项目 | 行次 | 金额), each with one 行次 column."""
    starts = [c for c, word in enumerate(columns) if word == columns[0]]
    if len(starts) < 2 or len(columns) > MAX_COLUMNS:
        return None
    found = []
    for start, end in zip(starts, [*starts[1:], len(columns)]):
        serials = [c for c in range(start + 1, end) if is_serial(columns[c])]
        if len(serials) != 1:
            return None
        found.append((start, serials[0], end))
    return found


def numbering(texts: dict[int, list[str]], width: int, sides: list[tuple[int, int, int]]) -> dict[int, int] | None:
    """Line number − row index of each half's 行次 column, read from the rows that kept all
    ``width`` cells; None unless every such row agrees (and at least two do)."""
    offsets: dict[int, set[int]] = {serial: set() for _, serial, _ in sides}
    full = [r for r, row in texts.items() if len(row) == width]
    for r in full:
        for serial in offsets:
            if not texts[r][serial].isdigit():
                return None
            offsets[serial].add(int(texts[r][serial]) - r)
    if len(full) < 2 or any(len(found) != 1 for found in offsets.values()):
        return None
    return {serial: found.pop() for serial, found in offsets.items()}


def bind(texts: list[str], r: int, columns: list[str], sides: list[tuple[int, int, int]],
         offsets: dict[int, int], is_value: Callable[[str], bool]) -> Placement | None:
    """The only placement of a narrow row's cells that the line numbers and types allow."""
    expected = {serial: str(offset + r) for serial, offset in offsets.items()}
    side_of = {c: k for k, (start, _, end) in enumerate(sides) for c in range(start, end)}
    found: list[Placement] = []

    def fits(text: str, c: int) -> bool:
        if c in expected:
            return text == expected[c]
        if text in expected.values():
            return False  # a half's line number under another column
        return not is_value(text) if c == sides[side_of[c]][0] else is_value(text)

    def place(i: int, after: int, placed: Placement) -> None:
        if len(found) > 1:
            return
        if i == len(texts):
            used = {side_of[c] for c in placed}
            if all(sides[k][1] in placed for k in used):
                found.append(list(placed))
            return
        for c in range(after, len(columns) - (len(texts) - i - 1)):
            if fits(texts[i], c):
                place(i + 1, c + 1, [*placed, c])

    if all(texts):
        place(0, 0, [])
    return found[0] if len(found) == 1 else None
