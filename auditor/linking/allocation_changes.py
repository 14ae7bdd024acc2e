"""An allocation, a later cut or addition to it, and the allocation after it (SUM001):

    （1）省厅下达我县2022年农村文化活动专项资金300.00万元。
    （2）省厅追减我县2022年农村文化活动专项资金45.00万元。
    我县2022年农村文化活动专项资金255.00万元。

The change's clause opens on a word of rules/identities.yaml ``allocation_changes`` right before
the name of what it changes (追减甲资金, not 较上年减少); the allocation is the one earlier amount so
named (SHARED_NAME characters of the name in a row) in the change's paragraph or the one before,
and the result the first amount so named after it in its paragraph or the next. A figure of the
change's value, or named by the change's very words with no verb before them, is the change said
again, not an allocation; any other figure so named (two allocations, or a second change) leaves
the relation unread."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.identities import SHARED_NAME
from auditor.linking.lists import AMOUNT, BUDGET, PartLists, name_words, stage_words
from auditor.model import Claim, Constraint

NEAR_BLOCKS = 1  # the allocation stands in the change's paragraph or the one before; the result in it or the next


def _runs(name: str) -> set[str]:
    return {name[i:i + SHARED_NAME] for i in range(len(name) - SHARED_NAME + 1)}


def _named(ctx: Context, claim: Claim, runs: set[str]) -> bool:
    name = squash(name_words(ctx, claim))
    return any(name[i:i + SHARED_NAME] in runs for i in range(len(name) - SHARED_NAME + 1))


def find(ctx: Context) -> Iterator[Constraint]:
    spec = ctx.rules["identities"].get("allocation_changes", {})
    verbs = [(w, -1) for w in spec.get("decrease", ())] + [(w, 1) for w in spec.get("increase", ())]
    if not verbs:
        return
    lists = PartLists.of(ctx)
    money = [c for c in ctx.narrative if c.quantity.dimension == "money" and c.quantity.comparator == "="]
    for change in money:
        words = stage_words(ctx, change)
        found = [(words.find(w), w, sign) for w, sign in verbs if w in words]
        if len(found) != 1 or any(w in words for w in lists.vocab.compared):
            continue
        at, verb, sign = found[0]
        name = words[at + len(verb):]
        runs = _runs(name)
        if not runs:
            continue  # the word names no allocation after it
        named = [c for c in money if c.id != change.id and abs(c.block - change.block) <= NEAR_BLOCKS
                 and c.id not in lists.total_of and _named(ctx, c, runs)]
        # the change said again (its value, or its very name with no verb of allocation) is no allocation
        earlier = [c for c in named if c.span.end <= change.span.start
                   and c.quantity.base_value != change.quantity.base_value and squash(name_words(ctx, c)) != name]
        later = [c for c in named if c.span.start >= change.span.end]
        if len(earlier) != 1 or not later:
            continue
        allocation, result = earlier[0], later[0]
        if any(lists.stage(c)[0] not in (AMOUNT, BUDGET) for c in (allocation, result)) \
                or any(c.quantity.base_value == change.quantity.base_value for c in later):
            continue  # a use or a balance, or the change said again after it: no single reading
        whole, rest = (allocation, result) if sign < 0 else (result, allocation)
        yield ctx.constraint("sum", "SUM001", [whole, rest, change], "narrative", relation="=")
