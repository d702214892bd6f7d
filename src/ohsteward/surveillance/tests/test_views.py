"""The worker pages: list with filters and export, the phone form, the detail with 接害工龄, the
audited reveal, the due overview and the home page's open work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ohsteward.accounts.testing import PASSWORD
from ohsteward.surveillance import actions
from ohsteward.surveillance.models import IdNumberReveal, Worker
from ohsteward.surveillance.tests.factories import make_id_number, make_post

pytestmark = pytest.mark.django_db


def login(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


def _exposed(enterprise, number=None, name="噪声工"):
    worker = actions.worker_create(
        user=None,
        enterprise=enterprise,
        id_number=number or make_id_number(),
        name=name,
        hire_date=dt.date(2019, 1, 1),
    )
    actions.worker_post_add(
        user=None, worker=worker, post=make_post(enterprise, "3008", "2013"), start_date=dt.date(2019, 1, 1)
    )
    return worker


def test_the_form_enrols_a_worker_and_the_detail_shows_the_masked_number(cast, enterprises):
    number = make_id_number(dt.date(1992, 2, 2), male=False)
    client = login("manager")
    assert 'type="date"' in client.get("/surveillance/workers/new/").content.decode()
    response = client.post(
        "/surveillance/workers/new/",
        {
            "enterprise": enterprises["yubei"].pk,
            "name": "表单工",
            "id_number": number,
            "employment_type": "contract",
            "hire_date": "2024-01-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    worker = Worker.objects.get(name="表单工")
    page = client.get(f"/surveillance/workers/{worker.pk}/").content.decode()
    assert number[:6] + "********" + number[-4:] in page and number not in page
    assert "女" in page


def test_a_bad_number_on_the_form_is_explained_without_repeating_it(cast, enterprises):
    good = make_id_number()
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    response = login("manager").post(
        "/surveillance/workers/new/",
        {
            "enterprise": enterprises["yubei"].pk,
            "name": "错号",
            "id_number": bad,
            "employment_type": "contract",
            "hire_date": "2024-01-02",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "校验位错误" in page
    assert bad not in page.replace(f'value="{bad}"', "")  # only the user's own input is echoed back


def test_the_detail_shows_posts_factors_and_exposure_years(cast, enterprises):
    worker = _exposed(enterprises["yubei"])
    page = login("yubei").get(f"/surveillance/workers/{worker.pk}/").content.decode()
    assert "一车间 / 操作工" in page and "噪声" in page
    assert "接害工龄" in page and "苯" in page


def test_reveal_shows_the_number_once_and_records_it(cast, enterprises):
    number = make_id_number()
    worker = _exposed(enterprises["yubei"], number)
    response = login("manager").post(f"/surveillance/workers/{worker.pk}/reveal/", {"reason": "办理工伤"})
    assert response.status_code == 200 and number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert IdNumberReveal.objects.get().reason == "办理工伤"


def test_a_steward_has_no_reveal_button_and_the_post_is_refused(cast, enterprises):
    worker = _exposed(enterprises["yubei"])
    client = login("steward")
    assert 'id="reveal"' not in client.get(f"/surveillance/workers/{worker.pk}/").content.decode()
    assert client.post(f"/surveillance/workers/{worker.pk}/reveal/").status_code == 403
    assert not IdNumberReveal.objects.exists()


def test_list_filters_overdue_and_export_is_masked(cast, enterprises):
    number = make_id_number()
    late = _exposed(enterprises["yubei"], number, name="逾期工")
    ok = _exposed(enterprises["yubei"], name="按期工")
    actions.worker_recompute_due(worker=ok, exams=[actions.ExamRecord(timezone.localdate(), "periodic")])
    client = login("yubei")
    page = client.get("/surveillance/workers/?due=overdue").content.decode()
    assert late.name in page and ok.name not in page
    export = client.get("/surveillance/workers/export/?due=overdue")
    assert export.status_code == 200
    assert number.encode() not in export.content


def test_the_due_overview_counts_per_employer_and_district(cast, enterprises):
    _exposed(enterprises["yubei"])
    page = login("yubei").get("/surveillance/").content.decode()
    assert enterprises["yubei"].name in page and "渝北区" in page


def test_the_home_page_lists_overdue_exams_as_open_work(cast, enterprises):
    _exposed(enterprises["yubei"])
    page = login("manager").get("/").content.decode()
    assert "1 名劳动者职业健康检查已逾期" in page


def test_recompute_command_updates_every_worker(cast, enterprises):
    from django.core.management import call_command  # local: only this test runs a command

    worker = _exposed(enterprises["yubei"])
    Worker.objects.filter(pk=worker.pk).update(next_exam_due=None, next_exam_kind="")
    call_command("recompute_exam_due")
    worker.refresh_from_db()
    assert (worker.next_exam_kind, worker.next_exam_due) == ("pre", dt.date(2019, 1, 1))


def test_find_by_id_number_is_a_post_and_opens_the_worker_in_scope(cast, enterprises):
    number = make_id_number()
    worker = _exposed(enterprises["yubei"], number)
    response = login("yubei").post("/surveillance/workers/find/", {"id_number": number})
    assert response.status_code == 302 and response["Location"] == f"/surveillance/workers/{worker.pk}/"
    page = login("wanzhou").post("/surveillance/workers/find/", {"id_number": number}).content.decode()
    assert "您的管辖范围内没有该身份证号的劳动者" in page


def test_the_list_filter_does_not_take_an_id_number(cast, enterprises):
    number = make_id_number()
    _exposed(enterprises["yubei"], number, name="查找工")
    page = login("yubei").get(f"/surveillance/workers/?q={number}").content.decode()
    assert "查找工" not in page  # names only: a number would end up in access logs


def test_the_edit_form_keeps_the_number_when_left_empty(cast, enterprises):
    number = make_id_number()
    worker = _exposed(enterprises["yubei"], number, name="改号工")
    client = login("manager")
    page = client.get(f"/surveillance/workers/{worker.pk}/edit/").content.decode()
    assert number not in page and "留空则不变" in page
    response = client.post(
        f"/surveillance/workers/{worker.pk}/edit/",
        {
            "name": "改号工",
            "id_number": "",
            "phone": "023-1234",
            "employment_type": "contract",
            "hire_date": "2019-01-01",
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.phone == "023-1234" and worker.person.id_number() == number
