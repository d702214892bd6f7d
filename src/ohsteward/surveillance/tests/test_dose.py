"""Personal dose monitoring (issue 12 item 8): records per worker and quarter by a radiation
technical service institution, the investigation level (a setting, 未核对), the .xlsx import with
a dry run and Chinese row errors, the API with export, workers missing a period, the rate."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from ohsteward.accounts.access import forget_jurisdiction
from ohsteward.accounts.actions import role_assign
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.tests.factories import make_uscc
from ohsteward.surveillance.dose import actions, queries, rules
from ohsteward.surveillance.dose.importers import DoseImporter
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.tests.exam_helpers import TODAY, make_post, make_worker, place, set_today

D = dt.date
Q1 = D(2026, 1, 1)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (D(2026, 1, 1), (D(2026, 1, 1), D(2026, 3, 31))),
        (D(2026, 5, 11), (D(2026, 4, 1), D(2026, 6, 30))),
        (D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
        (D(2026, 11, 2), (D(2026, 10, 1), D(2026, 12, 31))),
    ],
)
def test_the_period_is_the_calendar_quarter(day, period):
    assert rules.period_of(day) == period


def test_previous_period_and_rate():
    assert rules.previous_period(D(2026, 5, 11)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert rules.previous_period(D(2026, 2, 1)) == (D(2025, 10, 1), D(2025, 12, 31))
    assert rules.monitoring_rate(9, 10) == 0.9 and rules.monitoring_rate(0, 0) is None
    assert rules.investigation_level(None) == Decimal("1.25") and not rules.INVESTIGATION_VERIFIED
    assert rules.above_investigation(Decimal("1.3"), Decimal("1.25"))
    assert not rules.above_investigation(Decimal("1.25"), Decimal("1.25"))


@pytest.fixture
def radiation(cast, enterprises):
    """A radiation service institution serving the 渝北 employer (the cast's institution user
    works for it) and a worker on an X-ray post there."""
    inst = Institution.objects.create(
        uscc=make_uscc("500112", serial=88880011),
        name="重庆测试放射卫生技术服务中心",
        kinds=["radiation_service"],
    )
    Engagement.objects.create(institution=inst, enterprise=enterprises["yubei"], start_date=D(2020, 1, 1))
    role_assign(user=cast["institution"], role="institution_staff", institution=inst)
    forget_jurisdiction(cast["institution"])
    worker = make_worker(enterprises["yubei"], name="放射工")
    place(worker, make_post(enterprises["yubei"], "放射岗", "X射线"))
    return inst, worker


pytestmark = pytest.mark.django_db


def test_a_dose_above_the_investigation_level_is_flagged(cast, radiation):
    inst, worker = radiation
    low = actions.dose_record(
        user=cast["institution"], worker=worker, institution=inst, period_start=D(2025, 10, 5), hp10="0.2"
    )
    assert (low.period_start, low.period_end, low.above_investigation) == (
        D(2025, 10, 1),
        D(2025, 12, 31),
        False,
    )
    high = actions.dose_record(
        user=cast["institution"], worker=worker, institution=inst, period_start=Q1, hp10="2.1"
    )
    assert high.above_investigation and high.investigation_level == Decimal("1.25")


def test_the_investigation_level_is_a_setting(cast, radiation, settings):
    inst, worker = radiation
    settings.OHSTEWARD_DOSE_INVESTIGATION_MSV = "3"
    record = actions.dose_record(user=None, worker=worker, institution=inst, period_start=Q1, hp10="2.1")
    assert not record.above_investigation and record.investigation_level == Decimal("3")


def test_bad_dose_records_are_refused(cast, radiation, enterprises):
    inst, worker = radiation
    user = cast["institution"]
    actions.dose_record(user=user, worker=worker, institution=inst, period_start=Q1, hp10="0.1")
    with pytest.raises(ValidationError, match="请勿重复上传"):
        actions.dose_record(
            user=user, worker=worker, institution=inst, period_start=D(2026, 2, 1), hp10="0.1"
        )
    with pytest.raises(ValidationError, match="负数"):
        actions.dose_record(user=user, worker=worker, institution=inst, period_start=D(2025, 7, 1), hp10="-1")
    with pytest.raises(ValidationError, match="晚于今天"):
        actions.dose_record(user=user, worker=worker, institution=inst, period_start=D(2026, 7, 1), hp10="0")
    other = make_worker(enterprises["wanzhou"])
    with pytest.raises(ValidationError, match="服务范围"):
        actions.dose_record(user=user, worker=other, institution=inst, period_start=Q1, hp10="0")
    with pytest.raises(PermissionDenied):
        actions.dose_record(user=cast["manager"], worker=worker, institution=inst, period_start=Q1, hp10="0")
    assert DoseRecord.objects.count() == 1


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名", "监测周期开始", "Hp(10)", "Hp(0.07)"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_import_previews_then_applies_and_names_row_and_column(cast, radiation):
    inst, worker = radiation
    good = _xlsx([[worker.id_number, "放射工", "2026-01-01", "0.3", ""]])
    preview = DoseImporter().run(user=cast["institution"], filename="d.xlsx", content=good, dry_run=True)
    assert not preview.errors and len(preview.created) == 1 and not DoseRecord.objects.exists()
    done = DoseImporter().run(user=cast["institution"], filename="d.xlsx", content=good, dry_run=False)
    assert done.applied and DoseRecord.objects.count() == 1
    bad = _xlsx(
        [
            [worker.id_number, "放射工", "2026-01-01", "0.3", ""],
            [worker.id_number, "放射工", "2025-10-01", "abc", ""],
        ]
    )
    report = DoseImporter().run(user=cast["institution"], filename="d.xlsx", content=bad, dry_run=False)
    assert not report.applied and DoseRecord.objects.count() == 1
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("第2行") and "请勿重复上传" in m for m in messages)
    assert any(m.startswith("第3行 Hp(10)") for m in messages)
    assert all(worker.id_number not in m for m in messages)
    assert worker.id_number.encode() not in report.errors_xlsx()
    assert load_workbook(io.BytesIO(DoseImporter().template())).active["A1"].value.startswith("身份证号")


def test_the_api_creates_lists_exports_and_reports_missing_and_rates(cast, radiation, enterprises):
    inst, worker = radiation
    second = make_worker(enterprises["yubei"], name="未监测工")
    place(second, make_post(enterprises["yubei"], "放射岗二", "X射线"))
    api = APIClient()
    api.force_authenticate(cast["institution"])
    response = api.post(
        "/api/v1/dose-records/",
        {"worker": worker.pk, "institution": inst.uscc, "period_start": "2026-01-01", "hp10": "1.5"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["above_investigation"] is True and body["investigation_verified"] is False
    assert body["id_number_masked"] == worker.person.id_number_masked and "id_number" not in body
    assert api.get("/api/v1/dose-records/?above=true").json()["count"] == 1
    export = api.get("/api/v1/dose-records/export/")
    assert export.status_code == 200 and worker.id_number.encode() not in export.content
    district = APIClient()
    district.force_authenticate(cast["yubei"])
    missing = district.get("/api/v1/dose-records/missing/?period_start=2026-01-01").json()
    assert [w["name"] for w in missing["workers"]] == ["未监测工"]
    rates = district.get("/api/v1/dose-records/rates/?period_start=2026-01-01&by=district").json()["rows"]
    assert [(r["workers"], r["monitored"], r["rate"]) for r in rates] == [(2, 1, 0.5)]
    assert queries.monitoring_rates(cast["wanzhou"], Q1) == []


def test_the_pages_list_and_import_dose_records(cast, radiation):
    from django.test import Client  # local: only the page test needs the test client

    inst, worker = radiation
    actions.dose_record(user=None, worker=worker, institution=inst, period_start=Q1, hp10="2")
    client = Client()
    client.force_login(cast["yubei"])
    page = client.get("/surveillance/doses/").content.decode()
    assert "放射工" in page and "超过调查水平（调查水平未核对）" in page and worker.id_number not in page
    assert client.get("/surveillance/doses/export/").status_code == 200
    staff = Client()
    staff.force_login(cast["institution"])
    assert staff.get("/surveillance/doses/import/template/").status_code == 200
    assert client.get("/surveillance/doses/import/").status_code == 403


def test_the_rates_page_shows_the_rate_and_who_is_missing(cast, radiation, enterprises):
    from django.test import Client  # local: only the page tests need the test client

    inst, worker = radiation
    missing = make_worker(enterprises["yubei"], name="缺测工", birth=D(1988, 3, 3))
    place(missing, worker.posts.get().post)
    actions.dose_record(user=None, worker=worker, institution=inst, period_start=Q1, hp10="0.3")
    client = Client()
    client.force_login(cast["yubei"])
    page = client.get("/surveillance/doses/rates/?period_start=2026-02-10").content.decode()
    assert "2026年第1季度" in page and "缺测工" in page and "50%" in page and "未核对" in page
    assert missing.id_number not in page
    other = Client()
    other.force_login(cast["wanzhou"])
    assert "缺测工" not in other.get("/surveillance/doses/rates/?period_start=2026-01-01").content.decode()
    nav = client.get("/surveillance/").content.decode()
    assert "/surveillance/doses/rates/" in nav and '/surveillance/doses/"' in nav


@pytest.mark.parametrize(
    ("section", "use", "basis", "medical"),
    [
        ("Q", "", "employer", True),  # a hospital's radiology technician
        ("C", "", "employer", False),  # a factory's 探伤工
        (None, "", "employer", False),  # no industry recorded: not a medical institution
        ("Q", "non_medical", "employer", True),  # the worker's own class is ignored by default
        ("C", "medical", "employer", False),
        ("C", "medical", "worker", True),  # a factory clinic's X-ray technician
        ("Q", "non_medical", "worker", False),  # a hospital's irradiation engineer
        ("Q", "", "worker", True),  # not recorded: the employer's industry decides
    ],
)
def test_medical_or_non_medical_radiation_worker(section, use, basis, medical):
    assert rules.is_medical(industry_section=section, radiation_use=use, basis=basis) is medical


def test_an_unknown_basis_setting_falls_back_to_the_employer():
    assert (rules.medical_basis(None), rules.medical_basis("x"), rules.medical_basis("worker")) == (
        "employer", "employer", "worker",
    )  # fmt: skip


@pytest.fixture
def hospital(enterprises):
    """The second 渝北 employer as a hospital (GB/T 4754 门类 Q) with an unmonitored X-ray worker."""
    from ohsteward.registry.models import Enterprise, Industry  # local: only this fixture needs them

    clinic = enterprises["yubei2"]
    Enterprise.objects.filter(pk=clinic.pk).update(
        industry=Industry.objects.filter(section="Q").exclude(level="section").order_by("code").first()
    )
    worker = make_worker(clinic, name="放射科技师", birth=D(1986, 4, 4))
    place(worker, make_post(clinic, "放射科", "X射线"))
    return worker


def test_the_rates_split_medical_and_non_medical_on_the_api_and_page(cast, radiation, hospital, settings):
    inst, worker = radiation
    actions.dose_record(user=None, worker=worker, institution=inst, period_start=Q1, hp10="0.3")
    api = APIClient()
    api.force_authenticate(cast["yubei"])
    body = api.get("/api/v1/dose-records/rates/?by=district&period_start=2026-01-01").json()
    (row,) = body["rows"]
    assert (row["workers"], row["monitored"], body["medical_basis"]) == (2, 1, "employer")
    assert row["non_medical"] == {"workers": 1, "monitored": 1, "rate": 1.0}
    assert row["medical"] == {"workers": 1, "monitored": 0, "rate": 0.0}
    client = Client()
    client.force_login(cast["yubei"])
    page = client.get("/surveillance/doses/rates/?period_start=2026-01-01").content.decode()
    assert "非医用监测率" in page and "按用人单位行业划分" in page
    # the alternative reading: the hospital's worker recorded as non-medical counts as such
    settings.OHSTEWARD_DOSE_MEDICAL_BASIS = "worker"
    hospital.__class__.objects.filter(pk=hospital.pk).update(radiation_use="non_medical")
    (row,) = api.get("/api/v1/dose-records/rates/?by=district&period_start=2026-01-01").json()["rows"]
    assert row["non_medical"] == {"workers": 2, "monitored": 1, "rate": 0.5}


def test_the_indicators_count_only_non_medical_radiation_workers(cast, radiation, hospital, settings):
    """The dose indicator's population (``indicators.queries.radiation_workers``) is ``non_medical``."""
    from ohsteward.surveillance.models import Worker  # local: only this test reads workers directly

    _inst, worker = radiation
    seen = queries.radiation_workers(Worker.objects.all(), Q1)
    assert set(queries.non_medical(seen)) == {worker}
    settings.OHSTEWARD_DOSE_MEDICAL_BASIS = "worker"
    Worker.objects.filter(pk=worker.pk).update(radiation_use="medical")
    Worker.objects.filter(pk=hospital.pk).update(radiation_use="non_medical")
    assert set(queries.non_medical(seen)) == {hospital}


def test_the_workers_api_records_the_radiation_use(cast, radiation):
    _inst, worker = radiation
    api = APIClient()
    api.force_authenticate(cast["manager"])
    response = api.patch(f"/api/v1/workers/{worker.pk}/", {"radiation_use": "non_medical"}, format="json")
    assert response.status_code == 200 and response.json()["radiation_use"] == "non_medical"
    worker.refresh_from_db()
    assert worker.radiation_use == "non_medical"
    bad = api.patch(f"/api/v1/workers/{worker.pk}/", {"radiation_use": "x"}, format="json")
    assert bad.status_code == 400
