"""The read-only API of chronic screening and follow-up and of pneumoconiosis patients: scoped
(another district sees nothing, out of scope is 404), filtered, exported, ID number masked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ohsteward.hazards.models import OccupationalDisease
from ohsteward.registry.models import Region
from ohsteward.surveillance.actions import person_for_id_number
from ohsteward.surveillance.exams.models import ChronicFollowUp, ChronicScreening, PneumoconiosisPatient
from ohsteward.surveillance.tests.exam_helpers import TODAY, make_worker, set_today
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def rows(enterprises):
    worker = make_worker(enterprises["yubei"], name="慢病工", birth=dt.date(1970, 1, 1))
    screening = ChronicScreening.objects.create(
        worker=worker,
        screened_on=dt.date(2026, 3, 1),
        source="exam",
        sbp=185,
        dbp=100,
        classification="emergency",
    )
    visit = ChronicFollowUp.objects.create(
        worker=worker, disease="hypertension", visited_on=dt.date(2026, 1, 5), sbp=150, dbp=95,
        outcome="unsatisfactory", next_due=dt.date(2026, 1, 19),
    )  # fmt: skip
    disease = OccupationalDisease.objects.in_force(TODAY).filter(name__contains="矽肺").first()
    patient = PneumoconiosisPatient.objects.create(
        person=person_for_id_number(id_number=make_id_number(), name="尘肺患者", on=TODAY),
        disease=disease, diagnosed_on=dt.date(2020, 1, 1), district=Region.objects.get(code="500112"),
        source="import", next_follow_up=dt.date(2026, 1, 1),
    )  # fmt: skip
    return worker, screening, visit, patient


def test_lists_are_scoped_filtered_and_masked(cast, enterprises, rows):
    worker, screening, visit, patient = rows
    yubei = api(cast["yubei"])
    body = yubei.get("/api/v1/chronic-screenings/?classification=emergency").json()
    assert [r["id"] for r in body["results"]] == [screening.pk]
    assert body["results"][0]["id_number_masked"] == worker.person.id_number_masked
    assert worker.id_number not in str(body) and "id_number" not in body["results"][0]
    assert yubei.get("/api/v1/chronic-screenings/?classification=normal").json()["count"] == 0
    follow = yubei.get(
        f"/api/v1/chronic-follow-ups/?overdue=yes&enterprise={enterprises['yubei'].uscc}"
    ).json()
    assert [r["id"] for r in follow["results"]] == [visit.pk] and follow["results"][0][
        "next_due"
    ] == "2026-01-19"
    patients = yubei.get("/api/v1/pneumoconiosis-patients/?overdue=yes").json()
    assert [(r["name"], r["district"]) for r in patients["results"]] == [("尘肺患者", "500112")]
    wanzhou = api(cast["wanzhou"])
    for path in ("chronic-screenings", "chronic-follow-ups", "pneumoconiosis-patients"):
        assert wanzhou.get(f"/api/v1/{path}/").json()["count"] == 0
    assert wanzhou.get(f"/api/v1/chronic-screenings/{screening.pk}/").status_code == 404
    assert wanzhou.get(f"/api/v1/pneumoconiosis-patients/{patient.pk}/").status_code == 404
    assert yubei.post("/api/v1/chronic-screenings/", {}, format="json").status_code in (403, 405)  # read-only


def test_exports_have_the_filters_and_no_full_number(cast, rows):
    worker, _s, _v, patient = rows
    response = api(cast["yubei"]).get("/api/v1/chronic-follow-ups/export/?disease=hypertension")
    assert response.status_code == 200 and worker.id_number.encode() not in response.content
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][0] == "慢病工"
    export = api(cast["yubei"]).get("/api/v1/pneumoconiosis-patients/export/")
    assert export.status_code == 200 and "尘肺患者" in str(
        [c.value for c in load_workbook(io.BytesIO(export.content)).active[2]]
    )
