"""Pages of the steward service: team completeness, agreement form, calendar, desk, exports."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.stewardship import actions
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

pytestmark = pytest.mark.django_db


def login(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_team_page_says_what_is_missing_and_whose_certificate_expires(cast):
    team = make_team(skip=("nutritionist",), valid_until=TODAY + dt.timedelta(days=400))
    actions.member_create(
        user=None, team=team,
        data={"name": "张律师", "qualification": "legal_professional", "valid_until": TODAY + dt.timedelta(days=20)},
    )  # fmt: skip
    page = login("yubei").get(reverse("stewardship:team_detail", args=[team.pk])).content.decode()
    assert "缺：营养师" in page
    assert "张律师" in page and "天内证书到期" in page


def test_team_list_shows_completeness_and_filters_by_it(cast):
    make_team("齐全团队")
    make_team("缺员团队", skip=("nutritionist", "legal_professional"))
    c = login("yubei")
    page = c.get(reverse("stewardship:team_list")).content.decode()
    assert "缺：营养师、法律专业人员" in page and "齐全" in page
    only_complete = c.get(reverse("stewardship:team_list"), {"complete": "yes"}).content.decode()
    assert "齐全团队" in only_complete and "缺员团队" not in only_complete


def test_team_list_expired_member_counts_as_missing_in_the_filter_too(cast):
    make_team("过期团队", valid_until=TODAY - dt.timedelta(days=1))
    page = login("yubei").get(reverse("stewardship:team_list"), {"complete": "no"}).content.decode()
    assert "过期团队" in page


def test_team_list_queries_do_not_grow_with_rows(cast):
    c = login("city")
    make_team("团队1")

    def more():
        for i in range(3):
            make_team(f"团队{i + 10}")

    assert_constant_queries(lambda: c.get(reverse("stewardship:team_list")), more)


def test_a_district_officer_creates_an_agreement_and_signs_it(cast, enterprises):
    team = make_team()
    c = login("yubei")
    response = c.post(
        reverse("stewardship:agreement_create"),
        {
            "team": team.pk,
            "enterprise": enterprises["yubei"].uscc,
            "start_date": "2026-01-01",
            "content_detection": "2",
            "content_training": "1",
            "fee": "12000",
            "funding_enterprise": "12000",
            "sign": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a = ServiceAgreement.objects.get()
    assert a.end_date == dt.date(2026, 12, 31) and a.status == "active"
    assert a.visits.count() == 3


def test_the_form_refuses_an_end_before_the_start_in_chinese(cast, enterprises):
    team = make_team()
    response = login("yubei").post(
        reverse("stewardship:agreement_create"),
        {
            "team": team.pk,
            "enterprise": enterprises["yubei"].uscc,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "content_training": "1",
        },
    )
    assert response.status_code == 200
    assert "早于开始日期" in response.content.decode()
    assert not ServiceAgreement.objects.exists()


def test_the_form_cannot_name_an_employer_of_another_district(cast, enterprises):
    team = make_team()
    response = login("yubei").post(
        reverse("stewardship:agreement_create"),
        {
            "team": team.pk,
            "enterprise": enterprises["wanzhou"].uscc,
            "start_date": "2026-01-01",
            "content_training": "1",
        },
    )
    assert "不在您的管辖范围内" in response.content.decode()


def test_terminate_and_renew_from_the_agreement_page(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], TODAY - dt.timedelta(days=300))
    c = login("yubei")
    c.post(reverse("stewardship:agreement_renew", args=[a.pk]), {"years": "1"})
    renewal = ServiceAgreement.objects.get(renewed_from=a)
    page = c.get(reverse("stewardship:agreement_detail", args=[a.pk])).content.decode()
    assert f"协议 {renewal.pk}" in page
    c.post(reverse("stewardship:agreement_terminate", args=[renewal.pk]), {"reason": ""})
    renewal.refresh_from_db()
    assert renewal.status == "active"  # no reason: refused
    c.post(reverse("stewardship:agreement_terminate", args=[renewal.pk]), {"reason": "企业搬迁"})
    renewal.refresh_from_db()
    assert renewal.status == "terminated" and renewal.termination_reason == "企业搬迁"


def test_the_steward_records_a_planned_visit_with_a_photo_and_the_manager_confirms(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    steward = login("steward")
    response = steward.post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {
            "content": visit.content,
            "visited_on": TODAY.isoformat(),
            "work_done": "粉尘、噪声检测",
            "findings": "打磨岗位噪声 88 dB(A)",
            "advice": "配发耳塞",
            "trained_count": "12",
            "evidence": [SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff", "image/jpeg")],
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done" and visit.trained_count == 12
    evidence = visit.evidence.get()
    file = steward.get(reverse("stewardship:evidence_download", args=[visit.pk, evidence.pk]))
    assert file.content == b"\xff\xd8\xff"
    manager = login("manager")
    page = manager.get(reverse("stewardship:visit_detail", args=[visit.pk])).content.decode()
    assert "确认本次服务并评价" in page
    manager.post(reverse("stewardship:visit_confirm", args=[visit.pk]), {"rating": "5", "comment": "很好"})
    visit.refresh_from_db()
    assert visit.rating == 5 and visit.confirmed_at is not None


def test_visit_evidence_is_served_with_the_type_of_its_name_not_the_one_the_uploader_declared(
    cast, agreement
):
    # a ".pdf" sent as text/html must not come back as an HTML page on our origin (stored XSS)
    visit = agreement.visits.order_by("planned_on").first()
    steward = login("steward")
    steward.post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {
            "content": visit.content,
            "visited_on": TODAY.isoformat(),
            "work_done": "培训",
            "evidence": [SimpleUploadedFile("报告.pdf", b"<script>alert(1)</script>", "text/html")],
        },
    )
    evidence = visit.evidence.get()
    file = steward.get(reverse("stewardship:evidence_download", args=[visit.pk, evidence.pk]))
    assert file["Content-Type"] == "application/pdf"
    assert file["X-Content-Type-Options"] == "nosniff"


def test_visit_evidence_a_browser_would_not_show_safely_is_downloaded_not_shown(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    actions.visit_record(
        user=None,
        agreement=agreement,
        visit=visit,
        data={"content": visit.content, "visited_on": TODAY, "work_done": "培训"},
        files=[SimpleUploadedFile("记录.docx", b"PK\x03\x04", "text/html")],
    )
    evidence = visit.evidence.get()
    file = login("steward").get(reverse("stewardship:evidence_download", args=[visit.pk, evidence.pk]))
    assert file["Content-Disposition"].startswith("attachment;")
    assert "text/html" not in file["Content-Type"]


def test_a_visit_dated_outside_the_agreement_is_refused_on_the_form(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    response = login("steward").post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {
            "content": visit.content,
            "visited_on": (agreement.end_date + dt.timedelta(days=3)).isoformat(),
            "work_done": "x",
        },
    )
    assert "不在协议期限内" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_an_oversized_file_is_refused_with_the_limit_stated(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    big = SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    response = login("steward").post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {"content": visit.content, "visited_on": TODAY.isoformat(), "work_done": "培训", "evidence": [big]},
    )
    assert "每个文件不超过 10 MB" in response.content.decode()
    assert ServiceVisit.objects.get(pk=visit.pk).status == "planned"


def test_desk_shows_overdue_and_due_and_the_delivery_table(cast, agreement):
    page = login("steward").get(reverse("stewardship:work")).content.decode()
    overdue = ServiceVisit.objects.overdue(TODAY).count()
    assert f'id="n-overdue">{overdue}<' in page
    district = login("yubei").get(reverse("stewardship:work")).content.decode()
    assert "服务落实情况" in district and agreement.team.name in district


def test_every_list_exports_xlsx(cast, agreement):
    c = login("yubei")
    for name in ("stewardship:team_export", "stewardship:agreement_export", "stewardship:visit_export"):
        response = c.get(reverse(name))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
        assert len(rows) >= 2, name


def test_the_nav_has_the_steward_service_for_the_team_member(cast, agreement):
    page = login("steward").get("/").content.decode()
    assert reverse("stewardship:work") in page


def test_a_district_officer_forms_a_team_and_adds_a_member_on_the_web(cast):
    from ohsteward.stewardship.models import StewardTeam, TeamMember

    c = login("yubei")
    response = c.post(
        reverse("stewardship:team_create"),
        {"name": "网页组建团队", "district": "500112", "level": "district", "contact_phone": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    team = StewardTeam.objects.get(name="网页组建团队")
    assert list(team.service_area.values_list("code", flat=True)) == ["500112"]
    c.post(
        reverse("stewardship:member_create", args=[team.pk]),
        {
            "name": "周营养",
            "qualification": "nutritionist",
            "certificate_no": "N-1",
            "valid_until": "2030-01-01",
        },
    )
    assert TeamMember.objects.filter(team=team, name="周营养").exists()
    refused = c.post(
        reverse("stewardship:team_create"), {"name": "越界", "district": "500101", "level": "district"}
    )
    assert refused.status_code == 200 and not StewardTeam.objects.filter(name="越界").exists()


def test_the_manager_desk_lists_visits_waiting_for_its_confirmation(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    actions.visit_record(
        user=None, agreement=agreement, visit=visit, data={"visited_on": TODAY, "work_done": "现场指导"}
    )
    page = login("manager").get(reverse("stewardship:work")).content.decode()
    assert "待本单位确认的服务" in page and reverse("stewardship:visit_detail", args=[visit.pk]) in page


def test_agreement_and_visit_lists_do_not_query_per_row(cast, enterprises):
    from ohsteward.registry.models import Region
    from ohsteward.registry.tests.factories import EnterpriseFactory

    team = make_team()
    sign_agreement(team, enterprises["yubei"], TODAY - dt.timedelta(days=10))
    c = login("yubei")

    def more():
        for _ in range(3):
            sign_agreement(team, EnterpriseFactory(region=Region.objects.get(code="500112")), TODAY)

    assert_constant_queries(lambda: c.get(reverse("stewardship:agreement_list")), more)
    assert_constant_queries(lambda: c.get(reverse("stewardship:visit_list")), more)
