"""Table tests of the rules of issue 9 items 5, 8 and 9: the performance checklist, the QC ↔
enforcement ledger and the guidance target."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.institutions import rules

D = dt.date
CHECKLIST = rules.load_checklist("v1")
FULL = {i.code: i.max_points for i in CHECKLIST.items}


def test_the_v1_checklist_is_data_flagged_unverified_and_adds_up_to_100():
    assert CHECKLIST.verified is False
    assert sum(i.max_points for i in CHECKLIST.items) == 100
    assert len({i.code for i in CHECKLIST.items}) == len(CHECKLIST.items)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, 100.0),
        ({"Q1": 0}, 85.0),
        ({"Q3": 10, "Q6": 5}, 85.0),
        ({c: 0 for c in FULL}, 0.0),
    ],
)
def test_the_total_is_the_weighted_share_of_the_maxima(change, expected):
    assert rules.evaluation_total({**FULL, **change}, CHECKLIST) == expected


def test_weights_other_than_the_maxima_weigh_each_item_by_its_share():
    checklist = rules.Checklist(
        "t", False, "", (rules.ChecklistItem("A", "a", 10, 3), rules.ChecklistItem("B", "b", 50, 1))
    )
    # A full (weight 3), B half (weight 1): (3 × 1 + 1 × 0.5) / 4 = 87.5 %
    assert rules.evaluation_total({"A": 10, "B": 25}, checklist) == 87.5


@pytest.mark.parametrize(
    ("scores", "errors"),
    [
        (FULL, {}),
        ({**FULL, "Q1": 16}, {"Q1": "得分应在 0 到 15 之间"}),
        ({**FULL, "Q2": -1}, {"Q2": "得分应在 0 到 15 之间"}),
        ({**FULL, "Q3": None}, {"Q3": "请填写该项得分"}),
        ({k: v for k, v in FULL.items() if k != "Q6"}, {"Q6": "请填写该项得分"}),
        ({**FULL, "X9": 1}, {"X9": "评分表 v1 中没有条目 X9"}),
    ],
)
def test_every_item_is_scored_within_its_maximum(scores, errors):
    assert rules.evaluation_errors(scores, CHECKLIST) == errors


@pytest.mark.parametrize(
    ("total", "verified", "value", "text"),
    [
        (None, False, None, "本年度未开展绩效评估或评分未录入"),
        (82.5, False, 82.5, "绩效评估总分 82.5（评分表 v1（未核对））"),
        (90, True, 90.0, "绩效评估总分 90（评分表 v1）"),
    ],
)
def test_the_performance_factor_is_the_evaluation_total(total, verified, value, text):
    factor = rules.performance_factor(total, "v1", verified)
    assert factor.value == value
    assert text in (factor.detail or factor.reason)


# --- the ledger ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "error"),
    [
        ("handed_over", "received", None),
        ("handed_over", "returned", None),
        ("handed_over", "closed", "状态“移交”只能变更为：已接收、退回"),
        ("handed_over", "investigating", "状态“移交”只能变更为：已接收、退回"),
        ("received", "investigating", None),
        ("received", "closed", None),
        ("received", "returned", None),
        ("investigating", "closed", None),
        ("investigating", "received", "状态“查处中”只能变更为：已办结、退回"),
        ("closed", "investigating", "该移交状态为“已办结”，不能再变更状态"),
        ("returned", "received", "该移交状态为“退回”，不能再变更状态"),
    ],
)
def test_a_referral_moves_only_along_the_ledger(current, target, error):
    assert rules.referral_transition_error(current, target) == error


@pytest.mark.parametrize(
    ("handed", "received", "closed", "errors"),
    [
        (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 9), {}),
        (D(2026, 3, 1), D(2026, 2, 28), None, {"received_on": "接收日期不能早于移交日期"}),
        (D(2026, 3, 1), None, D(2026, 2, 1), {"closed_on": "办结（退回）日期不能早于移交日期"}),
        (D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 4), {"closed_on": "办结（退回）日期不能早于接收日期"}),
    ],
)
def test_referral_dates_follow_each_other(handed, received, closed, errors):
    assert rules.referral_date_errors(handed_on=handed, received_on=received, closed_on=closed) == errors


R = rules.ReferralRow


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], (0, 0, 0, 0, 0)),
        # handed over in March, still open
        ([R("qc_to_supervision", "received", D(2026, 3, 10), None)], (1, 0, 0, 1, 0)),
        # handed over in January, closed in March: counted closed, not open at the end
        ([R("qc_to_supervision", "closed", D(2026, 1, 5), D(2026, 3, 2))], (0, 1, 0, 0, 0)),
        # closed in April: open at the end of March, and for more than 30 days
        ([R("qc_to_supervision", "closed", D(2026, 1, 5), D(2026, 4, 2))], (0, 0, 0, 1, 1)),
        # returned in March
        ([R("supervision_to_qc", "returned", D(2026, 3, 1), D(2026, 3, 3))], (1, 0, 1, 0, 0)),
        # handed over in April: not in March at all
        ([R("qc_to_supervision", "handed_over", D(2026, 4, 1), None)], (0, 0, 0, 0, 0)),
        # handed over exactly 30 days before 31 March: open, not "over 30 days"
        ([R("qc_to_supervision", "handed_over", D(2026, 3, 1), None)], (1, 0, 0, 1, 0)),
    ],
)
def test_the_month_summary_counts_as_of_the_months_end(rows, expected):
    s = rules.month_summary(rows, 2026, 3)
    assert (s.handed_over, s.closed, s.returned, s.open_at_end, s.open_over_30_days) == expected


@pytest.mark.parametrize(
    ("year", "month", "bounds"),
    [(2026, 2, (D(2026, 2, 1), D(2026, 2, 28))), (2024, 2, (D(2024, 2, 1), D(2024, 2, 29))),
     (2026, 12, (D(2026, 12, 1), D(2026, 12, 31)))],
)  # fmt: skip
def test_month_bounds(year, month, bounds):
    assert rules.month_bounds(year, month) == bounds


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("2026-03", (2026, 3)), ("2026-13", None), ("March", None), ("", None), ("1999-01", None)],
)
def test_parse_month(text, parsed):
    assert rules.parse_month(text) == parsed


# --- the guidance target ------------------------------------------------------------------

TARGET = rules.load_guidance_target()


def test_the_guidance_target_is_50_employers_from_001():
    assert TARGET.min_employers == 50
    assert "50家以上用人单位" in TARGET.source


@pytest.mark.parametrize(
    ("employers", "year", "status"),
    [(50, 2025, "met"), (49, 2025, "short"), (0, 2024, "short"), (60, 2026, "met"), (10, 2026, "short"),
     (80, 2023, "no_target")],
)  # fmt: skip
def test_guidance_status_against_the_target(employers, year, status):
    assert rules.guidance_status(employers, TARGET, year) == status
