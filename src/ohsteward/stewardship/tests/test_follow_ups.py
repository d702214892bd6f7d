"""A visit finding raises a rectification task (monitoring, through ``stewardship.followups``) or a
training need (issue 10 item 3): the phone form, the visit page, the employer's home page, the
task closed by the team, the need met by a session — with the clock given explicitly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.actions import role_assign, user_create
from ohsteward.accounts.testing import PASSWORD
from ohsteward.monitoring.models import RectificationTask
from ohsteward.stewardship import actions, followups
from ohsteward.stewardship.models import ServiceVisit, TrainingNeed
from ohsteward.stewardship.tests.factories import make_team, sign_agreement
from ohsteward.stewardship.training import actions as training_actions
from ohsteward.stewardship.zone import actions as zone_actions
from ohsteward.stewardship.zone.models import VisitFinding

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)  # the controlled "today" of these tests


@pytest.fixture
def clock(monkeypatch):
    """Today is ``DAY`` for every action and page (they all ask ``timezone.localdate``)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: DAY)
    return DAY


@pytest.fixture
def served(cast, enterprises, clock):
    team = make_team()
    role_assign(user=cast["steward"], role="steward_member", team=team)
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    agreement = sign_agreement(team, enterprises["yubei"], DAY - dt.timedelta(days=100))
    return agreement


def login(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _record(agreement, user, **finding):
    visit = agreement.visits.order_by("planned_on", "pk").first()
    return actions.visit_record(
        user=user, agreement=agreement, visit=visit,
        data={"visited_on": DAY, "work_done": "现场检查", "content": visit.content},
        findings=[{"category": "ppe", "severity": "major", "text": "打磨岗位未戴防尘口罩", **finding}],
    )  # fmt: skip


def test_phone_form_ticks_rectify_and_train_end_to_end(cast, served):
    """The team member ticks 需整改 and 需培训 on the phone form; the employer sees the task on its
    home page and records a measure; the team closes it; a session meets the training need."""
    visit = served.visits.order_by("planned_on").first()
    steward = login("steward")
    response = steward.post(
        reverse("stewardship:visit_record", args=[visit.pk]),
        {
            "content": visit.content, "visited_on": DAY.isoformat(), "work_done": "现场检查防护用品",
            "finding_1_category": "ppe", "finding_1_severity": "major", "finding_1_text": "打磨岗位未戴防尘口罩",
            "finding_1_rectify": "on", "finding_1_train": "on",
            "finding_2_category": "management", "finding_2_severity": "minor", "finding_2_text": "制度未更新",
        },
    )  # fmt: skip
    assert response.status_code == 302
    first, second = VisitFinding.objects.filter(visit=visit).order_by("pk")
    task = RectificationTask.objects.get()
    assert task.visit_finding_id == first.pk and task.enterprise_id == served.enterprise_id
    assert task.post_id is None and task.measurement_id is None
    assert task.deadline == DAY + dt.timedelta(days=30) and task.required_measures == ["ppe"]
    assert "打磨岗位未戴防尘口罩" in task.finding and task.opened_by == cast["steward"]
    need = TrainingNeed.objects.get()
    assert need.finding_id == first.pk and need.due_on == DAY + dt.timedelta(days=30)
    assert not hasattr(second, "rectification_task") or second.rectification_task is None

    page = steward.get(reverse("stewardship:visit_detail", args=[visit.pk])).content.decode()
    assert task.get_absolute_url() in page and "整改中" in page and "待培训" in page
    assert page.count("raise-rectify") == 1 and page.count("raise-train") == 1  # only the second finding

    manager = login("manager")
    home = manager.get("/").content.decode()
    assert "1 项服务发现问题整改任务进行中" in home and "1 项服务发现的培训需求待落实" in home
    task_page = manager.get(task.get_absolute_url()).content.decode()
    assert "管家服务发现问题" in task_page and visit.get_absolute_url() in task_page
    assert "task-close-form" not in task_page  # the employer does not close its own task
    people = manager.get(reverse("stewardship:training_people")).content.decode()
    assert "need-due" in people and "打磨岗位未戴防尘口罩" in people

    # closing needs a measure first
    assert (
        "尚未记录整改措施"
        in steward.post(reverse("monitoring:task_close", args=[task.pk]), follow=True).content.decode()
    )
    task.refresh_from_db()
    assert task.status == "open"
    manager.post(
        reverse("monitoring:measure_add", args=[task.pk]),
        {"measure_type": "ppe", "taken_on": DAY.isoformat(), "description": "配发 KN95 口罩"},
    )
    assert task.measures.count() == 1
    steward.post(reverse("monitoring:task_close", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "closed" and task.closed_on == DAY

    training_actions.session_create(
        user=cast["steward"],
        held_on=DAY,
        topic="防尘口罩佩戴",
        trainer="张医生",
        hours=2,
        mode="onsite",
        enterprises=[served.enterprise],
    )
    need = TrainingNeed.objects.with_state(DAY).get()
    assert need.state == "met" and need.met_on == DAY
    page = steward.get(reverse("stewardship:visit_detail", args=[visit.pk])).content.decode()
    assert "已整改" in page and "已培训" in page


def test_need_is_overdue_after_its_date_and_a_session_before_it_was_raised_does_not_meet_it(cast, served):
    training_actions.session_create(
        user=cast["steward"],
        held_on=DAY - dt.timedelta(days=5),
        topic="旧培训",
        trainer="张医生",
        hours=2,
        mode="onsite",
        enterprises=[served.enterprise],
    )
    _record(served, cast["steward"], train=True)
    assert TrainingNeed.objects.with_state(DAY).get().state == "due"
    later = DAY + dt.timedelta(days=31)
    assert TrainingNeed.objects.with_state(later).get().state == "overdue"


def test_raise_on_a_recorded_finding_and_only_once(cast, served):
    visit = _record(served, cast["steward"])
    finding = visit.structured_findings.get()
    c = login("steward")
    c.post(reverse("stewardship:zone_finding_raise", args=[finding.pk]), {"what": "rectify"})
    c.post(reverse("stewardship:zone_finding_raise", args=[finding.pk]), {"what": "train"})
    assert RectificationTask.objects.filter(visit_finding=finding).count() == 1
    assert TrainingNeed.objects.filter(finding=finding).count() == 1
    with pytest.raises(ValidationError, match="已下达整改任务"):
        zone_actions.finding_raise(user=cast["steward"], finding=finding, what="rectify")
    with pytest.raises(ValidationError, match="已提出培训需求"):
        zone_actions.finding_raise(user=cast["steward"], finding=finding, what="train")
    with pytest.raises(ValidationError, match="不能删除"):
        zone_actions.finding_delete(user=cast["steward"], finding=finding)


@pytest.mark.parametrize("who", ["manager", "other_team"])
def test_only_the_visits_team_or_a_regulator_raises(cast, served, who):
    visit = _record(served, cast["steward"])
    finding = visit.structured_findings.get()
    if who == "other_team":
        other = make_team("渝北区第二管家团队")
        user = user_create(
            username="other_steward", password=PASSWORD, role="steward_member", region_code="500112",
            check_password=False,
        )  # fmt: skip
        role_assign(user=user, role="steward_member", team=other)
    else:
        user = cast["manager"]
    with pytest.raises((PermissionDenied, ValidationError)):
        zone_actions.finding_raise(user=user, finding=finding, what="rectify")
    with pytest.raises((PermissionDenied, ValidationError)):
        zone_actions.finding_raise(user=user, finding=finding, what="train")
    assert not RectificationTask.objects.exists() and not TrainingNeed.objects.exists()
    # the district may raise one
    zone_actions.finding_raise(user=cast["yubei"], finding=finding, what="rectify")
    assert RectificationTask.objects.filter(visit_finding=finding, opened_by=cast["yubei"]).exists()


def test_without_monitoring_the_page_says_so_and_rectify_is_refused(cast, served, monkeypatch):
    monkeypatch.setattr(followups, "_handler", {})
    assert not followups.rectification_available()
    with pytest.raises(ValidationError, match="整改任务功能未启用"):
        _record(served, cast["steward"], rectify=True)
    assert not VisitFinding.objects.exists()  # nothing saved, the visit neither
    assert not ServiceVisit.objects.filter(status="done").exists()
    visit = _record(served, cast["steward"])
    page = login("steward").get(reverse("stewardship:visit_detail", args=[visit.pk])).content.decode()
    assert "整改任务功能未启用" in page and "raise-rectify" not in page and "raise-train" in page
    form = login("steward").get(reverse("stewardship:visit_new", args=[served.pk])).content.decode()
    assert "整改任务功能未启用" in form


def test_task_and_need_are_scoped_to_the_employer(cast, served):
    visit = _record(served, cast["steward"], rectify=True, train=True)
    task = RectificationTask.objects.get()
    assert login("wanzhou").get(task.get_absolute_url()).status_code == 404
    assert not TrainingNeed.objects.for_user(cast["wanzhou"]).exists()
    assert TrainingNeed.objects.for_user(cast["manager"]).count() == 1
    assert TrainingNeed.objects.for_user(cast["steward"]).count() == 1
    # the visit page of another district's officer is 404 as well
    assert login("wanzhou").get(visit.get_absolute_url()).status_code == 404


def test_raising_is_audited(cast, served):
    from ohsteward.core.models import AuditLog  # local: the audit model is read only by this test

    finding = _record(served, cast["steward"]).structured_findings.get()
    c = login("steward")
    for what in ("rectify", "train"):
        c.post(reverse("stewardship:zone_finding_raise", args=[finding.pk]), {"what": what})
    logged = AuditLog.objects.filter(user=cast["steward"], action="create")
    assert {"rectificationtask", "trainingneed"} <= set(logged.values_list("content_type__model", flat=True))
    assert set(logged.values_list("enterprise_id", flat=True)) == {served.enterprise_id}


def _api(user):
    from rest_framework.test import APIClient  # local: only the API tests below use it

    c = APIClient()
    c.force_authenticate(user)
    return c


def test_visit_findings_api_shows_each_findings_follow_ups(cast, served):
    """``visit-findings/`` keeps its fields and adds ``rectification`` and ``training_need``."""
    visit = _record(served, cast["steward"], rectify=True, train=True)
    other = served.visits.exclude(pk=visit.pk).order_by("planned_on", "pk").first()
    plain = actions.visit_record(
        user=cast["steward"], agreement=served, visit=other,
        data={"visited_on": DAY, "work_done": "复查", "content": other.content},
        findings=[{"category": "management", "severity": "minor", "text": "制度未更新"}],
    ).structured_findings.get()  # fmt: skip
    finding = visit.structured_findings.get()
    task = RectificationTask.objects.get()
    need = TrainingNeed.objects.get()
    rows = {r["id"]: r for r in _api(cast["steward"]).get("/api/v1/visit-findings/").json()["results"]}
    row = rows[finding.pk]
    assert {"visit", "enterprise", "visited_on", "category", "severity", "text"} <= set(row)
    assert row["enterprise"] == served.enterprise.uscc and row["category"] == "ppe"
    assert row["rectification"] == {
        "id": task.pk, "status": "open", "state": "整改中", "deadline": task.deadline.isoformat()
    }  # fmt: skip
    assert row["training_need"] == {"id": need.pk, "status": "due", "due_on": need.due_on.isoformat()}
    assert rows[plain.pk]["rectification"] is None and rows[plain.pk]["training_need"] is None
    detail = _api(cast["yubei"]).get(f"/api/v1/visit-findings/{finding.pk}/").json()
    assert detail["rectification"]["id"] == task.pk and detail["training_need"]["id"] == need.pk


def test_visit_findings_api_says_overdue_and_met(cast, served, monkeypatch):
    _record(served, cast["steward"], rectify=True, train=True)
    later = DAY + dt.timedelta(days=40)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: later)
    row = _api(cast["manager"]).get("/api/v1/visit-findings/").json()["results"][0]
    assert row["rectification"]["status"] == "overdue" and row["training_need"]["status"] == "overdue"
    training_actions.session_create(
        user=cast["steward"], held_on=later, topic="防尘口罩佩戴", trainer="张医生", hours=2, mode="onsite",
        enterprises=[served.enterprise],
    )  # fmt: skip
    row = _api(cast["manager"]).get("/api/v1/visit-findings/").json()["results"][0]
    assert row["training_need"]["status"] == "met"


def test_training_needs_api_lists_filters_and_exports(cast, served, enterprises, monkeypatch):
    _record(served, cast["steward"], train=True)
    other = sign_agreement(
        make_team("万州区管家团队", "500101"), enterprises["wanzhou"], DAY - dt.timedelta(days=10)
    )
    _record(other, cast["wanzhou"], train=True)
    need = TrainingNeed.objects.get(enterprise=served.enterprise)
    steward = _api(cast["steward"])
    rows = steward.get("/api/v1/training-needs/").json()["results"]
    assert [r["id"] for r in rows] == [need.pk]
    assert rows[0]["enterprise"] == served.enterprise.uscc and rows[0]["status"] == "due"
    assert rows[0]["finding"] == need.finding_id and rows[0]["met_on"] is None
    city = _api(cast["city"])
    uscc = enterprises["wanzhou"].uscc
    assert {
        r["enterprise"]
        for r in city.get(f"/api/v1/training-needs/?enterprise={uscc.lower()}").json()["results"]
    } == {uscc}
    assert city.get("/api/v1/training-needs/?status=overdue").json()["count"] == 0
    assert city.get("/api/v1/training-needs/?status=due").json()["count"] == 2
    assert city.get("/api/v1/training-needs/?status=bogus").status_code == 400
    later = DAY + dt.timedelta(days=31)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: later)
    assert city.get("/api/v1/training-needs/?status=overdue").json()["count"] == 2
    training_actions.session_create(
        user=cast["steward"], held_on=later, topic="防尘", trainer="张医生", hours=2, mode="onsite",
        enterprises=[served.enterprise],
    )  # fmt: skip
    met = city.get("/api/v1/training-needs/?status=met").json()["results"]
    assert [r["id"] for r in met] == [need.pk] and met[0]["met_on"] == later.isoformat()
    assert steward.post("/api/v1/training-needs/", {}, format="json").status_code == 405
    assert (
        steward.get(
            f"/api/v1/training-needs/{TrainingNeed.objects.exclude(pk=need.pk).get().pk}/"
        ).status_code
        == 404
    )
    export = city.get("/api/v1/training-needs/export/?status=met")
    assert export.status_code == 200
    import io  # local: only the export check reads the workbook

    import openpyxl  # local: only the export check reads the workbook

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "状态" in values[0] and any("已培训" in row for row in values[1:])
    assert len(values) == 2
