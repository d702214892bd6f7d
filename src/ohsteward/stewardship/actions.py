"""Writes of the steward service: keyword-only, atomic, ``full_clean()``; the rules come from
``rules.py``. Views, the API, the importers and the demo call these and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship import followups, rules
from ohsteward.stewardship.choices import AgreementStatus, VisitStatus
from ohsteward.stewardship.models import (
    AgreementContent,
    AgreementFunding,
    AgreementSupplement,
    EvidenceFile,
    ServiceAgreement,
    ServiceVisit,
    StewardTeam,
    TeamMember,
    VisitEvidence,
    VisitFinding,
)
from ohsteward.stewardship.training import actions as training_actions
from ohsteward.stewardship.zone import rules as zone_rules

TEAM_FIELDS = ("name", "district", "level", "lead_institution", "contact_phone")
MEMBER_FIELDS = ("name", "qualification", "certificate_no", "valid_until", "institution", "phone")


def _require_team_district(user: User | None, team: StewardTeam) -> None:
    """A team is created in, and kept in, a district the user may write (city: any)."""
    if user is None:
        return
    allowed = access.allowed_district_codes(user)
    if allowed is not None and team.district_id not in allowed:
        raise ValidationError({"district": "只能在您管辖的区县组建管家服务团队"})


def _require_service_area(user: User | None, service_area: Iterable[Any]) -> None:
    """A team serves the districts the user may write, their towns and the functional zones —
    what ``TeamForm`` offers; the API and importers are held to the same (city: any)."""
    if user is None:
        return
    allowed = access.allowed_district_codes(user)
    if allowed is None:
        return
    outside = [
        r.name
        for r in service_area
        if not (
            r.code in allowed
            or (r.level == RegionLevel.TOWN and r.parent_id in allowed)
            or r.level == RegionLevel.ZONE
        )
    ]
    if outside:
        raise ValidationError({"service_area": f"服务范围只能在您管辖的区县内：{'、'.join(outside)}"})


# --------------------------------------------------------------------------------------------
# Teams and members
# --------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    user,
    data: Mapping[str, Any],
    service_area: Iterable[Any] = (),
    members: Sequence[Mapping[str, Any]] = (),
) -> StewardTeam:
    """Form a team in a district the user administers, with its service area and members."""
    team = StewardTeam(**{k: v for k, v in data.items() if k in TEAM_FIELDS})
    _require_team_district(user, team)
    service_area = list(service_area)
    _require_service_area(user, service_area)
    team.full_clean()
    team.save()
    team.service_area.set(service_area or [team.district])
    for member in members:
        member_create(user=None, team=team, data=member)
    access.require_in_scope(user, team)
    return team


@transaction.atomic
def team_update(
    *,
    user,
    team: StewardTeam,
    data: Mapping[str, Any],
    service_area: Iterable[Any] | None = None,
    members: Sequence[Mapping[str, Any]] | None = None,
) -> StewardTeam:
    """Change a team; ``members`` (when given) replaces the member list (the API's nested list)."""
    access.require_in_scope(user, team)
    for key, value in data.items():
        if key in TEAM_FIELDS:
            setattr(team, key, value)
    _require_team_district(user, team)
    team.full_clean()
    team.save()
    if service_area is not None:
        service_area = list(service_area)
        _require_service_area(user, service_area)
        team.service_area.set(service_area or [team.district])
    if members is not None:
        team.members.all().delete()
        for member in members:
            member_create(user=None, team=team, data=member)
    return team


@transaction.atomic
def member_create(*, user: User | None, team: StewardTeam, data: Mapping[str, Any]) -> TeamMember:
    """Add a member with a qualification and its certificate to ``team``."""
    access.require_in_scope(user, team)
    member = TeamMember(team=team, **{k: v for k, v in data.items() if k in MEMBER_FIELDS})
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_update(*, user: User | None, member: TeamMember, data: Mapping[str, Any]) -> TeamMember:
    access.require_in_scope(user, member.team)
    for key, value in data.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_delete(*, user: User | None, member: TeamMember) -> None:
    access.require_in_scope(user, member.team)
    member.delete()


# --------------------------------------------------------------------------------------------
# Agreements
# --------------------------------------------------------------------------------------------


def _require_own_team(user: User | None, team_id: int) -> None:
    """A team member sees every agreement of its clients (other teams' too) but writes only its
    own team's agreements and visits (out of scope: the same answer as elsewhere)."""
    access.require_own_team(user, team_id)


def _check_enterprise(user: User | None, enterprise: Enterprise) -> None:
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": "该用人单位不在您的管辖范围内"})


def _check_overlap(agreement: ServiceAgreement) -> None:
    """000 二(三): at most one binding agreement per employer at any time."""
    others = (
        ServiceAgreement.objects.binding()
        .filter(enterprise_id=agreement.enterprise_id)
        .exclude(pk=agreement.pk)
        .select_related("team")
    )
    for other in others:
        if rules.periods_overlap(agreement.start_date, agreement.end_date, other.start_date, other.end_date):
            raise ValidationError(
                {"start_date": rules.overlap_message(other.team.name, other.start_date, other.end_date)}
            )


def _check_term(start: dt.date | None, end: dt.date | None) -> None:
    error = rules.term_error(start, end)
    if error:
        raise ValidationError({"end_date" if start else "start_date": error})


def _set_contents(
    agreement: ServiceAgreement, contents: Mapping[str, int], supplement: AgreementSupplement | None = None
) -> list[AgreementContent]:
    if not contents and supplement is None:
        raise ValidationError({"contents": "请至少选择一项服务内容（000 三(一)–(八)）"})
    rows = []
    for content, quantity in contents.items():
        row = AgreementContent(
            agreement=agreement, content=content, quantity=quantity or 1, supplement=supplement
        )
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


def _set_funding(agreement: ServiceAgreement, funding: Mapping[str, Decimal]) -> None:
    agreement.funding.all().delete()
    for channel, amount in funding.items():
        row = AgreementFunding(agreement=agreement, channel=channel, amount=amount)
        row.full_clean()
        row.save()


def _plan(agreement: ServiceAgreement, contents: Mapping[str, int], start: dt.date) -> None:
    """Put the calendar of ``contents`` from ``start`` to the agreement's end. Saved one by one
    (a year is a dozen rows) so that each planned visit is in the audit trail."""
    end = agreement.end_date or rules.default_end(start)
    for content, day in rules.plan_visits(contents, start, end):
        ServiceVisit(agreement=agreement, content=content, planned_on=day, originally_planned_on=day).save()


@transaction.atomic
def agreement_create(
    *,
    user,
    team: StewardTeam,
    enterprise: Enterprise,
    start_date: dt.date,
    end_date: dt.date | None = None,
    contents: Mapping[str, int],
    fee: Decimal | None = None,
    funding: Mapping[str, Decimal] | None = None,
    note: str = "",
    sign: bool = False,
    signed_on: dt.date | None = None,
    renewed_from: ServiceAgreement | None = None,
) -> ServiceAgreement:
    """Draft an agreement (team × employer); with ``sign`` it is signed at once (``agreement_sign``).

    No end date means the default one-year term (000 二(三) "原则上为1年").
    """
    if user is not None and not StewardTeam.objects.for_user(user).filter(pk=team.pk).exists():
        raise ValidationError({"team": "该团队不在您的管辖范围内"})
    _require_own_team(user, team.pk)
    _check_enterprise(user, enterprise)
    if start_date is not None and end_date is None:
        end_date = rules.default_end(start_date)
    _check_term(start_date, end_date)
    agreement = ServiceAgreement(
        team=team,
        enterprise=enterprise,
        start_date=start_date,
        end_date=end_date,
        fee=fee,
        note=note,
        status=AgreementStatus.DRAFT,
        renewed_from=renewed_from,
    )
    agreement.full_clean()
    _check_overlap(agreement)
    agreement.save()
    _set_contents(agreement, contents)
    _set_funding(agreement, funding or {})
    if sign:
        agreement_sign(user=user, agreement=agreement, signed_on=signed_on)
    access.require_in_scope(user, agreement)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    user,
    agreement: ServiceAgreement,
    data: Mapping[str, Any],
    contents: Mapping[str, int] | None = None,
    funding: Mapping[str, Decimal] | None = None,
) -> ServiceAgreement:
    """Change a draft (term, fee, contents); of a signed agreement only the fee, funding and note."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    draft = agreement.status == AgreementStatus.DRAFT
    editable = {"start_date", "end_date", "fee", "note"} if draft else {"fee", "note"}
    refused = sorted(k for k in data if k not in editable and k in {"start_date", "end_date"})
    if refused:
        raise ValidationError({refused[0]: "已签订的协议不能修改期限；请签订补充协议或解除后重新签订"})
    for key, value in data.items():
        if key in editable:
            setattr(agreement, key, value)
    _check_term(agreement.start_date, agreement.end_date)
    agreement.full_clean()
    if agreement.status != AgreementStatus.DRAFT:
        _check_overlap(agreement)
    agreement.save()
    if contents is not None:
        if not draft:
            raise ValidationError({"contents": "已签订的协议请通过补充协议增加服务内容"})
        agreement.contents.all().delete()
        _set_contents(agreement, contents)
    if funding is not None:
        _set_funding(agreement, funding)
    return agreement


@transaction.atomic
def agreement_sign(
    *, user, agreement: ServiceAgreement, signed_on: dt.date | None = None
) -> ServiceAgreement:
    """Sign a draft: it binds (one per employer, 000 二(三)) and its service calendar is generated."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError("只有草拟状态的协议可以签订")
    agreement.status = AgreementStatus.ACTIVE
    agreement.signed_on = signed_on or timezone.localdate()
    _check_overlap(agreement)
    agreement.full_clean()
    agreement.save()
    _plan(agreement, agreement.content_quantities(), agreement.start_date)
    return agreement


@transaction.atomic
def agreement_supplement(
    *, user, agreement: ServiceAgreement, signed_on: dt.date, contents: Mapping[str, int], note: str = ""
) -> AgreementSupplement:
    """A 补充协议 (000 二(三) "服务期间…如有新的相关服务需求，可签订补充协议"): adds contents and
    their visits from its date to the agreement's end."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    if agreement.status_on(signed_on) != AgreementStatus.ACTIVE:
        raise ValidationError("只能为生效中的协议签订补充协议")
    error = rules.visit_date_error(signed_on, agreement.start_date, agreement.end_date)
    if error:
        raise ValidationError({"signed_on": error.replace("服务日期", "补充协议签订日期")})
    if not contents:
        raise ValidationError({"contents": "补充协议须至少增加一项服务内容"})
    supplement = AgreementSupplement(agreement=agreement, signed_on=signed_on, note=note)
    supplement.full_clean()
    supplement.save()
    _set_contents(agreement, contents, supplement)
    _plan(agreement, contents, signed_on)
    return supplement


@transaction.atomic
def agreement_terminate(
    *, user, agreement: ServiceAgreement, reason: str, terminated_on: dt.date | None = None
) -> ServiceAgreement:
    """解除: ends the agreement early with a reason; visits planned after that date are dropped."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写解除原因"})
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.DRAFT):
        raise ValidationError("该协议已到期或已解除")
    day = terminated_on or timezone.localdate()
    if day < agreement.start_date:
        day = agreement.start_date
    if agreement.end_date is not None and day > agreement.end_date:
        raise ValidationError({"terminated_on": "协议已到期，无需解除"})
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_on = day
    agreement.termination_reason = reason[:300]
    agreement.end_date = day
    agreement.full_clean()
    agreement.save()
    agreement.visits.filter(status=VisitStatus.PLANNED, planned_on__gt=day).delete()
    return agreement


@transaction.atomic
def agreement_renew(
    *,
    user,
    agreement: ServiceAgreement,
    years: int = 1,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    signed_on: dt.date | None = None,
) -> ServiceAgreement:
    """续签 (000 二(三) "服务期满，续签协议应当重新办理相关手续"): a new, signed agreement linked to
    the old one, from the day after it ends, with the same contents and funding."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDED) or agreement.end_date is None:
        raise ValidationError("只有已签订且有结束日期的协议可以续签")
    if ServiceAgreement.objects.filter(renewed_from=agreement).exists():
        raise ValidationError("该协议已续签")
    start = start_date or agreement.end_date + dt.timedelta(days=1)
    end = end_date or rules.default_end(start, years)
    contents = {c.content: c.quantity for c in agreement.contents.all()}
    funding = {f.channel: f.amount for f in agreement.funding.all()}
    return agreement_create(
        user=user,
        team=agreement.team,
        enterprise=agreement.enterprise,
        start_date=start,
        end_date=end,
        contents=contents,
        fee=agreement.fee,
        funding=funding,
        note=agreement.note,
        sign=True,
        signed_on=signed_on,
        renewed_from=agreement,
    )


# --------------------------------------------------------------------------------------------
# The calendar and the records
# --------------------------------------------------------------------------------------------


@transaction.atomic
def visit_move(*, user: User | None, visit: ServiceVisit, planned_on: dt.date) -> ServiceVisit:
    """The team moves a planned visit to another day inside the agreement's term."""
    access.require_in_scope(user, visit)
    _require_own_team(user, visit.agreement.team_id)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError("已完成的服务不能改期")
    a = visit.agreement
    error = rules.visit_date_error(planned_on, a.start_date, a.end_date)
    if error:
        raise ValidationError({"planned_on": error.replace("服务日期", "计划日期")})
    if visit.originally_planned_on is None:
        visit.originally_planned_on = visit.planned_on
    visit.planned_on = planned_on
    visit.full_clean()
    visit.save()
    return visit


def _check_evidence(files: Sequence[Any]) -> None:
    errors = [e for f in files if (e := rules.evidence_error(f.name, f.size))]
    if errors:
        raise ValidationError({"evidence": errors})


def _store_evidence(user: User | None, visit: ServiceVisit, files: Sequence[Any]) -> None:
    for f in files:
        content = f.read()
        evidence = VisitEvidence(
            visit=visit,
            name=f.name[:200],
            content_type=rules.evidence_media_type(f.name)[0],  # not the declared type
            size=len(content),
            uploaded_by=user,
        )
        evidence.full_clean()
        evidence.save()
        EvidenceFile.objects.create(evidence=evidence, data=content)


RECORD_FIELDS = ("content", "visited_on", "work_done", "findings", "advice", "trained_count")


@transaction.atomic
def visit_record(
    *,
    user,
    agreement: ServiceAgreement,
    data: Mapping[str, Any],
    visit: ServiceVisit | None = None,
    files: Sequence[Any] = (),
    findings: Sequence[Mapping[str, str]] = (),
) -> ServiceVisit:
    """Record a service on site (服务记录): against a planned calendar entry (``visit``) or as an
    extra one. The date must lie inside the agreement (issue 10); evidence files are checked
    (type and size) before anything is saved. ``findings`` are structured problems
    (``{"category", "severity", "text"}``, issue 10 item 4), added to the visit's."""
    access.require_in_scope(user, agreement)
    _require_own_team(user, agreement.team_id)
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDED, AgreementStatus.TERMINATED):
        raise ValidationError("协议尚未签订，不能记录服务")
    if visit is not None and visit.agreement_id != agreement.pk:
        raise ValidationError("该计划不属于此协议")
    error = rules.visit_date_error(data.get("visited_on"), agreement.start_date, agreement.end_date)
    if error:
        raise ValidationError({"visited_on": error})
    if not (data.get("work_done") or "").strip():
        raise ValidationError({"work_done": "请填写本次服务做了什么"})
    _check_evidence(files)
    for n, finding in enumerate(findings, start=1):
        errors = zone_rules.finding_error(
            finding.get("category", ""), finding.get("severity", ""), finding.get("text", "")
        )
        if errors:
            raise ValidationError({f"finding_{n}_{k}": v for k, v in errors.items()})
    if visit is None:
        visit = ServiceVisit(agreement=agreement)
    for key in RECORD_FIELDS:
        if key in data:
            setattr(visit, key, data[key])
    if not visit.content:
        raise ValidationError({"content": "请选择服务内容"})
    visit.status = VisitStatus.DONE
    visit.recorded_by = user
    visit.full_clean()
    visit.save()
    _store_evidence(user, visit, files)
    for finding in findings:
        row = VisitFinding(
            visit=visit, category=finding["category"], severity=finding["severity"],
            text=finding["text"].strip(),
        )  # fmt: skip
        row.save()
        finding_follow_up(
            user=user, finding=row, rectify=bool(finding.get("rectify")), train=bool(finding.get("train"))
        )
    return visit


def finding_follow_up(
    *, user: User | None, finding: VisitFinding, rectify: bool, train: bool
) -> dict[str, Any]:
    """What a finding raises (issue 10 item 3): "需整改" opens a rectification task for the employer
    through the app that registered itself (``followups``: monitoring), "需培训" a training need.
    Without a registered app a "需整改" is refused (``followups.UNAVAILABLE``), nothing saved."""
    raised: dict[str, Any] = {}
    if rectify:
        try:
            raised["rectification"] = followups.rectification_open(user, finding)
        except ValueError as error:
            raise ValidationError(str(error)) from error
    if train:
        raised["training_need"] = training_actions.need_raise(user=user, finding=finding)
    return raised


@transaction.atomic
def visit_add_evidence(*, user: User | None, visit: ServiceVisit, files: Sequence[Any]) -> ServiceVisit:
    """Add evidence (photos, the signed sheet) to a recorded visit."""
    access.require_in_scope(user, visit)
    _require_own_team(user, visit.agreement.team_id)
    if not files:
        raise ValidationError({"evidence": "请选择文件"})
    _check_evidence(files)
    _store_evidence(user, visit, files)
    return visit


@transaction.atomic
def visit_confirm(*, user: User | None, visit: ServiceVisit, rating: int, comment: str = "") -> ServiceVisit:
    """The employer's manager confirms a recorded visit online (签字确认) and rates it 1–5."""
    access.require_in_scope(user, visit)
    if user is not None and access.own_enterprise_id(user) != visit.agreement.enterprise_id:
        raise PermissionDenied("只有服务对象单位的管理人员可以确认服务记录")
    if visit.status != VisitStatus.DONE:
        raise ValidationError("服务尚未完成，不能确认")
    if visit.confirmed_at is not None:
        raise ValidationError("该服务记录已确认")
    error = rules.rating_error(rating)
    if error:
        raise ValidationError({"rating": error})
    visit.confirmed_by = user
    visit.confirmed_at = timezone.now()
    visit.rating = rating
    visit.rating_comment = (comment or "").strip()[:300]
    visit.full_clean()
    visit.save()
    return visit
