"""Balance chains of budget execution and final-account narratives (rules/identities.yaml ``chains``).

A revenue side: 地方一般公共预算收入A，加上级补助收入B，上年结余C，调入资金D，收入合计T (SUM007: T =
A + B + C + D); an expenditure side the same with 支出/上解/还本/安排稳定调节基金; then 收支相抵，年终结余J
(SUM004: J = T收 − T支). A chain is read only when it has one reading: the figures before the total in
its sentence, leaving out brackets and the 其中 parts of an item, are all named by the side's items
and none by a total, of one year, amounts (no change on last year), and nothing cuts it short (等).
With 加 the chain starts at the figure just before the marker; if the marker opens its sentence
(加上上年结余B，全年可用资金T), at the one earlier figure of the paragraph named like the total."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.linking.context import Context
from auditor.linking.lists import AMOUNT, BUDGET, PartLists, name_words
from auditor.model import Claim, Constraint, Span
from auditor.strings import bracketed

ENDS = "。！？!?\n"
BREAKS = "，,；;：:。\n"
OPEN, CLOSE = "（(【[", "）)】]"


@dataclass(frozen=True)
class Side:
    name: str
    total: re.Pattern[str]
    items: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Chain:
    side: Side
    total: Claim
    items: list[Claim]
    alternatives: list[list[int]]  # other readings of where a 其中 list inside the chain ends
    listed: bool = False  # the parts before their 合计 are a list SUM001 checks already


def _outside_brackets(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _says(ctx: Context, claim: Claim, word: str) -> bool:
    here = ctx.sentence(claim.span.start, ENDS)
    return word in ctx.text[here.start:here.end]


def _clause_start(text: str, floor: int, pos: int, breaks: str = BREAKS) -> int:
    return max((text.rfind(ch, floor, pos) for ch in breaks), default=floor - 1) + 1


class ChainReader:
    def __init__(self, ctx: Context, lists: PartLists) -> None:
        spec = ctx.rules["identities"].get("chains", {})
        self.ctx, self.lists = ctx, lists
        self.marker = re.compile(spec.get("marker", "$^"))
        self.parts_of_item = re.compile(spec.get("parts_of_item", "$^"))
        self.cut_short = spec.get("cut_short", "等")
        self.partial = re.compile(spec.get("partial", "$^"))
        self.sides = [Side(s["name"], re.compile(s["total"]), tuple(re.compile(p) for p in s["items"]))
                      for s in spec.get("sides", ())]
        self.balance_cue = spec.get("balance", "收支相抵")
        self.balance_name = re.compile(spec.get("balance_name", "结余"))
        self.money = [c for c in ctx.narrative if c.quantity.dimension == "money"]
        self.listed: dict[int, set[frozenset[int]]] = {}
        for group in lists.found:
            self.listed.setdefault(group.total.id, set()).add(frozenset(p.id for p in group.parts))

    def _amount(self, claim: Claim) -> bool:
        return self.lists.stage(claim)[0] in (AMOUNT, BUDGET)

    def _side_of_total(self, claim: Claim) -> Side | None:
        words = name_words(self.ctx, claim)
        found = [s for s in self.sides if s.total.search(words)]
        return found[0] if len(found) == 1 else None

    def _named(self, side: Side, claim: Claim) -> bool:
        words = self.marker.sub("", name_words(self.ctx, claim))
        return any(p.search(words) for p in side.items) and not any(s.total.search(words) for s in self.sides)

    def _loose(self, start: int, end: int) -> list[Claim]:
        """Money figures in [start, end) outside brackets."""
        return [c for c in self._money_in(start, end) if not bracketed(self.ctx.text, start, c.span.start)]

    def _money_in(self, start: int, end: int) -> list[Claim]:
        if end <= start:
            return []
        return [c for c in self.ctx.claims_in(Span(start, end)) if c.quantity.dimension == "money"]

    MAX_SUBLISTS = 2  # 其中 lists of open extent inside one chain: more and the readings multiply

    def _readings(self, figures: list[Claim], start: int) -> list[list[Claim]]:
        """The chain's items, read every way its 其中 parts allow: a part (其中…) belongs to the item
        before it, and the figures after it may be more of its parts or the chain's next items; each
        extent of that list is one reading, the shortest first. None past MAX_SUBLISTS such lists."""
        text = self.ctx.text
        heads = [i for i, c in enumerate(figures) if i and self.parts_of_item.search(
            text[_clause_start(text, start, c.span.start, "，,；;。\n"):c.span.start].strip())]
        if len(heads) > self.MAX_SUBLISTS:
            return []
        return self._extents(figures, heads)

    def _extents(self, figures: list[Claim], heads: list[int]) -> list[list[Claim]]:
        if not heads:
            return [figures]
        i, rest = heads[0], heads[1:]
        out = []
        for j in range(i + 1, len(figures) + 1):  # the list headed at i runs to j (excluded)
            later = [h - j for h in rest if h >= j]
            if len(later) == len([h for h in rest if h > i]):  # no later head swallowed into this list
                out += [figures[:i] + tail for tail in self._extents(figures[j:], later)]
        return out
    def _base_above(self, side: Side, total: Claim, before: int, lead: str) -> Claim | None:
        """加 opening its sentence: the one earlier figure of the paragraph named like the total (or
        like the 上述X the lead refers to)."""
        referred = re.search(r"上述(\S+)", lead)
        name = re.compile(re.escape(referred.group(1))) if referred else side.total
        found = [c for c in self.money if c.block == total.block and c.span.end <= before
                 and name.search(name_words(self.ctx, c)) and self._amount(c)]
        if found or referred:
            return found[-1] if len({c.quantity.base_value for c in found}) == 1 else None
        # else the one sum of money of the sentence before (收入A，为预算的x%。加上调入B，收入总量T)
        back = self.ctx.text.rfind("。", 0, before)
        previous = self._loose(self.ctx.sentence(back, ENDS).start, back) if back >= 0 else []
        if len(previous) == 1 and previous[0].block == total.block and self._named(side, previous[0]) \
                and self._amount(previous[0]):
            return previous[0]
        return None

    def chains(self) -> Iterator[Chain]:
        text = self.ctx.text
        for total in self.money:
            side = self._side_of_total(total)
            if side is None or not self._amount(total):
                continue
            here = self.ctx.sentence(total.span.start, ENDS)
            if bracketed(text, here.start, total.span.start):
                continue
            markers = [(here.start + m.start(), here.start + m.end())
                       for m in self.marker.finditer(text[here.start:total.span.start])]
            if markers:
                mark_start, mark_end = markers[-1]
                before = self._loose(here.start, mark_start)
                base = before[-1] if before else \
                    self._base_above(side, total, here.start, text[here.start:mark_start])
                above = None if before else base  # named like the total: this year's part of it
                if base is None:
                    continue
                readings = self._readings([base, *self._loose(mark_end, total.span.start)], here.start)
            else:
                above = None
                readings = self._readings(self._loose(here.start, total.span.start), here.start)
            if not readings:
                continue
            first = readings[0]
            every = {c.id: c for r in readings for c in r}.values()
            if len(first) < 2 or self.cut_short in _outside_brackets(text[first[0].span.start:total.span.start]):
                continue
            if not all((c is above or self._named(side, c)) and self._amount(c) for c in every) \
                    or self.partial.search(text[here.start:first[0].span.start]) \
                    or len({self.lists.stage(c)[0] for c in (total, *every)}) > 1:
                continue  # an item of no name, a few items of many (主要…), budgets added to actuals
            if len({c.year for c in (total, *every)} - {None}) > 1:
                continue
            listed = any(frozenset(c.id for c in r) in self.listed.get(total.id, ()) for r in readings)
            yield Chain(side, total, first, [[c.id for c in r] for r in readings[1:]], listed)

    def balances(self, chains: list[Chain]) -> Iterator[tuple[Claim, Chain, Chain]]:
        """收支相抵，年终结余J: the revenue and the expenditure chain just above, nothing between."""
        revenue, expenditure = (self.sides[0].name, self.sides[1].name) if len(self.sides) >= 2 else ("", "")
        for claim in self.money:
            if not self.balance_name.search(name_words(self.ctx, claim)):
                continue
            above = [ch for ch in chains if ch.total.span.end <= claim.span.start and claim.block - 2 <= ch.total.block]
            if len(above) < 2:
                continue
            first, last = above[-2], above[-1]
            if (first.side.name, last.side.name) != (revenue, expenditure):
                continue
            lead = self.ctx.text[last.total.span.end:claim.span.start]
            between = self._money_in(last.total.span.end, claim.span.start)
            if between or lead.count(self.balance_cue) != 1:
                continue
            if not self._amount(claim):
                continue
            yield claim, first, last

    def balanced(self, chains: list[Chain]) -> Iterator[tuple[Chain, Chain]]:
        """…支出合计T支。收支相抵，收支平衡。: no figure follows, the two totals are one."""
        word = self.ctx.rules["identities"].get("chains", {}).get("balanced")
        if not word or len(self.sides) < 2:
            return
        for first, last in zip(chains, chains[1:]):
            if (first.side.name, last.side.name) != (self.sides[0].name, self.sides[1].name) \
                    or last.total.block - first.total.block > 1:
                continue
            here = self.ctx.sentence(last.total.span.start, ENDS)
            after = self.ctx.sentence(here.end, ENDS) if here.end < len(self.ctx.text) else here
            rest = self.ctx.text[last.total.span.end:after.end]
            if word in rest and not self.ctx.claims_in(Span(last.total.span.end, max(after.end, last.total.span.end))):
                yield first, last

    def _next(self, pos: int) -> Span | None:
        """The sentence after the one ending at ``pos`` (over end marks and line breaks)."""
        text = self.ctx.text
        while pos < len(text) and (text[pos] in ENDS or text[pos].isspace()):
            pos += 1
        return self.ctx.sentence(pos, ENDS) if pos < len(text) else None

    def _expenditure(self, claim: Claim) -> bool:
        return self._named(self.sides[1], claim) and not self._named(self.sides[0], claim) and self._amount(claim)

    def _after_revenue(self, chains: list[Chain], key: str) -> Iterator[tuple[Chain, str, Span]]:
        """Each revenue chain with the pattern ``key`` of rules/identities.yaml ``chains`` and the
        sentence after its total's (nothing when the rules or the sides lack them)."""
        spec = self.ctx.rules["identities"].get("chains", {})
        if key not in spec or len(self.sides) < 2:
            return
        for chain in chains:
            if chain.side is not self.sides[0]:
                continue
            after = self._next(self.ctx.sentence(chain.total.span.start, ENDS).end)
            if after is not None:
                yield chain, spec[key], after

    def uses(self, chains: list[Chain]) -> Iterator[tuple[Chain, list[Claim]]]:
        """收入总计T。支出S，上解U，还本R，年终结余J。: the sentence after a revenue chain lists the
        uses, the last the balance carried on and no total: they are the whole revenue."""
        for chain, year_end, after in self._after_revenue(chains, "year_end"):
            items = self._loose(after.start, after.end)
            if len(items) >= 3 and items == self._money_in(after.start, after.end) \
                    and all(self._named(self.sides[1], c) and self._amount(c) for c in items) \
                    and re.search(year_end, name_words(self.ctx, items[-1])) \
                    and len({c.year for c in (chain.total, *items)} - {None}) <= 1:
                yield chain, items

    def listed_uses(self) -> Iterator[tuple[Claim, list[Claim]]]:
        """收入总计R，其中…；支出总计E，其中A…，B…，结转下年C: an expenditure total whose complete 其中
        list ends on the balance carried on (``year_end``) lists the uses of the whole revenue stated
        just before it, of the same fund and year: R = A + B + C. Any other total between them, or a
        part that is no amount, and nothing is read."""
        spec = self.ctx.rules["identities"].get("chains", {})
        year_end, funds = spec.get("year_end"), spec.get("funds", ())
        if not year_end or len(self.sides) < 2:
            return
        revenue, expenditure = self.sides[0], self.sides[1]
        for group in self.lists.found:
            spent, parts = group.total, group.parts
            if not group.complete or group.uncertain or group.minus or len(parts) < 2 \
                    or self._side_of_total(spent) is not expenditure or not self._amount(spent) \
                    or not re.search(year_end, name_words(self.ctx, parts[-1])) \
                    or not all(self._amount(p) for p in parts):
                continue
            before = [c for c in self.money if c.span.end <= spent.span.start and spent.block - 1 <= c.block
                      and self._side_of_total(c) is not None and c.id not in self.lists.total_of]
            if not before or self._side_of_total(before[-1]) is not revenue or not self._amount(before[-1]):
                continue
            income = before[-1]
            words = name_words(self.ctx, income), name_words(self.ctx, spent)
            if any((fund in words[0]) != (fund in words[1]) for fund in funds) \
                    or len({c.year for c in (income, spent, *parts)} - {None}) > 1:
                continue
            yield income, parts

    def closings(self, chains: list[Chain]) -> Iterator[tuple[Claim, Chain, Claim]]:
        """可用资金T。支出S，为预算的x%。结余J。: J = T − S, each sentence holding its one sum of money."""
        for chain, closing, spend in self._after_revenue(chains, "closing"):
            rest = self._next(spend.end)
            if rest is None:
                continue
            spent, left = self._money_in(spend.start, spend.end), self._money_in(rest.start, rest.end)
            if len(spent) == 1 == len(left) and self._expenditure(spent[0]) and self._amount(left[0]) \
                    and re.search(closing, name_words(self.ctx, left[0])) \
                    and not bracketed(self.ctx.text, spend.start, spent[0].span.start) \
                    and len({c.year for c in (chain.total, spent[0], left[0])} - {None}) <= 1:
                yield left[0], chain, spent[0]

    def open_balances(self) -> Iterator[tuple[Claim, list[Claim], list[Claim]]]:
        """收入A，上级补助B，上年结余C，支出D。收支相抵，年终结余J: no totals, J = A + B + C − D. The
        sentence before the balance holds the revenue items, then the expenditure items, each named
        by its side alone, and nothing else."""
        if len(self.sides) < 2:
            return
        revenue, expenditure = self.sides[0], self.sides[1]
        text = self.ctx.text
        for claim in self.money:
            here = self.ctx.sentence(claim.span.start, ENDS)
            lead = text[here.start:claim.span.start]
            if lead.count(self.balance_cue) != 1 or self._loose(here.start, claim.span.start) \
                    or not self.balance_name.search(name_words(self.ctx, claim)) or not self._amount(claim):
                continue  # (the cue first: the other tests run for the few figures after 收支相抵)
            back = here.start - 1
            while back > 0 and (text[back] in ENDS or text[back].isspace()):
                back -= 1  # the sentence before: over 。 and the line break
            if back <= 0:
                continue
            before = self.ctx.sentence(back, ENDS)
            figures = self._money_in(before.start, before.end)
            if not figures or figures != self._loose(before.start, before.end) \
                    or any(c.block < claim.block - 1 or not self._amount(c) for c in figures):
                continue
            named = [(self._named(revenue, c), self._named(expenditure, c)) for c in figures]
            if any(a == b for a, b in named):
                continue  # an item of neither side, or of both
            incomes = [c for c, (a, _) in zip(figures, named) if a]
            expenses = [c for c, (a, _) in zip(figures, named) if not a]
            if incomes and expenses and figures == incomes + expenses \
                    and len({c.year for c in (claim, *figures)} - {None}) <= 1 \
                    and len({self.lists.stage(c)[0] for c in (claim, *figures)}) == 1:
                yield claim, incomes, expenses

    def transfers(self) -> tuple[Claim, Claim] | None:
        """The one transfer into the general budget and the one out of the fund (调入资金 = 调出资金)."""
        spec = self.ctx.rules["identities"].get("transfers")
        if not spec:
            return None
        named = [(c, name_words(self.ctx, c)) for c in self.money]
        moves = [(c, w) for c, w in named if not re.search(spec["not_transfers"], w)]
        ins = [(c, w) for c, w in moves if re.search(spec["into"], w)]
        outs = [(c, w) for c, w in moves if re.search(spec["out"], w)]
        if any(re.search(spec["other_sources"], w) for _, w in ins + outs):
            return None
        if len({c.quantity.base_value for c, _ in ins}) != 1 or len({c.quantity.base_value for c, _ in outs}) != 1:
            return None
        into, out = ins[0][0], outs[0][0]
        if not _says(self.ctx, out, spec["out_context"]) or not _says(self.ctx, into, spec["into_context"]) \
                or not self._amount(into) or not self._amount(out) or len({into.year, out.year} - {None}) > 1:
            return None
        return into, out


def find(ctx: Context) -> Iterator[Constraint]:
    reader = ChainReader(ctx, PartLists.of(ctx))
    if not reader.sides:
        return
    chains = list(reader.chains())
    for chain in (c for c in chains if not c.listed):
        yield ctx.constraint("sum", "SUM007", [chain.total, *chain.items], "narrative", relation="=",
                             identity=chain.side.name, alternatives=chain.alternatives)
    for balance, revenue, expenditure in reader.balances(chains):
        yield ctx.constraint("balance", "SUM004", [balance, revenue.total, expenditure.total], "narrative",
                             relation="=")
    for balance, incomes, expenses in reader.open_balances():
        yield ctx.constraint("sum", "SUM007", [balance, *incomes, *expenses], "narrative", relation="=",
                             minus=[c.id for c in expenses], identity=reader.balance_cue)
    for revenue, expenditure in reader.balanced(chains):
        yield ctx.constraint("same_quantity", "XREF001", [revenue.total, expenditure.total], "narrative",
                             what="收支平衡时的收入合计与支出合计")
    for revenue, items in reader.uses(chains):
        yield ctx.constraint("sum", "SUM007", [revenue.total, *items], "narrative", relation="=",
                             identity=reader.sides[1].name)
    for income, parts in reader.listed_uses():
        yield ctx.constraint("sum", "SUM007", [income, *parts], "narrative", relation="=",
                             identity=reader.sides[1].name)
    for balance, revenue, spent in reader.closings(chains):
        yield ctx.constraint("balance", "SUM004", [balance, revenue.total, spent], "narrative", relation="=")
    transfer = reader.transfers()
    if transfer:
        yield ctx.constraint("same_quantity", "XREF001", list(transfer), "narrative", what="调入资金与调出资金")
