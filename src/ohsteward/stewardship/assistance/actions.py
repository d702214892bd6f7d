"""Writes of SME assistance: plans, enrolment, the six items. Views, the API, the importer and
the demo call these and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import rules as steward_rules
from ohsteward.stewardship.assistance import rules
from ohsteward.stewardship.assistance.models import (
    AssistanceEntry,
    AssistanceItem,
    AssistanceItemFile,
    AssistancePlan,
)
from ohsteward.stewardship.models import StewardTeam

NOT_DISTRICT = "只有该区县或市级卫生健康部门可以制定该区县的帮扶计划"


def _require_governs(user: User | None, district_code: str) -> None:
    if user is not None and not access.governs_district(user, district_code):
        raise PermissionDenied(NOT_DISTRICT)


def _require_assisting_team(user: User | None, entry: AssistanceEntry) -> None:
    """A team member sees every entry of its clients but writes only those its team assists."""
    access.require_own_team(user, entry.team_id)


@transaction.atomic
def plan_create(
    *, user: User | None, district: Region, year: int, target: int | None = None,
    deadline: dt.date | None = None, note: str = "",
) -> AssistancePlan:  # fmt: skip
    """A district's yearly plan. The target defaults to the minimum of the year's rules (≥ 20,
    001 附件3 一) and may not be set below it."""
    _require_governs(user, district.code)
    version = rules.rules_for(year)
    minimum = version.min_per_district
    if target is None:
        target = minimum
    if target < minimum:
        raise ValidationError({"target": f"目标家数不能少于 {minimum} 家（{version.source}）"})
    if AssistancePlan.objects.filter(district=district, year=year).exists():
        raise ValidationError({"year": "该区县该年度已有帮扶计划"})
    plan = AssistancePlan(
        district=district, year=year, target=target, deadline=deadline, note=note,
        rules_version=version.version,
    )  # fmt: skip
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, user: User | None, plan: AssistancePlan, data: Mapping[str, Any]) -> AssistancePlan:
    """Change target, deadline or note of a plan (not its district or year)."""
    access.require_in_scope(user, plan)
    _require_governs(user, plan.district_id)
    minimum = rules.rules_for(plan.year).min_per_district
    if "target" in data and data["target"] is not None:
        if data["target"] < minimum:
            raise ValidationError({"target": f"目标家数不能少于 {minimum} 家（001 附件3）"})
        plan.target = data["target"]
    for field in ("deadline", "note"):
        if field in data:
            setattr(
                plan, field, data[field] if data[field] is not None else ("" if field == "note" else None)
            )
    plan.full_clean()
    plan.save()
    return plan


def _priority(enterprise: Enterprise) -> str:
    reasons = rules.priority_reasons(
        industry_code=enterprise.industry_id, industry_risk=enterprise.industry_risk
    )
    return "；".join(reasons)[:200]


@transaction.atomic
def entry_add(
    *, user: User | None, plan: AssistancePlan, enterprise: Enterprise, team: StewardTeam | None = None,
    expert_group: str = "", deadline: dt.date | None = None, strategy: str = "",
) -> AssistanceEntry:  # fmt: skip
    """Put an employer on a plan with its team or expert group; its six items start open.

    Refused (nothing saved): a large employer, an employer of another district, one already on
    the plan (001 附件3 二(一))."""
    access.require_in_scope(user, plan)
    _require_governs(user, plan.district_id)
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": "该用人单位不在您的管辖范围内"})
    error = rules.enrol_error(
        size_class=enterprise.size_class,
        employer_district=enterprise.region_id,
        plan_district=plan.district_id,
    )
    if error:
        raise ValidationError({"enterprise": error})
    if (
        team is not None
        and user is not None
        and not StewardTeam.objects.for_user(user).filter(pk=team.pk).exists()
    ):
        raise ValidationError({"team": "该团队不在您的管辖范围内"})
    if plan.entries.filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": "该用人单位已在本帮扶计划中"})
    entry = AssistanceEntry(
        plan=plan, enterprise=enterprise, team=team, expert_group=(expert_group or "").strip(),
        deadline=deadline or plan.deadline, strategy=strategy or "", priority=_priority(enterprise),
    )  # fmt: skip
    entry.full_clean()
    entry.save()
    for code, _label in rules.ITEMS:
        AssistanceItem.objects.create(entry=entry, item=code)
    return entry


@transaction.atomic
def entry_update(*, user: User | None, entry: AssistanceEntry, data: Mapping[str, Any]) -> AssistanceEntry:
    """Team, expert group, deadline and the "一企一策" notes. The team may edit the notes only."""
    access.require_in_scope(user, entry)
    _require_assisting_team(user, entry)
    governs = user is None or access.governs_district(user, entry.plan.district_id)
    for field in ("team", "expert_group", "deadline"):
        if field in data and not governs:
            raise PermissionDenied("只有区县卫生健康部门可以调整帮扶团队和完成时限")
    if "team" in data:
        team = data["team"]
        if (
            team is not None
            and user is not None
            and not StewardTeam.objects.for_user(user).filter(pk=team.pk).exists()
        ):
            raise ValidationError({"team": "该团队不在您的管辖范围内"})
        entry.team = team
    for field in ("expert_group", "strategy"):
        if field in data:
            setattr(entry, field, (data[field] or "").strip())
    if "deadline" in data:
        entry.deadline = data["deadline"]
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def item_record(
    *, user: User | None, item: AssistanceItem, state: str, done_on: dt.date | None = None,
    na_reason: str = "", evidence_note: str = "", evidence: Any = None,
) -> AssistanceItem:  # fmt: skip
    """Mark one of the six items done (date, evidence note and/or one file) or 不适用 (reason),
    or reopen it. The file follows the visits' evidence rules (type and size, stated)."""
    access.require_in_scope(user, item.entry)
    _require_assisting_team(user, item.entry)
    errors = rules.item_error(
        state=state, done_on=done_on, na_reason=na_reason or "", today=timezone.localdate()
    )
    if evidence is not None:
        message = steward_rules.evidence_error(evidence.name, evidence.size)
        if message:
            errors["evidence"] = message
    if errors:
        raise ValidationError(errors)
    item.state = state
    item.done_on = done_on if state == "done" else None
    item.na_reason = (na_reason or "").strip()[:300] if state == "na" else ""
    item.evidence_note = (evidence_note or "").strip()
    item.recorded_by = user
    content = None
    if evidence is not None:
        content = evidence.read()
        item.evidence_name = evidence.name[:200]
        item.evidence_type = steward_rules.evidence_media_type(evidence.name)[0]  # not the declared type
        item.evidence_size = len(content)
    item.full_clean()
    item.save()
    if content is not None:
        AssistanceItemFile.objects.update_or_create(item=item, defaults={"data": content})
    return item
