"""A product written as a table's column formula (RAT006, UNIT007): a row of column numbers
① | ② | … | ⑧=④*⑦ says each row's column ⑧ is its ④ times its ⑦. Every row below with a figure in
the three columns is checked; one constraint per formula, so that one wrong unit of the column is
one finding (the check tells a column off by 10⁴, read in 元 for 万元, from a wrong row)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.model import Claim, Constraint

NUMERALS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FORMULA = re.compile(rf"^([{NUMERALS}])=([{NUMERALS}])[*×xX·]([{NUMERALS}])$")


def find(ctx: Context) -> Iterator[Constraint]:
    for index, block in enumerate(ctx.doc.blocks):
        if block.kind != "table":
            continue
        for r, cells in enumerate(block.rows):
            formulas = [(cell, FORMULA.match(squash(cell.text))) for cell in cells]
            formulas = [(cell, m) for cell, m in formulas if m]
            if not formulas:
                continue
            # columns by their place in the row (a rebuilt row may be numbered from another origin)
            columns = {squash(cell.text)[0]: i for i, cell in enumerate(cells)
                       if squash(cell.text)[:1] in frozenset(NUMERALS)}  # not "" (an empty cell)
            if len({i - NUMERALS.index(n) for n, i in columns.items()}) != 1:
                continue  # not a clean row of column numbers in order: which column is which is unclear
            for cell, match in formulas:
                places = [columns.get(n) for n in match.groups()]
                if None in places or len(set(places)) != 3:
                    continue
                claims: list[Claim] = []
                for below in range(r + 1, len(block.rows)):
                    row_cells = block.rows[below]
                    if len(row_cells) <= max(places):
                        continue
                    by_col = {c.cell[1]: c for c in ctx.rows.get((index, below), [])}
                    row = [by_col.get(row_cells[p].col) for p in places]
                    # money times money, or a result that is no amount or count, is no product read here
                    if all(c is not None for c in row) and row[0].quantity.dimension != "percent" \
                            and sum(c.quantity.dimension == "money" for c in row[1:]) < 2:
                        claims += row
                if claims:
                    yield ctx.constraint("column_product", "RAT006", claims, "table",
                                         spans=(cell.span,), formula=squash(cell.text), unit_code="UNIT007")
