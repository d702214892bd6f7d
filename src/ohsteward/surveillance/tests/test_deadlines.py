"""Table tests of the case time limits (RULES.md §13; 国家卫生健康委令第6号)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.surveillance import deadlines as d

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "due", "verified"),
    [
        ("certificate_delivery", D(2026, 3, 1), D(2026, 3, 16), True),  # 15 日 of issue
        ("online_report", D(2026, 12, 20), D(2027, 1, 4), True),  # 15 日 of diagnosis, over the year end
        ("appeal_window", D(2026, 2, 1), D(2026, 3, 3), True),  # 30 日 of receipt
        ("reassignment", D(2026, 3, 1), D(2026, 3, 31), False),  # our default, 未核对
    ],
)
def test_due_dates_count_calendar_days_from_the_event(code, start, due, verified):
    assert d.due_date(code, start) == due
    assert d.limits_for(start).get(code).verified is verified


@pytest.mark.parametrize(
    ("code", "start", "done_on", "today", "status", "late"),
    [
        ("online_report", None, None, D(2026, 3, 1), "open", False),  # not diagnosed yet
        ("online_report", D(2026, 3, 1), None, D(2026, 3, 16), "open", False),  # the last day
        ("online_report", D(2026, 3, 1), None, D(2026, 3, 17), "overdue", False),
        ("online_report", D(2026, 3, 1), D(2026, 3, 10), D(2026, 4, 1), "closed", False),
        ("online_report", D(2026, 3, 1), D(2026, 3, 20), D(2026, 4, 1), "closed", True),
        ("appeal_window", D(2026, 3, 1), None, D(2026, 4, 1), "closed", False),  # a window runs out
        ("appeal_window", D(2026, 3, 1), None, D(2026, 3, 31), "open", False),
    ],
)
def test_track_status(code, start, done_on, today, status, late):
    t = d.track(code, start=start, done_on=done_on, today=today)
    assert (t.status, t.late) == (status, late)


def test_case_deadlines_in_order_and_overdue_flag():
    rows = d.case_deadlines(
        diagnosed_on=D(2026, 3, 1),
        certificate_issued_on=D(2026, 3, 2),
        certificate_delivered_on=D(2026, 3, 5),
        reported_on=None,
        certificate_received_on=D(2026, 3, 5),
        appealed_on=None,
        today=D(2026, 3, 20),
    )
    assert [(r.code, r.status) for r in rows] == [
        ("certificate_delivery", "closed"),
        ("online_report", "overdue"),
        ("appeal_window", "open"),
    ]
    assert d.any_overdue(rows)
    assert rows[2].due == D(2026, 4, 4)
    assert rows[0].status_label == "已完成"
