"""Accounting identities between named narrative figures: 收入 − 支出 = 结转结余 (SUM004), 下达 =
已使用 + 结余 (SUM001, in one sentence or with the allocation stated earlier under the name the use
repeats), 上报 − 减少 = 实际 (SUM001) and 年初预算 + 调整 = 全年预算 (SUM005). Each figure is the
nearest of its kind before the one the identity closes on, of the same year and stage (an amount,
not a change against last year), and no part of a list (a sub-fund's balance is not the unit's)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from auditor.linking.context import Context, squash
from auditor.linking.lists import (
    AMOUNT,
    BUDGET,
    CHANGE,
    FULL_STOP,
    PROGRESS,
    PartLists,
    clause,
    name_words,
    sentence,
)
from auditor.linking.named_columns import with_columns
from auditor.model import Claim, Constraint, Span

WINDOW_BLOCKS = 8
GRAND_TOTAL = "总计"  # 收入总计 counts the balance brought forward, 支出总计 the one carried on


def _balance_words(ctx: Context, kind: str) -> tuple[str, ...]:
    return tuple(ctx.rules["identities"].get("balances", {}).get(kind, ()))


def _opening(ctx: Context, claim: Claim) -> bool:
    """年初结转结余, 上年结转: a balance brought forward, not the closing one."""
    before = squash(ctx.text[max(0, (claim.context or claim.span).start - 8):claim.span.start])
    return any(w in before for w in _balance_words(ctx, "opening"))


def _closing(ctx: Context, claim: Claim) -> bool:
    before = squash(ctx.text[max(0, (claim.context or claim.span).start - 8):claim.span.start])
    return any(w in before for w in _balance_words(ctx, "closing"))


def _flow(ctx: Context, lists: PartLists, claim: Claim, word: str) -> bool:
    """An income or expense of the year: named so, an amount, no list's part, no grand total."""
    return (word in claim.subject and GRAND_TOTAL not in clause(ctx, claim) and claim.role != "balance"
            and claim.id not in lists.total_of and lists.stage(claim)[0] in (AMOUNT, BUDGET) and not _opening(ctx, claim))


def balance(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """(年初结转结余 +) 收入 − 支出 = 结转结余: the last income before the balance, the one expense
    stated between them. A closing balance (年末) with no opening one stated is only bounded: it
    holds at least this year's surplus."""
    for claim in ctx.narrative:
        if claim.role != "balance" or claim.quantity.dimension != "money" or _opening(ctx, claim) \
                or claim.id in lists.total_of or lists.stage(claim)[0] != AMOUNT:
            continue
        earlier = [c for c in ctx.narrative if c.span.end <= claim.span.start and c.quantity.dimension == "money"
                   and claim.block - WINDOW_BLOCKS <= c.block and (c.year is None or claim.year is None or c.year == claim.year)]
        incomes = [c for c in earlier if _flow(ctx, lists, c, "收入")]
        expenses = [c for c in earlier if _flow(ctx, lists, c, "支出")]
        if not incomes or not expenses:
            continue
        income = incomes[-1]
        after = {c.quantity.base_value for c in expenses if c.span.start > income.span.start}
        if len(after) != 1 or len({c.quantity.base_value for c in incomes if c.block == income.block}) > 1:
            continue  # several expenses after the income, or several incomes: which ones the balance closes is a guess
        expense = expenses[-1]
        openings = [c for c in earlier if c.role == "balance" and _opening(ctx, c) and c.block == income.block
                    and c.id not in lists.total_of]
        opening = openings[-1:]
        between = [c for c in earlier if c.span.start > income.span.start and c.id not in lists.total_of
                   and lists.stage(c)[0] in (AMOUNT, BUDGET) and c.quantity.base_value != expense.quantity.base_value
                   and c not in opening]
        if between:
            continue  # another sum of money stands between them (可用资金…): the balance may close on it
        relation = ">=" if not opening and _closing(ctx, claim) else "="
        yield ctx.constraint("balance", "SUM004", [claim, income, expense, *opening], "narrative", relation=relation)


SHARED_NAME = 6  # an allocation named in full by the use of it shares this many characters of its name
MAX_LOOKBACK = 300  # figures looked back at for it: bounds the work on a text of many uses


def _sentence_money(ctx: Context) -> Iterator[tuple[Span, list[Claim]]]:
    """Each sentence with a figure and its narrative sums of money, in order."""
    done = -1
    for claim in ctx.narrative:
        if claim.span.start < done:
            continue
        here = sentence(ctx.text, claim.span.start, "。；;\n")
        done = here.end
        starting = ctx.claims[bisect_left(ctx.starts, here.start):bisect_left(ctx.starts, here.end)]
        yield here, [c for c in starting if c.cell is None and c.quantity.dimension == "money"]


def allocation_split(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """SUM001: 补助经费3.60万元，…已使用3.60万元，结余0万元: one sentence with an amount, what of it
    was used (executed) and what is left, and no other sum of money: amount = used + left."""
    for _, money in _sentence_money(ctx):
        if len(money) != 3:
            continue
        amount, used, left = money
        if amount.role not in ("value", "budget") or lists.stage(amount)[0] not in (AMOUNT, BUDGET) \
                or (used.role != "executed" and lists.stage(used)[0] != PROGRESS) or left.role != "balance" or _opening(ctx, left) \
                or not any(w in clause(ctx, left) for w in _balance_words(ctx, "remainder")) \
                or any(c.id in lists.total_of for c in money) or len({c.year for c in money} - {None}) > 1:
            continue
        yield ctx.constraint("sum", "SUM001", [amount, used, left], "narrative", relation="=")


def _uses(ctx: Context) -> dict:
    return ctx.rules["identities"].get("uses", {})


def _used(ctx: Context, lists: PartLists, claim: Claim) -> bool:
    words = _uses(ctx).get("words", ())
    return lists.stage(claim)[0] == PROGRESS or any(w in name_words(ctx, claim) for w in words)


def _allocation(ctx: Context, lists: PartLists, used: Claim, before: int) -> Claim | None:
    """The one figure before ``before`` whose name ``used`` repeats (SHARED_NAME characters in a
    row): an amount or budget of the year, no listed part, no use itself, at most MAX_LOOKBACK
    figures back. None when none or two values."""
    name = squash(name_words(ctx, used))
    runs = {name[i:i + SHARED_NAME] for i in range(len(name) - SHARED_NAME + 1)}
    if not runs:
        return None
    starts = ctx.once("narrative_starts", lambda c: [x.span.start for x in c.narrative])
    earlier = []
    for c in reversed(ctx.narrative[max(0, bisect_left(starts, before) - MAX_LOOKBACK):bisect_left(starts, before)]):
        if c.block < used.block - WINDOW_BLOCKS:
            break
        if c.span.end > before or c.quantity.dimension != "money" or lists.stage(c)[0] not in (AMOUNT, BUDGET) \
                or c.id in lists.total_of or c.role == "executed" or _used(ctx, lists, c) \
                or (c.year is not None and used.year is not None and c.year != used.year):
            continue
        other = squash(name_words(ctx, c))
        if any(other[i:i + SHARED_NAME] in runs for i in range(len(other) - SHARED_NAME + 1)):
            earlier.append(c)
    return earlier[0] if len({c.quantity.base_value for c in earlier}) == 1 else None


def uses_of_earlier(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """…安排资金19204.10万元。…（a paragraph later）…任务资金支付18501.10万元，未支703万元: a sentence
    of what was used of an allocation and what is left (SUM001: they add up to it), or of the use
    alone (LOGIC003: no more than it), and no other sum of money; the allocation is the one earlier
    figure whose name the used one repeats. Words that let a use exceed an allocation (超支, 结转…)
    in either sentence leave the bound unchecked."""
    unless = tuple(_uses(ctx).get("unless", ()))
    for here, money in _sentence_money(ctx):
        if not 1 <= len(money) <= 2 or not _used(ctx, lists, money[0]) \
                or any(c.id in lists.total_of or c.id in lists.uncertain or lists.stage(c)[0] == CHANGE for c in money) \
                or len({c.year for c in money} - {None}) > 1:
            continue
        used, *left = money
        if left and (_opening(ctx, left[0]) or not any(w in clause(ctx, left[0]) for w in _balance_words(ctx, "remainder"))):
            continue
        allocation = _allocation(ctx, lists, used, here.start)
        if allocation is None:
            continue  # no allocation so named, or two of them: which one was used is a guess
        if left:
            yield ctx.constraint("sum", "SUM001", [allocation, used, *left], "narrative", relation="=")
        elif unless and not any(w in ctx.at(sentence(ctx.text, c.span.start, FULL_STOP)) for c in (used, allocation)
                                for w in unless):
            yield ctx.constraint("bound", "LOGIC003", [used, allocation], "narrative", pair="资金使用与可用资金",
                                 part_name=squash(name_words(ctx, used)), whole_name=squash(name_words(ctx, allocation)))


def _clause_before(ctx: Context, claim: Claim) -> str:
    """The words of a figure's clause before it, other figures of the clause included (减少4户10人)."""
    return squash(ctx.text[sentence(ctx.text, claim.span.start, "，,；;。！？!?\n").start:claim.span.start])


def adjusted(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """SUM001: 审核上报15620人。…减少12人，实际享受15608人: the figure before a change (one comparing
    with nothing) and the actual one after it differ by the change (rules/identities.yaml adjustments)."""
    actual = ctx.rules["identities"].get("adjustments", {}).get("actual")
    if not actual:
        return
    vocab = lists.vocab
    narrative = [c for c in ctx.narrative if c.quantity.unit and c.quantity.comparator == "="]
    by_unit: dict[str, list[Claim]] = {}
    for claim in narrative:
        by_unit.setdefault(claim.quantity.unit, []).append(claim)
    for same in by_unit.values():
        for before, change, after in zip(same, same[1:], same[2:]):
            words = _clause_before(ctx, change)
            down = max((words.rfind(w) for w in vocab.decrease), default=-1)
            up = max((words.rfind(w) for w in vocab.increase), default=-1)
            if down == up or any(w in words for w in vocab.compared):
                continue  # no change, or one against another year or figure
            near = sentence(ctx.text, change.span.start, FULL_STOP)
            if before.span.start < sentence(ctx.text, near.start - 2, FULL_STOP).start \
                    or after.span.start >= sentence(ctx.text, near.end, FULL_STOP).end \
                    or actual not in _clause_before(ctx, after) or actual in _clause_before(ctx, before) \
                    or any(lists.stage(c)[0] not in (AMOUNT, BUDGET) for c in (before, after)) \
                    or len({c.year for c in (before, change, after)} - {None}) > 1:
                continue
            whole, rest = (before, after) if down > up else (after, before)
            yield ctx.constraint("sum", "SUM001", [whole, rest, change], "narrative", relation="=")


def budget_adjustment(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """年初预算 + 追加 = 调整后预算 (narrative figures of the same year, none of them a listed part)."""
    for claim in ctx.narrative:
        if claim.role != "adjusted_budget" or "调整" not in clause(ctx, claim):
            continue
        candidates = [c for c in ctx.narrative if c.quantity.dimension == "money" and c.id not in lists.total_of
                      and (c.year is None or claim.year is None or c.year == claim.year)
                      and c.span.end <= claim.span.start]
        bases = [c for c in candidates if c.role == "budget" and lists.stage(c)[0] != CHANGE
                 and "年初" in squash(ctx.text[max(0, c.context.start - 6):c.span.start])]
        if not bases:
            continue
        # several 年初 budgets (the unit's, a project's): each is a reading, the relation holds if one does
        readings = []
        for base in bases:
            later = [c for c in candidates if c.span.start > base.span.start]
            changes = [c for c in later if c.role in ("addition", "reduction")]
            if changes:
                readings.append([base, *changes])
        if readings:
            first, *others = readings
            yield ctx.constraint("sum", "SUM005", [claim, *first], "narrative", relation="=",
                                 minus=[c.id for r in readings for c in r if c.role == "reduction"],
                                 alternatives=[[c.id for c in r] for r in others])


def named_sums(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """The named sums of ``ctx`` (see ``find_named_sums``), found once: identities and change
    identities both read them."""
    return iter(ctx.once("named_sums", lambda c: list(find_named_sums(c, lists))))


def find_named_sums(ctx: Context, lists: PartLists) -> Iterator[Constraint]:
    """SUM007: 三公 = 出国 + 公车 + 接待 and the other sums of ``rules/identities.yaml``, between the one
    figure of each name near the total. The total's name may open its sentence (“三公”经费支出预算为
    6.2万元，决算为7.46万元); each part names itself in its clause and has the total's stage."""
    spec = ctx.rules["identities"]
    window = int(spec.get("window_paragraphs", 3))
    listed = {(g.total.id, frozenset(p.id for p in g.parts)) for g in lists.found}
    money = [c for c in ctx.narrative if c.quantity.dimension == "money" and lists.stage(c)[0] in (AMOUNT, BUDGET)]
    above: list[re.Pattern[str]] = []  # totals of the identities listed before: a part never carries their name
    totals = [re.compile(identity["total"]) for identity in spec.get("sums", ())]
    # the same for every identity: each figure's sentence opening and its name words, read once
    openings = {c.id: squash(ctx.text[sentence(ctx.text, c.span.start, "。；;\n").start:c.span.start]) for c in money}
    names = {c.id: name_words(ctx, c) for c in money}
    for identity in spec.get("sums", ()):
        total_name = re.compile(identity["total"])
        part_names = [re.compile(p) for p in identity["parts"]]
        parents, above = list(above), [*above, total_name]
        for total in money:
            opening, own = openings[total.id], names[total.id]
            if not total_name.search(opening) or any(name.search(own) for name in part_names) \
                    or (total.id in lists.total_of and not total_name.search(own)):
                continue  # a part named in a sentence about the total (三公经费决算中，因公出国费0.94万元)
            if not total_name.search(own) and (identity.get("own_name") or any(other.search(own) for other in totals)):
                continue  # 收入总计A万元，支出总计B万元: the second is another identity's total
            kind = lists.stage(total)[0]
            if identity.get("sole_total") and any(
                    abs(c.block - total.block) <= window and lists.stage(c)[0] == kind and total_name.search(names[c.id])
                    and c.quantity.base_value != total.quantity.base_value for c in money):
                continue  # two totals so named near each other (two 口径, the province's and the counties'): whose parts is a guess
            nearby = [c for c in money if total.block <= c.block <= total.block + window and c.id != total.id
                      and lists.stage(c)[0] == kind and (c.year is None or total.year is None or c.year == total.year)]
            parts = []
            for name in part_names:
                named = [c for c in nearby if name.search(words := names[c.id])
                         and not any(t.search(words) for t in (total_name, *parents))]
                if len({c.quantity.base_value for c in named}) != 1:
                    break  # the part is not stated, or stated with two values (two years, budget and actual)
                parts.append(named[0])
            else:
                if (total.id, frozenset(p.id for p in parts)) not in listed and len(set(parts)) == len(parts):
                    yield ctx.constraint("sum", "SUM007", [total, *parts], "narrative", relation="=",
                                         identity=identity.get("name", ""))


def find(ctx: Context) -> Iterator[Constraint]:
    lists = PartLists.of(ctx)
    yield from balance(ctx, lists)
    yield from allocation_split(ctx, lists)
    yield from uses_of_earlier(ctx, lists)
    yield from adjusted(ctx, lists)
    yield from budget_adjustment(ctx, lists)
    yield from (with_columns(ctx, c) for c in named_sums(ctx, lists))
