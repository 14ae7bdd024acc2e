"""Interval arithmetic: a relation is broken only when no values within the stated precision hold."""

from decimal import Decimal as D

import pytest

from auditor.intervals import Interval, fmt, total
from auditor.model import Quantity


def q(value, decimals, unit="万元", factor=10000, comparator="="):
    half = D(5) / D(10) ** (decimals + 1)
    return Quantity(D(value), unit, D(value) - half, D(value) + half, "money", D(factor), comparator, decimals)


def test_rounded_parts_meet_their_total():
    # 958.93 + 403.24 = 1362.17, stated 1362.16: within two-decimal rounding
    parts = total([Interval.of(q("958.93", 2)), Interval.of(q("403.24", 2))])
    assert parts.meets(Interval.of(q("1362.16", 2)))


def test_real_gap_does_not_meet():
    parts = total([Interval.of(q("1106.08", 2)), Interval.of(q("55.63", 2))])
    assert not parts.meets(Interval.of(q("1339.13", 2)))


@pytest.mark.parametrize(("num", "den", "stated", "decimals", "holds"), [
    ("29", "33", "88", 0, True),            # 87.88% rounds to 88%
    ("3.65", "3.22", "113.33", 2, True),    # 113.35% from two-decimal inputs still meets 113.33%
    ("661.7252", "680", "100", 0, False),   # 97.31% is not 100%
    ("760.2160", "900", "75.00", 2, False),
])
def test_ratio(num, den, stated, decimals, holds):
    def iv(text):
        d = len(text.split(".")[1]) if "." in text else 0
        half = D(5) / D(10) ** (d + 1)
        return Interval(D(text) - half, D(text) + half)

    recomputed = (iv(num) / iv(den)).scale(D(100))
    assert recomputed.meets(iv(stated)) is holds


def test_division_by_an_interval_containing_zero_is_undefined():
    assert Interval(D(1), D(2)) / Interval(D("-0.5"), D("0.5")) is None


def test_comparator_widens_the_interval():
    ge = Interval(D("89.5"), D("Infinity"))
    assert ge.meets(Interval(D(95), D(95))) and not ge.meets(Interval(D(80), D(80)))


@pytest.mark.parametrize(("value", "text"), [(D("1429.4600"), "1429.46"), (D("90.00"), "90"), (D("-0.001"), "0")])
def test_fmt(value, text):
    assert fmt(value) == text
