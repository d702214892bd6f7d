"""Pages of classified supervision as users reach them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.supervision import actions
from ohsteward.supervision.models import EnforcementCase, Inspection, RiskAssessment, SelfInspection
from ohsteward.supervision.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _web(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_manager_starts_fills_and_submits_on_the_page(cast, enterprises):
    web = _web("manager")
    r = web.post(reverse("supervision:selfinspection_start"))
    inspection = SelfInspection.objects.get(enterprise=enterprises["yubei"])
    assert r.status_code == 302 and r.url == inspection.get_absolute_url()
    page = web.get(inspection.get_absolute_url()).content.decode()
    assert "未核对" in page and "否决项" in page and "保存本项" in page
    for answer in inspection.answers.select_related("item"):
        r = web.post(
            reverse("supervision:selfinspection_answer", args=[inspection.pk]),
            {"code": answer.item.code, "points": str(answer.item.points), "note": ""},
        )
        assert r.status_code == 302
    web.post(reverse("supervision:selfinspection_submit", args=[inspection.pk]))
    inspection.refresh_from_db()
    assert inspection.state == "submitted" and inspection.status == "A"
    # the district reviews, lowering one item
    district = _web("yubei")
    first = inspection.answers.select_related("item").filter(item__veto=False).first()
    district.post(
        reverse("supervision:selfinspection_review", args=[inspection.pk]),
        {f"adjust-{first.item.code}": "0", "note": "制度不全"},
    )
    inspection.refresh_from_db()
    assert inspection.state == "reviewed" and inspection.review_note == "制度不全"


def test_points_above_the_item_show_a_chinese_message_and_save_nothing(cast, enterprises):
    inspection = actions.self_inspection_start(
        user=cast["manager"], enterprise=enterprises["yubei"], on=TODAY
    )
    answer = inspection.answers.select_related("item").first()
    web = _web("manager")
    r = web.post(
        reverse("supervision:selfinspection_answer", args=[inspection.pk]),
        {"code": answer.item.code, "points": str(answer.item.points + 5)},
        follow=True,
    )
    assert "得分应在" in r.content.decode()
    answer.refresh_from_db()
    assert answer.points is None


def test_assess_an_employer_and_see_the_explanation_and_the_public_page(cast, enterprises):
    web = _web("yubei")
    uscc = enterprises["yubei"].uscc
    r = web.post(reverse("supervision:enterprise_assess", args=[uscc]))
    a = RiskAssessment.objects.get(enterprise=enterprises["yubei"])
    assert r.url == a.get_absolute_url()
    page = web.get(a.get_absolute_url()).content.decode()
    assert "判定说明" in page and "甲类风险最低" in page
    public = web.get(reverse("supervision:public_display", args=[uscc])).content.decode()
    assert "职业病危害综合风险评估结果公示" in public and enterprises["yubei"].name in public
    assert (
        web.post(reverse("supervision:enterprise_assess", args=[enterprises["wanzhou"].uscc])).status_code
        == 404
    )


def test_lists_render_and_export(cast, enterprises):
    actions.risk_assess(user=None, enterprise=enterprises["yubei"], on=TODAY)
    web = _web("city")
    for name in ("riskassessment", "selfinspection", "plan", "inspection", "case"):
        assert web.get(reverse(f"supervision:{name}_list")).status_code == 200, name
        r = web.get(reverse(f"supervision:{name}_export"))
        assert r.status_code == 200, name
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        assert book.active.max_row >= 1
    assert web.get(reverse("supervision:checklist_list")).status_code == 200
    assert web.get(reverse("supervision:frequency")).status_code == 200


def test_inspection_to_case_on_the_pages_and_a_case_closed_without_decision_refused(cast, enterprises):
    inspection = Inspection.objects.create(enterprise=enterprises["yubei"])
    web = _web("yubei")
    r = web.post(
        reverse("supervision:inspection_assign", args=[inspection.pk]), {"inspector": "wanzhou"}, follow=True
    )
    assert "不是该区县的监督检查人员" in r.content.decode()
    web.post(reverse("supervision:inspection_assign", args=[inspection.pk]), {"inspector": "yubei"})
    inspection.refresh_from_db()
    assert inspection.inspector == cast["yubei"]
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    r = web.post(
        reverse("supervision:inspection_record", args=[inspection.pk]), {"inspected_on": future}, follow=True
    )
    assert "不能晚于今天" in r.content.decode()
    web.post(
        reverse("supervision:inspection_record", args=[inspection.pk]),
        {"inspected_on": (TODAY - dt.timedelta(days=30)).isoformat(), "findings": "未设置警示标识",
         "order_deadline": (TODAY - dt.timedelta(days=5)).isoformat()},
    )  # fmt: skip
    inspection.refresh_from_db()
    assert inspection.status == "done"
    docx = web.get(reverse("supervision:inspection_opinion", args=[inspection.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    web.post(
        reverse("supervision:inspection_reinspect", args=[inspection.pk]),
        {"inspected_on": TODAY.isoformat(), "corrected": "0"},
    )
    web.post(
        reverse("supervision:case_open", args=[inspection.pk]),
        {
            "opened_on": TODAY.isoformat(),
            "violations": "逾期未改正",
            "provisions": "《职业病防治法》第七十条",
        },
    )
    case = EnforcementCase.objects.get(inspection=inspection)
    r = web.post(
        reverse("supervision:case_close", args=[case.pk]), {"closed_on": TODAY.isoformat()}, follow=True
    )
    assert "处理决定" in r.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_institution_staff_have_no_supervision_pages(cast):
    assert _web("institution").get(reverse("supervision:riskassessment_list")).status_code == 403


def test_construction_project_pages(cast, enterprises):
    web = _web("yubei")
    r = web.post(
        reverse("supervision:project_create"),
        {"enterprise": enterprises["yubei"].uscc, "name": "技改项目", "kind": "tech", "serious": "1",
         "started_on": (TODAY - dt.timedelta(days=3)).isoformat()},
    )  # fmt: skip
    from ohsteward.supervision.models import ConstructionProject

    project = ConstructionProject.objects.get(name="技改项目")
    assert r.url == project.get_absolute_url()
    page = web.get(project.get_absolute_url()).content.decode()
    assert "职业病防护设施设计" in page and "滞后" in page
    late = web.get(reverse("supervision:project_list") + "?late=true").content.decode()
    assert "技改项目" in late
    r = web.post(
        reverse("supervision:project_stage", args=[project.pk]),
        {"stage": "acceptance", "on": TODAY.isoformat()},
        follow=True,
    )
    assert "须先完成" in r.content.decode()
    assert web.get(reverse("supervision:project_export")).status_code == 200
