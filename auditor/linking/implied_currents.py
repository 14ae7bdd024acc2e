"""RAT005, this year's amounts implied by changes and rates: ``公务用车购置及运行费1900万元 … 公务用车购置费
减少180万元，下降80%；公务用车运行费减少300万元，下降15%``. A part stated only by its change and rate
is, this year, change ÷ rate ∓ change (180 ÷ 80% − 180 = 45); the parts a named sum of
rules/identities.yaml lists must then add up to its total (45 + 1700 ≠ 1900: 300 ÷ 15% − 300 = 1700). Only when each part of
the identity is the one change of its name so stated in the window after the total."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking import growth
from auditor.linking.context import Context
from auditor.linking.list_text import name_words
from auditor.model import Constraint


def find(ctx: Context) -> Iterator[Constraint]:
    alone = growth.changes_alone(ctx)
    if len(alone) < 2:
        return
    spec = ctx.rules["identities"]
    window = int(spec.get("window_paragraphs", 3))
    changes = [(ctx.by_id[c], ctx.by_id[r], sign) for c, r, sign in alone]
    money = [c for c in ctx.narrative if c.quantity.dimension == "money" and c.role in ("value", "budget", "executed")]
    for identity in spec.get("sums", ()):
        total_name = re.compile(identity["total"])
        part_names = [re.compile(p) for p in identity["parts"]]
        totals = [c for c in money if total_name.search(name_words(ctx, c))
                  and not any(p.search(name_words(ctx, c)) for p in part_names)]
        if len(totals) != 1:
            continue
        total = totals[0]
        near = [t for t in changes if t[0].span.start > total.span.start
                and t[0].block - total.block <= window and not total_name.search(name_words(ctx, t[0]))]
        parts = []
        for name in part_names:
            named = [t for t in near if name.search(name_words(ctx, t[0]))]
            if len(named) != 1:
                break
            parts.append(named[0])
        else:
            if len({p[0].id for p in parts}) == len(parts):
                yield ctx.constraint("implied_currents", "RAT005",
                                     [total, *(c for change, rate, _ in parts for c in (change, rate))],
                                     "narrative", signs=[sign for _, _, sign in parts])
