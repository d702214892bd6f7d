"""个人剂量监测记录: one radiation worker's dose in one monitoring period, uploaded by a radiation
technical service institution (issue 12 item 8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet


class DoseRecord(ScopedModelMixin, TimeStampedModel):
    """Seen through the worker's employer (its district, the city, the employer itself) and by the
    institution that measured it."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", institution="institution", person="worker__person")

    worker = models.ForeignKey(
        "surveillance.Worker", verbose_name="劳动者", on_delete=models.PROTECT, related_name="dose_records"
    )
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="监测机构", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("监测周期开始")
    period_end = models.DateField("监测周期结束")
    hp10 = models.DecimalField("Hp(10)（mSv）", max_digits=7, decimal_places=3)
    hp007 = models.DecimalField("Hp(0.07)（mSv）", max_digits=7, decimal_places=3, null=True, blank=True)
    investigation_level = models.DecimalField("调查水平（mSv）", max_digits=7, decimal_places=3)
    above_investigation = models.BooleanField("超过调查水平", default=False, db_index=True)
    report_number = models.CharField("报告编号", max_length=60, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "个人剂量监测记录"
        verbose_name_plural = "个人剂量监测记录"
        ordering = ["-period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "period_start"],
                name="dose_one_per_worker_period",
                violation_error_message="该劳动者该监测周期已有剂量记录，请勿重复上传",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="dose_period_order",
                violation_error_message="监测周期结束不能早于开始",
            ),
            models.CheckConstraint(
                condition=Q(hp10__gte=0), name="dose_not_negative", violation_error_message="剂量不能为负数"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.period_start:%Y-%m-%d} · {self.hp10} mSv"

    def get_absolute_url(self) -> str:
        return reverse("surveillance:worker_detail", args=[self.worker_id])

    def audit_scope(self) -> dict:
        return self.worker.audit_scope()
