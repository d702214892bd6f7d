"""Home pages list each user's open work, most urgent first, and link only to pages the user may
open (issue 8 items 6 and 7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts.testing import PASSWORD
from ohsteward.declarations import actions as declaration_actions
from ohsteward.declarations.models import GuidanceVisit, HazardListEntry


@pytest.fixture
def pushed(cast, enterprises):
    """This year's list, pushed 40 days ago: every entry is overdue for confirmation."""
    today = timezone.localdate()
    hazard_list = declaration_actions.hazard_list_generate(user=None, year=today.year, as_of=today)
    declaration_actions.hazard_list_push(
        user=None, hazard_list=hazard_list, today=today - dt.timedelta(days=40)
    )
    return hazard_list


def _home(client, username):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _links(html):
    return sorted({h for h in re.findall(r'href="(/[^"#]*)"', html) if not h.startswith("/static/")})


@pytest.mark.parametrize("username", ["city", "yubei", "cdc", "institution", "steward", "manager"])
def test_every_link_on_a_home_page_opens_for_that_user(client, cast, pushed, username):
    html = _home(client, username)
    declarations_home = client.get(reverse("declarations:home"))
    assert declarations_home.status_code == 200
    links = _links(html) + _links(declarations_home.content.decode())
    refused = [(url, client.get(url).status_code) for url in links]
    assert [r for r in refused if r[1] in (403, 404, 500)] == []


def test_district_home_lists_overdue_confirmations_first_with_their_deadline(client, cast, pushed):
    html = _home(client, "yubei")
    work = html[html.index("待办事项") :]
    assert "2 家已超过一个月核实期限" in work
    assert "已逾期" in work
    overdue_at = work.index("已超过一个月核实期限")
    if "应报未报" in work:
        assert overdue_at < work.index("应报未报")


def test_steward_home_offers_guidance_visits_not_confirmation(client, cast, pushed):
    html = _home(client, "steward")
    assert "应报未报" in html and "入户指导" in html
    assert reverse("declarations:confirm") not in html


def test_steward_member_records_a_guidance_visit(client, cast, pushed, enterprises):
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    assert client.login(username="steward", password=PASSWORD)
    response = client.post(
        reverse("declarations:visit_create", args=[entry.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "visitors": "管家团队 李某",
            "findings": "已讲解申报要求",
            "next_step": "一周内完成申报",
        },
    )
    assert response.status_code == 302
    assert GuidanceVisit.objects.filter(enterprise=enterprises["yubei"], visitors="管家团队 李某").exists()


def test_steward_member_cannot_record_a_visit_outside_the_jurisdiction(client, cast, pushed, enterprises):
    entry = HazardListEntry.objects.get(enterprise=enterprises["wanzhou"])
    assert client.login(username="steward", password=PASSWORD)
    response = client.post(
        reverse("declarations:visit_create", args=[entry.pk]),
        {"visited_on": timezone.localdate().isoformat(), "visitors": "李某", "findings": "—"},
    )
    assert response.status_code == 404
    assert not GuidanceVisit.objects.filter(enterprise=enterprises["wanzhou"]).exists()


def test_enterprise_home_names_the_declaration_due_and_offers_online_declaration(client, cast, enterprises):
    html = _home(client, "manager")
    work = html[html.index("待办事项") :]
    assert "尚未进行职业病危害项目申报" in work
    assert reverse("declarations:declare") in work
    assert "网上申报" in html
