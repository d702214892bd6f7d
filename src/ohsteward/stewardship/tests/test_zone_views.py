"""Pages of the online service zone as its users open them, and the findings on the visit form."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Post, PostExposure, Workplace
from ohsteward.stewardship import actions as steward_actions
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team
from ohsteward.stewardship.zone import actions
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

pytestmark = pytest.mark.django_db


def _web(username) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_the_manager_browses_teams_of_its_district_in_plain_words(cast, team, agreement, enterprises):
    visit = agreement.visits.order_by("planned_on").first()
    steward_actions.visit_record(
        user=None, agreement=agreement, visit=visit,
        data={"visited_on": TODAY, "work_done": "检测", "content": visit.content},
    )  # fmt: skip
    steward_actions.visit_confirm(user=cast["manager"], visit=visit, rating=4)
    make_team("渝北区第二管家团队", skip=("nutritionist",))
    make_team("万州区管家团队", "500101")
    page = _web("manager").get(reverse("stewardship:zone_directory")).content.decode()
    assert team.name in page and "渝北区第二管家团队" in page and "万州区管家团队" not in page
    assert "缺：营养师" in page
    assert "<strong>4.0</strong> 分" in page
    assert "到现场测粉尘、噪声、毒物浓度" in page  # plain words for 职业卫生检测技术人员


def test_the_directory_and_zone_are_for_employers_only(cast, team):
    assert _web("yubei").get(reverse("stewardship:zone_directory")).status_code == 403
    assert _web("steward").get(reverse("stewardship:zone_home")).status_code == 403


def test_request_from_the_directory_then_accept_on_the_request_page(cast, team, enterprises):
    manager = _web("manager")
    r = manager.post(
        reverse("stewardship:zone_request_create", args=[team.pk]),
        {"contents": ["detection"], "message": "请上门"},
    )
    req = TeamRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == req.get_absolute_url()
    assert "待团队答复" in manager.get(reverse("stewardship:zone_home")).content.decode()
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    steward = _web("steward")
    assert "decide-form" in steward.get(req.get_absolute_url()).content.decode()
    r = steward.post(reverse("stewardship:zone_request_decide", args=[req.pk]), {"decision": "accept"})
    req.refresh_from_db()
    assert req.status == "accepted" and r["Location"] == req.agreement.get_absolute_url()
    assert "已接受" in manager.get(req.get_absolute_url()).content.decode()


def test_asking_a_question_shows_who_answers_and_the_deadline(cast, enterprises):
    manager = _web("manager")
    page = manager.get(reverse("stewardship:zone_question_ask")).content.decode()
    assert "渝北区疾控中心" in page
    r = manager.post(
        reverse("stewardship:zone_question_ask"), {"topic": "exam", "question": "噪声岗位多久体检？"}
    )
    q = ExpertQuestion.objects.get()
    assert r["Location"] == q.get_absolute_url()
    detail = manager.get(q.get_absolute_url()).content.decode()
    assert "噪声岗位多久体检？" in detail and "待答复" in detail and "answer-form" not in detail
    empty = manager.post(reverse("stewardship:zone_question_ask"), {"topic": "exam", "question": ""})
    assert empty.status_code == 200 and ExpertQuestion.objects.count() == 1


def test_the_city_cdc_answers_a_pool_question_and_the_history_shows_it(cast, enterprises):
    first = actions.question_ask(user=cast["manager"], enterprise=enterprises["yubei"], question="第一问")
    q = actions.question_ask(user=cast["manager"], enterprise=enterprises["yubei"], question="第二问")
    cdc = _web("cdc")  # the cast's CDC user works city-wide
    assert "answer-form" in cdc.get(q.get_absolute_url()).content.decode()
    cdc.post(reverse("stewardship:zone_question_answer", args=[q.pk]), {"answer": "需要申报。"})
    page = _web("manager").get(q.get_absolute_url()).content.decode()
    assert "需要申报。" in page and "第一问" in page  # history of the employer's questions
    assert first.pk != q.pk
    listing = cdc.get(reverse("stewardship:zone_question_list") + "?state=answered").content.decode()
    assert "第二问" in listing and "第一问" not in listing


def test_advice_follows_the_employers_declared_factors(cast, enterprises):
    manager = _web("manager")
    assert "尚未登记任何岗位危害因素" in manager.get(reverse("stewardship:zone_home")).content.decode()
    workplace = Workplace.objects.create(enterprise=enterprises["yubei"], name="一车间")
    post = Post.objects.create(workplace=workplace, name="打磨")
    dust = HazardFactor.objects.filter(category="dust").first()
    PostExposure.objects.create(post=post, hazard_factor=dust, exposed_count=5)
    page = manager.get(reverse("stewardship:zone_home")).content.decode()
    assert "防颗粒物口罩" in page and "纯音听阈" not in page
    assert 'class="reg-link"' in page  # the advice's source links to the library


def test_the_visit_form_records_structured_findings_and_the_detail_shows_them(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    steward = _web("steward")
    form = steward.get(reverse("stewardship:visit_record", args=[visit.pk])).content.decode()
    assert "id_finding_1_category" in form
    r = steward.post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {
            "content": visit.content, "visited_on": TODAY.isoformat(), "work_done": "现场检查",
            "finding_1_category": "protective_facilities", "finding_1_severity": "serious",
            "finding_1_text": "除尘器未开启", "finding_2_category": "", "finding_2_text": "",
        },
    )  # fmt: skip
    assert r.status_code == 302
    finding = VisitFinding.objects.get()
    assert (finding.category, finding.severity) == ("protective_facilities", "serious")
    detail = steward.get(visit.get_absolute_url()).content.decode()
    assert "防护设施：除尘器未开启" in detail
    steward.post(
        reverse("stewardship:zone_finding_add", args=[visit.pk]),
        {"category": "training", "severity": "minor", "text": "未培训"},
    )
    assert VisitFinding.objects.count() == 2


def test_a_finding_row_without_text_is_refused_on_the_form(cast, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    r = _web("steward").post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {"content": visit.content, "visited_on": TODAY.isoformat(), "work_done": "x", "finding_1_category": "ppe",
         "finding_1_severity": "minor", "finding_1_text": ""},
    )  # fmt: skip
    assert r.status_code == 200 and "请写明发现的问题" in r.content.decode()
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_findings_export_is_an_xlsx_of_the_visible_rows(cast, agreement):
    visit = agreement.visits.first()
    actions.finding_add(user=None, visit=visit, category="ppe", severity="major", text="未戴口罩")
    r = _web("yubei").get(reverse("stewardship:zone_finding_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "问题类别" in rows[0] and ("个体防护" in rows[1]) and "未戴口罩" in rows[1]
    w = openpyxl.load_workbook(
        io.BytesIO(_web("wanzhou").get(reverse("stewardship:zone_finding_export")).content)
    )
    assert len(list(w.active.iter_rows(values_only=True))) == 1  # header only


def test_requests_and_questions_export(cast, team, enterprises):
    actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)
    actions.question_ask(user=cast["manager"], enterprise=enterprises["yubei"], question="问一个问题")
    for name in ("stewardship:zone_request_export", "stewardship:zone_question_export"):
        r = _web("yubei").get(reverse(name))
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        assert len(rows) == 2 and enterprises["yubei"].name in rows[1], name


def test_the_home_page_flags_an_overdue_question_for_the_answerer(cast, enterprises):
    q = actions.question_ask(
        user=cast["manager"], enterprise=enterprises["yubei"], question="问题",
        today=TODAY - dt.timedelta(days=30),
    )  # fmt: skip
    page = _web("cdc").get("/").content.decode()
    assert "1 个企业咨询已超过答复期限" in page
    assert q.state_on(TODAY) == "overdue"


def test_the_managers_home_page_shows_the_advice_too(cast, enterprises):
    workplace = Workplace.objects.create(enterprise=enterprises["yubei"], name="二车间")
    post = Post.objects.create(workplace=workplace, name="冲压")
    noise = HazardFactor.objects.filter(category="physical").first()
    PostExposure.objects.create(post=post, hazard_factor=noise, exposed_count=3)
    page = _web("manager").get("/").content.decode()
    assert 'id="advice"' in page and "耳塞或耳罩" in page
    assert 'id="advice"' not in _web("yubei").get("/").content.decode()
