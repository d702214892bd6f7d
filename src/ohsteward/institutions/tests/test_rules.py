"""The pure rules: table tests with worked examples."""

from __future__ import annotations

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
