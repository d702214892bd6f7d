"""Training rules as table tests: hours by role (RULES.md §9, 未核对), standing, quiz scoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from ohsteward.stewardship.training import rules

TODAY = dt.date(2026, 6, 15)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("role", "initial", "yearly", "window"),
    [("principal", 16, 8, 365), ("manager", 16, 8, 365), ("exposed", 8, 4, 0)],
)
def test_hours_by_role_follow_rules_md_section_9(role, initial, yearly, window):
    req = rules.requirement(role, on=TODAY)
    assert (req.initial, req.yearly, req.initial_window_days) == (D(initial), D(yearly), window)
    assert "441号" in req.source


def test_other_people_have_no_requirement_and_the_version_is_flagged_unverified():
    assert rules.requirement("other", on=TODAY) is None
    assert rules.rules_on(TODAY).verified is False and "未核对" in rules.rules_on(TODAY).note


@pytest.mark.parametrize(
    ("role", "started", "records", "status", "missing"),
    [
        # exposed worker: 上岗前 8 h before the start date, then 4 h every later year
        ("exposed", "2026-07-01", [], "due", 8),  # starts next month, nothing yet
        ("exposed", "2026-06-01", [("2026-05-20", 8)], "ok", 0),
        ("exposed", "2026-06-01", [("2026-05-20", 4)], "overdue", 4),  # started short
        ("exposed", "2026-06-01", [("2026-05-20", 4), ("2026-06-10", 4)], "ok", 0),  # made up late
        ("exposed", "2024-03-01", [("2024-02-20", 8), ("2025-05-01", 4)], "due", 4),  # 2026 not yet
        ("exposed", "2024-03-01", [("2024-02-20", 8), ("2025-05-01", 4), ("2026-01-10", 4)], "ok", 0),
        ("exposed", "2024-03-01", [("2024-02-20", 8), ("2025-05-01", 2), ("2026-01-10", 4)], "overdue", 2),
        ("exposed", "2025-09-01", [("2025-08-20", 8)], "due", 4),  # 2026 is the first full year
        # managers: 16 h within a year of taking the post, then 8 h a year
        ("manager", "2026-03-01", [("2026-04-01", 8)], "due", 8),
        ("manager", "2025-03-01", [("2025-04-01", 8)], "overdue", 8),
        ("principal", "2025-03-01", [("2025-04-01", 16)], "due", 8),
        (
            "principal",
            "2023-03-01",
            [("2023-04-01", 16), ("2024-05-01", 8), ("2025-05-01", 7.5)],
            "overdue",
            0.5,
        ),
        ("principal", "2023-03-01", [("2023-04-01", 16), ("2025-05-01", 8), ("2026-02-01", 8)], "ok", 0),
        ("other", "2020-01-01", [], "na", 0),
    ],
)
def test_standing(role, started, records, status, missing):
    got = rules.standing(
        role=role, started_on=d(started), records=[(d(day), D(str(h))) for day, h in records], today=TODAY
    )
    assert (got.status, got.missing) == (status, D(str(missing))), got.reason
    assert got.label == rules.STATUSES[status]


@pytest.mark.parametrize(
    ("trained", "required", "rate"), [(3, 4, 75.0), (0, 2, 0.0), (2, 2, 100.0), (0, 0, None)]
)
def test_training_rate_is_trained_over_required(trained, required, rate):
    assert rules.rate(trained, required) == rate


QUESTIONS = [
    {"text": "粉尘岗位应佩戴？", "options": ["防尘口罩", "棉纱口罩"], "answer": 0},
    {"text": "噪声超过多少须佩戴护耳器？", "options": ["70 dB(A)", "85 dB(A)"], "answer": 1},
]


@pytest.mark.parametrize(
    ("answers", "value", "passes_80"),
    [([0, 1], 100, True), ([0, 0], 50, False), ([None, 1], 50, False), ([], 0, False)],
)
def test_score_and_threshold(answers, value, passes_80):
    assert rules.score(QUESTIONS, answers) == value
    assert rules.passed(value, 80) is passes_80
    assert rules.passed(80, 80) is True  # at the threshold counts as 知晓


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "至少需要一道题"),
        ([{"text": "", "options": ["a", "b"], "answer": 0}], "第1题：缺少题目"),
        ([{"text": "q", "options": ["a"], "answer": 0}], "第1题：至少需要两个选项"),
        ([QUESTIONS[0], {"text": "q", "options": ["a", "b"], "answer": 2}], "第2题：正确答案应为选项之一"),
        (QUESTIONS, None),
    ],
)
def test_questions_are_checked(questions, message):
    assert rules.questions_error(questions) == message


@pytest.mark.parametrize(
    ("hours", "ok"), [(None, False), (D(0), False), (D("0.5"), True), (D(200), True), (D(201), False)]
)
def test_hours_bounds(hours, ok):
    assert (rules.hours_error(hours) is None) is ok


@pytest.mark.parametrize(
    ("today", "version", "status"),
    [
        # a worker who started 2025-03-01 with 8 h and had 4 h in 2026 (the yearly v1 minimum)
        ("2026-06-15", "v1", "ok"),
        ("2027-02-01", "v2", "overdue"),  # v2 (a made-up 6 h a year) judges 2026 short
    ],
)
def test_the_rules_are_versioned_data_and_standing_follows_the_version_in_force(
    monkeypatch, today, version, status
):
    """A later version (e.g. once 441号 is checked) applies from its ``valid_from``; nothing in
    the standing code changes. v2 here is made up for the test."""
    v2 = rules.TrainingRules(
        version="v2",
        valid_from=d("2027-01-01"),
        requirements={**rules.RULES_V1.requirements, "exposed": rules.Requirement(D(8), D(6), 0, "test")},
        verified=True,
        note="",
    )
    monkeypatch.setattr(rules, "VERSIONS", {"v1": rules.RULES_V1, "v2": v2})
    assert rules.rules_on(d(today)).version == version
    got = rules.standing(
        role="exposed", started_on=d("2025-03-01"), records=[(d("2025-02-20"), D(8)), (d("2026-04-01"), D(4))],
        today=d(today),
    )  # fmt: skip
    assert got.status == status, got.reason
