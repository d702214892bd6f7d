"""Table tests of the exam schedule (GBZ 188-2014 / -2025, RULES.md §2; 49号令 第14、15条)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.surveillance import schedule
from ohsteward.surveillance.schedule import ExamRecord, Exposure

D = dt.date
NOISE = "3008", "噪声"
SILICA = "1038", "矽尘"
COAL = "1021", "煤尘（游离 SiO2 含量＜10%）"
CEMENT = "1099", "水泥粉尘"  # a dust without its own row: 6.4
BENZENE = "2013", "苯"
CO = "2331", "一氧化碳"
HEAT = "3007", "高温"
XRAY = "5001", "X射线"
UNLISTED = "2020", "苄基氯"
BEFORE_2025 = D(2026, 3, 1)
AFTER_2025 = D(2026, 9, 1)


def ex(factor, l_ex_8h=None, grade=None):
    return Exposure(factor[0], factor[1], l_ex_8h, grade)


@pytest.mark.parametrize(
    ("exposures", "months", "verified"),
    [
        ([ex(NOISE, 88)], 12, True),  # ≥ 85 dB(A): yearly
        ([ex(NOISE, 85)], 12, True),  # the boundary belongs to the upper band
        ([ex(NOISE, 82.5)], 24, True),  # 80–85: every 2 years
        ([ex(NOISE, 79.9)], None, True),  # < 80: no periodic exam
        ([ex(NOISE)], 12, True),  # unmeasured: the stricter band
        ([ex(BENZENE)], 12, True),
        ([ex(CO)], 36, True),
        ([ex(HEAT)], 12, True),
        ([ex(COAL, grade="I")], 36, True),
        ([ex(COAL, grade="Ⅱ级")], 24, True),
        ([ex(COAL)], 24, True),  # unknown grade: stricter band
        ([ex(COAL, grade="X")], 24, True),  # unreadable grade: stricter band
        ([ex(SILICA, grade="I")], 24, False),  # [M] row: unverified
        ([ex(SILICA, grade="III")], 12, False),
        ([ex(CEMENT, grade="I")], 48, False),  # 6.4 other inorganic dusts
        ([ex(XRAY)], 24, False),
        ([ex(UNLISTED)], 12, False),  # not in the table: a year, flagged
        ([ex(CO), ex(NOISE, 82)], 24, True),  # the shortest across factors
        ([ex(CO), ex(NOISE, 82), ex(BENZENE)], 12, True),
        ([ex(NOISE, 70), ex(CO)], 36, True),  # noise below 80 adds nothing
        ([], None, True),
    ],
)
def test_gbz188_2014_interval(exposures, months, verified):
    interval = schedule.periodic_interval(exposures, on=BEFORE_2025)
    assert interval.standard == "GBZ 188-2014"
    assert (interval.interval_months, interval.verified) == (months, verified)
    assert len(interval.basis) == len(exposures)


@pytest.mark.parametrize(
    ("exposures", "months"),
    [
        ([ex(NOISE, 82)], 24),
        ([ex(COAL, grade="I")], 24),  # 2025 [3P]: every dust by grade, Ⅰ级 2 years
        ([ex(BENZENE)], 12),  # no grade: stricter band
        ([ex(BENZENE, grade="I")], 24),
        ([ex(CO)], 12),
    ],
)
def test_gbz188_2025_applies_from_august_2026_and_is_unverified(exposures, months):
    interval = schedule.periodic_interval(exposures, on=AFTER_2025)
    assert interval.standard == "GBZ 188-2025"
    assert interval.interval_months == months
    assert interval.verified is False
    assert all("未核对" in b.reason for b in interval.basis)


def test_the_standard_changes_on_the_first_of_august_2026():
    assert schedule.standard_on(D(2026, 7, 31)) == "GBZ 188-2014"
    assert schedule.standard_on(D(2026, 8, 1)) == "GBZ 188-2025"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 5, 10), 24, D(2027, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert schedule.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("on", "leave_on", "next_due"),
    [
        (D(2025, 3, 1), None, D(2026, 3, 1)),
        (D(2025, 3, 1), D(2027, 1, 1), D(2026, 3, 1)),  # leaving later: periodic first
        (D(2025, 3, 1), D(2026, 3, 20), D(2026, 3, 20)),  # next periodic inside the exit window: exit exam
        (D(2025, 3, 1), D(2025, 5, 1), None),  # exam within 90 days before leaving counts as exit exam
    ],
)
def test_next_due_with_a_leaving_date(on, leave_on, next_due):
    _interval, due = schedule.next_periodic_due([ex(BENZENE)], on=on, leave_on=leave_on)
    assert due == next_due


NOISY = [ex(NOISE, 88)]


@pytest.mark.parametrize(
    ("case", "kwargs", "kind", "due_on"),
    [
        ("never examined: pre-placement due at the start of the post", {"exams": []}, "pre", D(2024, 5, 1)),
        (
            "after a pre-placement exam: periodic",
            {"exams": [ExamRecord(D(2024, 4, 20), "pre")]},
            "periodic",
            D(2025, 4, 20),
        ),
        (
            "the last periodic counts",
            {"exams": [ExamRecord(D(2024, 4, 20), "pre"), ExamRecord(D(2025, 4, 1), "periodic")]},
            "periodic",
            D(2026, 4, 1),
        ),
        (
            "acute exposure after the last exam: emergency at once",
            {"exams": [ExamRecord(D(2025, 4, 1), "periodic")], "acute_exposures": [D(2025, 6, 3)]},
            "emergency",
            D(2025, 6, 3),
        ),
        (
            "an acute exposure before the last exam is answered",
            {
                "exams": [ExamRecord(D(2025, 7, 1), "emergency"), ExamRecord(D(2025, 4, 1), "periodic")],
                "acute_exposures": [D(2025, 6, 3)],
            },
            "periodic",
            D(2026, 4, 1),
        ),
        (
            "leaving: exit exam by the leaving day",
            {"exams": [ExamRecord(D(2025, 4, 1), "periodic")], "leave_on": D(2026, 2, 1)},
            "exit",
            D(2026, 2, 1),
        ),
    ],
)
def test_worker_due(case, kwargs, kind, due_on):
    args = {
        "exposures": NOISY,
        "exposed_since": D(2024, 5, 1),
        "exams": [],
        "acute_exposures": [],
        "leave_on": None,
    }
    due = schedule.worker_due(**{**args, **kwargs})
    assert (due.kind, due.due_on) == (kind, due_on), case


def test_a_periodic_exam_within_90_days_before_leaving_needs_no_exit_exam():
    due = schedule.worker_due(
        exposures=NOISY,
        exposed_since=D(2024, 5, 1),
        exams=[ExamRecord(D(2025, 12, 1), "periodic")],
        acute_exposures=[],
        leave_on=D(2026, 2, 1),
    )
    assert due is None


def test_a_worker_without_exposure_needs_no_exam():
    assert (
        schedule.worker_due(exposures=[], exposed_since=None, exams=[], acute_exposures=[], leave_on=None)
        is None
    )


def test_the_reason_names_the_band_in_chinese():
    basis = schedule.factor_interval(ex(NOISE), "GBZ 188-2014")
    assert basis.reason == "GBZ 188-2014 7.1：无噪声检测结果，从严按 ≥85 dB(A) 1年1次"
