"""Change lists: 支出预算较上年增加40万元，主要是基本支出增加26万元，项目支出增加14万元 (RAT005, kind
``sum``). A change of a whole followed in its sentence by changes of its parts adds up only when
the names make the list complete: the whole and the parts are one identity of rules/identities.yaml
(``sums``, ``change_sums``), each part named by exactly one of the changes and no change left over.
Decreases are subtracted (减少, 下降) against the whole's direction."""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.linking.chains import ENDS
from auditor.linking.context import Context
from auditor.linking.lists import CHANGE, PartLists, name_words
from auditor.model import Claim, Constraint, Span
from auditor.strings import bracketed


def _identities(ctx: Context) -> list[tuple[str, re.Pattern[str], list[re.Pattern[str]]]]:
    spec = ctx.rules["identities"]
    return [(i.get("name", ""), re.compile(i["total"]), [re.compile(p) for p in i["parts"]])
            for i in (*spec.get("sums", ()), *spec.get("change_sums", ()))]


def find(ctx: Context) -> Iterator[Constraint]:
    lists = PartLists.of(ctx)
    identities = _identities(ctx)
    # lists read as complete are SUM001's already; a 主要是 list is read as incomplete there
    listed = {(g.total.id, frozenset(p.id for p in g.parts)) for g in lists.found if g.complete and not g.uncertain}
    changes = [c for c in ctx.narrative if c.quantity.dimension == "money" and lists.stage(c)[0] == CHANGE
               and lists.stage(c)[1] != 0]
    change_ids = {c.id for c in changes}
    for whole in changes:
        here = ctx.sentence(whole.span.start, ENDS)
        if here.end <= whole.span.end:
            continue  # a figure broken over a line: its sentence is not read
        after = [c for c in ctx.claims_in(Span(whole.span.end, here.end))
                 if not bracketed(ctx.text, here.start, c.span.start)]
        if len(after) < 2 or any(c.id not in change_ids for c in after):
            continue  # a figure that is no change of a part: the list is not only changes
        words = name_words(ctx, whole)
        for name, total, parts in identities:
            if not total.search(words) or any(p.search(words) for p in parts) or len(parts) != len(after):
                continue
            named: list[Claim] = []
            for part in parts:
                found = [c for c in after if part.search(name_words(ctx, c))]
                if len(found) != 1:
                    break
                named.append(found[0])
            else:
                if len(set(named)) == len(named) and (whole.id, frozenset(c.id for c in named)) not in listed:
                    sign = lists.stage(whole)[1]
                    yield ctx.constraint("sum", "RAT005", [whole, *named], "narrative", relation="=", identity=name,
                                         minus=[c.id for c in named if lists.stage(c)[1] != sign])
                break
