"""Training workflows: sessions and records (scope of writes), the employer's standing and 培训率,
lectures with a quiz (twice refused), awareness answers without an account (once per phone), the
QR code, the records import, the API and the SME assistance training rate."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from ohsteward.accounts.testing import PASSWORD
from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.assistance import queries as assistance_queries
from ohsteward.stewardship.training import actions, queries, views
from ohsteward.stewardship.training.importers import RecordImporter
from ohsteward.stewardship.training.models import (
    AwarenessResponse,
    LectureAttempt,
    Trainee,
    TrainingRecord,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


def _today():  # read when a test runs, not at import: a run may cross midnight
    return timezone.localdate()


QUESTIONS = [
    {"text": "粉尘岗位应佩戴？", "options": ["防尘口罩", "棉纱口罩"], "answer": 0},
    {"text": "噪声岗位应佩戴？", "options": ["护耳器", "无需防护"], "answer": 0},
]


def _web(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def session(cast, agreement):
    return actions.session_create(
        user=cast["steward"], held_on=_today(), topic="粉尘危害与防护", trainer="王医师", hours="4",
        mode="onsite", enterprises=[agreement.enterprise],
        people=[{"name": "张三", "role": "exposed"}, {"name": "李四", "role": "manager"}],
    )  # fmt: skip


@pytest.fixture
def lecture(cast):
    return actions.lecture_save(
        user=cast["cdc"],
        data={"title": "噪声防护", "hours": "2", "link": "https://example.org/noise", "questions": QUESTIONS,
              "pass_score": 60},
    )  # fmt: skip


@pytest.fixture
def questionnaire(cast):
    return actions.questionnaire_save(
        user=cast["cdc"], data={"title": "粉尘知识问卷", "questions": QUESTIONS, "threshold": 80}
    )


def test_a_session_records_hours_for_each_person_and_its_team(cast, session, team):
    assert session.team == team
    records = TrainingRecord.objects.filter(session=session).order_by("trainee__name")
    assert [(r.trainee.name, r.trainee.role, r.hours) for r in records] == [
        ("张三", "exposed", Decimal("4.0")),
        ("李四", "manager", Decimal("4.0")),
    ]
    assert Trainee.objects.filter(enterprise=session.links.get().enterprise).count() == 2


def test_a_steward_cannot_record_for_an_employer_its_team_does_not_serve(cast, agreement, enterprises):
    with pytest.raises(ValidationError) as error:
        actions.session_create(
            user=cast["steward"], held_on=_today(), topic="t", trainer="x", hours=2, mode="onsite",
            enterprises=[enterprises["yubei2"]],
        )  # fmt: skip
    assert "不在您的服务或管辖范围内" in str(error.value)
    with pytest.raises(ValidationError):
        actions.record_add(
            user=cast["manager"], enterprise=enterprises["wanzhou"], name="王五", role="exposed", hours=4,
            trained_on=_today(), course="岗前培训",
        )  # fmt: skip
    assert not TrainingSession.objects.filter(topic="t").exists()


def test_bad_records_are_refused_in_chinese(cast, enterprises):
    kwargs = dict(
        user=cast["manager"], enterprise=enterprises["yubei"], name="张三", role="exposed", course="x"
    )
    with pytest.raises(ValidationError, match="学时应大于 0"):
        actions.record_add(**kwargs, hours=0, trained_on=_today())
    with pytest.raises(ValidationError, match="不能晚于今天"):
        actions.record_add(**kwargs, hours=2, trained_on=_today() + dt.timedelta(days=1))
    assert not TrainingRecord.objects.filter(enterprise=enterprises["yubei"]).exists()


def test_district_and_city_read_but_do_not_record(cast, enterprises):
    assert not cast["yubei"].has_perm("stewardship.add_trainingrecord")
    assert cast["city"].has_perm("stewardship.view_trainingrecord")
    assert _web("yubei").get(reverse("stewardship:training_record_create")).status_code == 403


def test_the_employer_sees_who_is_due_or_overdue_and_its_rate(cast, enterprises):
    yubei = enterprises["yubei"]
    m = cast["manager"]
    actions.trainee_add(
        user=m, enterprise=yubei, name="甲", role="exposed", started_on=_today() - dt.timedelta(days=30)
    )
    actions.trainee_add(
        user=m, enterprise=yubei, name="乙", role="principal", started_on=_today() - dt.timedelta(days=10)
    )
    actions.record_add(user=m, enterprise=yubei, name="丙", role="exposed", hours=8, trained_on=_today(), course="岗前",
                       started_on=_today())  # fmt: skip
    t = queries.employer_training(yubei.pk, _today())
    status = {p.trainee.name: p.standing.status for p in t.people}
    assert status == {"甲": "overdue", "乙": "due", "丙": "ok"}
    assert t.rate == 33.3
    page = _web("manager").get(reverse("stewardship:training_people")).content.decode()
    assert "培训率：33.3%" in page and "已逾期" in page and "未核对" in page
    work = queries.open_work(m, _today())
    assert [w.count for w in work] == [1] and "逾期" in work[0].label


def test_the_team_sees_per_employer_who_is_due_or_overdue_under_the_unverified_rules(
    cast, agreement, enterprises
):
    yubei = enterprises["yubei"]
    s = cast["steward"]
    actions.trainee_add(
        user=s, enterprise=yubei, name="甲", role="exposed", started_on=_today() - dt.timedelta(days=30)
    )
    actions.trainee_add(
        user=s, enterprise=yubei, name="乙", role="manager", started_on=_today() - dt.timedelta(days=10)
    )
    page = _web("steward").get(reverse("stewardship:training_people")).content.decode()
    row = page[page.index(yubei.name) :].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", c) for c in row.split("</td>")[1:6]]
    # 应培训 2, 已达标 0, 待培训 1 (乙, initial within a year), 已逾期 1 (甲, no 上岗前 hours), 培训率 0
    assert cells == ["2", "0", "1", "1", "0.0%"], row
    assert "未核对" in page and enterprises["wanzhou"].name not in page


def test_the_people_page_exports_per_person_and_per_employer(cast, agreement, enterprises):
    yubei = enterprises["yubei"]
    actions.trainee_add(
        user=cast["steward"],
        enterprise=yubei,
        name="甲",
        role="exposed",
        started_on=_today() - dt.timedelta(days=30),
    )
    c = _web("steward")
    one = load_workbook(
        io.BytesIO(c.get(reverse("stewardship:training_people_export"), {"enterprise": yubei.pk}).content)
    )
    rows = list(one.active.values)
    assert rows[0][:5] == ("姓名", "人员类别", "岗位", "上岗日期", "状态")
    assert rows[1][0] == "甲" and rows[1][4] == "已逾期" and "未核对" in rows[1][-1]
    every = load_workbook(io.BytesIO(c.get(reverse("stewardship:training_people_export")).content))
    by_name = {r[0]: r for r in list(every.active.values)[1:]}
    assert by_name[yubei.name][2:6] == (1, 0, 0, 1) and enterprises["wanzhou"].name not in by_name
    assert (
        c.get(
            reverse("stewardship:training_people_export"), {"enterprise": enterprises["wanzhou"].pk}
        ).status_code
        == 404
    )


def test_a_team_sees_its_sessions_this_month_on_the_home_page(cast, session):
    work = queries.open_work(cast["steward"], _today())
    assert any(w.count == 1 and "本月" in w.label for w in work)


def test_passing_the_quiz_adds_the_lectures_hours_and_a_second_answer_is_refused(cast, session, lecture):
    person = Trainee.objects.get(name="张三")
    attempt = actions.quiz_submit(user=cast["steward"], lecture=lecture, trainee=person, answers=[0, 0])
    assert attempt.passed and attempt.score == 100
    assert attempt.record.hours == Decimal("2.0") and attempt.record.lecture == lecture
    with pytest.raises(ValidationError, match="不能重复作答"):
        actions.quiz_submit(user=cast["steward"], lecture=lecture, trainee=person, answers=[0, 0])
    assert LectureAttempt.objects.filter(trainee=person).count() == 1
    assert TrainingRecord.objects.filter(trainee=person, lecture=lecture).count() == 1


def test_failing_the_quiz_adds_no_hours(cast, session, lecture):
    person = Trainee.objects.get(name="李四")
    attempt = actions.quiz_submit(user=cast["steward"], lecture=lecture, trainee=person, answers=[1, 1])
    assert not attempt.passed and attempt.record is None


def test_the_quiz_page_refuses_a_second_answer_with_a_clear_message(cast, session, lecture):
    person = Trainee.objects.get(name="张三")
    web = _web("steward")
    url = reverse("stewardship:lecture_detail", args=[lecture.pk])
    first = web.post(url, {"trainee": person.pk, "q0": "0", "q1": "0"}, follow=True).content.decode()
    assert "合格，已计入 2.0 学时" in first
    second = web.post(url, {"trainee": person.pk, "q0": "0", "q1": "0"}, follow=True).content.decode()
    assert "该人员已完成本课程测验，不能重复作答" in second


def test_lecture_files_are_checked_and_served_with_their_checked_type(cast):
    with pytest.raises(ValidationError, match="类型不支持"):
        actions.lecture_save(
            user=cast["cdc"], data={"title": "x", "hours": 1, "questions": QUESTIONS},
            file=SimpleUploadedFile("evil.html", b"<script>"),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="不超过 50 MB"):
        big = SimpleUploadedFile("v.mp4", b"0")
        big.size = 51 * 1024 * 1024
        actions.lecture_save(
            user=cast["cdc"], data={"title": "x", "hours": 1, "questions": QUESTIONS}, file=big
        )
    lecture = actions.lecture_save(
        user=cast["cdc"], data={"title": "课件", "hours": 1, "questions": QUESTIONS},
        file=SimpleUploadedFile("课件.pdf", b"%PDF-1.4", content_type="text/html"),
    )  # fmt: skip
    response = _web("manager").get(reverse("stewardship:lecture_file", args=[lecture.pk]))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_only_cdc_and_city_edit_lectures_and_questionnaires(cast):
    with pytest.raises(Exception, match="疾控中心和市级"):
        actions.questionnaire_save(
            user=cast["manager"], data={"title": "x", "questions": QUESTIONS, "threshold": 80}
        )
    assert _web("steward").get(reverse("stewardship:lecture_create")).status_code == 403
    assert _web("cdc").get(reverse("stewardship:questionnaire_create")).status_code == 200


def test_a_worker_answers_without_an_account_once_per_phone(cast, enterprises, questionnaire):
    yubei = enterprises["yubei"]
    url = reverse("stewardship:awareness_answer", args=[actions.awareness_token(yubei)])
    anonymous = Client()
    page = anonymous.get(url + f"?q={questionnaire.pk}")
    assert page.status_code == 200 and yubei.name in page.content.decode()
    form = {"questionnaire": questionnaire.pk, "phone": "13800138000", "q0": "0", "q1": "1"}
    done = anonymous.post(url, form).content.decode()
    assert "提交成功" in done and "50" in done
    again = anonymous.post(url, {**form, "q1": "0"}).content.decode()
    assert "已经回答过" in again
    response = AwarenessResponse.objects.get(enterprise=yubei)
    assert response.score == 50 and response.aware is False and "13800138000" not in response.phone_hash
    assert anonymous.post(url, {**form, "phone": "123"}).content.decode().count("11位手机号") == 1


def test_a_forged_or_other_link_is_not_found(cast, questionnaire):
    assert Client().get(reverse("stewardship:awareness_answer", args=["forged:token"])).status_code == 404


def test_awareness_rates_per_employer_district_and_industry(cast, enterprises, questionnaire):
    for n, answers in enumerate(([0, 0], [0, 0], [1, 1])):
        actions.awareness_answer(questionnaire=questionnaire, enterprise=enterprises["yubei"],
                                 phone=f"1380013800{n}", answers=answers)  # fmt: skip
    actions.awareness_answer(questionnaire=questionnaire, enterprise=enterprises["wanzhou"], phone="13900000000",
                             answers=[0, 0])  # fmt: skip
    by_district = {
        r.key: (r.answered, r.aware, r.rate) for r in queries.awareness_rates(cast["city"], "district")
    }
    assert by_district["500112"] == (3, 2, 66.7) and by_district["500101"] == (1, 1, 100.0)
    assert [r.answered for r in queries.awareness_rates(cast["yubei"], "enterprise")] == [3]
    assert sum(r.answered for r in queries.awareness_rates(cast["city"], "industry")) == 4
    assert "66.7%" in _web("yubei").get(reverse("stewardship:awareness") + "?by=district").content.decode()


def test_the_qr_code_is_an_svg_for_employers_in_scope_only(cast, enterprises):
    web = _web("manager")
    svg = web.get(reverse("stewardship:awareness_qr", args=[enterprises["yubei"].pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert web.get(reverse("stewardship:awareness_qr", args=[enterprises["wanzhou"].pk])).status_code == 404
    page = web.get(reverse("stewardship:awareness")).content.decode()
    assert "/stewardship/training/a/" in page


def _xlsx(rows):
    wb = Workbook()
    sheet = wb.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["统一社会信用代码", "姓名", "人员类别", "培训日期", "学时", "培训/课程", "上岗日期", "岗位"]


def test_records_import_dry_run_and_chinese_row_errors(cast, enterprises):
    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    day = _today().isoformat()
    content = _xlsx([
        HEADER,
        [yubei.uscc, "张三", "接害劳动者", day, "4", "岗前培训", day, "打磨"],
        [wanzhou.uscc, "李四", "接害劳动者", day, "4", "岗前培训", "", ""],
        [yubei.uscc, "王五", "工人", day, "4", "岗前培训", "", ""],
        [yubei.uscc, "赵六", "主要负责人", day, "0", "负责人培训", "", ""],
    ])  # fmt: skip
    report = RecordImporter().run(user=cast["manager"], filename="r.xlsx", content=content, dry_run=True)
    errors = {(e.row, e.column) for e in report.errors}
    assert errors == {(3, "统一社会信用代码"), (4, "人员类别"), (5, "学时")}
    assert not TrainingRecord.objects.filter(enterprise=yubei).exists()  # dry run
    good = _xlsx([HEADER, [yubei.uscc, "张三", "接害劳动者", day, "4学时", "岗前培训", "", ""]])
    report = RecordImporter().run(user=cast["manager"], filename="r.xlsx", content=good, dry_run=False)
    assert report.applied and TrainingRecord.objects.filter(enterprise=yubei, hours=4).count() == 1
    template = _web("manager").get(reverse("stewardship:training_import_template"))
    assert "人员类别*" in [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]


def test_api_field_names_and_create(cast, agreement, session):
    api = _api(cast["steward"])
    rows = api.get("/api/v1/trainings/").json()["results"]
    assert set(rows[0]) >= {"held_on", "topic", "trainer", "hours", "mode", "enterprises", "team"}
    assert rows[0]["enterprises"] == [agreement.enterprise.uscc] and rows[0]["trained"] == 2
    records = api.get("/api/v1/training-records/").json()["results"]
    assert set(records[0]) >= {
        "person_name",
        "role",
        "enterprise",
        "hours",
        "session",
        "course",
        "trained_on",
    }
    created = api.post(
        "/api/v1/training-records/",
        {"person_name": "周七", "role": "exposed", "enterprise": agreement.enterprise.uscc, "hours": "4",
         "trained_on": _today().isoformat(), "course": "岗前培训"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["person_name"] == "周七"
    new = api.post(
        "/api/v1/trainings/",
        {"held_on": _today().isoformat(), "topic": "噪声", "trainer": "李", "hours": "2", "mode": "online",
         "enterprises": [agreement.enterprise.uscc], "people": [{"name": "吴八", "role": "other"}]},
        format="json",
    )  # fmt: skip
    assert new.status_code == 201, new.content
    assert TrainingRecord.objects.filter(trainee__name="吴八", session_id=new.json()["id"]).exists()
    export = api.get("/api/v1/training-records/export/")
    assert export.status_code == 200


def test_lists_and_exports(cast, session):
    web = _web("steward")
    assert "粉尘危害与防护" in web.get(reverse("stewardship:training_list")).content.decode()
    rows = list(load_workbook(io.BytesIO(web.get(reverse("stewardship:training_record_export")).content))
                .active.iter_rows(values_only=True))  # fmt: skip
    assert "姓名" in rows[0] and any("张三" in r for r in rows[1:])
    assert "张三" in web.get(reverse("stewardship:training_detail", args=[session.pk])).content.decode()
    form = web.get(reverse("stewardship:training_create")).content.decode()
    assert 'type="checkbox"' in form  # a team ticks its clients


def test_the_session_form_on_a_phone_records_people(cast, agreement):
    web = _web("steward")
    response = web.post(
        reverse("stewardship:training_create"),
        {"held_on": _today().isoformat(), "topic": "岗前培训", "trainer": "王", "hours": "8", "mode": "onsite",
         "enterprises": [agreement.enterprise_id], "people": "张三，接害劳动者\n李四"},
    )  # fmt: skip
    assert response.status_code == 302
    assert TrainingRecord.objects.filter(session__topic="岗前培训").count() == 2
    bad = web.post(
        reverse("stewardship:training_create"),
        {"held_on": _today().isoformat(), "topic": "x", "trainer": "王", "hours": "8", "mode": "onsite",
         "enterprises": [agreement.enterprise_id], "people": "张三，工人"},
    ).content.decode()  # fmt: skip
    assert "第1行：人员类别“工人”" in bad


def test_the_assistance_training_rate_comes_from_the_records(cast, small, plan, team):
    a = assistance_actions.entry_add(user=None, plan=plan, enterprise=small["yubei"], team=team)
    b = assistance_actions.entry_add(user=None, plan=plan, enterprise=small["yubei2"])
    on = dt.date(plan.year, 12, 31)
    actions.trainee_add(
        user=None, enterprise=a.enterprise, name="甲", role="exposed", started_on=dt.date(plan.year, 3, 1)
    )
    TrainingRecord.objects.create(trainee=Trainee.objects.get(name="甲"), enterprise=a.enterprise,
                                  trained_on=dt.date(plan.year, 2, 1), hours=8, course="岗前")  # fmt: skip
    progress = assistance_queries.plan_progress(plan, cast["city"], today=on + dt.timedelta(days=400))
    rate = {r.code: r for r in progress.rates}["training"]
    assert (rate.value, rate.numerator, rate.denominator) == (50.0, 1, 2)
    assert [e.pk for e, _reason in progress.short_of_training] == [b.pk]
    assert "未登记培训对象" in progress.short_of_training[0][1]
    assert assistance_queries.training_shortfall(a, today=on) is None
    page = _web("yubei").get(reverse("stewardship:assistance_plan_detail", args=[plan.pk])).content.decode()
    assert 'id="short-training"' in page


def test_anonymous_answers_are_rate_limited_per_address(cast, enterprises, questionnaire, monkeypatch):
    cache.clear()
    monkeypatch.setattr(views, "ANSWERS_PER_HOUR", 1)
    url = reverse("stewardship:awareness_answer", args=[actions.awareness_token(enterprises["yubei"])])
    form = {"questionnaire": questionnaire.pk, "q0": "0", "q1": "0"}
    assert Client().post(url, {**form, "phone": "13800000001"}).status_code == 200
    blocked = Client().post(url, {**form, "phone": "13800000002"})
    assert blocked.status_code == 429 and "提交过于频繁" in blocked.content.decode()
    assert AwarenessResponse.objects.filter(enterprise=enterprises["yubei"]).count() == 1
    cache.clear()


def test_people_of_a_multi_employer_session_are_added_per_employer_on_its_page(cast, agreement, enterprises):
    yubei = agreement.enterprise
    other = enterprises["yubei2"]
    session = actions.session_create(
        user=cast["cdc"], held_on=_today(), topic="联合培训", trainer="区疾控", hours=3, mode="onsite",
        enterprises=[yubei, other],
    )  # fmt: skip
    web = _web("cdc")
    url = reverse("stewardship:training_detail", args=[session.pk])
    web.post(url, {"enterprise": other.pk, "people": "赵一，接害劳动者\n钱二，主要负责人"})
    assert TrainingRecord.objects.filter(session=session, enterprise=other).count() == 2
    again = web.post(
        url, {"enterprise": other.pk, "people": "赵一，接害劳动者"}, follow=True
    ).content.decode()
    assert "已登记为本次培训的参训人员" in again
    with pytest.raises(ValidationError, match="本次培训的单位之一"):
        actions.session_add_people(
            user=cast["cdc"], session=session, people=[{"name": "孙三", "role": "exposed"}]
        )
    # the steward sees the session (its client yubei is on it) but only its client's records
    page = _web("steward").get(url).content.decode()
    assert "联合培训" in page and "赵一" not in page


def test_a_planned_session_takes_no_people_yet(cast, agreement):
    with pytest.raises(ValidationError, match="培训尚未举行"):
        actions.session_create(
            user=cast["steward"], held_on=_today() + dt.timedelta(days=7), topic="下周培训", trainer="王", hours=2,
            mode="onsite", enterprises=[agreement.enterprise], people=[{"name": "张三", "role": "exposed"}],
        )  # fmt: skip
    planned = actions.session_create(
        user=cast["steward"], held_on=_today() + dt.timedelta(days=7), topic="下周培训", trainer="王", hours=2,
        mode="onsite", enterprises=[agreement.enterprise],
    )  # fmt: skip
    assert "结束后在此登记参训人员" in _web("steward").get(planned.get_absolute_url()).content.decode()


def test_a_person_who_left_is_no_longer_counted(cast, enterprises):
    yubei = enterprises["yubei"]
    person = actions.trainee_add(
        user=cast["manager"],
        enterprise=yubei,
        name="甲",
        role="exposed",
        started_on=_today() - dt.timedelta(days=30),
    )
    assert queries.employer_training(yubei.pk, _today()).rate == 0.0
    web = _web("manager")
    web.post(reverse("stewardship:trainee_leave", args=[person.pk]), {"left_on": _today().isoformat()})
    person.refresh_from_db()
    assert person.left_on == _today() and queries.employer_training(yubei.pk, _today()).rate is None
    with pytest.raises(ValidationError, match="不能早于上岗日期"):
        actions.trainee_leave(
            user=cast["manager"], trainee=person, left_on=person.started_on - dt.timedelta(days=1)
        )
    other = actions.trainee_add(
        user=None, enterprise=enterprises["wanzhou"], name="乙", role="exposed", started_on=_today()
    )
    assert web.post(reverse("stewardship:trainee_leave", args=[other.pk])).status_code == 404


PEOPLE_HEADER = ["统一社会信用代码", "姓名", "人员类别", "上岗日期", "岗位", "离岗日期"]


def test_people_register_import_template_dry_run_errors_and_update(cast, enterprises):
    """The people register on its own (issue 10 "imports … training records"): new people added,
    a known person (employer + name + category) updated, Chinese row/column errors, dry run."""
    from ohsteward.stewardship.training.importers import PeopleImporter  # local: this test only

    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    start = (_today() - dt.timedelta(days=30)).isoformat()
    content = _xlsx([
        PEOPLE_HEADER,
        [yubei.uscc, "张三", "接触劳动者", start, "打磨", ""],
        [yubei.uscc, "李总", "主要负责人", start, "", ""],
        [wanzhou.uscc, "李四", "接害劳动者", start, "", ""],
        [yubei.uscc, "王五", "工人", start, "", ""],
        [yubei.uscc, "赵六", "职业卫生管理人员", "", "", ""],
        [yubei.uscc, "钱七", "接害劳动者", (_today() + dt.timedelta(days=3)).isoformat(), "", ""],
        [yubei.uscc, "孙八", "接害劳动者", start, "", (_today() - dt.timedelta(days=60)).isoformat()],
    ])  # fmt: skip
    report = PeopleImporter().run(user=cast["manager"], filename="p.xlsx", content=content, dry_run=True)
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert set(errors) == {
        (4, "统一社会信用代码"),
        (5, "人员类别"),
        (6, "上岗日期"),
        (7, "上岗日期"),
        (8, "离岗日期"),
    }
    assert "主要负责人" in errors[(5, "人员类别")] and "晚于今天" in errors[(7, "上岗日期")]
    assert len(report.created) == 2 and not Trainee.objects.filter(enterprise=yubei).exists()  # dry run

    c = _web("manager")
    template = c.get(reverse("stewardship:trainee_import_template"))
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert "人员类别*" in [cell.value for cell in sheet[1]] and "上岗日期*" in [
        cell.value for cell in sheet[1]
    ]
    good = _xlsx([PEOPLE_HEADER, [yubei.uscc, "张三", "接触劳动者", start, "打磨", ""]])
    preview = c.post(reverse("stewardship:trainee_import"), {"file": SimpleUploadedFile("p.xlsx", good)})
    assert preview.status_code == 200 and not Trainee.objects.filter(enterprise=yubei).exists()
    c.post(reverse("stewardship:trainee_import_confirm", args=[preview.context["token"]]))
    person = Trainee.objects.get(enterprise=yubei, name="张三")
    assert person.role == "exposed" and person.post == "打磨" and person.left_on is None

    left = (_today() - dt.timedelta(days=1)).isoformat()
    again = _xlsx([PEOPLE_HEADER, [yubei.uscc, "张三", "接害劳动者", start, "", left]])
    report = PeopleImporter().run(user=cast["manager"], filename="p.xlsx", content=again, dry_run=False)
    assert report.applied and len(report.updated) == 1 and not report.created
    person.refresh_from_db()
    assert person.left_on == _today() - dt.timedelta(days=1) and person.post == "打磨"
    # another district's officer cannot import into this employer
    report = PeopleImporter().run(user=cast["wanzhou"], filename="p.xlsx", content=good, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码")]


def test_lectures_and_awareness_rates_export(cast, session, lecture):
    c = _web("steward")
    rows = list(load_workbook(io.BytesIO(c.get(reverse("stewardship:lecture_export")).content)).active.values)
    assert rows[0][0] == "课程名称" and rows[1][0] == lecture.title and rows[1][2] == len(lecture.questions)
    rates = c.get(reverse("stewardship:awareness_export"), {"by": "district"})
    assert list(load_workbook(io.BytesIO(rates.content)).active.values)[0] == (
        "区县",
        "作答人数",
        "知晓人数",
        "知晓率(%)",
    )
