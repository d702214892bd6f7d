"""Table tests of the SME assistance rules (001 附件3)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.stewardship.assistance import rules

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("size", "employer", "plan", "expected"),
    [
        ("small", "500112", "500112", None),
        ("micro", "500112", "500112", None),
        ("medium", "500112", "500112", None),
        ("large", "500112", "500112", "大型企业"),
        ("small", "500101", "500112", "不在本区县"),
        ("", "500112", "500112", "尚无企业规模"),
        ("large", "500101", "500112", "不在本区县"),
    ],
)
def test_enrol_error_refuses_large_and_other_district_employers(size, employer, plan, expected):
    error = rules.enrol_error(size_class=size, employer_district=employer, plan_district=plan)
    assert (error is None) if expected is None else (expected in error)


@pytest.mark.parametrize(
    ("industry", "risk", "expected"),
    [
        ("2614", "general", ["重点行业：化工"]),
        ("3011", "serious", ["重点行业：建材", "职业病危害严重（行业风险分类）"]),
        ("3110", "general", ["重点行业：冶金"]),
        ("0610", "general", ["重点行业：矿山"]),
        ("1310", "serious", ["职业病危害严重（行业风险分类）"]),
        ("1310", "general", []),
        (None, "unlisted", []),
    ],
)
def test_priority_reasons_from_industry_and_risk(industry, risk, expected):
    assert rules.priority_reasons(industry_code=industry, industry_risk=risk) == expected


@pytest.mark.parametrize(
    ("state", "done_on", "reason", "fields"),
    [
        ("done", TODAY, "", set()),
        ("done", None, "", {"done_on"}),
        ("done", TODAY + dt.timedelta(days=1), "", {"done_on"}),
        ("na", None, "无超标岗位", set()),
        ("na", None, "  ", {"na_reason"}),
        ("open", None, "", set()),
        ("closed", None, "", {"state"}),
    ],
)
def test_item_error_needs_a_date_or_a_reason(state, done_on, reason, fields):
    assert set(rules.item_error(state=state, done_on=done_on, na_reason=reason, today=TODAY)) == fields


def test_the_minimum_is_20_per_district_for_2024_and_2025_citing_001():
    for year in (2024, 2025, 2026):
        assert rules.rules_for(year).min_per_district == 20
    assert "001 附件3" in rules.rules_for(2025).source
    assert rules.RULES_V1.priority_verified is False  # the industry mapping is ours, 未核对


@pytest.mark.parametrize(
    ("enrolled", "declared", "value"), [(20, 20, 100.0), (20, 15, 75.0), (3, 1, 33.3), (0, 0, None)]
)
def test_rates_declared_and_training_computed_others_have_no_data(enrolled, declared, value):
    out = {r.code: r for r in rules.rates(enrolled=enrolled, declared=declared, done={"training": declared})}
    assert out["declared"].value == value
    assert out["training"].value == value and out["training"].numerator == declared
    assert out["training"].meets_target is (None if value is None else value >= 100)
    for code in ("periodic_detection", "exams"):
        assert out[code].value is None and out[code].reason.startswith("无数据")
        assert out[code].meets_target is None


@pytest.mark.parametrize(
    ("done", "value", "numerator"),
    [({"exams": 3}, 75.0, 3), ({"exams": 0}, 0.0, 0), ({"exams": None}, None, None)],
)
def test_a_rate_with_a_provided_fact_is_computed_and_none_stays_no_data(done, value, numerator):
    out = {r.code: r for r in rules.rates(enrolled=4, declared=4, done=done)}
    assert (out["exams"].value, out["exams"].numerator) == (value, numerator)
    assert (out["exams"].reason == "") is (value is not None)


@pytest.mark.parametrize(("done", "target", "pct"), [(0, 20, 0), (10, 20, 50), (25, 20, 100), (3, 0, 100)])
def test_progress_percent(done, target, pct):
    assert rules.progress_percent(done, target) == pct
