"""Writes of the online service zone: team requests, expert questions, structured findings.
Views, the API and the demo call these and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship import actions as steward_actions
from ohsteward.stewardship.choices import ServiceContent
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam
from ohsteward.stewardship.zone import queries, rules
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

NOT_OWN_EMPLOYER = "只有本单位的管理人员可以在服务专区提出申请或咨询"
NOT_THE_TEAM = "只有被申请团队的成员可以答复"
NOT_THE_ANSWERER = "该问题由{who}答复"


def _require_own_employer(user: User | None, enterprise: Enterprise) -> None:
    if user is not None and access.own_enterprise_id(user) != enterprise.pk:
        raise PermissionDenied(NOT_OWN_EMPLOYER)


# --- team requests ----------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *, user: User | None, enterprise: Enterprise, team: StewardTeam, contents: Iterable[str] = (),
    message: str = "",
) -> TeamRequest:  # fmt: skip
    """The employer asks ``team`` to serve it. The team must serve the employer's district or town
    (the directory's teams); one open request at a time (000 二(三) 原则上选择1个服务主体)."""
    _require_own_employer(user, enterprise)
    if not queries.teams_serving(enterprise).filter(pk=team.pk).exists():
        raise ValidationError({"team": "该团队不在本单位所在区县提供服务，请从列表中选择"})
    valid = set(ServiceContent.values)
    chosen = [c for c in contents if c]
    if any(c not in valid for c in chosen):
        raise ValidationError({"contents": "服务内容应为 000 三(一)–(八) 所列八项之一"})
    if TeamRequest.objects.filter(enterprise=enterprise, status="pending").exists():
        raise ValidationError("您已有一个待团队答复的申请，请等待答复或先撤回")
    request = TeamRequest(
        enterprise=enterprise, team=team, contents=chosen, message=(message or "").strip(),
        requested_by=user,
    )  # fmt: skip
    request.full_clean()
    request.save()
    access.require_in_scope(user, request)
    return request


@transaction.atomic
def request_withdraw(*, user: User | None, request: TeamRequest) -> TeamRequest:
    _require_own_employer(user, request.enterprise)
    if request.status != "pending":
        raise ValidationError("只有待团队答复的申请可以撤回")
    request.status = "withdrawn"
    request.save()
    return request


@transaction.atomic
def request_decide(
    *, user: User | None, request: TeamRequest, decision: str, reason: str = "",
    today: dt.date | None = None,
) -> TeamRequest:  # fmt: skip
    """The team accepts (an agreement draft opens, to be completed and signed with the existing
    agreement pages) or declines with a reason."""
    access.require_in_scope(user, request)
    if user is not None and access.own_team_id(user) != request.team_id:
        raise PermissionDenied(NOT_THE_TEAM)
    error = rules.decision_error(request.status, decision, reason)
    if error:
        field = "reason" if request.status == "pending" and decision == "decline" else "decision"
        raise ValidationError({field: error})
    today = today or timezone.localdate()
    request.decided_by = user
    request.decided_at = timezone.now()
    if decision == "decline":
        request.status = "declined"
        request.decline_reason = reason.strip()
    else:
        current = (
            ServiceAgreement.objects.in_force(today)
            .filter(enterprise_id=request.enterprise_id)
            .order_by("-end_date")
            .first()
        )
        start = rules.draft_start(today, current.end_date if current else None)
        contents = {c: 1 for c in request.contents} or {ServiceContent.RISK_ASSESSMENT: 1}
        # The system opens the draft on the strength of the accepted request: the employer is not
        # yet the team's client, so the team member's own jurisdiction would not reach it.
        request.agreement = steward_actions.agreement_create(
            user=None, team=request.team, enterprise=request.enterprise, start_date=start,
            contents=contents, note=f"由服务专区申请（{today:%Y-%m-%d}）生成的草稿",
        )  # fmt: skip
        request.status = "accepted"
    request.full_clean()
    request.save()
    return request


# --- expert questions ---------------------------------------------------------------------------


def route(enterprise: Enterprise, today: dt.date) -> StewardTeam | None:
    """The team of the employer's agreement in force on ``today``; None → the district CDC pool."""
    agreement = (
        ServiceAgreement.objects.in_force(today)
        .filter(enterprise_id=enterprise.pk)
        .select_related("team")
        .order_by("-start_date")
        .first()
    )
    return agreement.team if agreement else None


@transaction.atomic
def question_ask(
    *, user: User | None, enterprise: Enterprise, question: str, topic: str = "other",
    today: dt.date | None = None,
) -> ExpertQuestion:  # fmt: skip
    """Ask an expert (000 五(四) 专家咨询). Due ``OHSTEWARD_EXPERT_ANSWER_DAYS`` working days later."""
    _require_own_employer(user, enterprise)
    text = (question or "").strip()
    if not text:
        raise ValidationError({"question": "请写下您想咨询的问题"})
    if len(text) > 2000:
        raise ValidationError({"question": "问题不能超过 2000 字，可分几次提问"})
    if enterprise.region_id is None:
        raise ValidationError("本单位没有登记所属区县，无法分派答复人，请先完善单位信息")
    today = today or timezone.localdate()
    q = ExpertQuestion(
        enterprise=enterprise, topic=topic, question=text, asked_by=user, asked_on=today,
        team=route(enterprise, today), district_id=enterprise.region_id,
        due_on=rules.add_working_days(today, settings.OHSTEWARD_EXPERT_ANSWER_DAYS),
    )  # fmt: skip
    q.full_clean()
    q.save()
    access.require_in_scope(user, q)
    return q


def may_answer(user: User | None, question: ExpertQuestion) -> bool:
    """The routed team's members answer its questions; the CDC staff governing the district (and
    city CDC) answer those without a team. Regulators read, they do not answer."""
    if user is None:
        return True
    if not access.has_perm(user, "stewardship.change_expertquestion") or not access.in_scope(user, question):
        return False
    team_id = access.own_team_id(user)
    if question.team_id is not None:
        return team_id == question.team_id
    return team_id is None and access.governs_district(user, question.district_id)


@transaction.atomic
def question_answer(*, user: User | None, question: ExpertQuestion, answer: str) -> ExpertQuestion:
    if not may_answer(user, question):
        raise PermissionDenied(NOT_THE_ANSWERER.format(who=question.answerer_label))
    if question.answered_at is not None:
        raise ValidationError("该问题已答复")
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": "请填写答复内容"})
    question.answer = text
    question.answered_by = user
    question.answered_at = timezone.now()
    question.full_clean()
    question.save()
    return question


# --- structured findings --------------------------------------------------------------------------


def _check_finding(category: str, severity: str, text: str) -> None:
    errors = rules.finding_error(category, severity, text)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def finding_add(
    *,
    user: User | None,
    visit: ServiceVisit,
    category: str,
    severity: str,
    text: str,
    rectify: bool = False,
    train: bool = False,
) -> VisitFinding:
    """Add one structured finding to a recorded visit (the team that recorded it); ``rectify`` /
    ``train`` raise a rectification task or a training need with it (``finding_follow_up``)."""
    access.require_in_scope(user, visit)
    access.require_own_team(user, visit.agreement.team_id)
    _check_finding(category, severity, text)
    finding = VisitFinding(visit=visit, category=category, severity=severity, text=text.strip())
    finding.full_clean()
    finding.save()
    steward_actions.finding_follow_up(user=user, finding=finding, rectify=rectify, train=train)
    return finding


@transaction.atomic
def finding_raise(*, user: User | None, finding: VisitFinding, what: str) -> Any:
    """Raise a follow-up for a finding already recorded: ``what`` is ``rectify`` (整改任务) or
    ``train`` (培训需求)."""
    if what not in ("rectify", "train"):
        raise ValidationError("请选择需整改或需培训")
    raised = steward_actions.finding_follow_up(
        user=user, finding=finding, rectify=what == "rectify", train=what == "train"
    )
    return next(iter(raised.values()))


@transaction.atomic
def finding_delete(*, user: User | None, finding: VisitFinding) -> None:
    access.require_in_scope(user, finding)
    access.require_own_team(user, finding.visit.agreement.team_id)
    try:
        finding.delete()
    except ProtectedError as error:
        raise ValidationError("该问题已下达整改任务或提出培训需求，不能删除") from error
