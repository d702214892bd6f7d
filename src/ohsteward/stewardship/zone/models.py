"""Team requests (申请服务团队), expert questions (专家咨询) and structured visit findings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.stewardship.choices import ServiceContent
from ohsteward.stewardship.zone import rules

REQUEST_STATE_CHOICES = rules.REQUEST_STATES
TOPIC_CHOICES = rules.QUESTION_TOPICS


class TeamRequestQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status="pending")


class TeamRequest(ScopedModelMixin, TimeStampedModel):
    """An employer asks a team to serve it (000 五(四) 线上选择…管家服务团队); the team accepts
    (an agreement draft is opened) or declines with a reason. Seen by the employer's regulators,
    the employer and the team asked (``team``), even before the employer is its client."""

    audited = True
    scope = Scope(enterprise="enterprise", team="team")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "stewardship.StewardTeam", verbose_name="服务团队", on_delete=models.CASCADE,
        related_name="requests",
    )  # fmt: skip
    contents = models.JSONField("希望的服务内容", default=list, blank=True)
    message = models.TextField("留言", blank=True)
    status = models.CharField("状态", max_length=10, choices=REQUEST_STATE_CHOICES, default="pending")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("答复时间", null=True, blank=True)
    decline_reason = models.CharField("婉拒原因", max_length=300, blank=True)
    agreement = models.OneToOneField(
        "stewardship.ServiceAgreement", verbose_name="协议草稿", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="request",
    )  # fmt: skip

    objects = TeamRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "服务团队申请"
        verbose_name_plural = "服务团队申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status="pending"),
                name="team_request_one_pending",
                violation_error_message="您已有一个待团队答复的申请，请等待答复或先撤回",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="team_request_decline_reason",
                violation_error_message="婉拒时请说明原因",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.team}"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:zone_request_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    def content_labels(self) -> str:
        names = dict(ServiceContent.choices)
        return "、".join(str(names.get(c, c)) for c in self.contents) or "—"


class ExpertQuestionQuerySet(ScopedQuerySet):
    def unanswered(self):
        return self.filter(answered_at__isnull=True)

    def overdue(self, today: dt.date):
        return self.unanswered().filter(due_on__lt=today)


class ExpertQuestion(ScopedModelMixin, TimeStampedModel):
    """A question an employer asks (000 五(四) 专家咨询): routed to its team (an agreement in force)
    or, without one, to the CDC of its district (``team`` empty); answered by ``due_on``."""

    audited = True
    scope = Scope(enterprise="enterprise", team="team")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    topic = models.CharField("问题类别", max_length=20, choices=TOPIC_CHOICES, default="other")
    question = models.TextField("问题")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提问人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    asked_on = models.DateField("提问日期")
    team = models.ForeignKey(
        "stewardship.StewardTeam", verbose_name="答复团队", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="questions",
    )  # fmt: skip
    district = models.ForeignKey(
        "registry.Region", verbose_name="答复区县", on_delete=models.PROTECT, related_name="+",
        help_text="没有服务团队时由该区县疾控中心答复",
    )  # fmt: skip
    due_on = models.DateField("答复期限", db_index=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ExpertQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = "专家咨询"
        verbose_name_plural = "专家咨询"
        ordering = ["-asked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="question_answer_has_text",
                violation_error_message="请填写答复内容",
            )
        ]

    def __str__(self) -> str:
        return self.question[:30]

    def get_absolute_url(self) -> str:
        return reverse("stewardship:zone_question_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    @property
    def answerer_label(self) -> str:
        return self.team.name if self.team_id else f"{self.district.name}疾控中心"

    def state_on(self, today: dt.date) -> str:
        return rules.question_state(self.due_on, self.answered_at is not None, today)

    def state_label_on(self, today: dt.date) -> str:
        return rules.QUESTION_STATE_LABELS[self.state_on(today)]


class VisitFindingQuerySet(ScopedQuerySet):
    pass


class VisitFinding(ScopedModelMixin, TimeStampedModel):
    """One problem a visit found, in structured form (issue 10 item 4): what the risk
    classification reads per employer (``zone.queries.findings_by_enterprise``)."""

    audited = True
    scope = Scope(enterprise="visit__agreement__enterprise", team="visit__agreement__team")

    visit = models.ForeignKey(
        "stewardship.ServiceVisit", verbose_name="服务记录", on_delete=models.CASCADE,
        related_name="structured_findings",
    )  # fmt: skip
    category = models.CharField("问题类别", max_length=30, choices=rules.FINDING_CATEGORIES)
    severity = models.CharField("严重程度", max_length=10, choices=rules.SEVERITIES, default="minor")
    text = models.CharField("问题描述", max_length=rules.FINDING_TEXT_MAX)

    objects = VisitFindingQuerySet.as_manager()

    class Meta:
        verbose_name = "服务发现问题"
        verbose_name_plural = "服务发现问题"
        ordering = ["visit", "pk"]
        indexes = [models.Index(fields=["category", "severity"], name="finding_category_severity")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}（{self.get_severity_display()}）：{self.text[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:visit_detail", args=[self.visit_id])

    def audit_scope(self) -> dict:
        return self.visit.audit_scope()
