"""Chronic disease screening and follow-up records (issue 12 item 7, RULES.md §12), with the clock
controlled: eligibility, classification, the next follow-up date, the overdue list, the fact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ohsteward.accounts.access import OutOfScope
from ohsteward.core import facts
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.models import ChronicFollowUp, ChronicScreening
from ohsteward.surveillance.tests.exam_helpers import TODAY, make_worker, set_today

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)
    return monkeypatch


def test_a_screening_is_classified_and_gets_its_next_date(cast, enterprises):
    worker = make_worker(enterprises["yubei"], birth=D(1980, 1, 1))
    s = actions.chronic_screening_record(
        user=cast["manager"], worker=worker, screened_on=D(2026, 5, 1), source="visit", sbp=134, dbp=82
    )
    assert (s.classification, s.rescreen_on) == ("high_risk", D(2026, 11, 1))
    e = actions.chronic_screening_record(
        user=None, worker=worker, screened_on=D(2026, 5, 2), source="exam", fasting_glucose=Decimal("17.2")
    )
    assert (e.classification, e.rescreen_on) == ("emergency", None)


@pytest.mark.parametrize(
    ("birth", "kwargs", "field"),
    [
        (D(1995, 1, 1), {"sbp": 120, "dbp": 80}, "screened_on"),  # 31 years old
        (D(1980, 1, 1), {"sbp": 120}, "dbp"),
        (D(1980, 1, 1), {"sbp": 80, "dbp": 120}, "sbp"),
        (D(1980, 1, 1), {}, "sbp"),
        (D(1980, 1, 1), {"fasting_glucose": Decimal("55")}, "fasting_glucose"),
    ],
)
def test_bad_screenings_are_refused(cast, enterprises, birth, kwargs, field):
    worker = make_worker(enterprises["yubei"], birth=birth)
    with pytest.raises(ValidationError) as error:
        actions.chronic_screening_record(
            user=None, worker=worker, screened_on=D(2026, 5, 1), source="visit", **kwargs
        )
    assert field in error.value.message_dict
    assert not ChronicScreening.objects.exists()


def test_a_screening_outside_scope_is_refused(cast, enterprises):
    worker = make_worker(enterprises["wanzhou"], birth=D(1980, 1, 1))
    with pytest.raises(OutOfScope):
        actions.chronic_screening_record(
            user=cast["manager"], worker=worker, screened_on=D(2026, 5, 1), source="visit", sbp=120, dbp=80
        )


def test_follow_ups_set_the_next_date_from_the_last_result_and_overdue_is_listed(cast, enterprises, clock):
    worker = make_worker(enterprises["yubei"], birth=D(1970, 3, 1))
    first = actions.chronic_follow_up_record(
        user=None, worker=worker, disease="hypertension", visited_on=D(2026, 1, 10), sbp=150, dbp=92
    )
    assert (first.outcome, first.next_due, first.refer) == ("unsatisfactory", D(2026, 1, 24), False)
    second = actions.chronic_follow_up_record(
        user=None, worker=worker, disease="hypertension", visited_on=D(2026, 1, 24), sbp=152, dbp=95
    )
    assert (second.outcome, second.refer) == ("unsatisfactory", True)  # twice: refer
    third = actions.chronic_follow_up_record(
        user=None, worker=worker, disease="hypertension", visited_on=D(2026, 2, 7), sbp=132, dbp=84
    )
    assert (third.outcome, third.next_due) == ("satisfactory", D(2026, 5, 7))
    first.refresh_from_db()
    assert not first.is_latest and third.is_latest
    assert list(ChronicFollowUp.objects.overdue(TODAY)) == [third]  # 05-07 < 05-11
    assert not ChronicFollowUp.objects.overdue(D(2026, 5, 7)).exists()
    with pytest.raises(ValidationError):
        actions.chronic_follow_up_record(
            user=None, worker=worker, disease="hypertension", visited_on=D(2026, 2, 1), sbp=130, dbp=80
        )


def test_the_overdue_follow_ups_show_on_the_list_and_the_home_page(client, cast, enterprises):
    worker = make_worker(enterprises["yubei"], birth=D(1970, 3, 1), name="孙八")
    actions.chronic_follow_up_record(
        user=None,
        worker=worker,
        disease="diabetes",
        visited_on=D(2026, 1, 10),
        fasting_glucose=Decimal("6.5"),
    )
    client.force_login(cast["yubei"])
    body = client.get("/surveillance/chronic/follow-ups/?overdue=yes").content.decode()
    assert "孙八" in body and "已逾期" in body
    assert client.get("/surveillance/chronic/follow-ups/export/").status_code == 200
    client.force_login(cast["steward"])
    assert "1 名慢病患者随访已逾期" in client.get("/").content.decode()


def test_the_screening_form_on_a_phone(client, cast, enterprises):
    worker = make_worker(enterprises["yubei"], birth=D(1975, 3, 1))
    client.force_login(cast["steward"])
    assert client.get("/surveillance/chronic/screenings/new/").status_code == 200
    response = client.post(
        "/surveillance/chronic/screenings/new/",
        {
            "id_number": worker.id_number,
            "screened_on": "2026-05-10",
            "source": "visit",
            "sbp": "186",
            "dbp": "100",
        },
        follow=True,
    )
    assert "紧急转诊" in response.content.decode()
    assert ChronicScreening.objects.get().classification == "emergency"


def test_chronic_screening_done_is_provided(cast, enterprises):
    worker = make_worker(enterprises["yubei"], birth=D(1975, 3, 1))
    actions.chronic_screening_record(
        user=None, worker=worker, screened_on=D(2026, 5, 1), source="visit", sbp=120, dbp=80
    )
    ids = [enterprises["yubei"].pk, enterprises["yubei2"].pk]
    assert facts.ask(facts.CHRONIC_SCREENING_DONE, ids, 2026) == {enterprises["yubei"].pk}
    assert facts.ask(facts.CHRONIC_SCREENING_DONE, ids, 2025) == set()
