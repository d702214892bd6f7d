"""The surveillance API: workers/ (id_number write-only, masked in responses, filters, export)
and the stateless schedule calculator (field names fixed by issue 12)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ohsteward.surveillance import actions
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.factories import make_id_number, make_post

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _body(enterprise, number=None, **extra):
    return {
        "enterprise": enterprise.uscc,
        "name": "王五",
        "id_number": number or make_id_number(),
        "hire_date": "2022-03-01",
        "employment_type": "dispatch",
        "dispatcher": "重庆某劳务派遣公司",
        **extra,
    }


def test_create_answers_the_masked_number_and_never_the_number(cast, enterprises):
    number = make_id_number(dt.date(1988, 8, 8))
    response = api(cast["manager"]).post(
        "/api/v1/workers/", _body(enterprises["yubei"], number), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert "id_number" not in data
    assert data["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert (data["sex"], data["birth_date"], data["employment_type"]) == ("male", "1988-08-08", "dispatch")
    assert number not in response.content.decode()
    detail = api(cast["manager"]).get(f"/api/v1/workers/{data['id']}/")
    assert number not in detail.content.decode()


def test_an_invalid_id_number_is_a_400_in_chinese_without_the_number(cast, enterprises):
    good = make_id_number()
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    response = api(cast["manager"]).post("/api/v1/workers/", _body(enterprises["yubei"], bad), format="json")
    assert response.status_code == 400
    assert "校验位错误" in response.content.decode()
    assert bad[:14] not in response.content.decode()
    assert not Worker.objects.exists()


def test_an_enterprise_cannot_create_a_worker_at_another_employer(cast, enterprises):
    response = api(cast["manager"]).post("/api/v1/workers/", _body(enterprises["yubei2"]), format="json")
    assert response.status_code == 400  # not among the employers it may choose
    assert not Worker.objects.exists()


def test_partial_update_changes_the_phone_and_keeps_the_number(cast, enterprises):
    number = make_id_number()
    worker = actions.worker_create(
        user=None,
        enterprise=enterprises["yubei"],
        id_number=number,
        name="赵六",
        hire_date=dt.date(2022, 1, 1),
    )
    response = api(cast["manager"]).patch(
        f"/api/v1/workers/{worker.pk}/", {"phone": "13800000000"}, format="json"
    )
    assert response.status_code == 200, response.json()
    worker.refresh_from_db()
    assert worker.phone == "13800000000"
    assert worker.person.id_number() == number


def _enrol(enterprise, *codes, last_due=None, name="甲"):
    worker = actions.worker_create(
        user=None, enterprise=enterprise, id_number=make_id_number(), name=name, hire_date=dt.date(2020, 1, 1)
    )
    if codes:
        actions.worker_post_add(
            user=None, worker=worker, post=make_post(enterprise, *codes), start_date=dt.date(2020, 1, 1)
        )
    return worker


def test_due_filters_overdue_next_30_days_and_never(cast, enterprises):
    today = timezone.localdate()
    never = _enrol(
        enterprises["yubei"], "3008", name="从未体检"
    )  # pre-placement due 2020-01-01: overdue, never
    soon = _enrol(enterprises["yubei"], "3008", name="即将到期")
    actions.worker_recompute_due(
        worker=soon, exams=[actions.ExamRecord(today - dt.timedelta(days=350), "periodic")]
    )
    fine = _enrol(enterprises["yubei"], "3008", name="按期")
    actions.worker_recompute_due(
        worker=fine, exams=[actions.ExamRecord(today - dt.timedelta(days=30), "periodic")]
    )
    _enrol(enterprises["yubei"], name="未接害")
    client = api(cast["yubei"])

    def names(due):
        return {r["name"] for r in client.get(f"/api/v1/workers/?due={due}").json()["results"]}

    assert names("overdue") == {never.name}
    assert names("next_30_days") == {soon.name}
    assert names("never") == {never.name}
    uscc = enterprises["yubei"].uscc
    assert len(client.get(f"/api/v1/workers/?enterprise={uscc}").json()["results"]) == 4
    assert client.get("/api/v1/workers/?region=500101").json()["results"] == []


def test_export_masks_the_number_and_follows_the_filters(cast, enterprises):
    number = make_id_number()
    actions.worker_create(
        user=None,
        enterprise=enterprises["yubei"],
        id_number=number,
        name="导出工",
        hire_date=dt.date(2022, 1, 1),
    )
    response = api(cast["yubei"]).get(f"/api/v1/workers/export/?enterprise={enterprises['yubei'].uscc}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert number not in " ".join(cells)
    assert number[:6] + "********" + number[-4:] in cells


def test_schedule_takes_the_shortest_interval_and_says_why(cast):
    body = {
        "exposures": [{"factor": "噪声", "l_ex_8h": 82}, {"factor": "2331"}],
        "on": "2025-03-01",
    }
    response = api(cast["manager"]).post("/api/v1/surveillance/schedule/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == {"interval_months", "next_due", "standard", "verified", "basis"}
    assert (data["interval_months"], data["next_due"], data["standard"], data["verified"]) == (
        24,
        "2027-03-01",
        "GBZ 188-2014",
        True,
    )
    assert [b["factor"] for b in data["basis"]] == ["噪声", "一氧化碳"]
    assert set(data["basis"][0]) == {"factor", "interval_months", "reason"}
    assert "80–85" in data["basis"][0]["reason"]


def test_schedule_after_august_2026_uses_gbz188_2025_unverified(cast):
    body = {"exposures": [{"factor": "苯", "grade": "Ⅰ"}], "on": "2026-09-01", "leave_on": "2027-06-01"}
    data = api(cast["manager"]).post("/api/v1/surveillance/schedule/", body, format="json").json()
    assert data["standard"] == "GBZ 188-2025" and data["verified"] is False
    assert data["interval_months"] == 24
    assert data["next_due"] == "2027-06-01"  # the next periodic would fall after leaving: the exit exam


def test_schedule_refuses_an_unknown_factor_in_chinese(cast):
    body = {"exposures": [{"factor": "不存在的因素"}], "on": "2025-03-01"}
    response = api(cast["manager"]).post("/api/v1/surveillance/schedule/", body, format="json")
    assert response.status_code == 400
    assert "未知的危害因素“不存在的因素”" in response.content.decode()
