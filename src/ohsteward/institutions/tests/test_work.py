"""Home-page open work of the institutions app: overdue rectifications, qualifications ending within
90 days and QC inspections planned but not recorded — the city sees every institution's, an
institution only its own, a district none; every link opens for the user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.work import DUE, INFO, OPEN, OVERDUE
from ohsteward.institutions import actions, queries
from ohsteward.institutions.models import QcInspection, Qualification, Rectification

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = timezone.localdate()  # the list page filters as of today: the data are set around it
YEAR = TODAY.year


@pytest.fixture
def work(cast, two_institutions):
    """A and B each: a failed inspection with a rectification past its deadline, a qualification
    ending in 30 days (and one in 200 days, not counted), a planned inspection this year."""
    for key in ("a", "b"):
        inst = two_institutions[key]
        done = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=YEAR - 1)
        actions.qcinspection_record(
            user=cast["cdc"],
            inspection=done,
            data={"inspected_on": D(YEAR - 1, 9, 1), "score": 60, "result": "fail", "findings": "记录不全"},
        )
        actions.rectification_issue(
            user=cast["cdc"],
            inspection=done,
            data={
                "demand": "补齐记录",
                "issued_on": D(YEAR - 1, 9, 2),
                "deadline": TODAY - dt.timedelta(days=3),
            },
        )
        Qualification.objects.create(
            institution=inst, kind="certificate", number=f"资{key}", valid_until=TODAY + dt.timedelta(days=30)
        )
        Qualification.objects.create(
            institution=inst, kind="filing", number=f"备{key}", valid_until=TODAY + dt.timedelta(days=200)
        )
        actions.qcinspection_add(user=cast["cdc"], institution=inst, year=YEAR)
    return two_institutions


def _by_url(items):
    return {i.url.split("?")[0]: i for i in items}


def test_the_city_cdc_sees_every_institution_s_open_work(cast, work):
    items = _by_url(queries.open_work(cast["cdc"], TODAY))
    late = items[reverse("institutions:rectification_list")]
    assert (late.count, late.urgency, late.due_on) == (2, OVERDUE, TODAY - dt.timedelta(days=3))
    expiring = items[reverse("institutions:institution_list")]
    assert (expiring.count, expiring.urgency, expiring.due_on) == (2, DUE, TODAY + dt.timedelta(days=30))
    assert "2 家机构" in expiring.label
    planned = items[reverse("institutions:qcinspection_list")]
    assert (planned.count, planned.urgency) == (2, OPEN) and "录入" in planned.hint


def test_an_institution_sees_only_its_own_open_work(cast, work):
    items = _by_url(queries.open_work(cast["institution"], TODAY))
    assert {i.count for i in items.values()} == {1}
    assert items[reverse("institutions:rectification_list")].label == "1 项质控整改已超过期限"
    planned = items[reverse("institutions:qcinspection_list")]
    assert planned.urgency == INFO and "尚未开展" in planned.label


def test_closing_and_recording_clears_the_work(cast, work):
    for r in Rectification.objects.all():
        actions.rectification_close(user=cast["cdc"], rectification=r, closed_on=TODAY, closing_note="已整改")
    for i in QcInspection.objects.filter(status="planned"):
        actions.qcinspection_record(
            user=cast["cdc"],
            inspection=i,
            data={"inspected_on": D(YEAR, 1, 1), "score": 90, "result": "pass"},
        )
    Qualification.objects.filter(valid_until__lt=TODAY + dt.timedelta(days=90)).update(
        valid_until=D(2030, 1, 1)
    )
    assert queries.open_work(cast["cdc"], TODAY) == []


def test_a_district_gets_no_institution_work(cast, work):
    assert queries.open_work(cast["yubei"], TODAY) == []


def test_own_institution_id_is_the_staff_member_s_institution_only(cast, work):
    assert access.own_institution_id(cast["institution"]) == work["a"].pk
    assert access.own_institution_id(cast["cdc"]) is None
    assert access.own_institution_id(cast["manager"]) is None
    assert access.own_institution_id(None) is None


@pytest.mark.parametrize("username", ["cdc", "institution"])
def test_the_home_page_lists_the_items_and_their_links_filter_to_them(client, cast, work, username):
    assert client.login(username=username, password=PASSWORD)
    items = queries.open_work(cast[username], TODAY)
    html = client.get(reverse("web:home")).content.decode()
    for item in items:
        assert item.label in html
        assert client.get(item.url).status_code == 200
    listed = client.get(f"{reverse('institutions:institution_list')}?expiring=true").content.decode()
    assert work["a"].name in listed
    assert (work["b"].name in listed) is (username == "cdc")
