"""Entry pages: who sees guidance findings, no off-site redirects, and the audit of pushes and answered notices."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission

from ohsteward.core.models import AuditLog
from ohsteward.declarations import actions
from ohsteward.declarations.models import HazardListEntry


@pytest.fixture
def entry(enterprises):
    hazard_list = actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 25))
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=dt.date(2026, 1, 31))
    e = HazardListEntry.objects.get(hazard_list=hazard_list, enterprise=enterprises["yubei"])
    actions.guidance_visit_record(
        user=None,
        enterprise=e.enterprise,
        visited_on=dt.date(2026, 2, 3),
        visitors="区疾控 王磊",
        findings="打磨岗位未配备防尘口罩",
        next_step="限期整改",
    )
    return e


@pytest.mark.django_db
def test_roles_without_the_visit_permission_do_not_see_guidance_findings(cast, entry, client):

    # institution staff record guidance visits (001 附件2 item 11); a role without that permission
    # must not see the findings
    group = Group.objects.get(name="role:institution_staff")
    group.permissions.remove(
        *Permission.objects.filter(codename__in=["view_guidancevisit", "add_guidancevisit"])
    )
    client.force_login(cast["institution"])
    page = client.get(f"/declarations/entries/{entry.pk}/")
    assert page.status_code == 200 and "打磨岗位未配备防尘口罩" not in page.content.decode()
    client.force_login(cast["yubei"])
    assert "打磨岗位未配备防尘口罩" in client.get(f"/declarations/entries/{entry.pk}/").content.decode()


@pytest.mark.django_db
def test_confirm_does_not_redirect_off_site(cast, entry, client):
    client.force_login(cast["yubei"])
    response = client.post(
        f"/declarations/entries/{entry.pk}/confirm/",
        {"status": "hazards", "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302 and "evil.example.com" not in response["Location"]


@pytest.mark.django_db
def test_push_is_in_each_districts_audit_trail(cast, entry):

    logs = AuditLog.objects.for_user(cast["yubei"]).filter(changes__has_key="pushed_to_district")
    assert [log.changes["pushed_to_district"][1]["district"] for log in logs] == ["500112"]
    assert logs[0].changes["pushed_to_district"][1]["due_on"] == "2026-02-28"


@pytest.mark.django_db
def test_answered_notice_change_is_audited(cast, entry):

    notice = actions.notice_issue(user=None, enterprise=entry.enterprise, today=dt.date(2026, 3, 1))
    actions.declaration_import(
        user=None,
        enterprise=entry.enterprise,
        receipt_no="R-77",
        kind="initial",
        declared_on=dt.date(2026, 3, 10),
        employees=10,
        exposed_total=3,
        hazards=[],
        principal="",
        hygiene_manager="",
    )
    notice.refresh_from_db()
    assert notice.status == "declared"
    assert AuditLog.objects.filter(
        object_id=str(notice.pk), content_type__model="notice", action="update"
    ).exists()
