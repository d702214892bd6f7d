"""Table tests of the classified-supervision rules (RULES.md §1.2–§1.4 and the addendum)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from ohsteward.supervision import rules
from ohsteward.supervision.rules import FactorInput as F

R = rules.load_risk_rules()
ON = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("serious", "compliant", "exposed", "level"),
    [
        # 附表1-1, every cell, at both edges of each band
        (False, True, 0, "I"), (False, True, 9, "I"), (False, True, 10, "I"), (False, True, 49, "I"), (False, True, 50, "I"),
        (False, False, 9, "II"), (False, False, 10, "II"), (False, False, 49, "II"), (False, False, 50, "III"),
        (True, True, 9, "II"), (True, True, 10, "II"), (True, True, 49, "II"), (True, True, 50, "III"),
        (True, False, 1, "III"), (True, False, 49, "III"), (True, False, 500, "III"),
    ],
)  # fmt: skip
def test_annex1_matrix_cells(serious, compliant, exposed, level):
    result = rules.factor_level(R, F("因素", exposed=exposed, compliant=compliant, serious=serious))
    assert result.level == level
    assert result.verified


def test_rules_md_worked_example_foundry_silica_is_level_III():
    """RULES.md §1.2: foundry, silica dust 25 % free SiO₂ (严重), 35 exposed, TWA over the OEL → Ⅲ级."""
    reasons = rules.serious_reasons(R, code="1099", free_silica_percent=25)
    assert reasons and "25" in reasons[0]
    result = rules.hazard_level(R, [F("矽尘", exposed=35, compliant=False, reasons=tuple(reasons))])
    assert result.level == "III"
    assert "严重" in result.sentences[0] and "不符合" in result.sentences[0]


def test_rules_md_worked_example_furniture_noise_is_level_I():
    """RULES.md §1.2: a furniture shop with only noise (一般), 12 exposed, compliant → Ⅰ级."""
    noise = rules.serious_reasons(R, code="3001", category="physical")
    assert noise == []
    result = rules.hazard_level(R, [F("噪声", exposed=12, compliant=True, reasons=())])
    assert result.level == "I"
    assert "一般" in result.sentences[0]


@pytest.mark.parametrize(
    ("kwargs", "serious"),
    [
        ({"code": "2013"}, True),  # 苯: 高毒物品目录
        ({"code": "1032"}, True),  # 石棉
        ({"code": "1038"}, True),  # 矽尘
        ({"code": "1012", "free_silica_percent": 9.9}, False),  # below 10 %
        ({"code": "1012", "free_silica_percent": 10}, True),  # "10%以上" includes 10
        ({"code": "2999", "g1": True}, True),  # GBZ 2.1 G1
        ({"code": "5001", "category": "radiation"}, True),  # X射线
        ({"code": "2145", "category": "chemical"}, False),  # 甲苯: 一般
    ],
)
def test_serious_factor_lists(kwargs, serious):
    assert bool(rules.serious_reasons(R, **kwargs)) is serious


def test_no_detection_uses_the_configured_default_and_is_flagged():
    result = rules.factor_level(R, F("苯", exposed=5, compliant=None, reasons=("高毒",)))
    assert result.level == "III" and not result.verified
    assert "未检测" in result.sentence
    lenient = copy.deepcopy(dict(R.raw))
    lenient["annex1"]["no_detection_as"] = "compliant"
    other = rules.parse_risk_rules(lenient)
    assert rules.factor_level(other, F("苯", exposed=5, compliant=None, reasons=("高毒",))).level == "II"


def test_employer_level_is_the_maximum_over_factors_and_says_so():
    result = rules.hazard_level(
        R,
        [
            F("噪声", exposed=60, compliant=True, reasons=()),
            F("苯", exposed=3, compliant=True, reasons=("高毒",)),
        ],
    )
    assert [f.level for f in result.factors] == ["I", "II"]
    assert result.level == "II"
    assert not result.verified  # max over factors is a configurable default, unverified
    assert "最高" in result.sentences[-1]


def test_a_given_serious_flag_wins_over_the_catalogue():
    result = rules.factor_level(
        R, F("X射线", exposed=3, compliant=True, serious=False, reasons=("电离辐射",))
    )
    assert result.level == "I" and result.serious_given


@pytest.mark.parametrize(
    ("score", "status"),
    [(100, "A"), (90, "A"), (89.9, "B"), (89, "B"), (70, "B"), (69.5, "C"), (0, "C")],
)
def test_management_status_cut_offs(score, status):
    got, verified, sentence = rules.management_status(R, score)
    assert got == status and verified and f"{status}级" in sentence


def test_a_failed_veto_item_forces_C_and_is_unverified():
    got, verified, sentence = rules.management_status(R, 95, veto_failed=["1.1"])
    assert got == "C" and not verified and "否决" in sentence


@pytest.mark.parametrize("score", [-1, 100.5, 150])
def test_score_outside_0_100_is_refused_in_chinese(score):
    with pytest.raises(rules.RuleError, match="0–100"):
        rules.management_status(R, score)


@pytest.mark.parametrize(
    ("level", "status", "klass"),
    [
        ("I", "A", "甲"), ("I", "B", "甲"), ("I", "C", "乙"),
        ("II", "A", "甲"), ("II", "B", "乙"), ("II", "C", "丙"),
        ("III", "A", "乙"), ("III", "B", "丙"), ("III", "C", "丙"),
    ],
)  # fmt: skip
def test_annex3_configured_matrix_and_2022_meaning(level, status, klass):
    got, verified, sentence = rules.comprehensive_class(R, level, status)
    assert got == klass
    assert not verified and "未核对" in sentence  # 附表3-1 not found: never claimed verified
    assert "甲类风险最低" in sentence


def test_annex3_matrix_must_be_monotone():
    bad = copy.deepcopy(dict(R.raw))
    bad["annex3"]["matrix"]["III"]["A"] = "甲"
    bad["annex3"]["matrix"]["II"]["A"] = "乙"
    with pytest.raises(rules.RuleError, match="不单调"):
        rules.parse_risk_rules(bad)


def test_assess_stores_scheme_and_per_part_verification():
    a = rules.assess([F("噪声", exposed=12, compliant=True, serious=False)], on=ON, management_score=95)
    assert (a.hazard.level, a.management_status, a.comprehensive_class) == ("I", "A", "甲")
    assert a.scheme == "国疾控综监督二函〔2022〕50号" and a.version == "2022-v1"
    assert a.verified == {"hazard_level": True, "management_status": True, "comprehensive_class": False}
    assert a.reassess_due == dt.date(2029, 6, 1)
    assert len(a.explanation) == 4
    # nature taken from the (unverified, [M]) serious-factor list: the level is not verified
    b = rules.assess([F("噪声", exposed=12, compliant=True, reasons=())], on=ON, management_score=95)
    assert b.hazard.level == "I" and b.verified["hazard_level"] is False


def test_without_a_score_there_is_no_status_and_no_class():
    a = rules.assess([F("噪声", exposed=12, compliant=True, reasons=())], on=ON)
    assert a.management_status is None and a.comprehensive_class is None


def test_dates_before_the_2022_scheme_are_refused():
    with pytest.raises(rules.RuleError, match="2022-11-01"):
        rules.rules_on(dt.date(2021, 5, 1))


def test_the_provisional_checklist_totals_100_and_is_flagged_unverified():
    header, items = rules.load_checklist("provisional-v1")
    assert header["verified"] is False and "临时" in header["name"]
    assert rules.checklist_errors(items) == []
    assert any(i.veto for i in items)


def test_checklist_errors_name_duplicates_and_total():
    items = [rules.ChecklistItemSpec("1", "甲", "a", 50), rules.ChecklistItemSpec("1", "甲", "b", 40)]
    errors = rules.checklist_errors(items)
    assert any("重复" in e for e in errors) and any("90" in e for e in errors)


def test_checklist_score_missing_and_vetoes():
    items = [
        rules.ChecklistItemSpec("1", "s", "a", 60, veto=True),
        rules.ChecklistItemSpec("2", "s", "b", 40),
    ]
    assert rules.checklist_score(items, {"1": 60, "2": 30}) == (90.0, [], [])
    assert rules.checklist_score(items, {"1": 50}) == (50.0, ["2"], ["1"])
    with pytest.raises(rules.RuleError, match="0–40"):
        rules.checklist_score(items, {"1": 60, "2": 41})


RATIOS = [rules.ClassRatio("甲", 0.1), rules.ClassRatio("乙", 0.3), rules.ClassRatio("丙", 1.0)]


def test_plan_draw_is_stratified_and_reproducible():
    population = (
        [(i, "甲") for i in range(1, 101)] + [(i, "乙") for i in range(101, 151)] + [(200, "丙"), (201, "")]
    )
    a = rules.plan_draw(population, RATIOS, seed=2026)
    assert len(a["甲"]) == 10 and len(a["乙"]) == 15 and a["丙"] == [200]
    assert a["未评估"] == [201]  # unassessed drawn at the 丙 ratio
    assert a == rules.plan_draw(list(reversed(population)), RATIOS, seed=2026)
    assert a["甲"] != rules.plan_draw(population, RATIOS, seed=2027)["甲"]


def test_plan_draw_refuses_unconfigured_ratios():
    with pytest.raises(rules.RuleError, match="丙"):
        rules.plan_draw(
            [(1, "甲")],
            [rules.ClassRatio("甲", 0.1), rules.ClassRatio("乙", 0.2), rules.ClassRatio("丙", None)],
            seed=1,
        )


def test_three_step_method_states():
    today = dt.date(2026, 6, 10)
    kw = dict(has_findings=True, case_opened=False, today=today)
    assert rules.three_step_state(deadline=None, reinspected_ok=None, **kw).step == "guide"
    assert rules.three_step_state(deadline=dt.date(2026, 6, 20), reinspected_ok=None, **kw).step == "order"
    assert rules.three_step_state(deadline=dt.date(2026, 6, 1), reinspected_ok=None, **kw).overdue
    assert rules.three_step_state(deadline=dt.date(2026, 6, 1), reinspected_ok=False, **kw).step == "failed"
    assert rules.three_step_state(deadline=dt.date(2026, 6, 1), reinspected_ok=True, **kw).step == "corrected"


def test_case_close_needs_a_decision_and_inspection_dates_are_not_in_the_future():
    assert "处理决定" in rules.case_close_error(decision="", decided_on=None, closed_on=ON)
    assert rules.case_close_error(decision="罚款2万元", decided_on=ON, closed_on=ON) is None
    assert rules.inspection_date_error(ON + dt.timedelta(days=1), ON)
    assert rules.inspection_date_error(ON, ON) is None
    assert rules.order_deadline_error(ON, ON)


D = dt.date


@pytest.mark.parametrize(
    ("stage", "on", "done", "serious", "error"),
    [
        ("pre_assessment", D(2026, 1, 1), {}, True, None),
        ("design", D(2026, 2, 1), {}, True, "须先完成职业病危害预评价"),
        ("design", D(2026, 2, 1), {"pre_assessment": D(2026, 1, 1)}, False, "仅适用于职业病危害严重"),
        ("control_effect", D(2026, 3, 1), {"pre_assessment": D(2026, 1, 1)}, False, None),
        ("control_effect", D(2026, 3, 1), {"pre_assessment": D(2026, 1, 1)}, True, "须先完成职业病防护设施设计"),
        ("acceptance", D(2025, 12, 1), {"pre_assessment": D(2026, 1, 1), "control_effect": D(2026, 3, 1)}, False, "不能早于"),
        ("pre_assessment", D(2026, 4, 1), {"control_effect": D(2026, 3, 1)}, False, "不能晚于已登记"),
        ("acceptance", D(2026, 7, 1), {"pre_assessment": D(2026, 1, 1), "control_effect": D(2026, 3, 1)}, False, "不能晚于今天"),
    ],
)  # fmt: skip
def test_construction_stages_in_order(stage, on, done, serious, error):
    got = rules.stage_error(stage, on, done, serious=serious, today=D(2026, 6, 1))
    assert (got is None) if error is None else (error in got)


def test_late_stages():
    today = D(2026, 6, 1)
    assert rules.late_stages(
        {}, serious=True, started_on=D(2026, 5, 1), planned_completion=None, today=today
    ) == [
        "pre_assessment",
        "design",
    ]
    assert rules.late_stages(
        {"pre_assessment": D(2026, 1, 1)},
        serious=False,
        started_on=D(2026, 5, 1),
        planned_completion=D(2026, 5, 31),
        today=today,
    ) == ["control_effect", "acceptance"]
    assert rules.late_stages({}, serious=False, started_on=None, planned_completion=None, today=today) == []
