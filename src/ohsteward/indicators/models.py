"""The indicator library (指标库) and its targets: data the city edits in the admin.

An indicator names its numerator and denominator by the key of a query in ``indicators.queries``
(never SQL typed by a user); its value is computed on request from the records.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.indicators.choices import Direction, Level, PeriodKind, Unit


class Indicator(TimeStampedModel):
    """One indicator of the seeds: definition, queries, unit, source and direction."""

    audited = True
    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("指标名称", max_length=100)
    group = models.CharField("指标组", max_length=40, blank=True)
    definition = models.TextField("指标定义")
    numerator = models.CharField(
        "分子（计数）查询",
        max_length=60,
        blank=True,
        help_text="indicators.queries 中的查询名；为空表示无数据来源",
    )
    denominator = models.CharField("分母查询", max_length=60, blank=True, help_text="计数型指标为空")
    options = models.JSONField("口径选项", default=dict, blank=True)
    unit = models.CharField("单位", max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    source_document = models.CharField("依据文件", max_length=200)
    source_clause = models.CharField("条款", max_length=200, blank=True)
    no_data_reason = models.CharField(
        "无数据原因", max_length=200, blank=True, help_text="尚无数据来源时说明原因（显示“无数据”，不显示0）"
    )
    verified = models.BooleanField("已核对", default=False, help_text="口径与目标值已与原文核对")
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标库"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # why function-local: queries imports the models of every app, models stay importable alone
        from ohsteward.indicators.queries import QUERIES

        for field in ("numerator", "denominator"):
            key = getattr(self, field)
            if key and key not in QUERIES:
                raise ValidationError({field: f"未知查询：{key}"})
        if not self.numerator and not self.no_data_reason:
            raise ValidationError({"no_data_reason": "没有分子查询时须说明无数据原因"})

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class Target(TimeStampedModel):
    """A target of an indicator for a level, optionally one region (a district's override) and a
    period kind / year (empty = every period, every year). The most specific one applies
    (``rules.pick_target``)."""

    audited = True
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets"
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.DISTRICT)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="区县（单独设定）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_kind = models.CharField("期间类型", max_length=10, choices=PeriodKind.choices, blank=True)
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    value = models.DecimalField("目标值", max_digits=10, decimal_places=1)
    source = models.CharField("目标依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        ordering = ["indicator__order", "level", "region_id", "year"]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else self.get_level_display()
        return f"{self.indicator.name} {where} {self.year or '各年'} {self.value}"

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id or "", "zone_code": "", "enterprise_id": None}


class FrozenError(Exception):
    pass


class IndicatorSnapshot(TimeStampedModel):
    """A published period (发布): every indicator's figures for the city and each district as
    computed when the city published them. Never changed afterwards (``save`` refuses), so a
    report for a published period does not move when the records do; the live figures move on."""

    audited = True
    period = models.CharField("期间", max_length=10, unique=True, help_text="2025、2025Q2 或 2025-03")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        "accounts.User", verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "指标发布"
        verbose_name_plural = "指标发布"
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.period} 指标发布"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("已发布的指标不能修改")
        super().save(*args, **kwargs)

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class IndicatorSnapshotRow(ScopedModelMixin, models.Model):
    """One area's frozen figures in a published period: ``region`` a district, or empty for the
    whole city. ``figures`` is a list of ``{code, name, unit, numerator, denominator, value,
    target, met, no_data}`` in library order (``snapshots.figure_dict``)."""

    scope = Scope(enterprise=None, district="region_id")

    snapshot = models.ForeignKey(
        IndicatorSnapshot, verbose_name="指标发布", on_delete=models.CASCADE, related_name="rows"
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    figures = models.JSONField("数字")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "指标发布区域数字"
        verbose_name_plural = "指标发布区域数字"
        ordering = ["snapshot_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "region"], name="indicator_snapshot_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.region_id or '全市'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("已发布的指标不能修改")
        super().save(*args, **kwargs)


class MonthlyDispatch(ScopedModelMixin, TimeStampedModel):
    """A district's monthly dispatch (月调度, 001 二(三) "月调度，年评估"): beside the computed figures,
    the few inputs no module holds (``DispatchInput``, e.g. 工伤保险参保 from the human-resources
    department, with source and date) and the district's comments and problems."""

    audited = True
    scope = Scope(enterprise=None, district="district_id")

    district = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField("月份", max_length=7, help_text="2025-03")
    comments = models.TextField("工作进展与说明", blank=True)
    problems = models.TextField("存在的问题", blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "月调度"
        verbose_name_plural = "月调度"
        ordering = ["-month", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "month"], name="monthly_dispatch_unique",
                violation_error_message="该区县该月已有月调度",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.district_id} {self.month} 月调度"

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}


class DispatchInput(TimeStampedModel):
    """One entered figure of a monthly dispatch (an indicator with the option ``entered``): the
    numerator and denominator as the other department reported them, with the source and its
    date. Read through its dispatch."""

    audited = True
    dispatch = models.ForeignKey(
        MonthlyDispatch, verbose_name="月调度", on_delete=models.CASCADE, related_name="inputs"
    )
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    numerator = models.PositiveIntegerField("分子")
    denominator = models.PositiveIntegerField("分母", null=True, blank=True)
    source = models.CharField("数据来源", max_length=200, help_text="如：区人力社保局")
    source_date = models.DateField("数据日期")

    class Meta:
        verbose_name = "月调度填报数"
        verbose_name_plural = "月调度填报数"
        ordering = ["dispatch_id", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "indicator"], name="dispatch_input_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dispatch} {self.indicator}"

    def clean(self) -> None:
        if self.denominator is not None and self.numerator > self.denominator:
            raise ValidationError({"numerator": "分子不能大于分母"})

    def audit_scope(self) -> dict:
        return {"district_code": self.dispatch.district_id, "zone_code": "", "enterprise_id": None}
