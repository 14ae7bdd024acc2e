"""Interval arithmetic on Decimals: a relation is broken only when no values inside every figure's
stated precision satisfy it (``88%`` = 29/33 holds, because 87.88% lies in [87.5%, 88.5%])."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from auditor.model import Quantity

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Interval:
    lo: Decimal
    hi: Decimal

    @classmethod
    def of(cls, q: Quantity, base: bool = True) -> Interval:
        """The quantity's interval, in its dimension's base unit when ``base`` (万元 → 元)."""
        return cls(q.base_low, q.base_high) if base else cls(q.low, q.high)

    @classmethod
    def exact(cls, value: Decimal) -> Interval:
        return cls(value, value)

    @property
    def mid(self) -> Decimal:
        if self.lo.is_infinite() or self.hi.is_infinite():
            return self.lo if not self.lo.is_infinite() else self.hi
        return (self.lo + self.hi) / 2

    @property
    def width(self) -> Decimal:
        return self.hi - self.lo

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def scale(self, k: Decimal) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def __mul__(self, other: Interval) -> Interval:
        products = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(products), max(products))

    def __truediv__(self, other: Interval) -> Interval | None:
        """None when the divisor may be zero (the ratio is then undefined, not wrong)."""
        if other.lo <= 0 <= other.hi:
            return None
        with localcontext() as ctx:
            ctx.prec = 28
            quotients = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(quotients), max(quotients))

    def meets(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, value: Decimal) -> bool:
        return self.lo <= value <= self.hi

    def gap(self, other: Interval) -> Decimal:
        """Distance between the intervals (0 when they meet)."""
        if self.meets(other):
            return ZERO
        return other.lo - self.hi if self.hi < other.lo else self.lo - other.hi


def total(intervals: Iterable[Interval]) -> Interval:
    out = Interval(ZERO, ZERO)
    for i in intervals:
        out = out + i
    return out


def fmt(value: Decimal, places: int = 2) -> str:
    """A Decimal for people: fixed places, trailing zeros trimmed (1429.4600 -> 1429.46, 90.00 -> 90)."""
    if value.is_infinite():
        return "∞" if value > 0 else "-∞"
    q = value.quantize(Decimal(1).scaleb(-places))
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
