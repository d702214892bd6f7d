"""The pure rules of the other departments' lists: the portrait's 工伤保险 light, a year's date."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.interdept import rules

D = dt.date


@pytest.mark.parametrize(
    ("insured", "employees", "exposed", "as_of", "light", "text"),
    [
        (0, 50, 10, D(2025, 6, 1), "red", "未参保"),
        (5, 50, 10, D(2025, 6, 1), "red", "参保 5 人，少于接害 10 人"),
        (20, 50, 10, D(2025, 6, 1), "amber", "参保 20/50 人"),
        (20, None, 10, D(2025, 6, 1), "amber", "参保 20 人，从业人数未知"),
        (50, 50, 10, D(2025, 6, 1), "green", "全员参保 50 人"),
        (50, 50, None, D(2025, 6, 1), "green", "全员参保 50 人"),
        (50, 50, 10, D(2024, 1, 1), "amber", "全员参保 50 人，数据已超过一年"),
    ],
)
def test_the_insurance_light_compares_insured_with_employees_and_exposed_workers(
    insured, employees, exposed, as_of, light, text
):
    got = rules.insurance_light(
        insured=insured, employees=employees, exposed=exposed, as_of=as_of, on=D(2025, 7, 1)
    )
    assert got.light == light and got.text.startswith(text)
    assert bool(got.advice) == (light != "green")


def test_a_year_stands_for_its_last_day_or_today_for_the_running_year():
    assert rules.as_of_for_year(2024, D(2025, 3, 1)) == D(2024, 12, 31)
    assert rules.as_of_for_year(2025, D(2025, 3, 1)) == D(2025, 3, 1)
