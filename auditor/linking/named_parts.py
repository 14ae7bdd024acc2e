"""A list whose parts are all the parts its total's name implies (rules/identities.yaml ``sums`` and
``change_sums``) is complete whatever else says it may not be: 支出352.416万元。其中：基本支出…。项目支出…
adds up even when the excerpt is cut short after it, because 支出 = 基本支出 + 项目支出 by what the
names mean. Each part of the identity must name exactly one figure of the list, and no figure be left."""

from __future__ import annotations

import re

from auditor.linking.context import Context
from auditor.linking.list_text import name_words
from auditor.model import Claim

Identity = tuple[re.Pattern[str], list[re.Pattern[str]]]


def _identities(ctx: Context) -> list[Identity]:
    spec = ctx.rules["identities"]
    return [(re.compile(i["total"]), [re.compile(p) for p in i["parts"]])
            for i in (*spec.get("sums", ()), *spec.get("change_sums", ()))]


def complete_by_names(ctx: Context, total: Claim, parts: list[Claim]) -> bool:
    words = name_words(ctx, total)
    part_words = [name_words(ctx, p) for p in parts]
    for whole, named in ctx.once("named_part_identities", _identities):
        if len(named) != len(parts) or not whole.search(words) or any(p.search(words) for p in named):
            continue
        matches = [[n for n, w in enumerate(part_words) if pattern.search(w)] for pattern in named]
        if all(len(m) == 1 for m in matches) and len({m[0] for m in matches}) == len(parts):
            return True
    return False
