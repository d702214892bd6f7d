"""Steward service teams and their agreements with employers (the team's clients)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import InForceQuerySet, Scope, ScopedModelMixin


class StewardTeam(TimeStampedModel):
    """A steward service team ("五师两员") working in one district."""

    audited = True
    name = models.CharField("团队名称", max_length=100)
    district = models.ForeignKey(
        "registry.Region", verbose_name="服务区县", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "管家服务团队"
        verbose_name_plural = "管家服务团队"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}


class ServiceAgreementQuerySet(InForceQuerySet):
    pass


class ServiceAgreement(ScopedModelMixin, TimeStampedModel):
    """A team serves an employer under an agreement from ``start_date`` to ``end_date``."""

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

    objects = ServiceAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "管家服务协议"
        verbose_name_plural = "管家服务协议"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.enterprise}"

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}
