"""Detection reports, their measurements with the stored judgement, and rectification tasks.

A measurement keeps what was entered (``inputs``) and what the rules made of it (the judgement
fields), computed once by ``actions.measurement_judge`` by ``monitoring.assess`` (the calculator's function) and stored with
the limit row and standard edition used, so that a later change of the limit table never rewrites
a past verdict silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.monitoring.choices import MeasureKind, MeasureType, ReportKind, TaskStatus


class DetectionReport(ScopedModelMixin, TimeStampedModel):
    """检测（评价）报告: one institution's report for one employer (issue 11 item 1). Seen through
    the employer (its district, the city, its manager, the institutions serving it) and by the
    institution that made it."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    kind = models.CharField("报告类型", max_length=20, choices=ReportKind.choices)
    number = models.CharField("报告编号", max_length=60)
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="检测机构", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    sampling_start = models.DateField("采样开始日期")
    sampling_end = models.DateField("采样结束日期", null=True, blank=True)
    issued_on = models.DateField("报告日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "检测报告"
        verbose_name_plural = "检测报告"
        ordering = ["-sampling_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "number"],
                name="monitoring_report_number_unique",
                violation_error_message="该机构已有相同编号的报告",
            ),
            models.CheckConstraint(
                condition=Q(sampling_end__isnull=True) | Q(sampling_end__gte=models.F("sampling_start")),
                name="monitoring_report_sampling_order",
                violation_error_message="采样结束日期不能早于开始日期",
            ),
        ]
        indexes = [
            # an employer's last 定期检测 and "sampled within the interval" (monitoring.queries
            # last_periodic / in_time_q): an index-only probe per employer
            models.Index(fields=["enterprise", "kind", "sampling_start"], name="monitoring_report_by_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:report_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()


class MeasurementQuerySet(ScopedQuerySet):
    def over_limit(self):
        """超标: the factor's own judgement, or its additive-effect group (``assess.is_over_limit``)."""
        return self.filter(over_limit=True)

    def passing(self):
        """A result that can close a task as its re-test: 符合 alone and in every group judged."""
        return self.filter(compliant=True, over_limit=False)


class Measurement(ScopedModelMixin, TimeStampedModel):
    """One post × hazard factor of a report: the inputs and the stored judgement."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="report__institution", enterprise_district="district")

    report = models.ForeignKey(
        DetectionReport, verbose_name="检测报告", on_delete=models.CASCADE, related_name="measurements"
    )
    # the report's employer, kept on the row for the lists' filters and the scope (one join less)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey("registry.Post", verbose_name="岗位", on_delete=models.PROTECT, related_name="+")
    factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("判定类别", max_length=12, choices=MeasureKind.choices)
    measured_on = models.DateField("检测日期", db_index=True)
    # a copy of the employer's district (Scope.enterprise_district; kept by the register): a
    # district's lists and counts read it without joining the employers (branch monfast)
    district = models.CharField("区县代码", max_length=12, blank=True, editable=False)
    inputs = models.JSONField("检测数据", default=dict, blank=True)

    # the stored judgement (actions.measurement_judge)
    c_twa = models.FloatField("C_TWA", null=True, blank=True)
    c_ste = models.FloatField("C_STE", null=True, blank=True)
    c_me = models.FloatField("C_ME", null=True, blank=True)
    peak_ratio = models.FloatField("峰接触比值", null=True, blank=True)
    l_ex_8h = models.FloatField("L_EX,8h", null=True, blank=True)
    l_ex_w = models.FloatField("L_EX,W", null=True, blank=True)
    value = models.FloatField("判定值", null=True, blank=True)
    unit = models.CharField("单位", max_length=30, blank=True)
    ratio = models.FloatField("接触比值", null=True, blank=True)
    exposure_level = models.CharField("接触水平", max_length=3, blank=True)
    compliant = models.BooleanField("符合限值", null=True, blank=True)
    grade_level = models.CharField("危害作业分级", max_length=3, blank=True)
    grade_label = models.CharField("分级说明", max_length=60, blank=True)
    grade_standard = models.CharField("分级标准", max_length=60, blank=True)
    grade_verified = models.BooleanField("分级已核对", null=True, blank=True)
    limit = models.ForeignKey(
        "hazards.ExposureLimit", verbose_name="所用限值", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    limits = models.JSONField("所用限值（快照）", default=list, blank=True)
    verified = models.BooleanField("判定依据均已核对", default=False)
    explanation = models.JSONField("判定说明", default=list, blank=True)
    judged_at = models.DateTimeField("判定时间", null=True, blank=True)
    # the additive-effect judgement of the configured group this factor belongs to, over the
    # post's measurements of the same date (assess.assess_mixture; {} = none): group, sums, compliant
    mixture = models.JSONField("联合作用判定", default=dict, blank=True)
    # 超标 = compliant is False, or the mixture above is 不符合 (assess.is_over_limit); kept on the
    # row for the over-limit list, the rectification action, the re-test and the facts
    over_limit = models.BooleanField("超标", default=False)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = "检测结果"
        verbose_name_plural = "检测结果"
        ordering = ["-measured_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "post", "factor"],
                name="monitoring_measurement_unique",
                violation_error_message="该报告中此岗位和危害因素已有检测结果",
            )
        ]
        indexes = [
            models.Index(fields=["post", "factor", "measured_on"], name="monitoring_post_factor_on"),
            # the over-limit list's first page, newest first (docs/performance.md, branch mon11c)
            models.Index(
                F("measured_on").desc(), F("id").desc(), name="monitoring_over_limit_recent",
                condition=Q(over_limit=True),
            ),
            # a district's over-limit list and its count (branch monfast), newest first
            models.Index(
                "district", F("measured_on").desc(), F("id").desc(), name="monitoring_over_limit_district",
                condition=Q(over_limit=True),
            ),
            # an employer's over-limit results (the facts' over_limit reads per employer)
            models.Index(
                "enterprise", F("measured_on").desc(), F("id").desc(), name="monitoring_over_limit_employer",
                condition=Q(over_limit=True),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.post} × {self.factor}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:measurement_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    @property
    def verdict(self) -> str:
        if self.compliant is None:
            return "无接触限值，未判定"
        return "符合" if self.compliant else "不符合"

    @property
    def mixture_failed(self) -> list[dict]:
        """The additive-effect groups of this result judged 不符合 (``mixture`` and its ``also``)."""
        if not self.mixture:
            return []
        found = [self.mixture, *self.mixture.get("also", ())]
        return [m for m in found if m.get("compliant") is False]

    @property
    def over_limit_reason(self) -> str:
        """Why it is on the over-limit list: 单项超标 and/or 联合作用超标（group）."""
        reasons = ["单项超标"] if self.compliant is False else []
        reasons += [f"联合作用超标（{m['group']}，Σ={m['ratio']}）" for m in self.mixture_failed]
        return "；".join(reasons)


class RectificationTaskQuerySet(ScopedQuerySet):
    def with_state(self, today):
        """``state``: open / overdue / closed as the district list shows it."""
        return self.annotate(
            state=models.Case(
                models.When(status=TaskStatus.CLOSED, then=models.Value("closed")),
                models.When(deadline__lt=today, then=models.Value("overdue")),
                default=models.Value("open"),
            )
        )

    def open(self):
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, today):
        return self.filter(status=TaskStatus.OPEN, deadline__lt=today)


class RectificationTask(ScopedModelMixin, TimeStampedModel):
    """整改任务 opened on an over-limit measurement (issue 11 item 4). The employer is responsible
    (its steward team may help); a later compliant measurement of the same post × factor closes it."""

    audited = True
    scope = Scope(enterprise="enterprise", enterprise_district="district")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    # a copy of the employer's district, as on Measurement (Scope.enterprise_district)
    district = models.CharField("区县代码", max_length=12, blank=True, editable=False)
    post = models.ForeignKey(
        "registry.Post",
        verbose_name="岗位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    measurement = models.ForeignKey(
        Measurement, verbose_name="超标检测结果", null=True, blank=True, on_delete=models.PROTECT,
        related_name="tasks",
    )  # fmt: skip
    # issue 10 item 3: a problem a steward visit found ("需整改"); such a task has no post × factor
    # and is not closed by a re-test
    visit_finding = models.OneToOneField(
        "stewardship.VisitFinding", verbose_name="服务发现问题", null=True, blank=True,
        on_delete=models.PROTECT, related_name="rectification_task",
    )  # fmt: skip
    # the additive-effect group (its key in ``Measurement.mixture``) this task rectifies on its
    # post: one open task per post × failing group, whichever member it was opened on ("" = none)
    mixture_group = models.CharField("联合作用组", max_length=100, blank=True)
    finding = models.TextField("问题描述")
    required_measures = models.JSONField("要求的整改措施", default=list)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    closed_by = models.ForeignKey(
        Measurement, verbose_name="复测结果", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="closed_tasks",
    )  # fmt: skip
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下达人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = RectificationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "整改任务"
        verbose_name_plural = "整改任务"
        ordering = ["deadline", "pk"]
        indexes = [
            # a district's task list by state and deadline, and its state counts (branch monfast)
            models.Index(fields=["district", "status", "deadline", "id"], name="monitoring_task_district"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "factor"],
                condition=Q(status="open"),
                name="monitoring_task_one_open",
                violation_error_message="该岗位和危害因素已有未关闭的整改任务",
            ),
            models.CheckConstraint(
                condition=Q(measurement__isnull=False) | Q(visit_finding__isnull=False),
                name="monitoring_task_has_source",
                violation_error_message="整改任务须来自超标检测结果或服务发现的问题",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="monitoring_task_closed_has_date",
                violation_error_message="已关闭的整改任务须有关闭日期",
            ),
        ]

    def __str__(self) -> str:
        if self.post_id is None:
            return f"整改：{self.finding[:30]}"
        return f"整改：{self.post} × {self.factor}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:task_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    @property
    def measure_labels(self) -> str:
        labels = dict(MeasureType.choices)
        return "、".join(labels.get(m, m) for m in self.required_measures)


class RectificationMeasure(TimeStampedModel):
    """整改措施落实情况: what the employer did, with evidence. Read only through its task."""

    audited = True
    task = models.ForeignKey(
        RectificationTask, verbose_name="整改任务", on_delete=models.CASCADE, related_name="measures"
    )
    measure_type = models.CharField("措施类别", max_length=20, choices=MeasureType.choices)
    taken_on = models.DateField("完成日期")
    description = models.TextField("措施内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["task", "taken_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_measure_type_display()}：{self.description[:30]}"

    def audit_scope(self) -> dict:
        return self.task.audit_scope()


class RectificationEvidence(models.Model):
    """A file proving a measure (photo, PDF, Office document; checked as stewardship checks visit
    evidence). Served with the type of its checked suffix."""

    measure = models.ForeignKey(
        RectificationMeasure, verbose_name="整改措施", on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    data = models.BinaryField("内容")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        ordering = ["measure", "pk"]

    def __str__(self) -> str:
        return self.name
