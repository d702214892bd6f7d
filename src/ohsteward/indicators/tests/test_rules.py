"""The pure rules of the indicators: periods, rates, targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.indicators import rules
from ohsteward.indicators.rules import TargetRow, is_met, parse_period, pick_target, rate


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "code"),
    [
        ("2025", "year", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025"),
        ("2025Q2", "quarter", dt.date(2025, 4, 1), dt.date(2025, 6, 30), "2025Q2"),
        ("2025q4", "quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025Q4"),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02"),
    ],
)
def test_periods_parse_to_their_first_and_last_day(text, kind, start, end, code):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.code) == (kind, start, end, code)


@pytest.mark.parametrize("text", ["", "25", "2025Q5", "2025-13", "2025-1"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_rate_is_a_percentage_with_one_decimal_and_none_over_nothing():
    assert rate(1, 3) == Decimal("33.3")
    assert rate(2, 3) == Decimal("66.7")
    assert rate(0, 5) == Decimal("0.0")
    assert rate(0, 0) is None


def test_met_follows_the_direction_and_is_unknown_without_a_value_or_target():
    assert is_met(Decimal("90"), Decimal("90"), "higher") is True
    assert is_met(Decimal("89.9"), Decimal("90"), "higher") is False
    assert is_met(Decimal("5"), Decimal("10"), "lower") is True
    assert is_met(None, Decimal("10"), "higher") is None
    assert is_met(Decimal("10"), None, "higher") is None


ROWS = [
    TargetRow("city", None, None, None, Decimal("100")),
    TargetRow("district", None, None, None, Decimal("100")),
    TargetRow("district", "500112", None, None, Decimal("80")),
    TargetRow("district", "500112", None, 2023, Decimal("90")),
    TargetRow("district", None, "year", None, Decimal("50")),
]


def test_a_district_override_beats_the_level_default_and_a_year_beats_every_year():
    year_2025 = parse_period("2025")
    assert pick_target(ROWS, level="district", region_code="500112", period=year_2025).value == Decimal("80")
    assert pick_target(ROWS, level="district", region_code="500112", period=parse_period("2023")).value == 90
    # another district: the level default; a period kind beats "any period"
    assert pick_target(ROWS, level="district", region_code="500101", period=year_2025).value == Decimal("50")
    assert (
        pick_target(ROWS, level="district", region_code="500101", period=parse_period("2025Q1")).value == 100
    )
    assert pick_target(ROWS, level="city", region_code=None, period=year_2025).value == Decimal("100")
    assert pick_target([], level="city", region_code=None, period=year_2025) is None


@pytest.mark.parametrize(
    ("period", "earlier"), [("2025", "2024"), ("2025Q2", "2024Q2"), ("2025-03", "2024-03")]
)
def test_growth_compares_with_the_same_period_a_year_earlier(period, earlier):
    assert rules.year_earlier(rules.parse_period(period)).code == earlier


def test_the_growth_target_is_the_baseline_plus_the_step():
    assert rules.growth_target(30, Decimal("1")) == Decimal("31")
    assert rules.growth_target(0, Decimal("5")) == Decimal("5")


def test_the_trend_quarters_end_with_the_quarter_of_the_day():
    quarters = rules.quarters_up_to(dt.date(2025, 5, 2), 4)
    assert [q.code for q in quarters] == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
