"""Table tests of the online service zone's rules (stewardship/zone/rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.stewardship.zone import rules

D = dt.date


@pytest.mark.parametrize(
    "start, days, due",
    [
        (D(2026, 12, 2), 5, D(2026, 12, 9)),  # Wednesday → next Wednesday
        (D(2026, 12, 4), 5, D(2026, 12, 11)),  # Friday → next Friday
        (D(2026, 12, 5), 5, D(2026, 12, 11)),  # asked on a Saturday: Mon–Fri count
        (D(2026, 12, 6), 1, D(2026, 12, 7)),  # Sunday → Monday
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Friday → Monday
        (D(2026, 12, 2), 0, D(2026, 12, 2)),
        (D(2026, 12, 28), 5, D(2027, 1, 4)),  # across a year (1 January not modelled as a holiday)
    ],
)
def test_add_working_days_counts_monday_to_friday(start, days, due):
    assert rules.add_working_days(start, days) == due


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        rules.add_working_days(D(2026, 12, 2), -1)


@pytest.mark.parametrize(
    "due, answered, today, state",
    [
        (D(2026, 12, 9), False, D(2026, 12, 9), "open"),  # the due day itself is still in time
        (D(2026, 12, 9), False, D(2026, 12, 10), "overdue"),
        (D(2026, 12, 9), True, D(2026, 12, 30), "answered"),
        (D(2026, 12, 9), False, D(2026, 12, 1), "open"),
    ],
)
def test_question_state(due, answered, today, state):
    assert rules.question_state(due, answered, today) == state


@pytest.mark.parametrize(
    "state, decision, reason, error",
    [
        ("pending", "accept", "", None),
        ("pending", "decline", "本月人手已满", None),
        ("pending", "decline", "  ", "婉拒时请说明原因"),
        ("pending", "maybe", "", "请选择接受或婉拒"),
        ("accepted", "decline", "x", "该申请已接受，不能再答复"),
        ("withdrawn", "accept", "", "该申请已撤回，不能再答复"),
    ],
)
def test_decision_error(state, decision, reason, error):
    assert rules.decision_error(state, decision, reason) == error


@pytest.mark.parametrize(
    "today, current_end, start",
    [
        (D(2026, 12, 2), None, D(2026, 12, 2)),
        (D(2026, 12, 2), D(2027, 3, 31), D(2027, 4, 1)),  # after the agreement in force ends
        (D(2026, 12, 2), D(2026, 12, 2), D(2026, 12, 3)),  # ends today: starts tomorrow
        (D(2026, 12, 2), D(2026, 11, 30), D(2026, 12, 2)),  # already ended
    ],
)
def test_draft_start_never_overlaps_the_agreement_in_force(today, current_end, start):
    assert rules.draft_start(today, current_end) == start


@pytest.mark.parametrize(
    "category, severity, text, fields",
    [
        ("ppe", "major", "打磨岗位未佩戴防尘口罩", set()),
        ("nonsense", "major", "x", {"category"}),
        ("ppe", "huge", "x", {"severity"}),
        ("ppe", "minor", "   ", {"text"}),
        ("ppe", "minor", "字" * 501, {"text"}),
        ("", "", "", {"category", "severity", "text"}),
    ],
)
def test_finding_error(category, severity, text, fields):
    assert set(rules.finding_error(category, severity, text)) == fields


def test_every_finding_category_of_the_issue_is_offered():
    labels = [label for _code, label in rules.FINDING_CATEGORIES]
    assert labels == ["危害辨识", "防护设施", "个体防护", "职业健康检查", "培训", "制度", "其他"]


@pytest.mark.parametrize(
    "ratings, mean",
    [([5, 4, None, 3], 4.0), ([None], None), ([], None), ([5, 4], 4.5), ([4, 4, 5], 4.3)],
)
def test_mean_rating(ratings, mean):
    assert rules.mean_rating(ratings) == mean


@pytest.mark.parametrize(
    "categories, expected",
    [
        ([], [""]),
        (["dust"], ["dust"]),
        (["physical", "dust", "dust"], ["dust", "physical"]),  # catalogue order, once each
        (["unknown"], [""]),
    ],
)
def test_advice_follows_the_declared_categories(categories, expected):
    assert [c for c, _items in rules.advice_for(categories)] == expected


def test_each_category_advises_on_ppe_facilities_and_exams_with_a_source():
    for category, items in rules.ADVICE.items():
        assert {a.topic for a in items} == {"ppe", "facilities", "exams"}, category
        assert all(a.source and a.text for a in items), category


def test_every_qualification_and_content_has_plain_words():
    from ohsteward.stewardship.choices import Qualification, ServiceContent

    assert set(rules.PLAIN_QUALIFICATIONS) == set(Qualification.values)
    assert set(rules.PLAIN_CONTENTS) == set(ServiceContent.values)
