"""Table tests of the pneumoconiosis rules (rehab.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.surveillance import rehab


def test_towns_with_100_patients_and_no_station_most_first():
    patients = {"A": 150, "B": 99, "C": 100, "D": 230}
    stations = {"D": 1}
    assert [(t.town, t.patients) for t in rehab.towns_needing_station(patients, stations)] == [
        ("A", 150),
        ("C", 100),
    ]
    assert rehab.RULES_V1.verified is False


@pytest.mark.parametrize(
    ("visited", "due"),
    [(dt.date(2026, 3, 1), dt.date(2027, 3, 1)), (dt.date(2024, 2, 29), dt.date(2025, 2, 28))],
)
def test_follow_up_is_yearly(visited, due):
    assert rehab.next_follow_up(visited) == due


@pytest.mark.parametrize(
    ("name", "yes"),
    [("矽肺", True), ("煤工尘肺", True), ("石棉肺", True), ("噪声聋", False), ("苯中毒", False)],
)
def test_is_pneumoconiosis(name, yes):
    assert rehab.is_pneumoconiosis(name) is yes
