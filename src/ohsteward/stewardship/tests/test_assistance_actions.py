"""Plans, enrolment and the six items through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ohsteward.core import facts
from ohsteward.core.models import AuditLog
from ohsteward.declarations.tests.test_actions import _declare
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship.assistance import actions, queries
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan
from ohsteward.stewardship.tests.factories import make_team

pytestmark = pytest.mark.django_db


def test_a_plan_defaults_to_20_and_refuses_a_lower_target(cast):
    yubei = Region.objects.get(code="500112")
    plan = actions.plan_create(user=cast["yubei"], district=yubei, year=2024)
    assert plan.target == 20
    with pytest.raises(ValidationError, match="不能少于 20"):
        actions.plan_create(
            user=cast["wanzhou"], district=Region.objects.get(code="500101"), year=2024, target=5
        )


def test_a_district_officer_cannot_plan_for_another_district(cast):
    with pytest.raises(PermissionDenied):
        actions.plan_create(user=cast["yubei"], district=Region.objects.get(code="500101"), year=2025)
    assert not AssistancePlan.objects.filter(district_id="500101").exists()


def test_enrolling_a_large_or_foreign_employer_is_refused_and_saves_nothing(cast, small, plan):
    Enterprise.objects.filter(pk=small["yubei"].pk).update(size_class="large")
    with pytest.raises(ValidationError, match="大型企业"):
        actions.entry_add(
            user=cast["yubei"], plan=plan, enterprise=Enterprise.objects.get(pk=small["yubei"].pk)
        )
    with pytest.raises(ValidationError, match="不在本区县"):
        actions.entry_add(user=None, plan=plan, enterprise=small["wanzhou"])
    assert not AssistanceEntry.objects.filter(plan=plan).exists()


def test_enrolment_creates_six_open_items_flags_priority_and_is_audited(cast, small, plan, team):
    Enterprise.objects.filter(pk=small["yubei2"].pk).update(industry_risk="serious")
    entry = actions.entry_add(
        user=cast["yubei"], plan=plan, enterprise=Enterprise.objects.get(pk=small["yubei2"].pk), team=team
    )
    assert [i.state for i in entry.items.order_by("pk")] == ["open"] * 6
    assert "严重" in entry.priority
    assert AuditLog.objects.filter(object_id=str(entry.pk), content_type__model="assistanceentry").exists()
    with pytest.raises(ValidationError, match="已在本帮扶计划中"):
        actions.entry_add(user=cast["yubei"], plan=plan, enterprise=small["yubei2"])


def test_items_done_na_and_evidence_rules(cast, small, plan, team):
    entry = actions.entry_add(user=None, plan=plan, enterprise=small["yubei"], team=team)
    items = {i.item: i for i in entry.items.all()}
    with pytest.raises(ValidationError) as bad:
        actions.item_record(user=cast["steward"], item=items["remediation"], state="na")
    assert "na_reason" in bad.value.message_dict
    with pytest.raises(ValidationError, match="类型不支持"):
        actions.item_record(
            user=cast["steward"], item=items["identification"], state="done", done_on=timezone.localdate(),
            evidence=SimpleUploadedFile("x.exe", b"MZ"),
        )  # fmt: skip
    items["identification"].refresh_from_db()
    assert items["identification"].state == "open"
    actions.item_record(
        user=cast["steward"], item=items["identification"], state="done", done_on=timezone.localdate(),
        evidence_note="现场辨识记录", evidence=SimpleUploadedFile("辨识.pdf", b"%PDF-1.4", "application/pdf"),
    )  # fmt: skip
    actions.item_record(user=cast["steward"], item=items["remediation"], state="na", na_reason="无超标岗位")
    items["identification"].refresh_from_db()
    assert bytes(items["identification"].file.data) == b"%PDF-1.4"
    progress = queries.plan_progress(plan, cast["yubei"])
    assert (progress.target, progress.enrolled, progress.items_done, progress.items_total) == (20, 1, 2, 6)


def test_declared_rate_counts_valid_declarations_and_lists_the_shortfall(cast, small, plan, monkeypatch):
    monkeypatch.setattr(facts, "_providers", {})  # no app knows whether exams were done
    a = actions.entry_add(user=None, plan=plan, enterprise=small["yubei"])
    b = actions.entry_add(user=None, plan=plan, enterprise=small["yubei2"])
    _declare(small["yubei"], "SB-ASSIST-1", timezone.localdate())
    progress = queries.plan_progress(plan, cast["city"])
    rates = {r.code: r for r in progress.rates}
    assert rates["declared"].value == 50.0
    assert rates["exams"].value is None and "无数据" in rates["exams"].reason
    assert [e.pk for e in progress.short_of_declared] == [b.pk]
    assert a.pk not in [e.pk for e in progress.short_of_declared]


def test_a_cancelled_declaration_no_longer_counts_as_declared(cast, small, plan):
    entry = actions.entry_add(user=None, plan=plan, enterprise=small["yubei"])
    today = timezone.localdate()
    _declare(small["yubei"], "SB-ASSIST-3", today - dt.timedelta(days=30))
    assert AssistanceEntry.objects.with_facts().get(pk=entry.pk).declared
    _declare(small["yubei"], "SB-ASSIST-4", today - dt.timedelta(days=5), kind="cancel")
    assert not AssistanceEntry.objects.with_facts().get(pk=entry.pk).declared
    _declare(small["yubei"], "SB-ASSIST-5", today, kind="initial")
    assert AssistanceEntry.objects.with_facts().get(pk=entry.pk).declared


def test_a_team_member_records_only_the_entries_its_team_assists(cast, small, plan, team, agreement):
    # yubei is the steward's team's client, so its member sees yubei's entry; the entry is
    # assisted by another team (or an expert group), so the member may not write it
    other = make_team("第二团队")
    for assigned in (other, None):
        AssistanceEntry.objects.filter(plan=plan).delete()
        entry = actions.entry_add(
            user=None, plan=plan, enterprise=small["yubei"], team=assigned, expert_group="区专家组"
        )
        item = entry.items.get(item="identification")
        with pytest.raises(PermissionDenied):
            actions.item_record(user=cast["steward"], item=item, state="done", done_on=timezone.localdate())
        with pytest.raises(PermissionDenied):
            actions.entry_update(user=cast["steward"], entry=entry, data={"strategy": "改"})
        item.refresh_from_db()
        assert item.state == "open"
    entry.team = team
    entry.save()
    actions.item_record(user=cast["steward"], item=item, state="done", done_on=timezone.localdate())


def test_the_exams_rate_asks_the_fact_a_higher_app_provides(cast, small, plan, monkeypatch):
    a = actions.entry_add(user=None, plan=plan, enterprise=small["yubei"])
    actions.entry_add(user=None, plan=plan, enterprise=small["yubei2"])
    asked = []

    def exams_done(ids, year):
        asked.append((sorted(ids), year))
        return {a.enterprise_id}

    monkeypatch.setattr(facts, "_providers", {facts.EXAMS_DONE: exams_done})
    rates = {r.code: r for r in queries.plan_progress(plan, cast["city"]).rates}
    assert (rates["exams"].value, rates["exams"].numerator, rates["exams"].denominator) == (50.0, 1, 2)
    assert asked == [(sorted([small["yubei"].pk, small["yubei2"].pk]), plan.year)]
    assert rates["periodic_detection"].value is None  # nobody provides it in this test
    one = {r.code: r for r in queries.entry_rates(a)}
    assert one["exams"].value == 100.0
