"""Lists other departments keep about employers, imported from their spreadsheets:

- ``InsuranceRecord`` — 工伤保险参保 (the human-resources and social-security department,
  人力社保部门): an employer's insured headcount on a date;
- ``HealthyEnterprise`` — 健康企业 named by a health commission / 爱卫会 (国家级、市级、区县级);
- ``PersonAward`` — 职业健康达人 / 安康之星 given to a worker (a name and an employer only: no
  identity number, no contact details).

Every row is reached through its employer (``Scope(enterprise="enterprise")``): the district
sees its own employers' rows, the city all, an employer its own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import ScopedModelMixin, ScopedQuerySet
from ohsteward.interdept.choices import PersonAwardKind, RecognitionLevel

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class _AboutEmployer(ScopedModelMixin, TimeStampedModel):
    audited = True

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        "数据来源", max_length=100, blank=True, help_text="提供名单的部门，如 渝北区人力社保局"
    )
    source_date = models.DateField("来源日期", null=True, blank=True, help_text="名单提供或印发的日期")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}


class InsuranceRecord(_AboutEmployer):
    """工伤保险参保: the insured headcount of an employer on ``as_of`` (参保数据日期) as the
    human-resources department reported it; ``employees`` is its 应参保/从业人数 when the list gives
    one. An employer's latest record up to a day is what counts on that day."""

    as_of = models.DateField("参保数据日期", help_text="只填年度时为该年12月31日（当年为导入当天）")
    insured = models.PositiveIntegerField("参保人数")
    employees = models.PositiveIntegerField("应参保（从业）人数", null=True, blank=True)

    class Meta:
        verbose_name = "工伤保险参保记录"
        verbose_name_plural = "工伤保险参保记录"
        ordering = ["-as_of", "enterprise_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "as_of"], name="insurance_record_unique",
                violation_error_message="该用人单位在该日期已有参保记录",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["enterprise", "as_of"], name="insurance_enterprise_asof")]

    def __str__(self) -> str:
        return f"{self.enterprise} 工伤保险 {self.as_of:%Y-%m-%d} {self.insured}人"

    def clean(self) -> None:
        if self.employees is not None and self.insured is not None and self.insured > self.employees:
            raise ValidationError({"insured": "参保人数不能大于应参保（从业）人数"})


class HealthyEnterprise(_AboutEmployer):
    """健康企业: an employer named a healthy enterprise (健康企业建设) at a level in a year, by the
    document ``document_number`` (文号)."""

    level = models.CharField("命名级别", max_length=10, choices=RecognitionLevel.choices)
    year = models.PositiveIntegerField("命名年度", validators=YEAR_VALIDATORS)
    document_number = models.CharField("命名文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "健康企业"
        verbose_name_plural = "健康企业"
        ordering = ["-year", "enterprise_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "level", "year"], name="healthy_enterprise_unique",
                violation_error_message="该用人单位该年度已有该级别的健康企业命名",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年{self.get_level_display()}健康企业"


class PersonAward(_AboutEmployer):
    """职业健康达人 / 安康之星: a worker of an employer recognised in a year. Only the name is kept
    (no identity number, phone or post): what the recognition list publishes."""

    person_name = models.CharField("姓名", max_length=50)
    kind = models.CharField("荣誉类别", max_length=20, choices=PersonAwardKind.choices)
    year = models.PositiveIntegerField("年度", validators=YEAR_VALIDATORS)
    level = models.CharField("级别", max_length=10, choices=RecognitionLevel.choices, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "职业健康达人/安康之星"
        verbose_name_plural = "职业健康达人/安康之星"
        ordering = ["-year", "enterprise_id", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "person_name", "kind", "year"], name="person_award_unique",
                violation_error_message="该用人单位该人员该年度已有该荣誉",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.person_name}（{self.enterprise}）{self.year}年{self.get_kind_display()}"
