"""Workers: one ``Person`` (identified by the encrypted ID number) employed as a ``Worker`` by one
or more employers over time, with the posts (``WorkerPost``) they held and the hazard factors
those posts carry (registry ``PostExposure``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.surveillance import crypto, rules
from ohsteward.surveillance.choices import EmploymentType, ExamKind, RadiationUse, Sex

REVEAL_PERMISSION = "surveillance.reveal_id_number"


class PersonQuerySet(ScopedQuerySet):
    def by_id_number(self, number: str):
        """Exact lookup through the keyed hash (the number itself is never in a query)."""
        return self.filter(id_number_hmac=crypto.lookup_hash(rules.id_clean(number)))


class Person(ScopedModelMixin, TimeStampedModel):
    """A natural person, identified across employers by the resident ID number (GB 11643).

    The number is stored only encrypted (``id_number_cipher``, Fernet) with a keyed hash
    (``id_number_hmac``) for lookup and de-duplication, and masked for display (ADR 0009).
    Sex and birth date are derived from the number. Seen by whoever sees one of the person's
    employments."""

    audited = True
    scope = Scope(enterprise=None, through=("surveillance.Worker", "person"), person="")

    name = models.CharField("姓名", max_length=50)
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_hmac = models.CharField("身份证号（检索散列）", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    sex = models.CharField("性别", max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "劳动者身份"
        verbose_name_plural = "劳动者身份"
        ordering = ["name", "id"]
        permissions = [("reveal_id_number", "可查看完整身份证号")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    def audit_scope(self) -> dict:
        worker = self.employments.select_related("enterprise").order_by("-hire_date", "-id").first()
        return worker.audit_scope() if worker is not None else {}

    def set_id_number(self, number: str, *, on: dt.date | None = None) -> None:
        """Validate ``number`` and store it encrypted, hashed and masked, with the derived sex and
        birth date. Raises ``ValidationError`` whose message never repeats the number."""
        parsed, error = rules.id_parse(number, on=on or timezone.localdate())
        if parsed is None:
            raise ValidationError({"id_number": error})
        self.id_number_cipher = crypto.encrypt(parsed.number)
        self.id_number_hmac = crypto.lookup_hash(parsed.number)
        self.id_number_masked = rules.id_mask(parsed.number)
        self.sex = parsed.sex
        self.birth_date = parsed.birth_date

    def id_number(self) -> str:
        """The number in clear. Call only through ``actions.person_reveal_id_number`` (audited)."""
        return crypto.decrypt(self.id_number_cipher)

    def age_on(self, on: dt.date) -> int:
        return rules.age_on(self.birth_date, on)


class WorkerQuerySet(ScopedQuerySet):
    def employed_on(self, on: dt.date):
        return self.filter(Q(hire_date__lte=on), Q(leave_date__isnull=True) | Q(leave_date__gte=on))

    def current(self):
        """Not yet left (leave date empty or in the future)."""
        return self.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=timezone.localdate()))

    def overdue(self, on: dt.date):
        """An exam was due before ``on`` and has not been done (next_exam_due < on)."""
        return self.filter(next_exam_due__lt=on)

    def due_within(self, on: dt.date, days: int):
        """Due from ``on`` to ``on + days`` inclusive (not yet overdue)."""
        return self.filter(next_exam_due__gte=on, next_exam_due__lte=on + dt.timedelta(days=days))

    def never_examined(self):
        """No exam of any kind on record (``last_exam_on`` empty)."""
        return self.filter(last_exam_on__isnull=True)

    def by_id_number(self, number: str):
        return self.filter(person__id_number_hmac=crypto.lookup_hash(rules.id_clean(number)))


class Worker(ScopedModelMixin, TimeStampedModel):
    """劳动者 as employed by one employer (an employment): hired on ``hire_date``, left on
    ``leave_date``. The same person at another employer is another Worker with the same Person.

    ``next_exam_due``/``next_exam_kind`` and ``last_exam_on`` are derived by
    ``actions.worker_recompute_due`` (GBZ 188 schedule, ``schedule.py``) from the posts held and
    the last exam: stored so that due and overdue lists are one indexed query."""

    audited = True
    # seen through the employer, and by the person's own login (issue 12 item 9); a district
    # officer's scope reads the row's copy of the employer's district (``district``)
    scope = Scope(enterprise="enterprise", person="person", enterprise_district="district")

    person = models.ForeignKey(
        Person, verbose_name="劳动者身份", on_delete=models.PROTECT, related_name="employments"
    )
    # no index of its own: the (enterprise, name) and (enterprise, next_exam_due) indexes begin
    # with it (one index fewer to write for each plan the recompute changes; branch survfast)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="workers",
        db_index=False,
    )  # fmt: skip
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    employee_number = models.CharField("工号", max_length=30, blank=True)
    employment_type = models.CharField(
        "用工形式", max_length=12, choices=EmploymentType.choices, default=EmploymentType.CONTRACT
    )
    dispatcher = models.CharField("劳务派遣单位", max_length=200, blank=True)
    radiation_use = models.CharField(
        "放射工作类别", max_length=12, choices=RadiationUse.choices, blank=True, default=RadiationUse.BY_EMPLOYER,
        help_text="设置为按劳动者划分医用/非医用时使用；留空按用人单位行业（卫生和社会工作为医用）",
    )  # fmt: skip
    hire_date = models.DateField("入职日期")
    leave_date = models.DateField("离职日期", null=True, blank=True)
    last_exam_on = models.DateField("最近体检日期", null=True, blank=True, editable=False)
    next_exam_due = models.DateField("下次体检应检日期", null=True, blank=True, editable=False)
    next_exam_kind = models.CharField(
        "下次体检类别", max_length=10, choices=ExamKind.choices, blank=True, editable=False
    )
    schedule_note = models.CharField("体检周期依据", max_length=300, blank=True, editable=False)
    # a copy of the employer's district (Scope.enterprise_district; kept by the register): a
    # district's overdue list pages and counts without joining the employers (branch survfast)
    district = models.CharField("区县代码", max_length=12, blank=True, editable=False)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "劳动者"
        verbose_name_plural = "劳动者"
        ordering = ["enterprise_id", "name", "id"]
        permissions = [
            ("open_worker_login", "可开通劳动者本人查询账号"),
            ("view_own_record", "可查看本人职业健康监护档案"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise"],
                condition=Q(leave_date__isnull=True),
                name="worker_one_open_employment",
                violation_error_message="该劳动者已在本单位在职",
            ),
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("hire_date")),
                name="worker_leaves_after_hire",
                violation_error_message="离职日期不能早于入职日期",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "name"], name="worker_enterprise_name"),
            models.Index(fields=["enterprise", "next_exam_due"], name="worker_enterprise_due"),
            models.Index(fields=["next_exam_due"], name="worker_due"),
            # a district's list in its default order (name) and its due/overdue counts, both read
            # from the index alone (branch survfast)
            models.Index(
                fields=["district", "name", "id"], include=["next_exam_due"], name="worker_district_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.hire_date and self.hire_date > today + dt.timedelta(days=366):
            errors["hire_date"] = "入职日期不能晚于明年今日"
        if self.person_id and self.hire_date:
            birth = self.person.birth_date
            if rules.age_on(birth, self.hire_date) < rules.MIN_WORKING_AGE:
                errors["hire_date"] = f"入职时未满{rules.MIN_WORKING_AGE}周岁"
        if self.leave_date and self.hire_date and self.leave_date < self.hire_date:
            errors["leave_date"] = "离职日期不能早于入职日期"
        if self.employment_type != EmploymentType.DISPATCH:
            self.dispatcher = ""
        if errors:
            raise ValidationError(errors)

    @property
    def id_number_masked(self) -> str:
        return self.person.id_number_masked

    @property
    def sex(self) -> str:
        return self.person.sex

    @property
    def birth_date(self) -> dt.date:
        return self.person.birth_date

    def age_on(self, on: dt.date) -> int:
        return self.person.age_on(on)


class WorkerPost(ScopedModelMixin, TimeStampedModel):
    """A post (registry ``Post``) a worker held from ``start_date`` to ``end_date``; the hazard
    factors are the post's ``PostExposure`` rows. 接害工龄 is computed from these periods."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", person="worker__person")

    worker = models.ForeignKey(Worker, verbose_name="劳动者", on_delete=models.CASCADE, related_name="posts")
    post = models.ForeignKey("registry.Post", verbose_name="岗位", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("上岗日期")
    end_date = models.DateField("离岗日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位经历"
        verbose_name_plural = "岗位经历"
        ordering = ["worker_id", "-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="workerpost_ends_after_start",
                violation_error_message="离岗日期不能早于上岗日期",
            )
        ]
        indexes = [models.Index(fields=["post"], name="workerpost_post")]

    def __str__(self) -> str:
        return f"{self.worker} · {self.post}"

    def audit_scope(self) -> dict:
        return self.worker.audit_scope()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.worker_id and self.post_id and self.post.workplace.enterprise_id != self.worker.enterprise_id:
            errors["post"] = "岗位不属于该劳动者所在单位"
        if self.worker_id and self.start_date:
            if self.start_date < self.worker.hire_date:
                errors["start_date"] = "上岗日期不能早于入职日期"
            if self.worker.leave_date and self.start_date > self.worker.leave_date:
                errors["start_date"] = "上岗日期不能晚于离职日期"
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "离岗日期不能早于上岗日期"
        if errors:
            raise ValidationError(errors)


class AcuteExposure(ScopedModelMixin, TimeStampedModel):
    """An acute exposure (急性职业病危害事故 or suspected over-exposure) of a worker: an 应急 exam is
    due at once (用人单位职业健康监护监督管理办法 第14条, RULES.md §2.1)."""

    audited = True
    scope = Scope(enterprise="worker__enterprise", person="worker__person")

    worker = models.ForeignKey(
        Worker, verbose_name="劳动者", on_delete=models.CASCADE, related_name="acute_exposures"
    )
    hazard_factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField("发生日期")
    note = models.CharField("经过", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "急性接触"
        verbose_name_plural = "急性接触"
        ordering = ["-occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.worker} · {self.hazard_factor} · {self.occurred_on}"

    def audit_scope(self) -> dict:
        return self.worker.audit_scope()


class IdNumberReveal(ScopedModelMixin, models.Model):
    """One viewing of a full ID number: who, when, whose, why (issue 12 item 2: each reveal is
    audited). The row is itself audited (core.audit)."""

    audited = True
    scope_enterprise_path = "worker__enterprise"

    worker = models.ForeignKey(Worker, verbose_name="劳动者", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT, related_name="+"
    )
    revealed_at = models.DateTimeField("查看时间", auto_now_add=True)
    reason = models.CharField("查看事由", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "身份证号查看记录"
        verbose_name_plural = "身份证号查看记录"
        ordering = ["-revealed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.worker}"

    def audit_scope(self) -> dict:
        return self.worker.audit_scope()


# Exams, results and their follow-up (issue 12 items 4–5) live in their own module; imported here
# so Django registers them.
from ohsteward.surveillance.dose.models import DoseRecord  # noqa: E402, F401
from ohsteward.surveillance.exams.models import (  # noqa: E402, F401
    ChronicFollowUp,
    ChronicScreening,
    DiseaseCase,
    Exam,
    ExamBatch,
    ExamResult,
    PatientFollowUp,
    PneumoconiosisPatient,
    RehabStation,
    SurveillanceTask,
)
