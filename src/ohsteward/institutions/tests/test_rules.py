"""The pure rules: table tests with worked examples."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ohsteward.institutions import rules

D = dt.date
R = rules.load_grading_rules("v1")


@pytest.mark.parametrize(
    ("issued", "until", "error"),
    [
        (D(2024, 1, 1), D(2029, 1, 1), None),
        (D(2024, 1, 1), D(2024, 1, 1), None),
        (D(2024, 1, 1), D(2023, 12, 31), "有效期至不能早于发证（备案）日期"),
        (None, D(2023, 12, 31), None),
        (D(2024, 1, 1), None, None),
    ],
)
def test_a_qualification_cannot_end_before_it_starts(issued, until, error):
    assert rules.qualification_period_error(issued, until) == error


@pytest.mark.parametrize(
    ("province", "number", "issued", "fields"),
    [
        ("四川省", "CQZK2025001", D(2025, 3, 1), set()),
        ("四川省", "", None, set()),  # applied for, not yet issued
        ("重庆市", "CQZK2025001", D(2025, 3, 1), {"qc_number"}),
        ("四川省", "CQZK2025001", None, {"qc_issued_on"}),
        ("四川省", "", D(2025, 3, 1), {"qc_number"}),
    ],
)
def test_qc_numbers_are_for_out_of_province_institutions_and_carry_their_date(
    province, number, issued, fields
):
    assert set(rules.qc_number_errors(province=province, qc_number=number, issued_on=issued)) == fields


def test_the_qc_sample_is_reproducible_and_independent_of_input_order():
    population = [(i, "hygiene_service" if i % 2 else "exam") for i in range(1, 41)]
    a = rules.qc_sample(population, fraction=0.25, minimum=1, seed="2026")
    b = rules.qc_sample(list(reversed(population)), fraction=0.25, minimum=1, seed="2026")
    c = rules.qc_sample(population, fraction=0.25, minimum=1, seed="other")
    assert a == b
    assert a != c
    assert {k: len(v) for k, v in a.items()} == {"exam": 5, "hygiene_service": 5}


def test_out_of_province_institutions_are_sampled_at_half_or_more_and_red_yellow_always():
    population = [(i, rules.OUT_OF_PROVINCE_STRATUM) for i in range(1, 11)] + [
        (i, "exam") for i in range(11, 31)
    ]
    sample = rules.qc_sample(population, fraction=0.1, minimum=1, seed=7, always=[29, 30, 12])
    assert len(sample[rules.OUT_OF_PROVINCE_STRATUM]) == 5  # 50 % of 10, not 10 %
    assert {29, 30, 12} <= set(sample["exam"])
    assert len(sample["exam"]) == 3  # ceil(0.1 × 20) = 2, but three are forced in


@pytest.mark.parametrize(
    ("z", "outcome"),
    [
        (0, "satisfactory"),
        (2.0, "satisfactory"),
        (-2.01, "questionable"),
        (2.99, "questionable"),
        (3, "unsatisfactory"),
        (-4.5, "unsatisfactory"),
    ],
)
def test_z_scores_band_into_outcomes(z, outcome):
    assert rules.z_score_outcome(z) == outcome


def test_grading_rules_v1_are_flagged_unverified_and_weights_add_up_to_one():
    assert R.verified is False
    assert abs(sum(f.weight for f in R.factors) - 1) < 1e-9


def test_factors_without_data_say_so_and_the_points_add_up_to_the_score():
    inputs = {
        "qc_score": rules.FactorInput(90.0, "1 次"),
        "proficiency": rules.FactorInput(100.0, "满意 1"),
        "rectification": rules.FactorInput(None, reason="本年度无整改要求"),
        "performance_score": rules.FactorInput(None, reason="未建立"),
        "reporting_rate": rules.FactorInput(None, reason="未接入"),
        "timeliness": rules.FactorInput(None, reason="未接入"),
    }
    g = rules.grade(inputs, R)
    # weights with data: 0.25 + 0.25 → each counts half: 45 + 50
    assert g.score == 95.0 and g.colour == "green"
    by_name = {f.name: f for f in g.factors}
    assert by_name["reporting_rate"].value is None and by_name["reporting_rate"].points is None
    assert by_name["reporting_rate"].reason == "未接入"
    assert sum(f.points or 0 for f in g.factors) == pytest.approx(g.score)


@pytest.mark.parametrize(
    ("qc", "prof", "unsat", "failed", "colour"),
    [
        (90, 100, False, False, "green"),
        (80, 60, False, False, "yellow"),  # 70
        (60, 60, False, False, "red"),  # 60
        (90, 100, True, False, "yellow"),  # capped by a 不满意 result
        (90, 100, False, True, "red"),  # failed QC, rectification open
    ],
)
def test_colour_from_score_and_the_two_overriding_rules(qc, prof, unsat, failed, colour):
    inputs = {"qc_score": rules.FactorInput(qc), "proficiency": rules.FactorInput(prof)}
    assert rules.grade(inputs, R, has_unsatisfactory=unsat, failed_unrectified=failed).colour == colour


def test_too_little_data_gives_no_colour_rather_than_a_guess():
    g = rules.grade({"rectification": rules.FactorInput(100.0)}, R)
    assert g.colour is None and g.score is None


def test_proficiency_factor_averages_outcome_points():
    f = rules.proficiency_factor(["satisfactory", "questionable"], R)
    assert f.value == 80.0 and "可疑 1" in f.detail
    assert rules.proficiency_factor([], R).value is None


# ---- the cross-check factor (issue 9 item 5; grading rules v2) --------------------------------

R2 = rules.load_grading_rules("v2")
R2_PENDING = dataclasses.replace(R2, crosscheck=rules.CrosscheckRule(zero_at=5, count_pending=True))


def test_grading_rules_v2_add_the_cross_check_factor_flagged_unverified_and_weights_add_up_to_one():
    assert R2.verified is False and "[?]" in R2.source
    assert abs(sum(f.weight for f in R2.factors) - 1) < 1e-9
    assert "crosscheck" in {f.name for f in R2.factors}
    assert R2.crosscheck == rules.CrosscheckRule(zero_at=5, count_pending=False)
    assert R.crosscheck is None  # v1 has no such factor


@pytest.mark.parametrize(
    ("confirmed", "pending", "grading", "value"),
    [
        (0, 0, R2, 100.0),
        (1, 3, R2, 80.0),  # pending findings do not count by default
        (4, 0, R2, 20.0),
        (5, 0, R2, 0.0),
        (9, 0, R2, 0.0),  # never below 0
        (1, 2, R2_PENDING, 40.0),  # the setting counts the pending ones too
        (0, None, R2, 100.0),  # pending unknown does not matter when it is not counted
    ],
)
def test_the_cross_check_factor_takes_points_per_finding(confirmed, pending, grading, value):
    assert rules.crosscheck_factor(confirmed, pending, grading).value == value


@pytest.mark.parametrize(
    ("confirmed", "pending", "grading"),
    [(None, None, R2), (None, 0, R2), (2, None, R2_PENDING), (2, 0, R)],
)
def test_the_cross_check_factor_has_no_data_without_counts_or_without_a_rule(confirmed, pending, grading):
    factor = rules.crosscheck_factor(confirmed, pending, grading)
    assert factor.value is None and factor.reason.startswith("未接入交叉核查数据")


def test_a_cross_check_factor_without_data_shows_no_data_and_counts_nothing():
    inputs = {
        "qc_score": rules.FactorInput(90.0, "1 次"),
        "proficiency": rules.FactorInput(90.0, "满意 1"),
        "crosscheck": rules.crosscheck_factor(None, None, R2),
    }
    g = rules.grade(inputs, R2)
    crosscheck = next(f for f in g.factors if f.name == "crosscheck")
    assert crosscheck.value is None and crosscheck.points is None and g.score == 90.0
    with_findings = rules.grade({**inputs, "crosscheck": rules.crosscheck_factor(5, 0, R2)}, R2)
    # weights with data 0.20 + 0.25 + 0.05: 90 × 0.9 + 0 × 0.1
    assert with_findings.score == 81.0 and with_findings.colour == "yellow"
