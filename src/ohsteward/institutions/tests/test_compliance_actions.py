"""Workflows of issue 9 items 5, 7, 8 and 9 through the actions, with the clock controlled:
performance evaluation feeding the grade, the QC ↔ enforcement ledger, technical guidance and
its yearly count, the out-of-province sample report; and the scope checks of the city-only writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.actions import user_create
from ohsteward.core.models import AuditLog
from ohsteward.institutions import actions, queries, rules
from ohsteward.institutions.models import (
    Institution,
    PerformanceEvaluation,
    Referral,
    TechnicalGuidance,
)
from ohsteward.institutions.tests.factories import InstitutionFactory
from ohsteward.registry.models import Region

pytestmark = pytest.mark.django_db
D = dt.date
FULL = {i.code: (Decimal(str(i.max_points)), "现场查看") for i in rules.load_checklist().items}


@pytest.fixture
def today(monkeypatch):
    """The clock: 2026-06-15 unless a test moves it."""
    state = {"date": D(2026, 6, 15)}
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: state["date"])
    return state


def _scores(**points) -> dict:
    return {**FULL, **{code: (Decimal(str(v)), "") for code, v in points.items()}}


# --- performance evaluation --------------------------------------------------------------


def test_an_evaluation_totals_its_items_and_feeds_the_grade_factor(cast, today):
    inst = InstitutionFactory()
    evaluation = actions.performance_evaluation_record(
        user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 6, 1), scores=_scores(Q1=0, Q6=5)
    )
    assert evaluation.total == Decimal("80.0")
    assert evaluation.checklist_version == "v1"
    assert [s["code"] for s in evaluation.scores] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert AuditLog.objects.filter(object_id=str(evaluation.pk), action="create").exists()
    result = actions.grades_compute(user=cast["cdc"], year=2026)
    grade = next(g for g in result["graded"] if g.institution_id == inst.pk)
    factor = next(f for f in grade.factors if f["name"] == "performance_score")
    assert factor["value"] == 80.0
    assert factor["detail"] == "绩效评估总分 80（评分表 v1（未核对））"
    # the only factor with data (weight 0.30 ≥ 0.3): it carries the whole score
    assert float(grade.score) == 80.0
    assert grade.colour == "yellow"


def test_recording_again_replaces_the_years_evaluation(cast, today):
    inst = InstitutionFactory()
    actions.performance_evaluation_record(
        user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 6, 1), scores=_scores(Q1=0)
    )
    again = actions.performance_evaluation_record(
        user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 6, 2), scores=FULL
    )
    assert PerformanceEvaluation.objects.filter(institution=inst).count() == 1
    assert again.total == Decimal("100.0")


def test_a_score_above_the_items_maximum_is_refused_and_nothing_is_saved(cast, today):
    inst = InstitutionFactory()
    with pytest.raises(ValidationError) as err:
        actions.performance_evaluation_record(
            user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 6, 1), scores=_scores(Q1=16)
        )
    assert err.value.message_dict == {"score_Q1": ["得分应在 0 到 15 之间"]}
    assert not PerformanceEvaluation.objects.exists()


def test_a_district_may_not_evaluate(cast, today):
    inst = InstitutionFactory()
    with pytest.raises(PermissionDenied):
        actions.performance_evaluation_record(
            user=cast["yubei"], institution=inst, year=2026, evaluated_on=D(2026, 6, 1), scores=FULL
        )


# --- the QC ↔ enforcement ledger ------------------------------------------------------------


def _clue(user, institution, **extra) -> Referral:
    data = {
        "direction": "qc_to_supervision",
        "institution": institution,
        "finding": "检测报告原始记录与现场不符，涉嫌出具虚假报告",
        "handed_on": timezone.localdate(),
        "handed_by": "市疾控中心质控科",
        **extra,
    }
    return actions.referral_create(user=user, data=data)


def test_a_qc_clue_goes_to_the_institutions_district_and_comes_back_closed(cast, today):
    inst = InstitutionFactory()  # 渝北
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    referral = _clue(cast["cdc"], inst, inspection=inspection)
    assert referral.status == "handed_over" and referral.district_id == "500112"
    today["date"] = D(2026, 6, 18)
    actions.referral_advance(
        user=cast["yubei"],
        referral=referral,
        status="received",
        on=D(2026, 6, 18),
        by="渝北区卫生监督所 张三",
    )
    actions.referral_advance(user=cast["yubei"], referral=referral, status="investigating", on=D(2026, 6, 18))
    today["date"] = D(2026, 7, 20)
    done = actions.referral_advance(
        user=cast["yubei"],
        referral=referral,
        status="closed",
        on=D(2026, 7, 20),
        outcome="立案查处，罚款3万元",
    )
    assert (done.status, done.received_on, done.closed_on) == ("closed", D(2026, 6, 18), D(2026, 7, 20))
    assert AuditLog.objects.filter(object_id=str(referral.pk), action="update").count() == 3
    with pytest.raises(ValidationError) as err:
        actions.referral_advance(user=cast["city"], referral=done, status="investigating", on=D(2026, 7, 20))
    assert err.value.message_dict["status"] == ["该移交状态为“已办结”，不能再变更状态"]


def test_closing_needs_an_outcome_and_a_date_after_the_hand_over(cast, today):
    referral = _clue(cast["cdc"], InstitutionFactory())
    actions.referral_advance(
        user=cast["cdc"], referral=referral, status="received", on=D(2026, 6, 15), by="监督所"
    )
    with pytest.raises(ValidationError) as err:
        actions.referral_advance(user=cast["cdc"], referral=referral, status="closed", on=D(2026, 6, 15))
    assert err.value.message_dict["outcome"] == ["请填写处理结果（或退回原因）"]
    with pytest.raises(ValidationError) as err:
        actions.referral_advance(
            user=cast["cdc"], referral=referral, status="closed", on=D(2026, 6, 14), outcome="已处理"
        )
    assert "on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.referral_advance(
            user=cast["cdc"], referral=referral, status="closed", on=D(2026, 6, 16), outcome="已处理"
        )
    assert err.value.message_dict["on"] == ["日期不能晚于今天"]
    referral.refresh_from_db()
    assert referral.status == "received"


def test_only_the_city_hands_qc_clues_over_and_a_district_reports_only_its_own(cast, today):
    yubei_inst = InstitutionFactory()
    wanzhou_inst = InstitutionFactory(region=Region.objects.get(code="500101"))
    with pytest.raises(PermissionDenied):
        _clue(cast["yubei"], yubei_inst)
    own = _clue(cast["yubei"], yubei_inst, direction="supervision_to_qc", handed_by="渝北区卫生监督所")
    assert own.district_id == "500112"
    with pytest.raises(PermissionDenied):
        _clue(cast["yubei"], wanzhou_inst, direction="supervision_to_qc", handed_by="渝北区卫生监督所")
    assert Referral.objects.count() == 1


def test_a_district_cannot_advance_another_districts_referral(cast, today):
    referral = _clue(cast["cdc"], InstitutionFactory(region=Region.objects.get(code="500101")))
    with pytest.raises(PermissionDenied):
        actions.referral_advance(
            user=cast["yubei"], referral=referral, status="received", on=D(2026, 6, 15), by="x"
        )
    assert set(Referral.objects.for_user(cast["yubei"])) == set()
    assert set(Referral.objects.for_user(cast["wanzhou"])) == {referral}


def test_the_institution_never_sees_the_referrals_about_it(cast, two_institutions, today):
    _clue(cast["cdc"], two_institutions["a"])
    assert not Referral.objects.for_user(cast["institution"]).exists()


def test_the_monthly_summary_groups_by_district_and_direction(cast, today):
    inst = InstitutionFactory()
    today["date"] = D(2026, 3, 3)
    first = _clue(cast["cdc"], inst)
    _clue(cast["cdc"], inst)
    today["date"] = D(2026, 3, 20)
    actions.referral_advance(
        user=cast["cdc"], referral=first, status="returned", on=D(2026, 3, 20), outcome="线索不实"
    )
    summary = queries.ledger_month(cast["cdc"], 2026, 3)
    assert [(d, label, s.handed_over, s.returned, s.open_at_end) for d, label, s in summary] == [
        ("渝北区", "质控发现线索移交卫生监督", 2, 1, 1),
        ("合计", "", 2, 1, 1),
    ]
    assert queries.ledger_month(cast["wanzhou"], 2026, 3)[-1][2].handed_over == 0


# --- technical guidance ---------------------------------------------------------------------


@pytest.fixture
def district_cdc(cast):
    """A 渝北 CDC officer (cdc_staff assigned the district) and the 渝北 CDC in the register."""
    user = user_create(
        username="ybcdc",
        password="x-Passw0rd-1",
        role="cdc_staff",
        region_code="500112",
        check_password=False,
    )
    centre = InstitutionFactory(name="重庆市渝北区疾病预防控制中心", guidance_duty=True)
    return user, centre


def test_a_district_cdc_records_guidance_and_it_counts_distinct_employers(
    cast, enterprises, district_cdc, today
):
    user, centre = district_cdc
    for employer in (enterprises["yubei"], enterprises["yubei"], enterprises["yubei2"]):
        actions.guidance_record(
            user=user,
            data={
                "institution": centre,
                "enterprise": employer,
                "visited_on": D(2026, 6, 1),
                "kind": "guidance",
                "content": "申报指导",
            },
        )
    counts = queries.guidance_counts(user, 2026)
    row = next(c for c in counts if c["institution"] == centre)
    assert (row["visits"], row["employers"], row["target"], row["status"]) == (3, 2, 50, "short")


def test_guidance_outside_the_users_district_or_in_the_future_is_refused(
    cast, enterprises, district_cdc, today
):
    user, centre = district_cdc
    with pytest.raises(ValidationError) as err:
        actions.guidance_record(
            user=user,
            data={
                "institution": centre,
                "enterprise": enterprises["wanzhou"],
                "visited_on": D(2026, 6, 16),
                "kind": "guidance",
                "content": "x",
            },
        )
    assert err.value.message_dict == {
        "enterprise": ["该用人单位不在您的管辖范围内"],
        "visited_on": ["指导日期不能晚于今天"],
    }
    assert not TechnicalGuidance.objects.exists()


def test_guidance_links_to_the_steward_visit_of_the_same_employer_only(
    cast, enterprises, district_cdc, today
):
    from ohsteward.stewardship.models import ServiceVisit  # local: a cross-app test of the link
    from ohsteward.stewardship.tests.factories import make_team, sign_agreement  # local: as above

    user, centre = district_cdc
    agreement = sign_agreement(make_team(), enterprises["yubei2"], D(2026, 1, 1))
    visit = ServiceVisit.objects.create(agreement=agreement, content="training", planned_on=D(2026, 6, 1))
    data = {
        "institution": centre,
        "visited_on": D(2026, 6, 1),
        "kind": "assistance",
        "content": "同一次上门",
        "steward_visit": visit,
    }
    linked = actions.guidance_record(user=user, data={**data, "enterprise": enterprises["yubei2"]})
    assert linked.steward_visit_id == visit.pk
    with pytest.raises(ValidationError) as err:
        actions.guidance_record(user=user, data={**data, "enterprise": enterprises["yubei"]})
    assert err.value.message_dict == {"steward_visit": ["该管家服务记录不是此用人单位的"]}


# --- out-of-province institutions: the yearly sample and its report --------------------------


def test_the_out_of_province_report_shows_the_seeded_sample_and_its_results(cast, today):
    far = [
        InstitutionFactory(
            name=f"外省{n}", province="四川省", region=None, qc_number=f"CQZK-{n}", qc_issued_on=D(2026, 1, 1)
        )
        for n in range(4)
    ]
    plan = actions.qcplan_create(
        user=cast["cdc"],
        data={"year": 2026, "name": "年度质控", "fraction": Decimal("0.1"), "minimum": 1, "seed": "s1"},
    )
    planned = actions.qcplan_draw(user=cast["cdc"], plan=plan)
    sampled = {i.institution_id for i in planned if i.institution_id in {f.pk for f in far}}
    assert len(sampled) == 2  # ≥ 50 % of 4 whatever the plan's fraction
    inspection = next(i for i in planned if i.institution_id in sampled)
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=inspection,
        data={"inspected_on": D(2026, 5, 1), "score": Decimal("88"), "result": "pass"},
    )
    rows, figures = queries.out_of_province_report(cast["cdc"], 2026)
    assert [r.institution.name for r in rows] == ["外省0", "外省1", "外省2", "外省3"]
    assert {r.institution.pk for r in rows if r.inspection} == sampled
    assert [(f.label, f.numerator, f.denominator, f.met) for f in figures] == [
        ("纳入抽查比例", 2, 4, True),
        ("已完成抽查比例", 1, 4, False),
        ("抽查合格率", 1, 1, None),
    ]
    # the same seed over the same register draws the same institutions
    again = rules.qc_sample(
        [(i.pk, actions.qc_stratum(i)) for i in Institution.objects.all()], fraction=0.1, minimum=1, seed="s1"
    )
    assert set(again["out_of_province"]) == sampled


# --- item 5: city-only writes check the object's scope ------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        "qualification_add",
        "staff_add",
        "qcinspection_add",
        "rectification_issue",
        "rectification_close",
        "proficiency_enrol",
        "proficiency_result_record",
        "performance_evaluation_record",
    ],
)
def test_city_only_writes_ask_require_in_scope_about_their_object(cast, monkeypatch, write, today):
    """City-wide users see every institution, so the check cannot fail for them today; the test
    proves each write asks it (a narrower city role would then be refused)."""
    inst = InstitutionFactory()
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=inspection,
        data={"inspected_on": D(2026, 5, 1), "score": Decimal("50"), "result": "fail", "findings": "x"},
    )
    rect = actions.rectification_issue(
        user=cast["cdc"],
        inspection=inspection,
        data={"demand": "整改", "issued_on": D(2026, 5, 2), "deadline": D(2026, 6, 2)},
    )
    round_ = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "噪声"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=round_, institutions=[inst])
    other = InstitutionFactory()

    def refuse(user, obj, message=None):
        raise access.OutOfScope()

    monkeypatch.setattr(access, "require_in_scope", refuse)
    calls = {
        "qualification_add": lambda: actions.qualification_add(
            user=cast["cdc"], institution=inst, data={"kind": "filing", "number": "B-1"}
        ),
        "staff_add": lambda: actions.staff_add(
            user=cast["cdc"], institution=inst, data={"name": "李四", "role": "assessor"}
        ),
        "qcinspection_add": lambda: actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2027),
        "rectification_issue": lambda: actions.rectification_issue(
            user=cast["cdc"],
            inspection=inspection,
            data={"demand": "再整改", "issued_on": D(2026, 5, 2), "deadline": D(2026, 6, 2)},
        ),
        "rectification_close": lambda: actions.rectification_close(
            user=cast["cdc"], rectification=rect, closed_on=D(2026, 6, 1)
        ),
        "proficiency_enrol": lambda: actions.proficiency_enrol(
            user=cast["cdc"], round=round_, institutions=[other]
        ),
        "proficiency_result_record": lambda: actions.proficiency_result_record(
            user=cast["cdc"], round=round_, institution=inst, outcome="satisfactory"
        ),
        "performance_evaluation_record": lambda: actions.performance_evaluation_record(
            user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 6, 1), scores=FULL
        ),
    }
    with pytest.raises(access.OutOfScope):
        calls[write]()


def test_the_ledger_puts_waiting_and_long_open_referrals_on_the_districts_home(cast, today):
    inst = InstitutionFactory()
    today["date"] = D(2026, 5, 1)
    old = _clue(cast["cdc"], inst)
    actions.referral_advance(user=cast["cdc"], referral=old, status="received", on=D(2026, 5, 1), by="监督所")
    today["date"] = D(2026, 6, 10)
    _clue(cast["cdc"], inst)
    items = queries.open_work(cast["yubei"], D(2026, 6, 15))
    assert [(i.label, i.count, i.overdue) for i in items] == [
        ("1 条质控监督移交超过30天未办结", 1, True),
        ("1 条质控监督移交待接收", 1, False),
    ]
    assert queries.open_work(cast["wanzhou"], D(2026, 6, 15)) == []
    assert not [i for i in queries.open_work(cast["institution"], D(2026, 6, 15)) if "移交" in i.label]


def test_grading_writes_a_grade_in_three_queries_whatever_the_number_of_institutions(cast, today):
    from ohsteward.core.testing.queries import count_queries  # local: only this test counts

    def graded(n: int) -> int:
        for _ in range(n):
            actions.performance_evaluation_record(
                user=None,
                institution=InstitutionFactory(),
                year=2026,
                evaluated_on=D(2026, 6, 1),
                scores=FULL,
            )
        actions.grades_compute(user=None, year=2026)  # create
        queries_, _result = count_queries(lambda: actions.grades_compute(user=None, year=2026))  # update
        return queries_

    two = graded(2)
    four = graded(2)  # two more: four institutions graded
    assert four - two == 2 * 3  # the audit's previous state, the UPDATE, the audit INSERT
