"""The worker's own login (issue 12 item 9; 职业病防治法 第36条): opened from the worker's page by
the employer or the district, bound to the person (every employer they worked at), a one-time
password changed at first login, audited, the ID number never in full; the worker's phone page
and the download of their own monitoring file through their scoped reads."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.models import AuditLog
from ohsteward.registry.models import Enterprise
from ohsteward.surveillance import actions
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import Person, Worker
from ohsteward.surveillance.record import PDF_FONT
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_post, make_worker, place, set_today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def login(name: str, password: str = PASSWORD) -> Client:
    c = Client()
    assert c.login(username=name, password=password)
    return c


@pytest.fixture
def moved(enterprises, clinic):
    """One person: at yubei (noise post, an exam with a 复查 conclusion and its open task), left,
    then at wanzhou; plus another worker at yubei."""
    first = make_worker(enterprises["yubei"], name="本人甲", hired=dt.date(2018, 3, 1))
    first.phone = "13800001111"
    first.save()
    place(first, make_post(enterprises["yubei"], "噪声岗", "噪声"), start=dt.date(2018, 3, 1))
    exam_actions.exam_record(
        user=None, worker=first, date=dt.date(2026, 4, 1), kind="periodic", institution=clinic,
        results=[{"factor": factor("噪声"), "conclusion": "b", "items": "高频听阈升高",
                  "recheck_items": "纯音测听", "recheck_by": dt.date(2026, 6, 1)}],
    )  # fmt: skip
    number = first.id_number
    actions.worker_update(user=None, worker=first, leave_date=dt.date(2026, 4, 30))
    second = actions.worker_create(
        user=None,
        enterprise=enterprises["wanzhou"],
        id_number=number,
        name="本人甲",
        hire_date=dt.date(2026, 5, 4),
    )
    other = make_worker(enterprises["yubei"], name="旁人乙")
    first.refresh_from_db()
    first.id_number = number
    return first, second, other


@pytest.fixture
def opened(cast, moved):
    """The login opened by the yubei employer's manager (user name: the phone number)."""
    first, _second, _other = moved
    user, raw = actions.worker_login_open(user=cast["manager"], worker=first)
    return user, raw


def test_the_login_is_named_by_the_phone_bound_to_the_person_and_must_change_its_password(opened, moved):
    user, raw = opened
    first, second, _ = moved
    assert user.username == "13800001111" and user.display_name == "本人甲"
    assert user.must_change_password and user.check_password(raw)
    assert access.own_person_id(user) == first.person_id == second.person_id
    assert access.jurisdiction_label(user) == "本人"


def test_the_worker_sees_own_rows_at_both_employers_and_nothing_else(opened, moved):
    user, _raw = opened
    first, second, other = moved
    assert set(Worker.objects.for_user(user)) == {first, second}
    assert set(Person.objects.for_user(user)) == {first.person}
    assert set(Exam.objects.for_user(user).values_list("worker", flat=True)) == {first.pk}
    assert ExamResult.objects.for_user(user).get().conclusion == "b"
    assert SurveillanceTask.objects.for_user(user).get().kind == "recheck"
    assert not Worker.objects.for_user(user).filter(pk=other.pk).exists()
    assert not Enterprise.objects.for_user(user).exists()  # no list of employers


def test_the_worker_cannot_open_lists_the_api_or_another_workers_file(opened, moved):
    user, raw = opened
    _first, _second, other = moved
    user.must_change_password = False
    user.save()
    c = login(user.username, raw)
    assert c.get("/registry/").status_code in (403, 404)
    assert c.get("/registry/enterprises/").status_code == 403
    assert c.get(f"/surveillance/workers/{other.pk}/").status_code == 403
    assert c.get(f"/surveillance/me/{other.pk}/record.docx").status_code == 404
    assert c.get(f"/surveillance/me/{other.pk}/record.pdf").status_code == 404


def test_first_login_goes_to_the_password_change(opened):
    user, raw = opened
    response = login(user.username, raw).get("/")
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )


def test_the_home_of_a_worker_is_their_file_in_plain_words(opened, moved):
    user, raw = opened
    first, second, other = moved
    user.must_change_password = False
    user.save()
    c = login(user.username, raw)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"] == "/surveillance/me/"
    page = c.get("/surveillance/me/").content.decode()
    assert first.enterprise.name in page and second.enterprise.name in page  # both employers
    assert "噪声岗" in page and "噪声" in page
    assert "复查" in page and "2026年06月01日前" in page  # the open recheck task, in words
    assert "高频听阈升高" in page  # their own clinical details
    assert first.person.id_number_masked in page and first.id_number not in page
    assert "旁人乙" not in page
    # the menu: only their file
    assert "用人单位</a>" not in page and "我的档案" in page


def test_the_worker_downloads_their_own_record(opened, moved):
    user, raw = opened
    first, _second, _other = moved
    user.must_change_password = False
    user.save()
    c = login(user.username, raw)
    response = c.get(f"/surveillance/me/{first.pk}/record.docx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "劳动者职业健康监护档案" in body and "噪声岗" in body and "复查" in body
    assert "高频听阈升高" in body
    assert first.person.id_number_masked in body and first.id_number not in body
    assert c.post(f"/surveillance/me/{first.pk}/record.docx").status_code == 405  # no reveal


@pytest.mark.skipif(not Path(PDF_FONT).is_file(), reason="no Chinese font on this machine")
def test_the_worker_downloads_the_pdf(opened, moved):
    user, raw = opened
    first, _second, _other = moved
    user.must_change_password = False
    user.save()
    response = login(user.username, raw).get(f"/surveillance/me/{first.pk}/record.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_opening_from_the_page_shows_the_one_time_password_once_and_is_audited(cast, moved):
    first, _second, _other = moved
    c = login("manager")
    page = c.get(f"/surveillance/workers/{first.pk}/").content.decode()
    assert "开通本人查询账号" in page
    response = c.post(f"/surveillance/workers/{first.pk}/login/", {"op": "open", "username": "13800001111"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    user = User.objects.get(username="13800001111")
    assert "13800001111" in body and first.person.id_number_masked in body
    assert first.id_number not in body
    entry = AuditLog.objects.filter(
        content_type__model="worker", object_id=str(first.pk), changes__has_key="本人查询账号"
    ).get()
    assert entry.user == cast["manager"] and entry.changes["本人查询账号"][0] == "未开通"
    assert AuditLog.objects.filter(object_id=str(user.pk), content_type__model="user").exists()
    trail = json.dumps(list(AuditLog.objects.values("changes", "object_repr")), ensure_ascii=False)
    assert first.id_number not in trail  # never in the trail
    # the page now shows the login, not the password
    page = c.get(f"/surveillance/workers/{first.pk}/").content.decode()
    assert "已开通" in page and "重置一次性密码" in page


def test_only_the_employer_and_the_district_open_a_login_for_their_own_workers(cast, moved):
    first, second, _other = moved
    with pytest.raises(PermissionDenied):
        actions.worker_login_open(user=cast["steward"], worker=first)  # no permission
    with pytest.raises(PermissionDenied):
        actions.worker_login_open(user=cast["wanzhou"], worker=first)  # another district's employer
    with pytest.raises(PermissionDenied):
        actions.worker_login_open(user=cast["manager"], worker=second)  # another employer's worker
    assert (
        login("steward").post(f"/surveillance/workers/{first.pk}/login/", {"op": "open"}).status_code == 403
    )
    assert (
        login("wanzhou").post(f"/surveillance/workers/{first.pk}/login/", {"op": "open"}).status_code == 404
    )
    user, _raw = actions.worker_login_open(user=cast["yubei"], worker=first)  # the district may
    assert user.assignment.role == "worker"


def test_an_id_number_cannot_be_the_user_name_and_is_not_repeated(cast, moved):
    first, _second, _other = moved
    with pytest.raises(ValidationError) as error:
        actions.worker_login_open(user=cast["manager"], worker=first, username=first.id_number)
    assert "身份证号" in str(error.value) and first.id_number not in str(error.value)


def test_a_worker_without_phone_needs_a_user_name(cast, moved):
    _first, _second, other = moved
    with pytest.raises(ValidationError, match="请填写用户名"):
        actions.worker_login_open(user=cast["manager"], worker=other)


def test_opening_again_resets_the_password_and_the_other_employer_sees_the_same_login(cast, opened, moved):
    user, raw = opened
    first, second, _other = moved
    again, raw2 = actions.worker_login_open(user=cast["wanzhou"], worker=second, username="ignored")
    assert again.pk == user.pk and again.username == "13800001111" and raw2 != raw
    again.refresh_from_db()
    assert again.check_password(raw2) and again.must_change_password


def test_stopping_a_login(cast, opened, moved):
    user, raw = opened
    first, _second, _other = moved
    login("manager").post(f"/surveillance/workers/{first.pk}/login/", {"op": "close"})
    user.refresh_from_db()
    assert not user.is_active
    assert not Client().login(username=user.username, password=raw)
    assert (
        AuditLog.objects.filter(
            content_type__model="worker", object_id=str(first.pk), changes__has_key="本人查询账号"
        ).count()
        == 2
    )


def test_cases_appear_on_the_workers_page(cast, opened, moved):
    user, raw = opened
    first, _second, _other = moved
    result = ExamResult.objects.get(exam__worker=first)
    DiseaseCase.objects.create(
        worker=first, result=result, factor=result.factor, found_on=dt.date(2026, 4, 2)
    )
    user.must_change_password = False
    user.save()
    page = login(user.username, raw).get("/surveillance/me/").content.decode()
    assert "疑似职业病和诊断" in page and "发现疑似职业病（噪声）" in page


def test_the_user_page_offers_no_worker_role(cast):
    assert "worker" not in access.grantable_roles(cast["city"])
    assert "worker" not in access.grantable_roles(cast["yubei"])
