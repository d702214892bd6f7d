"""Table tests for the steward service rules (seed 000 渝卫发〔2023〕62号)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.stewardship import rules
from ohsteward.stewardship.rules import MemberFact

D = dt.date
ON = D(2026, 6, 1)
SEVEN = [code for code, _ in rules.REQUIRED_QUALIFICATIONS]


def _team(*pairs):
    return [MemberFact(f"m{i}", q, until) for i, (q, until) in enumerate(pairs)]


ALL_VALID = [(code, None) for code in SEVEN]


@pytest.mark.parametrize(
    "members, expected",
    [
        (ALL_VALID, []),
        ([p for p in ALL_VALID if p[0] != "nutritionist"], ["nutritionist"]),
        ([], SEVEN),
        # an expired certificate does not count (issue 10, Bad input)
        ([*ALL_VALID[:2], ("nutritionist", D(2026, 5, 31)), *ALL_VALID[3:]], ["nutritionist"]),
        # valid through the day itself
        ([*ALL_VALID[:2], ("nutritionist", ON), *ALL_VALID[3:]], []),
        # an expired one does not hide a valid colleague of the same kind
        ([*ALL_VALID, ("nutritionist", D(2020, 1, 1))], []),
        # specialists and engineers do not stand in for the seven
        ([("specialist", None), ("engineering", None), ("other", None)], SEVEN),
    ],
)
def test_missing_qualifications_counts_only_valid_certificates(members, expected):
    assert rules.missing_qualifications(_team(*members), ON) == expected


@pytest.mark.parametrize(
    "missing, text",
    [
        ([], ""),
        (["nutritionist"], "缺：营养师"),
        (["nutritionist", "legal_professional"], "缺：营养师、法律专业人员"),
    ],
)
def test_missing_text_names_the_kinds_in_chinese(missing, text):
    assert rules.missing_text(missing) == text


def test_expiring_soon_lists_valid_certificates_inside_the_window_soonest_first():
    members = [
        MemberFact("甲", "nutritionist", ON + dt.timedelta(days=60)),
        MemberFact("乙", "legal_professional", ON + dt.timedelta(days=10)),
        MemberFact("丙", "general_practitioner", ON + dt.timedelta(days=91)),
        MemberFact("丁", "general_practitioner", ON - dt.timedelta(days=1)),  # already expired
        MemberFact("戊", "general_practitioner", None),
    ]
    assert [m.name for m in rules.expiring_soon(members, ON, days=90)] == ["乙", "甲"]


@pytest.mark.parametrize(
    "start, years, end",
    [
        (D(2026, 1, 1), 1, D(2026, 12, 31)),
        (D(2026, 3, 15), 1, D(2027, 3, 14)),
        (D(2026, 3, 15), 3, D(2029, 3, 14)),
        (D(2024, 2, 29), 1, D(2025, 2, 27)),
    ],
)
def test_default_end_is_one_year_or_the_agreed_years(start, years, end):
    assert rules.default_end(start, years) == end


@pytest.mark.parametrize(
    "start, end, error",
    [
        (D(2026, 1, 1), D(2026, 12, 31), None),
        (D(2026, 1, 1), D(2026, 1, 1), None),
        (D(2026, 1, 1), None, None),
        (D(2026, 1, 2), D(2026, 1, 1), "协议结束日期（2026-01-01）早于开始日期（2026-01-02）"),
        (None, D(2026, 1, 1), "请填写协议开始日期"),
    ],
)
def test_term_error_refuses_an_agreement_that_ends_before_it_starts(start, end, error):
    assert rules.term_error(start, end) == error


@pytest.mark.parametrize(
    "a, b, overlap",
    [
        ((D(2026, 1, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 12, 31)), False),
        ((D(2026, 1, 1), D(2026, 12, 31)), (D(2026, 12, 31), D(2027, 12, 31)), True),
        ((D(2026, 1, 1), None), (D(2030, 1, 1), D(2030, 2, 1)), True),
        ((D(2026, 6, 1), D(2026, 7, 1)), (D(2026, 1, 1), D(2026, 12, 31)), True),
        ((D(2027, 1, 1), D(2027, 2, 1)), (D(2026, 1, 1), D(2026, 12, 31)), False),
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap


def test_plan_visits_spreads_quantities_over_each_year_of_the_term():
    plan = rules.plan_visits({"detection": 2, "surveillance": 30}, D(2026, 1, 1), D(2027, 12, 31))
    by_content: dict[str, list[dt.date]] = {}
    for content, day in plan:
        by_content.setdefault(content, []).append(day)
    # 2 a year, two years → 4; exams for 30 workers → one visit a year
    assert len(by_content["detection"]) == 4
    assert len(by_content["surveillance"]) == 2
    # mid-slot: day 91 and day 274 of the agreement year
    assert by_content["detection"][:2] == [D(2026, 4, 2), D(2026, 10, 2)]
    assert all(D(2026, 1, 1) <= day <= D(2027, 12, 31) for _c, day in plan)
    assert plan == sorted(plan, key=lambda p: (p[1], p[0]))


def test_plan_visits_keeps_a_short_term_inside_its_end():
    plan = rules.plan_visits({"training": 4}, D(2026, 1, 1), D(2026, 3, 31))
    assert [day for _c, day in plan] == [D(2026, 2, 16)]


@pytest.mark.parametrize(
    "day, error",
    [
        (D(2026, 1, 1), None),
        (D(2026, 12, 31), None),
        (D(2025, 12, 31), "服务日期 2025-12-31 不在协议期限内（2026-01-01 至 2026-12-31）"),
        (D(2027, 1, 1), "服务日期 2027-01-01 不在协议期限内（2026-01-01 至 2026-12-31）"),
        (None, "请填写服务日期"),
    ],
)
def test_visit_date_must_lie_inside_the_agreement(day, error):
    assert rules.visit_date_error(day, D(2026, 1, 1), D(2026, 12, 31)) == error


@pytest.mark.parametrize(
    "planned, done, state",
    [
        (D(2026, 5, 31), False, "overdue"),
        (D(2026, 6, 1), False, "this_month"),
        (D(2026, 6, 30), False, "this_month"),
        (D(2026, 7, 1), False, "later"),
        (D(2026, 5, 1), True, "done"),
    ],
)
def test_visit_state(planned, done, state):
    assert rules.visit_state(planned, done, ON) == state


@pytest.mark.parametrize(
    "name, size, ok",
    [
        ("现场.jpg", 1000, True),
        ("签字确认单.PDF", 1000, True),
        ("培训签到.xlsx", 1000, True),
        ("脚本.exe", 1000, False),
        ("noext", 1000, False),
        ("大图.png", 11 * 1024 * 1024, False),
        ("空.png", 0, False),
    ],
)
def test_evidence_error_allows_images_pdf_and_office_within_the_limit(name, size, ok):
    assert (rules.evidence_error(name, size) is None) is ok


def test_evidence_error_states_the_size_limit():
    assert "每个文件不超过 10 MB" in rules.evidence_error("a.png", 11 * 1024 * 1024)


@pytest.mark.parametrize("rating, ok", [(1, True), (5, True), (0, False), (6, False), (None, False)])
def test_rating_is_one_to_five(rating, ok):
    assert (rules.rating_error(rating) is None) is ok
