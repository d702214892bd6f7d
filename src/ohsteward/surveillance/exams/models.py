"""Exams, their per-factor results, the upload batches, and the work the conclusions open.

Scoping (docs/development/access-control.md): every row is reached through the worker's employer,
and an exam (with its results) also by the institution that did it, so an exam institution keeps
seeing what it examined after its engagement ends. Cases are seen by the diagnosis institution
they were referred to. Who may see clinical details (the abnormal items) is a permission, not a
scope: ``surveillance.view_clinical_details`` (the exam institution and the CDC).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import models
from django.db.models import Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.surveillance import deadlines
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.exams.choices import (
    BatchSource,
    CaseStatus,
    ChronicClass,
    ChronicDisease,
    Conclusion,
    DiagnosisOutcome,
    FollowUpOutcome,
    PatientCondition,
    PatientSource,
    PatientStatus,
    ScreeningSource,
    StationKind,
    TaskKind,
    TaskStatus,
)

CLINICAL_PERMISSION = "surveillance.view_clinical_details"


@functools.cache
def _labels(choices: type[models.Choices]) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.Choices], value: str) -> str:
    """What ``get_FOO_display()`` gives for ``value``, from a dict built once: Django rebuilds the
    field's choices dict on every call, which was ~6 % of an exam import (the audit's ``str()``)."""
    return _labels(choices).get(value, value)


def _worker_scope(worker) -> dict:
    return worker.audit_scope()


class ExamBatch(ScopedModelMixin, TimeStampedModel):
    """One upload of results by an exam institution for one employer (a file is split per
    employer): the unit of the employer's summary, 表5-1 (应检/实检/未见异常/复查/疑似/禁忌证/其他).

    ``expected`` (应检) is fixed when the batch is recorded: the employer's workers whose exam was
    due by the batch's last exam date, together with the workers examined in it."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="体检机构", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=8, choices=BatchSource.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    expected = models.PositiveIntegerField("应检人数", default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "体检结果批次"
        verbose_name_plural = "体检结果批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.created_at:%Y-%m-%d} · 批次{self.pk}"

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}

    def get_absolute_url(self) -> str:
        return reverse("surveillance:exambatch_detail", args=[self.pk])


class Exam(ScopedModelMixin, TimeStampedModel):
    """职业健康检查: one worker, one date, one kind (GBZ 188-2014 §4.3: 上岗前/在岗期间/离岗时/应急),
    by one exam institution. The same worker, kind and date twice is the same exam uploaded twice."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", institution="institution", person="worker__person")

    batch = models.ForeignKey(ExamBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="exams")
    worker = models.ForeignKey(
        "surveillance.Worker", verbose_name="劳动者", on_delete=models.PROTECT, related_name="exams"
    )
    date = models.DateField("体检日期")
    kind = models.CharField("体检类别", max_length=10, choices=ExamKind.choices)
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="体检机构", on_delete=models.PROTECT, related_name="+"
    )
    report_number = models.CharField("体检编号", max_length=40, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职业健康检查"
        verbose_name_plural = "职业健康检查"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "kind", "date"],
                name="exam_once_per_worker_kind_date",
                violation_error_message="该劳动者同一日期同一类别的体检已上传，请勿重复上传",
            )
        ]
        indexes = [
            models.Index(fields=["worker", "-date"], name="exam_worker_date"),
            # the 在岗期间 exams of a period, city-wide (the indicators' examined workers per
            # district): an index-only range scan instead of reading every exam
            models.Index(
                fields=["date", "worker"], condition=Q(kind=ExamKind.PERIODIC), name="exam_periodic_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {choice_label(ExamKind, self.kind)} · {self.date}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.worker)

    def get_absolute_url(self) -> str:
        return reverse("surveillance:exam_detail", args=[self.pk])


class ExamResult(ScopedModelMixin, models.Model):
    """The conclusion of one exam for one hazard factor (a person carries one per factor,
    RULES.md §2.2), the abnormal items (clinical detail), and for 复查 what to recheck by when.

    ``recheck_of`` links a later result to the 复查 result it answers (set when the recheck task
    is closed by it)."""

    audited = True
    scope = Scope(
        enterprise="exam__worker__enterprise", institution="exam__institution", person="exam__worker__person"
    )

    exam = models.ForeignKey(Exam, verbose_name="体检", on_delete=models.CASCADE, related_name="results")
    factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField("结论", max_length=1, choices=Conclusion.choices)
    items = models.CharField("异常项目/疾病名称", max_length=500, blank=True)
    recheck_items = models.CharField("复查项目", max_length=300, blank=True)
    recheck_by = models.DateField("复查期限", null=True, blank=True)
    recheck_of = models.ForeignKey(
        "self",
        verbose_name="复查的原结果",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "体检结论"
        verbose_name_plural = "体检结论"
        ordering = ["exam_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "factor"],
                name="examresult_once_per_factor",
                violation_error_message="同一体检中该危害因素已有结论",
            )
        ]
        permissions = [("view_clinical_details", "可查看体检异常项目等临床信息")]

    def __str__(self) -> str:
        return f"{self.factor} · {choice_label(Conclusion, self.conclusion)}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.exam.worker)


class TaskQuerySet(ScopedQuerySet):
    def with_status(self, status: str, today: dt.date):
        """``open``: not closed and not past due; ``overdue``: past due; ``closed``."""
        if status == TaskStatus.CLOSED:
            return self.filter(closed_on__isnull=False)
        if status == TaskStatus.OVERDUE:
            return self.filter(closed_on__isnull=True, due_on__lt=today)
        if status == TaskStatus.OPEN:
            return self.filter(Q(due_on__isnull=True) | Q(due_on__gte=today), closed_on__isnull=True)
        return self

    def still_exposed(self, today: dt.date):
        """Reassignment tasks past their deadline whose worker still holds a post carrying the
        contraindicated factor (the alert of issue 12 item 5)."""
        from ohsteward.surveillance.models import WorkerPost  # local: surv's model module imports this one

        exposed = WorkerPost.objects.filter(
            worker_id=models.OuterRef("worker_id"),
            end_date__isnull=True,
            post__exposures__hazard_factor_id=models.OuterRef("factor_id"),
        )
        return self.filter(kind=TaskKind.REASSIGNMENT, due_on__lt=today).filter(models.Exists(exposed))


class SurveillanceTask(ScopedModelMixin, TimeStampedModel):
    """Work a conclusion opened (issue 12 item 5): 复查 → ``recheck`` (due on the report's recheck
    date, closed by the recheck result); 职业禁忌证 → ``reassignment`` (the employer records the
    new post by the deadline, ``deadlines.REASSIGNMENT``); 疑似职业病 → ``diagnosis`` (closed when
    the case's diagnosis is recorded). Status is derived: closed / overdue / open."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", person="worker__person")

    kind = models.CharField("任务类型", max_length=12, choices=TaskKind.choices)
    worker = models.ForeignKey(
        "surveillance.Worker",
        verbose_name="劳动者",
        on_delete=models.PROTECT,
        related_name="surveillance_tasks",
    )
    result = models.ForeignKey(
        ExamResult, verbose_name="来源体检结论", on_delete=models.PROTECT, related_name="tasks"
    )
    factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("期限", null=True, blank=True)
    closed_on = models.DateField("完成日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        ExamResult,
        verbose_name="复查结论",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    new_post = models.ForeignKey(
        "registry.Post",
        verbose_name="调换后的岗位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "监护任务"
        verbose_name_plural = "监护任务"
        ordering = ["closed_on", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "kind"],
                name="task_once_per_result",
                violation_error_message="该结论的任务已存在",
            )
        ]
        indexes = [models.Index(fields=["closed_on", "due_on"], name="task_open_due")]

    def __str__(self) -> str:
        return f"{choice_label(TaskKind, self.kind)} · {self.worker}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.worker)

    def get_absolute_url(self) -> str:
        return reverse("surveillance:task_detail", args=[self.pk])

    def status_on(self, today: dt.date) -> str:
        if self.closed_on is not None:
            return TaskStatus.CLOSED
        if self.due_on is not None and self.due_on < today:
            return TaskStatus.OVERDUE
        return TaskStatus.OPEN


class CaseQuerySet(ScopedQuerySet):
    def overdue(self, today: dt.date):
        """A §13 duty past its day and not done: certificate not delivered within 15 days of
        issue, or not reported online within 15 days of the diagnosis."""
        delivery = deadlines.LIMITS_V1.get(deadlines.CERTIFICATE_DELIVERY).days
        report = deadlines.LIMITS_V1.get(deadlines.ONLINE_REPORT).days
        return self.filter(
            Q(
                certificate_issued_on__lt=today - dt.timedelta(days=delivery),
                certificate_delivered_on__isnull=True,
            )
            | Q(diagnosed_on__lt=today - dt.timedelta(days=report), reported_on__isnull=True)
        )

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)


class DiseaseCase(ScopedModelMixin, TimeStampedModel):
    """A 疑似职业病 found at an exam, followed to its diagnosis (职业病诊断证明书) and the time limits
    of RULES.md §13 (``deadlines.case_deadlines``). Seen through the worker's employer and by the
    diagnosis institution it was referred to."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", institution="referred_to", person="worker__person")

    worker = models.ForeignKey(
        "surveillance.Worker", verbose_name="劳动者", on_delete=models.PROTECT, related_name="disease_cases"
    )
    result = models.OneToOneField(
        ExamResult, verbose_name="来源体检结论", on_delete=models.PROTECT, related_name="case"
    )
    factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField("发现日期")
    status = models.CharField("状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    employer_notified_on = models.DateField("告知用人单位日期", null=True, blank=True)
    referred_to = models.ForeignKey(
        "institutions.Institution",
        verbose_name="诊断机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_on = models.DateField("转诊日期", null=True, blank=True)
    outcome = models.CharField(
        "诊断结论", max_length=10, choices=DiagnosisOutcome.choices, default=DiagnosisOutcome.PENDING
    )
    diagnosed_on = models.DateField("诊断日期", null=True, blank=True)
    disease = models.ForeignKey(
        "hazards.OccupationalDisease",
        verbose_name="职业病名称",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField("期别/分级", max_length=30, blank=True)
    certificate_number = models.CharField("诊断证明书编号", max_length=60, blank=True)
    certificate_issued_on = models.DateField("证明书出具日期", null=True, blank=True)
    certificate_delivered_on = models.DateField("证明书送达日期", null=True, blank=True)
    reported_on = models.DateField("网络直报日期", null=True, blank=True)
    certificate_received_on = models.DateField("劳动者收到证明书日期", null=True, blank=True)
    appealed_on = models.DateField("申请鉴定日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "职业病诊断个案"
        verbose_name_plural = "职业病诊断个案"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.worker} · {self.factor} · {self.found_on}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.worker)

    def get_absolute_url(self) -> str:
        return reverse("surveillance:case_detail", args=[self.pk])

    def deadlines_on(self, today: dt.date) -> list[deadlines.Deadline]:
        return deadlines.case_deadlines(
            diagnosed_on=self.diagnosed_on,
            certificate_issued_on=self.certificate_issued_on,
            certificate_delivered_on=self.certificate_delivered_on,
            reported_on=self.reported_on,
            certificate_received_on=self.certificate_received_on,
            appealed_on=self.appealed_on,
            today=today,
        )


class ChronicScreening(ScopedModelMixin, TimeStampedModel):
    """慢病筛查 of a worker aged 35 or over (RULES.md §12; seed 001 附件3 二(二)8 "一次慢病筛查与随访
    服务"): blood pressure and/or fasting glucose, from an exam or a steward visit, classified by
    ``surveillance.chronic.classify`` (stored: the list filters on it)."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", person="worker__person")

    worker = models.ForeignKey(
        "surveillance.Worker",
        verbose_name="劳动者",
        on_delete=models.PROTECT,
        related_name="chronic_screenings",
    )
    screened_on = models.DateField("筛查日期")
    source = models.CharField("来源", max_length=8, choices=ScreeningSource.choices)
    sbp = models.PositiveSmallIntegerField("收缩压(mmHg)", null=True, blank=True)
    dbp = models.PositiveSmallIntegerField("舒张压(mmHg)", null=True, blank=True)
    fasting_glucose = models.DecimalField(
        "空腹血糖(mmol/L)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    classification = models.CharField("筛查结果", max_length=10, choices=ChronicClass.choices, editable=False)
    rescreen_on = models.DateField("下次筛查", null=True, blank=True, editable=False)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "慢病筛查"
        verbose_name_plural = "慢病筛查"
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.worker} · {self.screened_on} · {self.get_classification_display()}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.worker)


class FollowUpQuerySet(ScopedQuerySet):
    def overdue(self, today: dt.date):
        """The latest follow-up of each patient and disease whose next date has passed."""
        return self.filter(is_latest=True, next_due__lt=today)


class ChronicFollowUp(ScopedModelMixin, TimeStampedModel):
    """A face-to-face follow-up of a hypertension or diabetes patient (≥ 4 a year, RULES.md §12):
    the readings, the outcome (``chronic.follow_up_outcome``) and the next date from it
    (``chronic.next_follow_up``). ``is_latest`` marks the patient's last visit per disease (the
    overdue list reads it)."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", person="worker__person")

    worker = models.ForeignKey(
        "surveillance.Worker",
        verbose_name="劳动者",
        on_delete=models.PROTECT,
        related_name="chronic_follow_ups",
    )
    disease = models.CharField("病种", max_length=12, choices=ChronicDisease.choices)
    visited_on = models.DateField("随访日期")
    sbp = models.PositiveSmallIntegerField("收缩压(mmHg)", null=True, blank=True)
    dbp = models.PositiveSmallIntegerField("舒张压(mmHg)", null=True, blank=True)
    fasting_glucose = models.DecimalField(
        "空腹血糖(mmol/L)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    outcome = models.CharField("随访结果", max_length=14, choices=FollowUpOutcome.choices, editable=False)
    refer = models.BooleanField("需转诊", default=False, editable=False)
    next_due = models.DateField("下次随访", editable=False)
    is_latest = models.BooleanField("最近一次", default=True, editable=False)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "慢病随访"
        verbose_name_plural = "慢病随访"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["is_latest", "next_due"], name="followup_latest_due")]

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_disease_display()} · {self.visited_on}"

    def audit_scope(self) -> dict:
        return _worker_scope(self.worker)


class PneumoconiosisPatient(ScopedModelMixin, TimeStampedModel):
    """A confirmed pneumoconiosis patient (尘肺病患者登记): from a diagnosis recorded here or imported
    from the CDC system; where the patient lives (district, town) decides the rehabilitation
    station that serves them (``surveillance.rehab``). Seen through the employer at diagnosis and
    by the district and town of residence."""

    audited = True
    scope = Scope(enterprise="enterprise", district="district_id", town="town_id", person="person")

    person = models.ForeignKey(
        "surveillance.Person", verbose_name="患者", on_delete=models.PROTECT, related_name="pneumoconiosis"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="诊断时用人单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.OneToOneField(
        DiseaseCase,
        verbose_name="诊断个案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient",
    )
    disease = models.ForeignKey(
        "hazards.OccupationalDisease", verbose_name="职业病名称", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField("期别", max_length=30, blank=True)
    diagnosed_on = models.DateField("诊断日期")
    district = models.ForeignKey(
        "registry.Region", verbose_name="居住区县", on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "registry.Region",
        verbose_name="居住乡镇/街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=PatientStatus.choices, default=PatientStatus.ALIVE
    )
    source = models.CharField("来源", max_length=10, choices=PatientSource.choices)
    next_follow_up = models.DateField("下次随访", null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "尘肺病患者"
        verbose_name_plural = "尘肺病患者"
        ordering = ["district_id", "town_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "disease"],
                name="patient_once_per_disease",
                violation_error_message="该患者该病种已登记",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.disease.name}"

    def audit_scope(self) -> dict:
        return {
            "district_code": self.district_id,
            "zone_code": "",
            "enterprise_id": self.enterprise_id,
        }


class PatientFollowUp(ScopedModelMixin, TimeStampedModel):
    """A yearly follow-up visit of a pneumoconiosis patient: condition, complications, rehabilitation."""

    audited = True
    scope = Scope(
        enterprise="patient__enterprise",
        district="patient__district_id",
        town="patient__town_id",
        person="patient__person",
    )

    patient = models.ForeignKey(
        PneumoconiosisPatient, verbose_name="患者", on_delete=models.CASCADE, related_name="follow_ups"
    )
    visited_on = models.DateField("随访日期")
    condition = models.CharField("病情", max_length=10, choices=PatientCondition.choices)
    complications = models.CharField("并发症", max_length=300, blank=True)
    rehabilitation = models.CharField("康复情况", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "尘肺病患者随访"
        verbose_name_plural = "尘肺病患者随访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.patient} · {self.visited_on}"

    def audit_scope(self) -> dict:
        return self.patient.audit_scope()


class RehabStation(ScopedModelMixin, TimeStampedModel):
    """A 尘肺病康复站 (town) or 康复点 (village) and the town it is in."""

    audited = True
    scope = Scope(enterprise=None, district="district_id", town="town_id")

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=8, choices=StationKind.choices)
    district = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "registry.Region", verbose_name="乡镇/街道", on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="依托机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "尘肺病康复站点"
        verbose_name_plural = "尘肺病康复站点"
        ordering = ["district_id", "town_id", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}
