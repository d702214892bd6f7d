"""The API contract of issue 9: field names, writes through the actions, refusals in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.institutions import actions
from ohsteward.institutions.models import Institution, Qualification
from ohsteward.institutions.tests.factories import InstitutionFactory, uscc

pytestmark = pytest.mark.django_db
D = dt.date


def test_institutions_have_the_contract_fields(client, cast):
    inst = InstitutionFactory(kinds=["exam", "diagnosis"])
    Qualification.objects.create(
        institution=inst, kind="filing", number="渝检备7", scope_text="粉尘", valid_until=D(2029, 1, 1)
    )
    client.force_login(cast["city"])
    row = client.get("/api/v1/institutions/").json()["results"][0]
    assert {"uscc", "name", "kinds", "province", "qc_number", "qualifications"} <= set(row)
    assert row["kinds"] == ["exam", "diagnosis"]
    assert row["qualifications"] == [
        {"kind": "filing", "number": "渝检备7", "scope": "粉尘", "valid_until": "2029-01-01"}
    ]
    assert client.get(f"/api/v1/institutions/{inst.uscc.lower()}/").status_code == 200


def test_create_via_api_refuses_a_reused_qc_number(client, cast):
    InstitutionFactory(province="四川省", region=None, qc_number="CQZK-7", qc_issued_on=D(2026, 1, 1))
    client.force_login(cast["cdc"])
    body = {
        "uscc": uscc(701),
        "name": "陕西某机构",
        "kinds": ["hygiene_service"],
        "province": "陕西省",
        "qc_number": "CQZK-7",
        "qc_issued_on": "2026-02-01",
    }
    response = client.post("/api/v1/institutions/", body, content_type="application/json")
    assert response.status_code == 400
    assert "该质量控制号已被其他机构使用" in response.content.decode()
    body["qc_number"] = "CQZK-8"
    assert client.post("/api/v1/institutions/", body, content_type="application/json").status_code == 201
    assert Institution.objects.filter(qc_number="CQZK-8").exists()


def test_a_bad_kind_code_is_refused(client, cast):
    client.force_login(cast["cdc"])
    body = {"uscc": uscc(702), "name": "x", "kinds": ["lab"], "province": "重庆市"}
    assert client.post("/api/v1/institutions/", body, content_type="application/json").status_code == 400


def test_proficiency_results_are_recorded_only_for_enrolled_institutions(client, cast):
    a, b = InstitutionFactory(), InstitutionFactory()
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "噪声"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[a])
    client.force_login(cast["cdc"])
    bad = client.post(
        "/api/v1/proficiency-results/",
        {"round": rnd.pk, "institution": b.uscc, "outcome": "satisfactory"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and actions.NOT_IN_ROUND in bad.content.decode()
    ok = client.post(
        "/api/v1/proficiency-results/",
        {"round": rnd.pk, "institution": a.uscc, "z_score": "3.5"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["outcome"] == "unsatisfactory"
    listed = client.get("/api/v1/proficiency-results/", {"outcome": "unsatisfactory"}).json()["results"]
    assert [r["institution"] for r in listed] == [a.uscc]


def test_qc_inspections_and_grades_have_the_contract_fields(client, cast):
    inst = InstitutionFactory()
    i = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"], inspection=i, data={"inspected_on": D(2026, 3, 1), "score": 88, "result": "pass"}
    )
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "lab", "name": "比对"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[inst])
    actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=inst, outcome="satisfactory")
    actions.grades_compute(user=cast["cdc"], year=2026)
    client.force_login(cast["yubei"])
    qc = client.get("/api/v1/qc-inspections/", {"year": 2026}).json()["results"][0]
    assert qc["result"] == "pass" and qc["score"] == "88.0"
    grade = client.get("/api/v1/institution-grades/", {"year": 2026}).json()["results"][0]
    # rules v2: 质控 88 × 0.20 and 能力验证 100 × 0.25 over the 0.45 with data
    assert grade["colour"] == "green" and grade["score"] == 94.7
    assert {"name", "value", "weight", "points"} <= set(grade["factors"][0])
    no_data = [f for f in grade["factors"] if f["value"] is None]
    assert no_data and all(f["points"] is None and f["reason"] for f in no_data)
    assert client.get("/api/v1/institution-grades/export/").status_code == 200


def test_districts_cannot_write_through_the_api(client, cast):
    client.force_login(cast["yubei"])
    body = {"uscc": uscc(703), "name": "x", "kinds": ["exam"]}
    assert client.post("/api/v1/institutions/", body, content_type="application/json").status_code == 403
