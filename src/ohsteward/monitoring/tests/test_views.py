"""Pages: recording a report and a measurement on the web, the lists and their exports, the
rectification task opened from an over-limit result, and 404 outside the scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.monitoring.tests.factories import SAMPLED, make_report, record

pytestmark = pytest.mark.django_db


def test_an_institution_records_a_report_and_a_measurement_through_the_forms(client, lab):
    user, institution, employer = lab
    client.force_login(user)
    page = client.get(reverse("monitoring:report_create"))
    assert page.status_code == 200
    token = page.context["form"] and page.content.decode()
    response = client.post(reverse("monitoring:report_create"), {
        "kind": "periodic", "number": "W-1", "enterprise": employer.uscc, "institution": institution.pk,
        "sampling_start": SAMPLED.isoformat(), **_token(token),
    })  # fmt: skip
    report = DetectionReport.objects.get(number="W-1")
    assert response.status_code == 302
    form = client.get(reverse("monitoring:measurement_create", args=[report.pk]))
    assert "factor-kinds" in form.content.decode()
    response = client.post(reverse("monitoring:measurement_create", args=[report.pk]), {
        "factor": "苯", "workplace_name": "喷漆车间", "post_name": "喷漆工",
        "samples": "4 240\n5 240", "next": "detail",
    })  # fmt: skip
    m = Measurement.objects.get(report=report)
    assert response.status_code == 302 and response["Location"] == m.get_absolute_url()
    detail = client.get(m.get_absolute_url()).content.decode()
    assert "不符合" in detail and "C_TWA" in detail and "下达整改任务" in detail


def _token(html: str) -> dict:
    marker = 'name="submission_token" value="'
    if marker not in html:
        return {}
    start = html.index(marker) + len(marker)
    return {"submission_token": html[start : html.index('"', start)]}


def test_an_unknown_factor_is_refused_with_the_nearest_names(client, lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    client.force_login(user)
    response = client.post(reverse("monitoring:measurement_create", args=[report.pk]), {
        "factor": "甲笨", "workplace_name": "一车间", "post_name": "操作工", "c_twa": "1",
    })  # fmt: skip
    text = response.content.decode()
    assert "未知的危害因素“甲笨”" in text and "是否为：" in text  # hazards.lookup wording
    assert not Measurement.objects.filter(report=report).exists()


def test_the_over_limit_list_shows_only_failing_posts_and_exports(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    record(user, report, "甲苯", {"c_twa": 10.0}, post="调漆工")
    client.force_login(cast["yubei"])
    page = client.get(reverse("monitoring:over_limit_list")).content.decode()
    assert "喷漆工" in page and "调漆工" not in page
    export = client.get(reverse("monitoring:over_limit_export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "喷漆工" in values and "调漆工" not in values


def test_the_measurement_list_filters_by_compliant_and_year(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    record(user, report, "甲苯", {"c_twa": 10.0}, post="调漆工")
    client.force_login(cast["city"])
    ok = client.get(reverse("monitoring:measurement_list") + "?compliant=true&year=2026").content.decode()
    assert "调漆工" in ok and "喷漆工" not in ok
    none = client.get(reverse("monitoring:measurement_list") + "?year=2020").content.decode()
    assert "调漆工" not in none


def test_a_district_opens_a_task_the_enterprise_sees_it_on_its_home_page(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    client.force_login(cast["yubei"])
    client.post(reverse("monitoring:task_open", args=[m.pk]), {"required_measures": ["engineering"]})
    task = RectificationTask.objects.get(measurement=m)
    client.force_login(cast["manager"])
    home = client.get("/").content.decode()
    assert "超标整改任务进行中" in home
    assert client.get(task.get_absolute_url()).status_code == 200


def test_another_districts_officer_gets_404_for_a_measurement(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "苯", {"c_twa": 6.0})
    client.force_login(cast["wanzhou"])
    assert client.get(m.get_absolute_url()).status_code == 404
    assert client.get(report.get_absolute_url()).status_code == 404


def test_the_due_list_marks_an_employer_without_a_periodic_detection_overdue(client, lab, cast):
    user, institution, employer = lab
    make_report(user, employer, institution, kind="status_eval")
    client.force_login(cast["yubei"])
    page = client.get(reverse("monitoring:due_list") + "?overdue=true").content.decode()
    assert employer.name in page
    make_report(user, employer, institution, number="P-2", on=timezone.localdate() - dt.timedelta(days=30))
    page = client.get(reverse("monitoring:due_list") + "?overdue=true").content.decode()
    assert employer.name not in page


def test_the_measurement_list_page_costs_a_constant_number_of_queries(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    client.force_login(cast["city"])

    record(user, report, "苯", {"c_twa": 1.0}, post="岗位0")

    def add():
        for i in range(1, 4):
            record(user, report, "苯", {"c_twa": 1.0 + i}, post=f"岗位{i}")

    assert_constant_queries(lambda: client.get(reverse("monitoring:measurement_list")), add)


def test_the_enterprise_home_page_reminds_of_the_periodic_detection(client, lab, cast):
    user, institution, employer = lab
    make_report(user, employer, institution, kind="status_eval")
    client.force_login(cast["manager"])
    assert "本单位尚无定期检测记录" in client.get("/").content.decode()
    employer.industry_risk = "serious"
    employer.save()
    make_report(user, employer, institution, number="P-9", on=timezone.localdate() - dt.timedelta(days=340))
    home = client.get("/").content.decode()
    assert "本单位定期检测将于" in home


def test_a_report_header_is_edited_and_every_list_exports(client, lab, cast):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, "苯", {"c_twa": 6.0}, post="喷漆工")
    client.force_login(user)
    response = client.post(reverse("monitoring:report_edit", args=[report.pk]), {
        "kind": "periodic", "number": "JC-2026-001", "enterprise": employer.uscc, "institution": institution.pk,
        "sampling_start": SAMPLED.isoformat(), "issued_on": (SAMPLED + dt.timedelta(days=9)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.issued_on == SAMPLED + dt.timedelta(days=9)
    client.force_login(cast["yubei"])
    client.post(reverse("monitoring:task_open", args=[m.pk]), {"required_measures": ["ppe"]})
    for name, text in (
        ("monitoring:report_export", "JC-2026-001"),
        ("monitoring:measurement_export", "喷漆工"),
        ("monitoring:task_export", "苯"),
        ("monitoring:due_export", employer.name),
    ):
        sheet = load_workbook(io.BytesIO(client.get(reverse(name)).content)).active
        assert text in [c for row in sheet.iter_rows(values_only=True) for c in row], name
