"""Pages and API of exam results and their follow-up: the phone form, the import page, lists and
exports, the task and case pages, the API contract of ``exams/``, ``surveillance-tasks/``,
``cases/``, and the home page's open work."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ohsteward.api.testing import bearer_client
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, SurveillanceTask
from ohsteward.surveillance.tests.exam_helpers import (
    TODAY,
    factor,
    make_post,
    make_worker,
    place,
    set_today,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)
    return monkeypatch


EXAM_DAY = D(2026, 5, 4)


def _record(cast, worker, clinic, results, date=EXAM_DAY):
    return actions.exam_record(
        user=cast["institution"],
        worker=worker,
        date=date,
        kind="periodic",
        institution=clinic,
        results=results,
    )


def test_the_phone_form_records_an_exam_and_shows_its_tasks(client, cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    client.force_login(cast["institution"])
    assert client.get("/surveillance/exams/new/").status_code == 200
    response = client.post(
        "/surveillance/exams/new/",
        {
            "id_number": worker.id_number,
            "date": "2026-05-04",
            "kind": "periodic",
            "factor_1": "噪声",
            "conclusion_1": "b",
            "recheck_items_1": "纯音测听",
            "recheck_by_1": "2026-06-04",
            "factor_2": "苯",
            "conclusion_2": "a",
        },
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "已保存" in body
    assert "纯音测听" in body and "复查 · 噪声" in body
    assert Exam.objects.get().results.count() == 2


def test_the_phone_form_explains_a_missing_recheck_date_and_never_echoes_the_number(
    client, cast, enterprises, clinic
):
    worker = make_worker(enterprises["yubei"])
    client.force_login(cast["institution"])
    body = client.post(
        "/surveillance/exams/new/",
        {"id_number": worker.id_number, "date": "2026-05-04", "kind": "periodic", "factor_1": "噪声", "conclusion_1": "b", "items_1": "听阈升高"},
    ).content.decode()  # fmt: skip
    assert "结论为复查时须填写复查期限" in body
    assert worker.id_number not in body.replace(f'value="{worker.id_number}"', "")
    assert not Exam.objects.exists()


def test_the_import_page_previews_and_confirms(client, cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    client.force_login(cast["institution"])
    assert client.get("/surveillance/exams/import/template/").status_code == 200
    heads = ["身份证号", "体检日期", "体检类别", "危害因素", "结论", "异常项目/疾病名称"]
    content = write_xlsx(
        [(h, h) for h in heads], [[worker.id_number, "2026-05-04", "在岗期间", "苯", "d", "再生障碍性贫血"]]
    )
    preview = client.post(
        "/surveillance/exams/import/", {"file": SimpleUploadedFile("结果.xlsx", content)}
    ).content.decode()
    assert 'id="n-created">1<' in preview and "应检1人" in preview
    token = preview.split("/surveillance/exams/import/")[1].split("/confirm/")[0]
    client.post(f"/surveillance/exams/import/{token}/confirm/")
    assert SurveillanceTask.objects.get().kind == "reassignment"


def test_lists_and_exports_for_the_employer(client, cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"], name="赵六")
    _record(
        cast,
        worker,
        clinic,
        [{"factor": factor("噪声"), "conclusion": "b", "items": "听阈升高", "recheck_by": D(2026, 6, 1)}],
    )
    client.force_login(cast["manager"])
    body = client.get("/surveillance/exams/").content.decode()
    assert "赵六" in body and "噪声：复查" in body
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/surveillance/exams/export/").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "异常项目" in rows[0] and "（仅体检机构与疾控可见）" in rows[1]
    assert worker.id_number not in str(rows)
    tasks = client.get("/surveillance/tasks/?status=open").content.decode()
    assert "赵六" in tasks
    assert client.get("/surveillance/tasks/export/").status_code == 200
    assert client.get("/surveillance/exam-batches/").status_code == 200


def test_the_task_list_page_has_a_constant_number_of_queries(client, cast, enterprises, clinic):
    client.force_login(cast["yubei"])

    def add():
        w = make_worker(enterprises["yubei"])
        _record(
            cast,
            w,
            clinic,
            [{"factor": factor("噪声"), "conclusion": "b", "items": "x", "recheck_by": D(2026, 6, 1)}],
        )

    add()  # an empty page skips the query that loads the rows
    assert_constant_queries(lambda: client.get("/surveillance/tasks/"), add)


def test_the_employer_records_a_reassignment_on_the_task_page(client, cast, enterprises, clinic):
    e = enterprises["yubei"]
    worker = make_worker(e)
    place(worker, make_post(e, "喷漆工", "苯"))
    clean = make_post(e, "仓管员")
    _record(cast, worker, clinic, [{"factor": factor("苯"), "conclusion": "d", "items": "贫血"}])
    task = SurveillanceTask.objects.get()
    client.force_login(cast["manager"])
    page = client.get(f"/surveillance/tasks/{task.pk}/").content.decode()
    assert "仓管员" in page and "喷漆工" in page  # the clean post offered, the exposed one listed
    response = client.post(
        f"/surveillance/tasks/{task.pk}/", {"post": clean.pk, "on": TODAY.isoformat()}, follow=True
    )
    assert "已登记调岗" in response.content.decode()
    task.refresh_from_db()
    assert task.closed_on == TODAY


def test_the_case_page_highlights_an_overdue_limit(
    client, cast, enterprises, clinic, diagnosis_centre, clock
):
    worker = make_worker(enterprises["yubei"])
    _record(cast, worker, clinic, [{"factor": factor("矽尘"), "conclusion": "c", "items": "小阴影"}])
    case = DiseaseCase.objects.get()
    client.force_login(cast["cdc"])
    client.post(
        f"/surveillance/cases/{case.pk}/",
        {"step": "refer", "institution": diagnosis_centre.pk, "on": "2026-05-06"},
    )
    case.refresh_from_db()
    assert case.referred_to == diagnosis_centre
    client.post(
        f"/surveillance/cases/{case.pk}/",
        {"step": "diagnose", "outcome": "excluded", "diagnosed_on": "2026-04-01"},
    )
    case.refresh_from_db()
    assert case.outcome == "pending"  # before the case was found: refused
    disease = case.__class__._meta.get_field("disease").related_model.objects.in_force(TODAY).first()
    client.post(
        f"/surveillance/cases/{case.pk}/",
        {"step": "diagnose", "outcome": "confirmed", "diagnosed_on": "2026-05-08", "disease": disease.pk,
         "certificate_number": "渝职诊1号", "certificate_issued_on": "2026-05-08"},
    )  # fmt: skip
    set_today(clock, D(2026, 6, 1))
    page = client.get(f"/surveillance/cases/{case.pk}/").content.decode()
    assert 'id="deadline-certificate_delivery" class="overdue"' in page
    assert "已逾期" in client.get("/surveillance/cases/").content.decode()
    home = client.get("/").content.decode()
    assert "1 个职业病诊断个案超过法定时限" in home


def test_api_exams_create_with_the_fixed_field_names(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    api = bearer_client(cast["institution"])
    body = {
        "worker": worker.pk,
        "date": "2026-05-04",
        "type": "periodic",
        "institution": clinic.uscc,
        "results": [
            {"factor": "噪声", "conclusion": "b", "items": "高频听阈升高", "recheck_by": "2026-06-04"},
            {"factor": "苯", "conclusion": "a"},
        ],
    }
    created = api.post("/api/v1/exams/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["type"] == "periodic" and data["institution"] == clinic.name
    assert [r["conclusion"] for r in data["results"]] == ["b", "a"]
    again = api.post("/api/v1/exams/", body, format="json")
    assert again.status_code == 400 and "请勿重复上传" in str(again.json())
    bad = api.post(
        "/api/v1/exams/",
        {**body, "date": "2026-05-05", "results": [{"factor": "噪声", "conclusion": "z"}]},
        format="json",
    )
    assert bad.status_code == 400 and "结论应为" in str(bad.json())
    unknown = api.post(
        "/api/v1/exams/",
        {**body, "date": "2026-05-06", "results": [{"factor": "月光", "conclusion": "a"}]},
        format="json",
    )
    assert unknown.status_code == 400 and "未知的危害因素" in str(unknown.json())
    tasks = api.get("/api/v1/surveillance-tasks/?kind=recheck&status=open").json()
    assert [t["kind"] for t in tasks["results"]] == ["recheck"] and tasks["results"][0]["status"] == "open"
    overdue = api.get("/api/v1/surveillance-tasks/?status=overdue").json()
    assert overdue["count"] == 0


def test_api_a_worker_outside_scope_is_not_a_valid_choice(cast, enterprises, clinic):
    worker = make_worker(enterprises["wanzhou"])
    response = bearer_client(cast["institution"]).post(
        "/api/v1/exams/",
        {"worker": worker.pk, "date": "2026-05-04", "type": "periodic", "institution": clinic.name, "results": [{"factor": "噪声", "conclusion": "a"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "worker" in response.json()


def test_api_the_employer_reassigns_and_the_case_moves_on(cast, enterprises, clinic, diagnosis_centre):
    e = enterprises["yubei"]
    worker = make_worker(e)
    place(worker, make_post(e, "喷漆工", "苯"))
    _record(
        cast,
        worker,
        clinic,
        [
            {"factor": factor("苯"), "conclusion": "d", "items": "贫血"},
            {"factor": factor("噪声"), "conclusion": "c", "items": "听力下降"},
        ],
    )
    manager = bearer_client(cast["manager"])
    task = manager.get("/api/v1/surveillance-tasks/?kind=reassignment").json()["results"][0]
    moved = manager.post(
        f"/api/v1/surveillance-tasks/{task['id']}/reassign/",
        {"post": make_post(e, "仓管员").pk, "on": TODAY.isoformat()},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "closed"
    case = bearer_client(cast["yubei"]).get("/api/v1/cases/").json()["results"][0]
    assert case["status"] == "referred" and case["overdue"] is False
    referred = bearer_client(cast["yubei"]).post(
        f"/api/v1/cases/{case['id']}/refer/",
        {"institution": diagnosis_centre.name, "on": "2026-05-06"},
        format="json",
    )
    assert referred.status_code == 200 and referred.json()["referred_to"] == diagnosis_centre.name
    assert [d["code"] for d in referred.json()["deadlines"]] == [
        "certificate_delivery",
        "online_report",
        "appeal_window",
    ]
    assert (
        manager.post(
            f"/api/v1/cases/{case['id']}/refer/",
            {"institution": diagnosis_centre.name, "on": "2026-05-06"},
            format="json",
        ).status_code
        == 403
    )
    assert manager.get("/api/v1/cases/export/").status_code == 200
