"""The stateless calculator ``POST /api/v1/risk/assess/`` (issue 13 API, field names fixed)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk/assess/"


@pytest.fixture
def api(cast):
    c = APIClient()
    c.force_authenticate(cast["yubei"])
    return c


def test_foundry_example_through_the_api(api, factors):
    body = {
        "factors": [{"factor": "矽尘", "compliant": False, "exposed": 35}],
        "management_score": 95,
        "on": "2026-06-01",
    }
    r = api.post(URL, body, format="json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert set(data) == {
        "hazard_level",
        "management_status",
        "comprehensive_class",
        "scheme",
        "verified",
        "explanation",
    }
    assert (
        data["hazard_level"] == "III"
        and data["management_status"] == "A"
        and data["comprehensive_class"] == "乙"
    )
    assert data["scheme"] == "国疾控综监督二函〔2022〕50号"
    assert data["verified"]["comprehensive_class"] is False
    assert any("矽尘" in s and "严重" in s for s in data["explanation"])


def test_serious_omitted_is_decided_from_the_catalogue_including_g1(api, factors):
    body = {
        "factors": [
            {"factor": "2232", "compliant": True, "exposed": 5},  # 镍: G1 in the limits
            {"factor": "甲苯", "compliant": True, "exposed": 5},
        ],
        "on": "2026-06-01",
    }
    data = api.post(URL, body, format="json").json()
    assert data["hazard_level"] == "II"
    assert data["management_status"] is None and data["comprehensive_class"] is None
    assert any("G1" in s for s in data["explanation"])


def test_a_given_serious_flag_is_used(api, factors):
    body = {
        "factors": [{"factor": "X射线", "serious": False, "compliant": True, "exposed": 3}],
        "on": "2026-06-01",
    }
    assert api.post(URL, body, format="json").json()["hazard_level"] == "I"


def test_no_detection_is_flagged(api, factors):
    body = {
        "factors": [{"factor": "噪声", "serious": False, "compliant": None, "exposed": 60}],
        "on": "2026-06-01",
    }
    data = api.post(URL, body, format="json").json()
    assert data["hazard_level"] == "III" and data["verified"]["hazard_level"] is False
    assert any("未检测" in s for s in data["explanation"])


@pytest.mark.parametrize("score", [-5, 101])
def test_score_outside_0_100_is_a_chinese_400(api, factors, score):
    body = {"factors": [], "management_score": score, "on": "2026-06-01"}
    r = api.post(URL, body, format="json")
    assert r.status_code == 400
    assert "0–100" in r.content.decode()


def test_unknown_factor_is_a_chinese_400(api, factors):
    body = {"factors": [{"factor": "不存在的因素", "compliant": True, "exposed": 1}], "on": "2026-06-01"}
    r = api.post(URL, body, format="json")
    assert r.status_code == 400
    assert "不在目录中" in r.content.decode()


def test_date_before_the_scheme_is_a_chinese_400(api, factors):
    r = api.post(URL, {"factors": [], "on": "2020-01-01"}, format="json")
    assert r.status_code == 400 and "2022-11-01" in r.content.decode()


def test_anonymous_is_refused():
    assert APIClient().post(URL, {}, format="json").status_code in (401, 403)


def test_construction_project_api_stage_out_of_order_is_a_chinese_400(api, enterprises):
    r = api.post(
        "/api/v1/construction-projects/",
        {
            "enterprise": enterprises["yubei"].uscc,
            "name": "新建车间",
            "kind": "new",
            "serious": False,
            "started_on": "2026-01-05",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["late"]  # started, no 预评价
    bad = api.post(
        f"/api/v1/construction-projects/{pk}/stage/",
        {"stage": "acceptance", "on": "2026-02-01"},
        format="json",
    )
    assert bad.status_code == 400 and "须先完成" in bad.content.decode()
    ok = api.post(
        f"/api/v1/construction-projects/{pk}/stage/",
        {"stage": "pre_assessment", "on": "2026-01-01"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["pre_assessment_on"] == "2026-01-01"
    assert r.json()["serious"] is False and r.json()["risk_note"] == "按填报"
    assert ok.json()["late"] == []  # 一般 project: no design stage, no planned completion yet
    late = api.get("/api/v1/construction-projects/?late=true").json()["results"]
    on_time = api.get("/api/v1/construction-projects/?late=false").json()["results"]
    assert pk not in [p["id"] for p in late] and pk in [p["id"] for p in on_time]


def test_self_inspection_through_the_api_and_outside_scope_refused(cast, enterprises):
    manager = APIClient()
    manager.force_authenticate(cast["manager"])
    refused = manager.post(
        "/api/v1/self-inspections/", {"enterprise": enterprises["wanzhou"].uscc}, format="json"
    )
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    r = manager.post("/api/v1/self-inspections/", {"enterprise": enterprises["yubei"].uscc}, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["checklist_verified"] is False and data["state"] == "draft"
    pk, first = data["id"], data["answers"][0]
    too_much = manager.post(
        f"/api/v1/self-inspections/{pk}/answer/", {"code": first["code"], "points": "999"}, format="json"
    )
    assert too_much.status_code == 400 and "得分应在" in too_much.content.decode()
    for a in data["answers"]:
        ok = manager.post(
            f"/api/v1/self-inspections/{pk}/answer/",
            {"code": a["code"], "points": a["max_points"]},
            format="json",
        )
        assert ok.status_code == 200, ok.content
    submitted = manager.post(f"/api/v1/self-inspections/{pk}/submit/", {}, format="json").json()
    assert submitted["state"] == "submitted" and submitted["status"] == "A"
    assert manager.post(f"/api/v1/self-inspections/{pk}/review/", {}, format="json").status_code == 403
    district = APIClient()
    district.force_authenticate(cast["yubei"])
    reviewed = district.post(
        f"/api/v1/self-inspections/{pk}/review/", {"note": "已核对"}, format="json"
    ).json()
    assert reviewed["state"] == "reviewed"
    other = APIClient()
    other.force_authenticate(cast["wanzhou"])
    assert other.get(f"/api/v1/self-inspections/{pk}/").status_code == 404
