"""Hazard reference data: hazard factors, exposure limits, occupational disease catalogues."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ohsteward.hazards.choices import EditionKind, HazardCategory


class HazardFactorQuerySet(models.QuerySet):
    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(
            Q(name__icontains=q) | Q(aliases__icontains=q) | Q(cas__icontains=q) | Q(code__startswith=q)
        )


class HazardFactor(models.Model):
    """职业病危害因素: the CDC reporting code list (2020) as the catalogue.

    ``cas`` and ``aliases`` leave room for the 2015 classification catalogue (国卫疾控发〔2015〕92号),
    whose full text was not available (SOURCES.md).
    """

    audited = True
    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=100, db_index=True)
    category = models.CharField("类别", max_length=12, choices=HazardCategory.choices, db_index=True)
    cas = models.CharField("CAS号", max_length=60, blank=True)
    aliases = models.CharField("别名", max_length=300, blank=True, help_text="以、分隔")
    remark = models.CharField("备注", max_length=200, blank=True)
    catalogue = models.CharField("目录", max_length=60, default="CDC职业病危害因素代码(2020)")
    objects = HazardFactorQuerySet.as_manager()

    class Meta:
        verbose_name = "职业病危害因素"
        verbose_name_plural = "职业病危害因素"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.split("、") if a]


class ExposureLimitEdition(models.Model):
    """One dated edition of an exposure-limit standard: the base text (GBZ 2.1-2019, GBZ 2.2-2007)
    or an amendment (第1号修改单). A measurement is judged against the editions in force on its
    date (``hazards.rules.editions_in_force``); the rows of an edition not checked against the
    official text are 未核对 (``verified=False`` on the edition and on each of its rows)."""

    audited = True
    standard = models.CharField("标准", max_length=40, help_text="如 GBZ 2.1")
    version = models.CharField(
        "版本", max_length=60, unique=True, help_text="如 GBZ 2.1-2019、GBZ 2.1-2019 第1号修改单"
    )
    kind = models.CharField("类型", max_length=12, choices=EditionKind.choices, default=EditionKind.BASE)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    source = models.CharField("来源", max_length=400, blank=True)
    verified = models.BooleanField("已核对官方文本", default=False)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "接触限值版本"
        verbose_name_plural = "接触限值版本"
        ordering = ["standard", "effective_from", "version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                name="limit_edition_dates",
                violation_error_message="废止日期须晚于施行日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}（{self.effective_from.isoformat()}起）"


class ExposureLimit(models.Model):
    """One occupational exposure limit row, with its standard, source and verification flag.

    ``edition`` is the dated edition the row belongs to; ``standard_version`` and the dates are
    kept on the row too (the monitoring rules read them from the row, ``rules.LimitRow``)."""

    audited = True
    edition = models.ForeignKey(
        ExposureLimitEdition,
        verbose_name="版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="limits",
    )
    hazard_factor = models.ForeignKey(
        HazardFactor,
        verbose_name="危害因素",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="limits",
    )
    agent_name = models.CharField("标准中的名称", max_length=100, db_index=True)
    agent_name_en = models.CharField("英文名", max_length=200, blank=True)
    category = models.CharField("类别", max_length=12, choices=HazardCategory.choices)
    cas = models.CharField("CAS号", max_length=60, blank=True)
    limit_type = models.CharField("限值类型", max_length=40)
    value = models.DecimalField("限值", max_digits=12, decimal_places=4, null=True, blank=True)
    value_text = models.CharField("限值(文本/公式)", max_length=100, blank=True)
    unit = models.CharField("单位", max_length=30, blank=True)
    condition = models.CharField("条件", max_length=200, blank=True)
    notes = models.CharField("备注", max_length=200, blank=True)
    critical_effect = models.CharField("临界不良健康效应", max_length=200, blank=True)
    standard = models.CharField("标准", max_length=40)
    standard_version = models.CharField("标准版本", max_length=60)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    source = models.CharField("来源", max_length=400)
    verified = models.BooleanField("已核对官方文本", default=False)

    class Meta:
        verbose_name = "职业接触限值"
        verbose_name_plural = "职业接触限值"
        ordering = ["standard", "agent_name", "limit_type"]

    def __str__(self) -> str:
        return f"{self.agent_name} {self.limit_type} {self.value if self.value is not None else self.value_text} {self.unit}"

    def clean(self) -> None:
        if self.verified and self.edition_id is not None and not self.edition.verified:
            raise ValidationError({"verified": "所属版本未核对官方文本，限值不能标为已核对"})


class DiseaseCatalogueQuerySet(models.QuerySet):
    def in_force(self, on: dt.date):
        return self.filter(
            Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        )


class OccupationalDisease(models.Model):
    """职业病分类和目录: the 2013 list (国卫疾控发〔2013〕48号) and the 2024 revision (from 2025-08-01)."""

    audited = True
    edition = models.CharField("版本", max_length=10)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    class_no = models.PositiveSmallIntegerField("类别序号")
    class_name = models.CharField("类别", max_length=60)
    subclass_name = models.CharField("子类", max_length=60, blank=True)
    seq = models.PositiveSmallIntegerField("序号")
    code = models.CharField("疾病代码", max_length=10, blank=True, help_text="CDC 报告代码(2020)，2013版适用")
    name = models.CharField("名称", max_length=200)
    restriction = models.CharField("限定条件", max_length=200, blank=True)
    objects = DiseaseCatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "职业病目录条目"
        verbose_name_plural = "职业病分类和目录"
        ordering = ["edition", "class_no", "subclass_name", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "class_no", "subclass_name", "seq"], name="disease_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"({self.edition}) {self.name}"
