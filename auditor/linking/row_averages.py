"""Payment rows no standard is named for, against the report's standards per head (UNIT002): a row
“助学工程 | 30 | 75000” under 发放资金(元) pays 2500元 a head, of the order of the standards stated
(每人每月1360元). Its column in 元 is then right; an average 10⁴ times below every standard per the
row's head (24 | 6 under (元): 0.25元 a head) says the amounts are in 万元. Rows a standard names
are checked against it (auditor/linking/products.py, RAT006). Thresholds: rules/units.yaml
``yuan_standards``."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context
from auditor.linking.products import Products
from auditor.model import Constraint

MAX_STANDARDS = 3  # standards cited beside the row


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["units"].get("yuan_standards", {})
    if not spec:
        return
    products = ctx.once("products", Products)
    if not products.standards:
        return
    seen: set[int] = set()
    for row in (*products.cell_rows(), *products.line_rows()):
        if row.amount.id in seen or row.amount_factor != 1 or products.standard_for(row) is not None:
            continue  # in 元 only; a row a standard names is that standard's
        per_head = [s.claim for s in products.standards if products.counts_in(row.count_unit, s)
                    and s.claim.quantity.factor == 1]
        if not per_head:
            continue
        seen.add(row.amount.id)
        yield ctx.constraint("row_average_scale", "UNIT002", [row.amount, row.count, *per_head[:MAX_STANDARDS]],
                             "table", spread=str(spec["spread"]), slip_spread=str(spec["slip_spread"]))
