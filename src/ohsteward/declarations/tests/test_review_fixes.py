"""Regression tests for findings of the access-control review."""

import datetime as dt

import pytest

from ohsteward.declarations import actions
from ohsteward.declarations.models import HazardListEntry


@pytest.fixture
def entry(enterprises):
    hazard_list = actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 25))
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=dt.date(2026, 1, 31))
    e = HazardListEntry.objects.get(hazard_list=hazard_list, enterprise=enterprises["yubei"])
    actions.guidance_visit_record(user=None, enterprise=e.enterprise, visited_on=dt.date(2026, 2, 3),
                                  visitors="区疾控 王磊", findings="打磨岗位未配备防尘口罩", next_step="限期整改")
    return e


@pytest.mark.django_db
def test_read_only_roles_do_not_see_guidance_findings(cast, entry, client):
    client.force_login(cast["institution"])
    page = client.get(f"/declarations/entries/{entry.pk}/")
    assert page.status_code == 200 and "打磨岗位未配备防尘口罩" not in page.content.decode()
    client.force_login(cast["yubei"])
    assert "打磨岗位未配备防尘口罩" in client.get(f"/declarations/entries/{entry.pk}/").content.decode()


@pytest.mark.django_db
def test_confirm_does_not_redirect_off_site(cast, entry, client):
    client.force_login(cast["yubei"])
    response = client.post(f"/declarations/entries/{entry.pk}/confirm/",
                           {"status": "hazards", "next": "https://evil.example.com/"})
    assert response.status_code == 302 and "evil.example.com" not in response["Location"]
