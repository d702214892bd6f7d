"""The steward service API: teams/, agreements/ (renew, terminate), service-visits/."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_team_create_with_nested_members_reports_missing_and_complete(cast):
    body = {
        "name": "渝北区API团队",
        "district": "500112",
        "level": "district",
        "members": [
            {
                "name": "甲",
                "qualification": "occupational_physician",
                "certificate_no": "A1",
                "valid_until": "2030-01-01",
            },
            {
                "name": "乙",
                "qualification": "nutritionist",
                "certificate_no": "B1",
                "valid_until": "2020-01-01",
            },
        ],
    }
    response = api(cast["yubei"]).post("/api/v1/teams/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["complete"] is False
    # the expired nutritionist does not count
    assert data["missing_qualifications"] == [
        "general_practitioner", "nutritionist", "public_health_physician", "mental_health_counsellor",
        "hygiene_technician", "legal_professional",
    ]  # fmt: skip
    assert {m["name"] for m in data["members"]} == {"甲", "乙"}
    assert set(data["members"][0]) == {"name", "qualification", "certificate_no", "valid_until"}


def test_a_complete_team_says_so(cast):
    team = make_team()
    data = api(cast["yubei"]).get(f"/api/v1/teams/{team.pk}/").json()
    assert data["complete"] is True and data["missing_qualifications"] == []


def test_team_in_another_district_is_refused(cast):
    response = api(cast["yubei"]).post(
        "/api/v1/teams/", {"name": "越界", "district": "500101"}, format="json"
    )
    assert response.status_code == 400
    assert not StewardTeam.objects.filter(name="越界").exists()


def test_a_district_cannot_give_its_team_a_service_area_in_another_district(cast):
    # the form offers only the officer's own district, its towns and the zones; the API must not
    # accept more (万州区 500101 and its 高笋塘街道 500101001 for a 渝北 officer)
    c = api(cast["yubei"])
    for area in (["500101"], ["500101001"]):
        response = c.post(
            "/api/v1/teams/", {"name": "越界服务", "district": "500112", "service_area": area}, format="json"
        )
        assert response.status_code == 400, area
        assert "service_area" in response.json()
    assert not StewardTeam.objects.filter(name="越界服务").exists()
    team = make_team()
    response = c.patch(f"/api/v1/teams/{team.pk}/", {"service_area": ["500101"]}, format="json")
    assert response.status_code == 400
    assert not team.service_area.filter(code="500101").exists()
    ok = c.patch(f"/api/v1/teams/{team.pk}/", {"service_area": ["500112", "500112002"]}, format="json")
    assert ok.status_code == 200, ok.content


def _agreement_body(team, enterprise, **over):
    body = {
        "team": team.pk,
        "enterprise": enterprise.uscc,
        "contents": [{"content": "detection", "quantity": 2}, {"content": "surveillance", "quantity": 30}],
        "starts_on": "2026-01-01",
        "fee": "20000.00",
        "funding": [
            {"channel": "enterprise", "amount": "15000"},
            {"channel": "injury_prevention", "amount": "5000"},
        ],
        "status": "active",
    }
    body.update(over)
    return body


def test_agreement_create_signed_returns_the_fixed_fields(cast, enterprises):
    team = make_team()
    response = api(cast["yubei"]).post(
        "/api/v1/agreements/", _agreement_body(team, enterprises["yubei"]), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["enterprise"] == enterprises["yubei"].uscc
    assert (data["starts_on"], data["ends_on"]) == ("2026-01-01", "2026-12-31")
    assert {f["channel"] for f in data["funding"]} == {"enterprise", "injury_prevention"}
    assert {c["content"] for c in data["contents"]} == {"detection", "surveillance"}
    expected_status = "ended" if TODAY > dt.date(2026, 12, 31) else "active"
    assert data["status"] == expected_status
    assert ServiceAgreement.objects.get().visits.count() == 3


def test_agreement_that_ends_before_it_starts_is_400_in_chinese(cast, enterprises):
    body = _agreement_body(make_team(), enterprises["yubei"], ends_on="2025-12-01")
    response = api(cast["yubei"]).post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 400
    assert "早于开始日期" in str(response.json())
    assert not ServiceAgreement.objects.exists()


def test_overlapping_agreement_is_400(cast, enterprises):
    sign_agreement(make_team("先签团队"), enterprises["yubei"], dt.date(2026, 1, 1))
    body = _agreement_body(make_team(), enterprises["yubei"], starts_on="2026-06-01")
    response = api(cast["yubei"]).post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 400
    assert "只能有一份生效" in str(response.json())
    assert ServiceAgreement.objects.count() == 1


def test_renew_and_terminate_actions(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], TODAY - dt.timedelta(days=200))
    c = api(cast["yubei"])
    renewed = c.post(f"/api/v1/agreements/{a.pk}/renew/", {"years": 2}, format="json")
    assert renewed.status_code == 201, renewed.json()
    new = renewed.json()
    assert new["renewed_from"] == a.pk and new["starts_on"] == (a.end_date + dt.timedelta(days=1)).isoformat()
    assert c.get(f"/api/v1/agreements/{a.pk}/").json()["renewal"] == new["id"]
    refused = c.post(f"/api/v1/agreements/{a.pk}/terminate/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    done = c.post(f"/api/v1/agreements/{a.pk}/terminate/", {"reason": "企业注销"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "terminated"


def test_manager_may_not_terminate(cast, agreement):
    response = api(cast["manager"]).post(
        f"/api/v1/agreements/{agreement.pk}/terminate/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_service_visits_due_filters_record_and_confirm(cast, agreement):
    steward = api(cast["steward"])
    overdue = steward.get("/api/v1/service-visits/?due=overdue").json()["results"]
    assert overdue and all(v["state"] == "overdue" for v in overdue)
    visit_id = overdue[0]["id"]
    outside = steward.post(
        f"/api/v1/service-visits/{visit_id}/record/",
        {"visited_on": (agreement.start_date - dt.timedelta(days=1)).isoformat(), "work_done": "检测"},
        format="json",
    )
    assert outside.status_code == 400 and "不在协议期限内" in str(outside.json())
    ok = steward.post(
        f"/api/v1/service-visits/{visit_id}/record/",
        {"visited_on": TODAY.isoformat(), "work_done": "检测", "trained_count": 3},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    confirmed = api(cast["manager"]).post(
        f"/api/v1/service-visits/{visit_id}/confirm/", {"rating": 3, "comment": "一般"}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["rating"] == 3


def test_extra_visit_posted_with_evidence_files(cast, agreement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    steward = api(cast["steward"])
    response = steward.post(
        "/api/v1/service-visits/",
        {
            "agreement": agreement.pk,
            "content": "training",
            "visited_on": TODAY.isoformat(),
            "work_done": "岗前培训",
            "evidence": [SimpleUploadedFile("签到.pdf", b"%PDF-1.4", "application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert [e["name"] for e in response.json()["evidence"]] == ["签到.pdf"]
    bad = steward.post(
        "/api/v1/service-visits/",
        {
            "agreement": agreement.pk,
            "content": "training",
            "visited_on": TODAY.isoformat(),
            "work_done": "x",
            "evidence": [SimpleUploadedFile("a.bat", b"echo", "text/plain")],
        },
        format="multipart",
    )
    assert bad.status_code == 400 and "类型不支持" in str(bad.json())


def test_exports_of_the_api_lists(cast, agreement):
    c = api(cast["yubei"])
    for url in ("/api/v1/teams/export/", "/api/v1/agreements/export/", "/api/v1/service-visits/export/"):
        assert c.get(url).status_code == 200, url


def test_team_and_agreement_api_lists_do_not_query_per_row(cast, enterprises):
    from ohsteward.core.testing.queries import assert_constant_queries
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    team = make_team()
    sign_agreement(team, enterprises["yubei"], TODAY)
    c = api(cast["yubei"])

    def more():
        for i in range(3):
            t = make_team(f"团队{i}")
            sign_agreement(t, EnterpriseFactory(region=Region.objects.get(code="500112")), TODAY)

    assert_constant_queries(lambda: c.get("/api/v1/teams/"), more)
    assert_constant_queries(lambda: c.get("/api/v1/agreements/"), more)
    assert_constant_queries(lambda: c.get("/api/v1/service-visits/"), more)
