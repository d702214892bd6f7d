"""Institutions and their engagements with employers (the institution's clients)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import InForceQuerySet, Scope, ScopedModelMixin
from ohsteward.institutions.choices import EngagementKind


class Institution(TimeStampedModel):
    """A technical service, examination or diagnosis institution working in the city."""

    audited = True
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("机构名称", max_length=200)
    kinds = models.JSONField("机构类别", default=list, blank=True)
    province = models.CharField("所在省份", max_length=20, default="重庆市")
    qc_number = models.CharField("质量控制号", max_length=40, blank=True)

    class Meta:
        verbose_name = "技术服务机构"
        verbose_name_plural = "技术服务机构"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["qc_number"],
                condition=~Q(qc_number=""),
                name="institution_qc_number_unique",
                violation_error_message="该质量控制号已被其他机构使用",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class EngagementQuerySet(InForceQuerySet):
    pass


class Engagement(ScopedModelMixin, TimeStampedModel):
    """An institution serves an employer from ``start_date`` to ``end_date`` (open-ended if empty)."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="engagements"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="institution_engagements",
    )
    kind = models.CharField(
        "服务类别", max_length=20, choices=EngagementKind.choices, default=EngagementKind.CONTRACT
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = "机构服务关系"
        verbose_name_plural = "机构服务关系"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="engagement_ends_after_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.enterprise}"

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}
