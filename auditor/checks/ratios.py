"""Rates and shares recomputed from their parts: execution rate, share, completion, control rate,
growth (RAT001–RAT005)."""

from __future__ import annotations

import re
from decimal import Decimal

from auditor.checks import check, finding
from auditor.checks.values import in_unit, interval, is_slipped_yuan, percent
from auditor.intervals import Interval, fmt, total
from auditor.model import Constraint

HUNDRED = Decimal(100)
WAN = Decimal(10000)


COMPARATOR_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "约"}


WRITTEN_DECIMALS = re.compile(r"[.．]([0-9０-９]+)")


def stated_rate(rate) -> str:  # noqa: ANN001
    """75% and 75.00% state the same rate: one spelling, so the same slip is reported once; a rate
    written to more places (6.2118%) is shown to all of them."""
    q = rate.quantity
    return COMPARATOR_SIGN.get(q.comparator, "") + percent(q.value, max(2, written_places(rate)))


def written_places(rate) -> int:  # noqa: ANN001
    """Decimal places as written, trailing zeros aside (75% and 75.00% have none, whatever
    precision siblings lend them; 6.2118% has four): one spelling for one rate."""
    point = WRITTEN_DECIMALS.search(rate.text)
    return len(point.group(1).rstrip("0０")) if point else 0


def places(rate) -> int:  # noqa: ANN001
    """Places to show a recomputed rate and its gap with: one more than the stated rate is written
    with, so a slip in its last place (6.2118% for 6.21187%) shows (two at least)."""
    return max(2, written_places(rate) + 1)


@check("ratio")
def ratio(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    claims = [ctx.by_id[i] for i in constraint.claims]
    rate, numerator, denominators = claims[0], claims[1], claims[2:]
    stated = Interval(rate.quantity.low, rate.quantity.high)  # in percent
    if rate.quantity.dimension != "percent" and rate.quantity.unit != "":
        return None

    readings = [[ctx.by_id[i]] for i in constraint.params.get("denominator_readings", ())]
    if readings:  # the budget is one of several stated above: the rate holds if it fits one
        denominators = readings[0]

    # a figure with a garbled unit read in its whole's unit (31.26万元亩 of 48.75万亩): the written values
    as_written = bool(constraint.params.get("as_written"))

    def recomputed(slip: bool, denominators=denominators) -> Interval | None:  # noqa: ANN001
        """The rate from the operands; with ``slip``, a 元 figure of a 万元 report read as 万元."""
        def at(c):  # noqa: ANN001, ANN202
            if as_written:
                return Interval(c.quantity.low, c.quantity.high)
            return interval(c, WAN if slip and is_slipped_yuan(c, ctx.money_unit) else None)
        quotient = at(numerator) / total(at(d) for d in denominators)
        return quotient.scale(HUNDRED) if quotient is not None else None

    found = recomputed(False)
    if found is None or found.meets(stated):
        return None
    if any((other := recomputed(False, r)) is not None and other.meets(stated) for r in readings[1:]):
        return None
    if constraint.params.get("may_be_fraction") and found.scale(Decimal("0.01")).meets(stated):
        return None  # 0.1 under 执行率 written as a fraction: 94/650 = 0.1446
    repaired = recomputed(True)
    if repaired is not None and repaired.meets(stated):
        return None  # 市级补助27.5%为186.45元: a missing 万, the unit check's finding
    def base(c):  # noqa: ANN001, ANN202
        return c.quantity.value if as_written else c.quantity.base_value
    den_value = sum((base(d) for d in denominators), Decimal(0))
    value = base(numerator) / den_value * HUNDRED
    den_text = " + ".join(d.text for d in denominators)
    if len(denominators) > 1:
        den_text = f"({den_text})"
    gap = abs(value - rate.quantity.value)
    # an error when the slip matters: a point or more, or a shortfall reported as 100%
    return finding(ctx, constraint, claims, stated=stated_rate(rate),
                   expected=percent(value, places(rate)),
                   formula=f"{numerator.text}/{den_text}", difference=f"{percent(gap, places(rate))[:-1]}个百分点",
                   subject=rate.subject, numerator=in_unit(numerator.quantity.base_value, numerator),
                   rate_name=constraint.params.get("word") or "执行率", uncertain=len(readings) > 1)


@check("implied_budgets")
def implied_budgets(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A total's rate of its own budget against its parts' (each figure over its rate is its budget,
    the parts' budgets add up to the total's): the total's rate recomputed as the total over the
    budgets its parts imply, in each list of parts."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    whole, rate, rest = claims[0], claims[1], claims[2:]

    def budget(amount, share) -> Interval | None:  # noqa: ANN001
        return interval(amount) / interval(share).scale(Decimal("0.01"))

    start = 0
    for size in constraint.params.get("groups", ()):
        pairs = [(rest[start + 2 * k], rest[start + 2 * k + 1]) for k in range(size)]
        start += 2 * size
        if not total(interval(a) for a, _ in pairs).meets(interval(whole)):
            continue  # the parts do not add up to the total: the sum's finding, not this one
        budgets = [budget(a, r) for a, r in pairs]
        mine = budget(whole, rate)
        if mine is None or any(b is None for b in budgets):
            continue
        implied = total(budgets)
        if mine.meets(implied):
            continue
        value = whole.quantity.base_value / sum(a.quantity.base_value * HUNDRED / r.quantity.value for a, r in pairs) \
            * HUNDRED
        parts = " + ".join(f"{a.text}/{r.text}" for a, r in pairs)
        return finding(ctx, constraint, [rate, whole, *(c for pair in pairs for c in pair)],
                       stated=stated_rate(rate), expected=percent(value, places(rate)),
                       formula=f"{whole.text}/({parts})",
                       difference=f"{percent(abs(value - rate.quantity.value), places(rate))[:-1]}个百分点",
                       subject=rate.subject, rate_name=constraint.params.get("word") or "执行率")
    return None


def _signed(low: Decimal, high: Decimal, sign: int) -> Interval:
    return Interval(low, high) if sign >= 0 else Interval(-high, -low)


def growth_readings(constraint: Constraint, ctx, current_id: int | None = None) -> list[tuple[Interval, Decimal, str]]:  # noqa: ANN001
    """The growth rate (a fraction, signed: a fall is negative) from each pair of operands stated:
    (interval, value, formula). Bounds are exact: each formula is monotone in each operand.
    ``current_id``: one of the amounts this year's may be, when the text does not say which."""
    p = constraint.params
    current, previous, change = (ctx.by_id[p[k]] if p.get(k) is not None else None
                                 for k in ("current", "previous", "change"))
    if current_id is not None:
        current = ctx.by_id[current_id]
    sign = p.get("change_sign") or 1
    out = []

    def add(low: Decimal, high: Decimal, value: Decimal, formula: str) -> None:
        out.append((Interval(low, high), value, formula))

    if current is not None and previous is not None:
        a, b = current.quantity, previous.quantity
        if b.base_low > 0:
            forward = (p.get("rate_sign") or 1) > 0 or p.get("signed")
            pair = (current.text, previous.text) if forward else (previous.text, current.text)
            add(a.base_low / b.base_high - 1, a.base_high / b.base_low - 1, a.base_value / b.base_value - 1,
                f"({pair[0]} − {pair[1]})/{previous.text}")
    if change is not None and previous is not None:
        c, b = change.quantity, previous.quantity
        if b.base_low > 0:
            add(*(sign * v for v in sorted((c.base_low / b.base_high, c.base_high / b.base_low))),
                sign * c.base_value / b.base_value, f"{change.text}/{previous.text}")
    if change is not None and current is not None and previous is None:
        c, a = change.quantity, current.quantity
        # last year is this year − an increase, or this year + a decrease; the rate rises with the
        # change and falls with this year's amount, so its bounds take those at opposite ends
        if sign > 0:
            low_den, high_den = a.base_high - c.base_low, a.base_low - c.base_high
        else:
            low_den, high_den = a.base_high + c.base_low, a.base_low + c.base_high
        # both negative: an increase larger than this year's amount (last year below nothing),
        # which no rising rate fits; a denominator that may be zero says nothing
        if (low_den > 0 and high_den > 0) or low_den < 0:
            add(*(sign * v for v in sorted((c.base_low / low_den, c.base_high / high_den))),
                sign * c.base_value / (a.base_value - sign * c.base_value),
                f"{change.text}/({current.text} {'−' if sign > 0 else '+'} {change.text})")
    return out


@check("growth")
def growth(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """增长/下降 R% against the rate recomputed from the amounts stated with it; a rate that
    agrees with any reading of them holds (a wrong change amount is the sum's finding)."""
    rate = ctx.by_id[constraint.claims[0]]
    direction = constraint.params.get("rate_sign") or 1
    q = rate.quantity
    stated = _signed(q.low, q.high, direction)
    possible = constraint.params.get("current_readings") or ()
    readings = growth_readings(constraint, ctx)
    for current_id in possible:  # this year's amount is one of several: the rate holds if it fits one
        readings += growth_readings(constraint, ctx, current_id)
    if not readings or any(r.scale(HUNDRED).meets(stated) for r, _, _ in readings):
        return None
    _, value, formula = readings[0]
    value = value * HUNDRED * direction  # in the rate's own direction: 下降 5% is a fall of 5%
    gap = abs(value - q.value)
    claims = [rate] + [ctx.by_id[i] for i in constraint.claims[1:]]
    stated_text, expected = stated_rate(rate), percent(value, places(rate))
    if constraint.params.get("signed") and direction < 0:
        # −15.0 in a 增减% column: the sign is written, so both rates are shown signed
        stated_text, expected = "-" + stated_text, percent(-value, places(rate))
    return finding(ctx, constraint, claims, stated=stated_text, expected=expected,
                   formula=formula, difference=f"{percent(gap, places(rate))[:-1]}个百分点",
                   subject=constraint.params.get("word") or rate.subject, uncertain=len(possible) > 1)


@check("one_total")
def one_total(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Shares of one total it does not write (占61.3%；…占24%): each part over its share gives that
    total, so the totals must meet. One share that leaves the others agreeing is the slip; with two,
    either may be, so the finding is uncertain (info)."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    pairs = list(zip(claims[0::2], claims[1::2]))  # (rate, part)
    # 公务接待费0万元，占0%: a nothing that is none of the total says nothing of its size
    pairs = [(r, p) for r, p in pairs if r.quantity.value != 0 or p.quantity.value != 0]
    if len(pairs) < 2:
        return None

    def implied(rate, part):  # noqa: ANN001, ANN202
        share = Interval(rate.quantity.low, rate.quantity.high).scale(1 / HUNDRED)
        return interval(part) / share

    totals = [implied(r, p) for r, p in pairs]
    if any(t is None for t in totals) or common(totals) is not None:
        return None
    outliers = [k for k in range(len(pairs)) if common(totals[:k] + totals[k + 1:]) is not None]
    if len(pairs) >= 3 and len(outliers) == 1:
        k, uncertain = outliers[0], False
    else:
        k, uncertain = 0, True
    rate, part = pairs[k]
    others = pairs[:k] + pairs[k + 1:]
    whole = common(totals[:k] + totals[k + 1:]) or totals[1 - k]
    value = part.quantity.base_value / whole.mid * HUNDRED
    gap = abs(value - rate.quantity.value)
    basis = "、".join(f"{p.text}÷{r.text}" for r, p in others)
    return finding(ctx, constraint, [rate, part] + [c for pair in others for c in pair], stated=stated_rate(rate),
                   expected=percent(value, places(rate)), uncertain=uncertain,
                   formula=f"{part.text}/{in_unit(whole.mid, part)}（总数由{basis}推得）",
                   difference=f"{percent(gap, places(rate))[:-1]}个百分点")


def common(intervals: list[Interval]) -> Interval | None:
    """Where all the intervals meet, or None."""
    low, high = max(i.lo for i in intervals), min(i.hi for i in intervals)
    return Interval(low, high) if low <= high else None


@check("shares_total")
def shares_total(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Shares of one whole side by side: together at most 100%, even at the low ends of their
    precision. A share that does not recompute from its own part and total is that share's finding
    (ratio, one_total), not this one."""
    n = constraint.params["shares"]
    claims = [ctx.by_id[i] for i in constraint.claims]
    rates, parts = claims[:n], claims[n:2 * n]
    totals = [ctx.by_id[i] if i is not None else None for i in constraint.params.get("totals", [None] * n)]
    for rate, part, whole in zip(rates, parts, totals):
        if whole is not None:
            share = (interval(part) / interval(whole))
            if share is None or not share.scale(HUNDRED).meets(Interval(rate.quantity.low, rate.quantity.high)):
                return None
    if all(t is None for t in totals):
        implied = [interval(p) / Interval(r.quantity.low, r.quantity.high).scale(1 / HUNDRED)
                   for r, p in zip(rates, parts) if r.quantity.low > 0]
        if any(t is None for t in implied) or (len(implied) >= 2 and common(implied) is None):
            return None
    low = sum((r.quantity.low for r in rates), Decimal(0))
    if low <= HUNDRED:
        return None
    value = sum((r.quantity.value for r in rates), Decimal(0))
    shown = max(places(r) for r in rates)
    return finding(ctx, constraint, rates, stated=f"合计{percent(value, shown)}",
                   expected="至多100%", formula=" + ".join(r.text for r in rates),
                   difference=f"{percent(value - HUNDRED, shown)[:-1]}个百分点")


def implied_previous(amount, rate, sign: int) -> Interval | None:  # noqa: ANN001
    """Last year's amount implied by this year's and its growth rate, 本年 ÷ (1 ± 增幅), in base units."""
    r = Interval(rate.quantity.low, rate.quantity.high).scale(Decimal("0.01"))
    factor = Interval(1 + r.lo, 1 + r.hi) if sign > 0 else Interval(1 - r.hi, 1 - r.lo)
    if factor.lo <= 0:
        return None  # 下降100%: nothing is implied of last year
    implied = interval(amount) / factor
    if new_item(rate, sign):
        return Interval(min(Decimal(0), implied.lo), implied.hi)  # last year 0 or half of this year's
    return implied


def new_item(rate, sign: int) -> bool:  # noqa: ANN001
    """增长100% is also written for an item new this year (上年为0): either reading holds."""
    return sign > 0 and rate.quantity.value == HUNDRED


@check("previous_sum")
def previous_sum(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """Last year's amounts implied by the rates of a whole and its parts must add up as this year's do."""
    claims = [ctx.by_id[i] for i in constraint.claims]
    pairs = list(zip(claims[0::2], claims[1::2]))
    signs = constraint.params["signs"]
    implied = [implied_previous(a, r, s) for (a, r), s in zip(pairs, signs)]
    if any(i is None for i in implied):
        return None
    whole, parts = implied[0], total(implied[1:])
    if whole.meets(parts):
        return None
    (amount, rate), *rest = pairs
    whole_value = whole.mid
    parts_value = parts.mid
    formula = " + ".join(f"{'(0或' if new_item(r, s) else ''}{a.text}÷(1{'+' if s > 0 else '−'}{r.text})"
                         f"{')' if new_item(r, s) else ''}" for (a, r), s in zip(rest, signs[1:]))
    return finding(ctx, constraint, [rate, amount, *(c for pair in rest for c in pair)],
                   stated=f"{in_unit(whole_value, amount)}（{amount.text}÷(1{'+' if signs[0] > 0 else '−'}{rate.text})）",
                   expected=in_unit(parts_value, amount), formula=formula,
                   difference=in_unit(abs(whole_value - parts_value), amount), subject="上年数")


@check("implied_currents")
def implied_currents(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """A total against its parts stated by change and rate only: Σ (change ÷ rate ± change) = total."""
    whole, *rest = (ctx.by_id[i] for i in constraint.claims)
    pairs = list(zip(rest[0::2], rest[1::2]))
    currents = []
    for (change, rate), sign in zip(pairs, constraint.params["signs"]):
        r = Interval(rate.quantity.low, rate.quantity.high).scale(Decimal("0.01"))
        if r.lo <= 0 or sign == 0:
            return None
        moved = interval(change)
        previous = moved / r
        currents.append(Interval(previous.lo + moved.lo, previous.hi + moved.hi) if sign > 0
                        else Interval(previous.lo - moved.hi, previous.hi - moved.lo))
    parts = total(currents)
    if parts is None or interval(whole).meets(parts):
        return None
    formula = " + ".join(f"{c.text}÷{r.text}{'+' if s > 0 else '−'}{c.text}"
                         for (c, r), s in zip(pairs, constraint.params["signs"]))
    return finding(ctx, constraint, [whole, *rest], stated=whole.text, expected=in_unit(parts.mid, whole),
                   formula=formula, difference=in_unit(abs(interval(whole).mid - parts.mid), whole),
                   subject=whole.subject or "总数")


@check("time_progress")
def time_progress(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """R% 快于序时进度 Z 个百分点 after N months: R − N/12 × 100 = Z (or −Z when 慢于)."""
    difference, rate = (ctx.by_id[i] for i in constraint.claims)
    sign, months = constraint.params["sign"], constraint.params["months"]
    elapsed = Decimal(months) / 12 * HUNDRED
    gap = Interval(rate.quantity.low - elapsed, rate.quantity.high - elapsed)
    if gap.meets(_signed(difference.quantity.low, difference.quantity.high, sign)):
        return None
    value = rate.quantity.value - elapsed
    shown = max(places(rate), places(difference))
    word = constraint.params.get("word") or "序时进度"
    return finding(ctx, constraint, [difference, rate], stated=f"{'快于' if sign > 0 else '慢于'}{difference.text}",
                   expected=f"{fmt(value, shown)}个百分点", formula=f"{rate.text} − {months}/12",
                   difference=f"{fmt(abs(value - sign * difference.quantity.value), shown)}个百分点", subject=word)


@check("point_difference")
def point_difference(constraint: Constraint, ctx) -> object:  # noqa: ANN001
    """X% 比 Y% 高 Z 个百分点: X − Y = Z (or −Z below), on the stated precisions."""
    difference, rate, other = (ctx.by_id[i] for i in constraint.claims)
    sign = constraint.params["sign"]
    gap = Interval(rate.quantity.low, rate.quantity.high) - Interval(other.quantity.low, other.quantity.high)
    stated = _signed(difference.quantity.low, difference.quantity.high, sign)
    if gap.meets(stated):
        return None
    value = rate.quantity.value - other.quantity.value
    shown = max(places(rate), places(other), places(difference))
    return finding(ctx, constraint, [difference, rate, other], stated=f"{'高' if sign > 0 else '低'}{difference.text}",
                   expected=f"{fmt(value, shown)}个百分点", formula=f"{rate.text} − {other.text}",
                   difference=f"{fmt(abs(value - sign * difference.quantity.value), shown)}个百分点", subject="百分点差")
