"""Workflows through the actions: register, QC plan → inspection → rectification, proficiency, grades."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ohsteward.core.models import AuditLog
from ohsteward.core.testing.queries import count_queries
from ohsteward.institutions import actions
from ohsteward.institutions.models import Institution, InstitutionGrade, QcInspection, Qualification
from ohsteward.institutions.tests.factories import InstitutionFactory, uscc

pytestmark = pytest.mark.django_db
D = dt.date


def test_an_out_of_province_institution_registers_with_its_qc_number(cast):
    inst = actions.institution_create(
        user=cast["cdc"],
        data={
            "uscc": uscc(901),
            "name": "四川某职业卫生技术服务有限公司",
            "kinds": ["hygiene_service"],
            "province": "四川省",
            "qc_number": "CQZK-2026-001",
            "qc_issued_on": D(2026, 3, 1),
        },
    )
    assert inst.out_of_province
    assert AuditLog.objects.filter(object_id=str(inst.pk), action="create").exists()


def test_a_reused_qc_number_is_refused_and_nothing_is_saved(cast):
    InstitutionFactory(province="四川省", region=None, qc_number="CQZK-1", qc_issued_on=D(2026, 1, 1))
    with pytest.raises(ValidationError) as err:
        actions.institution_create(
            user=cast["cdc"],
            data={
                "uscc": uscc(902),
                "name": "贵州某机构",
                "kinds": ["exam"],
                "province": "贵州省",
                "qc_number": "CQZK-1",
                "qc_issued_on": D(2026, 2, 1),
            },
        )
    assert err.value.message_dict["qc_number"] == ["该质量控制号已被其他机构使用"]
    assert not Institution.objects.filter(name="贵州某机构").exists()


def test_a_qualification_that_ends_before_it_starts_is_refused_in_chinese(cast):
    inst = InstitutionFactory()
    with pytest.raises(ValidationError) as err:
        actions.qualification_add(
            user=cast["city"],
            institution=inst,
            data={
                "kind": "certificate",
                "number": "渝卫职技字001",
                "issued_on": D(2025, 5, 1),
                "valid_until": D(2025, 4, 30),
            },
        )
    assert err.value.message_dict["valid_until"] == ["有效期至不能早于发证（备案）日期"]
    assert not Qualification.objects.exists()


def test_districts_and_institutions_cannot_write_the_register(cast):
    with pytest.raises(PermissionDenied):
        actions.institution_create(
            user=cast["yubei"], data={"uscc": uscc(903), "name": "x", "kinds": ["exam"]}
        )


def test_a_plan_draws_a_seeded_sample_once_and_plans_inspections(cast):
    for _ in range(6):
        InstitutionFactory(kinds=["exam"])
    for _ in range(4):
        InstitutionFactory(kinds=["hygiene_service"], province="湖北省", region=None)
    plan = actions.qcplan_create(
        user=cast["cdc"],
        data={"year": 2026, "name": "2026年质控", "fraction": "0.5", "minimum": 1, "seed": "s1"},
    )
    planned = actions.qcplan_draw(user=cast["cdc"], plan=plan)
    assert len(planned) == 3 + 2
    with pytest.raises(ValidationError):
        actions.qcplan_draw(user=cast["cdc"], plan=plan)
    with pytest.raises(PermissionDenied):
        actions.qcplan_create(
            user=cast["yubei"], data={"year": 2026, "name": "x", "fraction": 1, "minimum": 1}
        )


def test_an_inspection_is_recorded_rectified_and_closed(cast):
    inst = InstitutionFactory()
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    with pytest.raises(ValidationError):
        actions.rectification_issue(
            user=cast["cdc"],
            inspection=inspection,
            data={"demand": "x", "issued_on": D(2026, 5, 1), "deadline": D(2026, 6, 1)},
        )
    with pytest.raises(ValidationError) as err:
        actions.qcinspection_record(
            user=cast["cdc"],
            inspection=inspection,
            data={"inspected_on": D(2026, 4, 1), "score": 55, "result": "fail", "findings": ""},
        )
    assert "findings" in err.value.message_dict
    inspection.refresh_from_db()
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=inspection,
        data={"inspected_on": D(2026, 4, 1), "score": 55, "result": "fail", "findings": "原始记录不全"},
    )
    with pytest.raises(ValidationError) as err:
        actions.rectification_issue(
            user=cast["cdc"],
            inspection=inspection,
            data={"demand": "补齐原始记录", "issued_on": D(2026, 5, 1), "deadline": D(2026, 4, 1)},
        )
    assert err.value.message_dict["deadline"] == ["整改期限不能早于下达日期"]
    r = actions.rectification_issue(
        user=cast["cdc"],
        inspection=inspection,
        data={"demand": "补齐原始记录", "issued_on": D(2026, 5, 1), "deadline": D(2026, 6, 1)},
    )
    actions.rectification_close(
        user=cast["cdc"], rectification=r, closed_on=D(2026, 5, 20), closing_note="已补齐"
    )
    r.refresh_from_db()
    assert r.status == "closed"
    assert QcInspection.objects.get().result == "fail"


def test_a_result_for_an_institution_not_in_the_round_is_refused(cast):
    a, b = InstitutionFactory(), InstitutionFactory()
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "2026年噪声能力验证"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[a])
    with pytest.raises(ValidationError) as err:
        actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=b, outcome="satisfactory")
    assert err.value.message_dict["institution"] == [actions.NOT_IN_ROUND]
    entry = actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=a, z_score=2.5)
    assert entry.outcome == "questionable"
    with pytest.raises(ValidationError):
        actions.proficiency_result_record(
            user=cast["cdc"], round=rnd, institution=a, outcome="satisfactory", z_score=3.2
        )


def _inspect(cast, inst, score, result, findings="", open_rectification=False):
    i = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=i,
        data={
            "inspected_on": D(2026, 4, 1),
            "score": score,
            "result": result,
            "findings": findings or "问题",
        },
    )
    if open_rectification:
        actions.rectification_issue(
            user=cast["cdc"],
            inspection=i,
            data={"demand": "整改", "issued_on": D(2026, 4, 2), "deadline": D(2026, 5, 2)},
        )


def test_grades_come_in_three_colours_from_the_data_and_explain_every_factor(cast):
    green, yellow, red, empty = (InstitutionFactory() for _ in range(4))
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "lab", "name": "比对"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[green, yellow, red])
    _inspect(cast, green, 92, "pass")
    actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=green, outcome="satisfactory")
    _inspect(cast, yellow, 85, "pass")
    actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=yellow, outcome="questionable")
    _inspect(cast, red, 70, "fail", open_rectification=True)
    actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=red, outcome="satisfactory")
    result = actions.grades_compute(user=cast["cdc"], year=2026)
    colours = {g.institution_id: g.colour for g in InstitutionGrade.objects.all()}
    assert colours == {green.pk: "green", yellow.pk: "yellow", red.pk: "red"}
    assert empty in result["ungraded"]
    factors = {f["name"]: f for f in InstitutionGrade.objects.get(institution=green).factors}
    assert factors["reporting_rate"]["value"] is None and "无应报送" in factors["reporting_rate"]["reason"]
    assert factors["qc_score"]["value"] == 92.0
    # recomputing replaces, not duplicates
    actions.grades_compute(user=cast["cdc"], year=2026)
    assert InstitutionGrade.objects.count() == 3


def test_grading_reads_every_institution_s_year_in_a_fixed_number_of_queries(cast):
    a = InstitutionFactory()
    _inspect(cast, a, 90, "fail", open_rectification=True)
    first, data = count_queries(lambda: actions.year_data(2026))
    # five queries, and two for the cross-check findings (the institutions; the year not yet checked)
    assert first == 7 and data[a.pk].qc_scores == [90.0] and data[a.pk].demands == [("open", "fail")]
    for score in (80, 70, 60):
        _inspect(cast, InstitutionFactory(), score, "pass")
    again, data = count_queries(lambda: actions.year_data(2026))
    assert again == 7 and len(data) == 4
    # the grades match what one institution's own reading gives
    inputs, _unsat, failed = actions.grade_inputs(a, 2026, actions.rules.load_grading_rules())
    assert failed and inputs["qc_score"].value == 90.0
