"""API: detection-reports/, measurements/ (filters by their fixed names), rectifications/ and
detection-due/; writes through the actions with Chinese refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.monitoring.models import RectificationTask
from ohsteward.monitoring.tests.factories import make_report, record

pytestmark = pytest.mark.django_db


def test_an_institution_posts_a_report_and_a_measurement_and_reads_the_judgement(client, lab):
    user, institution, employer = lab
    client.force_login(user)
    r = client.post("/api/v1/detection-reports/", {
        "kind": "periodic", "number": "API-1", "enterprise": employer.uscc, "sampling_start": "2026-03-10",
    }, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    report_id = r.json()["id"]
    assert r.json()["institution"] == institution.uscc
    m = client.post("/api/v1/measurements/", {
        "report": report_id, "workplace": "喷漆车间", "post": "喷漆工", "factor": "苯",
        "inputs": {"samples": [{"value": 4, "minutes": 240}, {"value": "<0.5", "minutes": 240}]},
    }, content_type="application/json")  # fmt: skip
    assert m.status_code == 201, m.content
    body = m.json()
    # (4×4 + 0.25×4)/8 = 2.125, <0.5 as half the LOD; stored as reported, 2 significant digits
    assert body["c_twa"] == pytest.approx(2.1)
    assert body["compliant"] is True and body["exposure_level"] == "III"
    assert body["limit"][0]["type"] == "PC-TWA" and body["limit"][0]["verified"] is False
    assert body["inputs"]["samples"][1] == {"value": "<LOD", "lod": 0.5, "minutes": 240.0}


def test_a_report_for_an_employer_outside_scope_is_refused_in_chinese(client, lab, enterprises):
    user, _institution, _employer = lab
    client.force_login(user)
    r = client.post("/api/v1/detection-reports/", {
        "kind": "periodic", "number": "API-2", "enterprise": enterprises["wanzhou"].uscc, "sampling_start": "2026-03-10",
    }, content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    assert "不在您的服务或管辖范围内" in r.content.decode()


def test_measurement_filters(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    record(user, report, "噪声", {"l_ex_8h": 80}, post="冲压工")
    client.force_login(cast["city"])

    def posts(query):
        return sorted(x["post"] for x in client.get(f"/api/v1/measurements/?{query}").json()["results"])

    assert posts(f"enterprise={employer.uscc}") == ["冲压工", "喷漆工"]
    assert posts("compliant=false") == ["喷漆工"]
    assert posts("factor=噪声") == ["冲压工"]
    assert posts("region=500112&year=2026") == ["冲压工", "喷漆工"]
    assert posts("region=500101") == []
    assert posts(f"institution={institution.uscc}") == ["冲压工", "喷漆工"]
    assert posts("year=2025") == []


def test_rectifications_open_overdue_closed_and_the_district_opens_one(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    over = record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    client.force_login(cast["yubei"])
    r = client.post("/api/v1/rectifications/", {"measurement": over.pk, "required_measures": ["engineering"]},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "open"
    assert [t["post"] for t in client.get("/api/v1/rectifications/?status=open").json()["results"]] == [
        "喷漆工"
    ]
    RectificationTask.objects.filter(pk=r.json()["id"]).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    assert len(client.get("/api/v1/rectifications/?status=overdue").json()["results"]) == 1
    assert client.get("/api/v1/rectifications/?status=closed").json()["results"] == []
    client.force_login(cast["wanzhou"])
    assert client.get("/api/v1/rectifications/").json()["results"] == []


def test_the_enterprise_records_a_measure_by_api(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    over = record(user, report, "苯", {"c_twa": 6.0})
    client.force_login(cast["yubei"])
    task_id = client.post("/api/v1/rectifications/", {"measurement": over.pk, "required_measures": ["ppe"]},
                          content_type="application/json").json()["id"]  # fmt: skip
    client.force_login(cast["manager"])
    r = client.post(f"/api/v1/rectifications/{task_id}/measures/", {
        "measure_type": "ppe", "taken_on": timezone.localdate().isoformat(), "description": "配发防毒面具",
    })  # fmt: skip
    assert r.status_code == 201, r.content


def test_detection_due_overdue_filter(client, lab, cast):
    user, institution, employer = lab
    make_report(user, employer, institution, on=timezone.localdate() - dt.timedelta(days=10))
    client.force_login(cast["yubei"])
    rows = client.get("/api/v1/detection-due/?overdue=false").json()["results"]
    mine = next(x for x in rows if x["enterprise"] == employer.uscc)
    assert mine["last_periodic_on"] and mine["next_due"] and mine["overdue"] is False
    overdue = client.get("/api/v1/detection-due/?overdue=true").json()["results"]
    assert employer.uscc not in [x["enterprise"] for x in overdue]
