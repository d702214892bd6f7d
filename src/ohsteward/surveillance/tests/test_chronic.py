"""Table tests of chronic disease screening and follow-up (RULES.md §12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.surveillance import chronic as ch

D = dt.date


@pytest.mark.parametrize(("age", "ok"), [(34, False), (35, True), (60, True)])
def test_screening_is_for_35_and_over(age, ok):
    assert ch.eligible(age) is ok


@pytest.mark.parametrize(
    ("sbp", "dbp", "cls"),
    [
        (118, 76, "normal"),
        (129, 84, "normal"),
        (130, 80, "high_risk"),  # 血压高值 130–139
        (125, 85, "high_risk"),  # or 85–89
        (139, 89, "high_risk"),
        (140, 80, "suspected"),
        (120, 90, "suspected"),
        (179, 109, "suspected"),
        (180, 100, "emergency"),
        (150, 110, "emergency"),
    ],
)
def test_bp_classes(sbp, dbp, cls):
    assert ch.classify_bp(sbp, dbp) == cls


@pytest.mark.parametrize(
    ("fpg", "cls"),
    [
        ("3.9", "emergency"),
        ("4.0", "normal"),
        ("6.0", "normal"),
        ("6.1", "high_risk"),
        ("6.9", "high_risk"),
        ("7.0", "suspected"),
        ("16.6", "suspected"),
        ("16.7", "emergency"),
    ],
)
def test_glucose_classes(fpg, cls):
    assert ch.classify_glucose(Decimal(fpg)) == cls


def test_classify_takes_the_worst_and_refuses_half_a_reading():
    assert ch.classify(sbp=132, dbp=80, fasting_glucose=Decimal("17.0")) == "emergency"
    assert ch.classify(sbp=118, dbp=70, fasting_glucose=None) == "normal"
    with pytest.raises(ValueError):
        ch.classify(sbp=140, dbp=None, fasting_glucose=None)
    with pytest.raises(ValueError):
        ch.classify(sbp=None, dbp=None, fasting_glucose=None)
    with pytest.raises(ValueError):
        ch.classify_bp(80, 120)


@pytest.mark.parametrize(
    ("readings", "state"),
    [
        ([(D(2026, 3, 1), 150, 95)], "pending"),
        ([(D(2026, 3, 1), 150, 95), (D(2026, 3, 1), 152, 96), (D(2026, 3, 2), 145, 92)], "pending"),  # 2 days
        ([(D(2026, 3, 1), 150, 95), (D(2026, 3, 3), 145, 92), (D(2026, 3, 8), 142, 88)], "refer"),
        ([(D(2026, 3, 1), 150, 95), (D(2026, 3, 3), 128, 82), (D(2026, 3, 8), 142, 88)], "cleared"),
    ],
)
def test_bp_is_confirmed_on_three_different_days(readings, state):
    assert ch.bp_confirmation(readings) == state


@pytest.mark.parametrize(
    ("disease", "age", "sbp", "dbp", "fpg", "outcome"),
    [
        ("hypertension", 50, 138, 88, None, "satisfactory"),
        ("hypertension", 50, 142, 88, None, "unsatisfactory"),
        ("hypertension", 66, 145, 85, None, "satisfactory"),  # ≥ 65: < 150/90
        ("hypertension", 66, 150, 85, None, "unsatisfactory"),
        ("hypertension", 50, 182, 100, None, "emergency"),
        ("diabetes", 50, None, None, "6.8", "satisfactory"),
        ("diabetes", 50, None, None, "7.0", "unsatisfactory"),
        ("diabetes", 50, None, None, "3.5", "emergency"),
        ("diabetes", 50, 185, 95, "6.0", "emergency"),
    ],
)
def test_follow_up_outcome(disease, age, sbp, dbp, fpg, outcome):
    glucose = Decimal(fpg) if fpg else None
    assert (
        ch.follow_up_outcome(disease=disease, age=age, sbp=sbp, dbp=dbp, fasting_glucose=glucose) == outcome
    )


@pytest.mark.parametrize(
    ("visited", "outcome", "previous", "due", "refer"),
    [
        (D(2026, 1, 15), "satisfactory", None, D(2026, 4, 15), False),  # next quarter
        (D(2026, 11, 30), "satisfactory", "satisfactory", D(2027, 2, 28), False),  # clamped to month end
        (D(2026, 1, 15), "unsatisfactory", "satisfactory", D(2026, 1, 29), False),  # first: 2 weeks
        (D(2026, 1, 15), "unsatisfactory", "unsatisfactory", D(2026, 1, 29), True),  # twice: refer
        (D(2026, 1, 15), "emergency", None, D(2026, 1, 29), True),
    ],
)
def test_next_follow_up_from_the_last_result(visited, outcome, previous, due, refer):
    step = ch.next_follow_up(visited_on=visited, outcome=outcome, previous_outcome=previous)
    assert (step.due, step.refer) == (due, refer)


@pytest.mark.parametrize(("visits", "short"), [(0, 4), (3, 1), (4, 0), (6, 0)])
def test_at_least_four_follow_ups_a_year(visits, short):
    assert ch.follow_up_shortfall(visits) == short


@pytest.mark.parametrize(
    ("cls", "due"),
    [("high_risk", D(2026, 9, 1)), ("normal", D(2027, 3, 1)), ("suspected", None), ("emergency", None)],
)
def test_rescreen_due(cls, due):
    assert ch.rescreen_due(screened_on=D(2026, 3, 1), screening_class=cls) == due


def test_unverified_thresholds_are_flagged():
    assert ch.THRESHOLDS_V1.glucose_high_risk.verified is False
    assert ch.THRESHOLDS_V1.sbp_suspected.verified is True
