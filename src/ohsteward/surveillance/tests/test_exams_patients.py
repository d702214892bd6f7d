"""Pneumoconiosis patients (issue 12 item 6): registered from a confirmed case, yearly follow-up,
towns with ≥ 100 resident patients and no 康复站."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ohsteward.hazards.models import OccupationalDisease
from ohsteward.registry.models import Region
from ohsteward.surveillance.actions import person_for_id_number
from ohsteward.surveillance.exams import actions, queries
from ohsteward.surveillance.exams.models import DiseaseCase, PneumoconiosisPatient
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_worker, set_today
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db
D = dt.date
TOWN = "500112002"  # 双龙湖街道, 渝北


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def _confirmed_case(cast, enterprises, clinic, disease_name="矽肺"):
    worker = make_worker(enterprises["yubei"])
    actions.exam_record(
        user=cast["institution"], worker=worker, date=D(2026, 3, 2), kind="periodic", institution=clinic,
        results=[{"factor": factor("矽尘"), "conclusion": "c", "items": "小阴影"}],
    )  # fmt: skip
    case = DiseaseCase.objects.get(worker=worker)
    disease = OccupationalDisease.objects.in_force(D(2026, 3, 20)).filter(name__contains=disease_name).first()
    actions.case_diagnose(
        user=None, case=case, outcome="confirmed", diagnosed_on=D(2026, 3, 20), disease=disease,
        stage="壹期", certificate_number="渝职诊1号", certificate_issued_on=D(2026, 3, 20),
    )  # fmt: skip
    return case


def test_a_confirmed_pneumoconiosis_case_becomes_a_patient_followed_yearly(cast, enterprises, clinic):
    case = _confirmed_case(cast, enterprises, clinic)
    patient = actions.patient_register_from_case(
        user=cast["yubei"],
        case=case,
        district=Region.objects.get(code="500112"),
        town=Region.objects.get(code=TOWN),
    )
    assert (patient.stage, patient.next_follow_up) == ("壹期", D(2027, 3, 20))
    actions.patient_follow_up_record(
        user=cast["yubei"],
        patient=patient,
        visited_on=D(2026, 5, 1),
        condition="stable",
        rehabilitation="呼吸康复训练",
    )
    patient.refresh_from_db()
    assert patient.next_follow_up == D(2027, 5, 1)
    actions.patient_follow_up_record(
        user=None, patient=patient, visited_on=D(2026, 5, 10), condition="deceased"
    )
    patient.refresh_from_db()
    assert (patient.status, patient.next_follow_up) == ("deceased", None)
    with pytest.raises(ValidationError):
        actions.patient_register_from_case(user=None, case=case, district=Region.objects.get(code="500112"))


def test_a_noise_case_or_another_districts_residence_is_refused(cast, enterprises, clinic):
    case = _confirmed_case(cast, enterprises, clinic, disease_name="噪声聋")
    with pytest.raises(ValidationError) as error:
        actions.patient_register_from_case(user=None, case=case, district=Region.objects.get(code="500112"))
    assert "不是尘肺病" in str(error.value)
    silicosis = _confirmed_case(cast, enterprises, clinic)
    with pytest.raises(PermissionDenied):
        actions.patient_register_from_case(
            user=cast["yubei"], case=silicosis, district=Region.objects.get(code="500101")
        )


def test_towns_with_100_patients_and_no_station_are_listed(client, cast, enterprises):
    district, town = Region.objects.get(code="500112"), Region.objects.get(code=TOWN)
    disease = OccupationalDisease.objects.in_force(TODAY).filter(name__contains="矽肺").first()
    PneumoconiosisPatient.objects.bulk_create(
        [
            PneumoconiosisPatient(
                person=person_for_id_number(id_number=make_id_number(), name=f"患者{i}", on=TODAY),
                disease=disease,
                diagnosed_on=D(2020, 1, 1),
                district=district,
                town=town,
                source="import",
            )  # fmt: skip
            for i in range(100)
        ]
    )
    rows = queries.towns_with_patients(cast["yubei"])
    assert rows[0]["patients"] == 100 and rows[0]["needs_station"] is True
    assert queries.towns_with_patients(cast["wanzhou"]) == []
    client.force_login(cast["yubei"])
    page = client.get("/surveillance/pneumoconiosis/towns/").content.decode()
    assert "应设而未设康复站的乡镇（1）" in page and "未核对" in page
    actions.station_create(user=cast["yubei"], name="双龙湖街道尘肺病康复站", kind="station", town=town)
    assert queries.towns_with_patients(cast["yubei"])[0]["needs_station"] is False
    assert client.get("/surveillance/pneumoconiosis/?overdue=yes").status_code == 200


def test_the_patient_page_takes_a_follow_up_and_the_towns_page_a_station(client, cast, enterprises, clinic):
    case = _confirmed_case(cast, enterprises, clinic)
    patient = actions.patient_register_from_case(
        user=None, case=case, district=Region.objects.get(code="500112"), town=Region.objects.get(code=TOWN)
    )
    client.force_login(cast["yubei"])
    assert "尚无随访" in client.get(f"/surveillance/pneumoconiosis/{patient.pk}/").content.decode()
    page = client.post(
        f"/surveillance/pneumoconiosis/{patient.pk}/",
        {"visited_on": "2026-05-02", "condition": "worse", "complications": "肺部感染"},
        follow=True,
    ).content.decode()
    assert "肺部感染" in page and "2027-05-02" in page
    client.post(
        "/surveillance/pneumoconiosis/towns/", {"name": "双龙湖康复站", "kind": "station", "town": TOWN}
    )
    assert "双龙湖康复站" in str(list(queries.RehabStation.objects.values_list("name", flat=True)))
    client.force_login(cast["wanzhou"])
    assert client.get(f"/surveillance/pneumoconiosis/{patient.pk}/").status_code == 404


def test_the_towns_page_maps_patients_per_district(client, cast, enterprises):
    import json  # local: only this test reads the page's map data

    disease = OccupationalDisease.objects.in_force(TODAY).filter(name__contains="矽肺").first()
    yubei, wanzhou = Region.objects.get(code="500112"), Region.objects.get(code="500101")
    PneumoconiosisPatient.objects.bulk_create(
        [
            PneumoconiosisPatient(
                person=person_for_id_number(id_number=make_id_number(), name=f"患者{i}", on=TODAY),
                disease=disease,
                diagnosed_on=D(2020, 1, 1),
                district=district,
                source="import",
                status="deceased" if i == 0 else "alive",
            )  # fmt: skip
            for i, district in enumerate([yubei, yubei, yubei, wanzhou])
        ]
    )
    actions.station_create(
        user=None, name="渝北尘肺病康复站", kind="station", town=Region.objects.get(code=TOWN)
    )
    city = queries.districts_with_patients(cast["city"])
    assert [(r["name"], r["patients"], r["stations"]) for r in city] == [("渝北区", 2, 1), ("万州区", 1, 0)]
    assert [r["code"] for r in queries.districts_with_patients(cast["wanzhou"])] == ["500101"]
    client.force_login(cast["city"])
    page = client.get("/surveillance/pneumoconiosis/towns/").content.decode()
    assert 'id="chart-map"' in page and "vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    data = json.loads(page.split('<script id="map-data" type="application/json">')[1].split("</script>")[0])
    assert data == [
        {"name": "渝北区", "value": 2, "stations": 1},
        {"name": "万州区", "value": 1, "stations": 0},
    ]
    assert "<title>乡镇尘肺病患者与康复站" in page and "<title>乡镇尘肺病患者与康复站<form" not in page
