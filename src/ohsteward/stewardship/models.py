"""The steward service (职业健康管家服务, seed 000 渝卫发〔2023〕62号): teams and their members,
agreements with employers (contents, funding, supplements, renewal, termination), and the
service calendar and records (visits, evidence, the employer's confirmation and rating)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import InForceQuerySet, Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.stewardship import rules
from ohsteward.stewardship.choices import (
    AgreementStatus,
    FundingChannel,
    Qualification,
    ServiceContent,
    TeamLevel,
    VisitStatus,
)


class StewardTeamQuerySet(ScopedQuerySet):
    pass


class StewardTeam(ScopedModelMixin, TimeStampedModel):
    """A steward service team ("五师两员", 000 二(一)) led by a medical institution with exam
    capability, working in one district (``district``) and serving its ``service_area``.

    Seen by the regulators of its district, by its own members (``team="pk"``) and by whoever
    sees one of its agreements (a town officer sees the teams serving the town's employers)."""

    audited = True
    scope = Scope(
        enterprise=None,
        district="district_id",
        team="pk",
        through=("stewardship.ServiceAgreement", "team_id"),
    )

    name = models.CharField("团队名称", max_length=100)
    district = models.ForeignKey(
        "registry.Region", verbose_name="服务区县", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("团队层级", max_length=10, choices=TeamLevel.choices, default=TeamLevel.DISTRICT)
    lead_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="牵头机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_steward_teams",
        help_text="具备职业健康检查能力的医疗机构（000 二(一)）",
    )
    service_area = models.ManyToManyField(
        "registry.Region",
        verbose_name="服务范围",
        blank=True,
        related_name="steward_teams_serving",
        help_text="区县、乡镇街道或功能区",
    )
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)

    objects = StewardTeamQuerySet.as_manager()

    class Meta:
        verbose_name = "管家服务团队"
        verbose_name_plural = "管家服务团队"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stewardship:team_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}

    def member_facts(self) -> list[rules.MemberFact]:
        return [
            rules.MemberFact(m.name, m.qualification, m.valid_until)
            for m in self.members.all()  # prefetched by lists
        ]

    def missing_qualifications(self, on: dt.date) -> list[str]:
        return rules.missing_qualifications(self.member_facts(), on)

    def expiring_members(self, on: dt.date) -> list[rules.MemberFact]:
        return rules.expiring_soon(self.member_facts(), on)


class TeamMemberQuerySet(models.QuerySet):
    def for_user(self, user):
        """Members of the teams ``user`` may see: a member is reached only through its team."""
        return self.filter(team__in=StewardTeam.objects.for_user(user).values("pk"))


class TeamMember(TimeStampedModel):
    """A member of a team with one qualification and its certificate. Read only through its team
    (which is scoped); never listed on its own."""

    audited = True
    team = models.ForeignKey(
        StewardTeam, verbose_name="团队", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    qualification = models.CharField("资质类别", max_length=30, choices=Qualification.choices)
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)
    valid_until = models.DateField("证书有效期至", null=True, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="所在机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="成员单位：疾控中心、技术服务机构等（000 二(一)）",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        ordering = ["team", "qualification", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_qualification_display()}）"

    def audit_scope(self) -> dict:
        return {"district_code": self.team.district_id, "zone_code": "", "enterprise_id": None}

    def get_absolute_url(self) -> str:
        return reverse("stewardship:team_detail", args=[self.team_id])


# Stored statuses under which an agreement binds (its dates decide whether it is in force).
BINDING = (AgreementStatus.ACTIVE, AgreementStatus.ENDED)


class ServiceAgreementQuerySet(InForceQuerySet):
    def binding(self):
        """Signed and not terminated (drafts bind nobody)."""
        return self.filter(status__in=BINDING)

    def in_force(self, on):
        """Signed, not terminated, and covering ``on``: what makes the employer the team's client."""
        return super().in_force(on).filter(status__in=BINDING)

    def served_between(self, start, end):
        """Agreements under which the team served the employer on at least one day from ``start``
        to ``end``: signed (not a draft), started by ``end``, not ended before ``start`` and, when
        terminated, not terminated before ``start`` (the served enterprises of a period)."""
        overlap = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
        kept = Q(status__in=BINDING) | Q(status=AgreementStatus.TERMINATED, terminated_on__gte=start)
        return self.filter(overlap & kept)


class ServiceAgreement(ScopedModelMixin, TimeStampedModel):
    """A team serves an employer under an agreement from ``start_date`` to ``end_date``
    (000 二(三): contents, term — 1 year by default, multi-year allowed —, fee, supplements,
    termination, renewal "重新办理相关手续")."""

    audited = True
    scope = Scope(enterprise="enterprise", team="team")

    team = models.ForeignKey(
        StewardTeam, verbose_name="服务团队", on_delete=models.CASCADE, related_name="agreements"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="steward_agreements",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    # rows from before issue 10 were all signed agreements: they stay "active"
    status = models.CharField(
        "状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    signed_on = models.DateField("签订日期", null=True, blank=True)
    fee = models.DecimalField("服务费用（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    renewed_from = models.OneToOneField(
        "self",
        verbose_name="续签自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
    )
    terminated_on = models.DateField("解除日期", null=True, blank=True)
    termination_reason = models.CharField("解除原因", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    objects = ServiceAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "管家服务协议"
        verbose_name_plural = "管家服务协议"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="agreement_enterprise_status")]

    def __str__(self) -> str:
        return f"{self.team} · {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:agreement_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}

    def status_on(self, on: dt.date) -> str:
        """The status as users see it: an active agreement past its end date has ended."""
        if self.status == AgreementStatus.ACTIVE and self.end_date is not None and self.end_date < on:
            return AgreementStatus.ENDED
        return self.status

    def status_label_on(self, on: dt.date) -> str:
        return str(AgreementStatus(self.status_on(on)).label)

    def content_quantities(self) -> dict[str, int]:
        """Content → total quantity (the agreement's own and its supplements')."""
        out: dict[str, int] = {}
        for c in self.contents.all():
            out[c.content] = out.get(c.content, 0) + c.quantity
        return out


class AgreementSupplement(TimeStampedModel):
    """A 补充协议 adding contents to an agreement during its term (000 二(三))."""

    audited = True
    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name="协议", on_delete=models.CASCADE, related_name="supplements"
    )
    signed_on = models.DateField("签订日期")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "补充协议"
        verbose_name_plural = "补充协议"
        ordering = ["signed_on", "pk"]

    def __str__(self) -> str:
        return f"补充协议 {self.signed_on:%Y-%m-%d}"

    def audit_scope(self) -> dict:
        return self.agreement.audit_scope()


class AgreementContent(models.Model):
    """One of the eight service contents (000 三(一)–(八)) with its quantity (次/年, or 人 for exams)."""

    audited = True
    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name="协议", on_delete=models.CASCADE, related_name="contents"
    )
    content = models.CharField("服务内容", max_length=20, choices=ServiceContent.choices)
    quantity = models.PositiveIntegerField("数量", default=1)
    supplement = models.ForeignKey(
        AgreementSupplement,
        verbose_name="补充协议",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contents",
    )

    class Meta:
        verbose_name = "协议服务内容"
        verbose_name_plural = "协议服务内容"
        ordering = ["agreement", "content", "pk"]

    def __str__(self) -> str:
        return f"{self.get_content_display()} {self.quantity}{rules.quantity_unit(self.content)}"

    def audit_scope(self) -> dict:
        return self.agreement.audit_scope()


class AgreementFunding(models.Model):
    """The amount one of the six funding channels (000 四(一)–(六)) pays toward an agreement."""

    audited = True
    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name="协议", on_delete=models.CASCADE, related_name="funding"
    )
    channel = models.CharField("筹资渠道", max_length=24, choices=FundingChannel.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "协议筹资"
        verbose_name_plural = "协议筹资"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "channel"],
                name="agreement_funding_channel_once",
                violation_error_message="同一筹资渠道只能填写一次",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.amount}"

    def audit_scope(self) -> dict:
        return self.agreement.audit_scope()


class ServiceVisitQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=VisitStatus.PLANNED)

    def due_in_month(self, today: dt.date):
        """Planned, not done, due from today to the end of this month (本月应办)."""
        first_next = rules.add_months(today.replace(day=1), 1)
        return self.open().filter(planned_on__gte=today, planned_on__lt=first_next)

    def overdue(self, today: dt.date):
        """Planned before today and not done (已逾期)."""
        return self.open().filter(planned_on__lt=today)


class ServiceVisit(ScopedModelMixin, TimeStampedModel):
    """One entry of an agreement's service calendar: planned (``planned_on``) and, once the team
    has been on site, recorded (服务记录: date, what was done, findings, advice, people trained),
    then confirmed and rated by the employer's manager (1–5, issue 10 item 3)."""

    audited = True
    scope = Scope(enterprise="agreement__enterprise", team="agreement__team")

    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name="协议", on_delete=models.CASCADE, related_name="visits"
    )
    content = models.CharField("服务内容", max_length=20, choices=ServiceContent.choices)
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    planned_on = models.DateField("计划日期", null=True, blank=True, db_index=True)
    originally_planned_on = models.DateField("原计划日期", null=True, blank=True)
    visited_on = models.DateField("服务日期", null=True, blank=True)
    work_done = models.TextField("服务内容记录", blank=True)
    findings = models.TextField("发现的问题", blank=True)
    advice = models.TextField("意见建议", blank=True)
    trained_count = models.PositiveIntegerField("培训人数", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="企业确认人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField("企业确认时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度评分", null=True, blank=True)
    rating_comment = models.CharField("评价", max_length=300, blank=True)

    objects = ServiceVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "管家服务记录"
        verbose_name_plural = "管家服务记录"
        ordering = ["planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="visit_rating_1_to_5",
                violation_error_message="满意度评分应为 1–5 分",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(visited_on__isnull=False),
                name="visit_done_has_date",
                violation_error_message="已完成的服务记录须填写服务日期",
            ),
        ]
        # covering on PostgreSQL (``include``: ignored elsewhere): a team's 本月应办/已逾期 counts and
        # pages are index-only scans joined to its few agreements (docs/performance.md)
        indexes = [
            models.Index(
                fields=["status", "planned_on"],
                name="visit_status_planned_cover",
                include=["agreement", "id"],
            )
        ]

    def __str__(self) -> str:
        day = self.visited_on or self.planned_on
        return f"{self.get_content_display()} {day:%Y-%m-%d}" if day else self.get_content_display()

    def get_absolute_url(self) -> str:
        return reverse("stewardship:visit_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.agreement.audit_scope()

    def state_on(self, today: dt.date) -> str:
        if self.status == VisitStatus.DONE:
            return "done"
        if self.planned_on is None:
            return "later"
        return rules.visit_state(self.planned_on, False, today)


class VisitEvidence(TimeStampedModel):
    """A photo or document proving a visit (or the signed sheet). The bytes are in
    ``EvidenceFile`` so that the audit trail does not copy them."""

    audited = True
    visit = models.ForeignKey(
        ServiceVisit, verbose_name="服务记录", on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "服务佐证材料"
        verbose_name_plural = "服务佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return self.visit.audit_scope()


class EvidenceFile(models.Model):
    evidence = models.OneToOneField(VisitEvidence, on_delete=models.CASCADE, related_name="file")
    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "佐证文件内容"
        verbose_name_plural = "佐证文件内容"

    def __str__(self) -> str:
        return self.evidence.name


# SME assistance (issue 10 item 5) lives in its own module; imported here so Django registers it.
from ohsteward.stewardship.assistance.models import (  # noqa: E402, F401
    AssistanceEntry,
    AssistanceItem,
    AssistanceItemFile,
    AssistancePlan,
)

# Training (issue 10 item 6) lives in its own module; imported here so Django registers it.
from ohsteward.stewardship.training.models import (  # noqa: E402, F401
    AwarenessResponse,
    Lecture,
    LectureAttempt,
    LectureFile,
    Questionnaire,
    Trainee,
    TrainingNeed,
    TrainingRecord,
    TrainingSession,
    TrainingSessionEmployer,
)

# The online service zone and structured findings (issue 10 items 7 and 4), registered likewise.
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding  # noqa: E402, F401
