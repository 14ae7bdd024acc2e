"""RAT005, a growth rate of the narrative whose base it does not state, against a table whose rows
are years (auditor/linking/year_rows.py): ``三公经费决算数1530万元，比上年决算数下降15.00%`` with the
table rows 2015年 | 1800, 2016年 | 1530 and 2016年比2015年增减% | -15.00.

The narrative amount is the table's cell of its item, stage and year (year_rows pairs them). When
the table's growth row (its label names the two years and a word of ``growth_words``) states the
item's rate with the same direction, the narrative rate restates it (XREF001); else the rate is
recomputed from the table's two years (this year's cell over the year before's)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.growth import rates_alone
from auditor.linking.table_sums import negative
from auditor.model import Claim, Constraint

YEARS = re.compile(r"(?:19|20)\d\d")


def growth_row(label: str, growth_words: tuple[str, ...]) -> int | None:
    """2016年比2015年增减%: the later of the two consecutive years a growth row's label names."""
    years = sorted({int(y) for y in YEARS.findall(label)})
    if len(years) == 2 and years[1] - years[0] == 1 and any(w in squash(label) for w in growth_words):
        return years[1]
    return None


def constraints(ctx: Context, cells: dict[tuple, list[Claim]], rates: dict[tuple, list[Claim]],
                pairs: dict[tuple, tuple[Claim, Claim]]) -> Iterator[Constraint]:
    """``cells``/``rates``: the table's year and growth cells by (item, stage, year); ``pairs``: the
    (table cell, narrative amount) year_rows paired."""
    alone = {current: (rate, sign) for current, rate, sign in rates_alone(ctx)}
    by_id = {c.id: c for c in ctx.narrative}
    for (item, stage, year), (cell, amount) in pairs.items():
        if amount.id not in alone:
            continue
        rate_id, sign = alone[amount.id]
        rate = by_id.get(rate_id)
        if rate is None:
            continue
        stated = rates.get((item, stage, year), [])
        if len(stated) == 1 and negative(ctx, stated[0]) == (sign < 0):
            yield ctx.constraint("same_quantity", "XREF001", [stated[0], rate], "link", what=f"{item}增减率")
            continue
        previous = cells.get((item, stage, year - 1), [])
        if len(previous) == 1:
            yield ctx.constraint("growth", "RAT005", [rate, cell, previous[0]], "link", current=cell.id,
                                 previous=previous[0].id, change=None, rate_sign=sign, word=item)
