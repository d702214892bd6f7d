"""Training (培训): sessions, the people an employer must train and their records, online lectures
(职业健康大讲堂) with a quiz, and knowledge-awareness questionnaires (知晓率)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.stewardship.training import rules

ROLE_CHOICES = list(rules.ROLES)
MODE_CHOICES = list(rules.MODES)


class OpenToStaffQuerySet(models.QuerySet):
    """Lectures and questionnaires are city-wide content, not data about anyone: every signed-in
    user with a role that may view them sees them all (the permission decides)."""

    def for_user(self, user):
        return self.all() if user is not None and user.is_authenticated else self.none()


class TrainingSession(ScopedModelMixin, TimeStampedModel):
    """One training (现场 or 线上) for one or more employers, recorded by a team, the employer or
    the CDC. Seen by whoever sees one of its employers, and by the team that gave it."""

    audited = True
    scope = Scope(enterprise=None, team="team", through=("stewardship.TrainingSessionEmployer", "session_id"))

    held_on = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=200)
    trainer = models.CharField("授课人", max_length=100)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    mode = models.CharField("方式", max_length=10, choices=MODE_CHOICES, default="onsite")
    team = models.ForeignKey(
        "stewardship.StewardTeam", verbose_name="管家服务团队", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="trainings",
    )  # fmt: skip
    enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name="用人单位", through="TrainingSessionEmployer", related_name="+"
    )
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:training_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        first = self.links.select_related("enterprise").first()
        if first is None:
            return {"district_code": "", "zone_code": "", "enterprise_id": None}
        return first.enterprise.audit_scope()

    @property
    def employer_names(self) -> str:
        return "、".join(link.enterprise.name for link in self.links.all())


class TrainingSessionEmployer(ScopedModelMixin, models.Model):
    """An employer a session was for (the session is seen through these rows)."""

    audited = True
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="links")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训的用人单位"
        verbose_name_plural = "培训的用人单位"
        ordering = ["session", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="training_employer_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.enterprise}"

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()


class Trainee(ScopedModelMixin, TimeStampedModel):
    """A person an employer must train (主要负责人, 职业卫生管理人员, 接害劳动者 …), with the date
    they took the post (the start of the 初次/上岗前 requirement). ``left_on`` ends it."""

    audited = True
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("人员类别", max_length=20, choices=ROLE_CHOICES)
    post = models.CharField("岗位", max_length=100, blank=True)
    started_on = models.DateField("上岗（任职）日期")
    left_on = models.DateField("离岗日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训对象"
        verbose_name_plural = "培训对象"
        ordering = ["enterprise_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name", "role"],
                name="trainee_once_per_role",
                violation_error_message="该用人单位已有同名同类别的人员",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()


class TrainingNeedQuerySet(ScopedQuerySet):
    def with_state(self, today):
        """``met_on``: the date of the first session for the employer held on or after the need was
        raised; ``state``: met / overdue (past ``due_on``, not met) / due."""
        first = (
            TrainingSessionEmployer.objects.filter(
                enterprise_id=models.OuterRef("enterprise_id"),
                session__held_on__gte=models.OuterRef("raised_on"),
            )
            .order_by("session__held_on")
            .values("session__held_on")[:1]
        )
        return self.annotate(met_on=models.Subquery(first)).annotate(
            state=models.Case(
                models.When(met_on__isnull=False, then=models.Value("met")),
                models.When(due_on__lt=today, then=models.Value("overdue")),
                default=models.Value("due"),
            )
        )


class TrainingNeed(ScopedModelMixin, TimeStampedModel):
    """培训需求: a problem a steward visit found that calls for training ("需培训", issue 10 item 3).
    Due until a training session for the employer is held on or after the day it was raised;
    overdue after ``due_on``. Seen like the finding (the employer, the visit's team)."""

    audited = True
    scope = Scope(enterprise="enterprise", team="finding__visit__agreement__team")

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    finding = models.OneToOneField(
        "stewardship.VisitFinding", verbose_name="服务发现问题", on_delete=models.PROTECT,
        related_name="training_need",
    )  # fmt: skip
    topic = models.CharField("培训内容", max_length=200)
    raised_on = models.DateField("提出日期")
    due_on = models.DateField("应完成日期")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = TrainingNeedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训需求"
        verbose_name_plural = "培训需求"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"培训需求：{self.topic[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:visit_detail", args=[self.finding.visit_id])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()


class TrainingRecord(ScopedModelMixin, TimeStampedModel):
    """Hours one person received: at a session, by an online lecture (quiz passed) or elsewhere
    (``course``)."""

    audited = True
    trainee = models.ForeignKey(
        Trainee, verbose_name="人员", on_delete=models.CASCADE, related_name="records"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    trained_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="records",
    )  # fmt: skip
    lecture = models.ForeignKey(
        "stewardship.Lecture", verbose_name="线上课程", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="records",
    )  # fmt: skip
    course = models.CharField("课程/内容", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-trained_on", "-pk"]
        # covering (PostgreSQL): the standings read (person, date, hours) of a few employers out of
        # millions of rows with an index-only scan (docs/performance.md, bench_training.py)
        indexes = [
            models.Index(
                fields=["enterprise", "trained_on"],
                include=["trainee", "hours"],
                name="training_record_emp_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee.name} {self.trained_on:%Y-%m-%d} {self.hours}学时"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:training_record_list") + f"?q={self.trainee.name}"

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    @property
    def source(self) -> str:
        if self.session_id:
            return self.session.topic
        if self.lecture_id:
            return f"线上课程：{self.lecture.title}"
        return self.course


class Lecture(TimeStampedModel):
    """A lecture of 职业健康大讲堂 (000 五(四)): a file served by the platform or a link, the
    hours it is worth and a short quiz (questions as data); pass mark ``pass_score``."""

    audited = True
    title = models.CharField("课程名称", max_length=200)
    description = models.TextField("简介", blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    link = models.URLField("课程链接", blank=True)
    file_name = models.CharField("课件文件名", max_length=200, blank=True)
    file_size = models.PositiveIntegerField("课件大小（字节）", null=True, blank=True)
    questions = models.JSONField("测验题目", default=list)
    pass_score = models.PositiveSmallIntegerField("合格分数", default=60)
    active = models.BooleanField("上线", default=True)

    objects = OpenToStaffQuerySet.as_manager()

    class Meta:
        verbose_name = "线上课程"
        verbose_name_plural = "线上课程"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stewardship:lecture_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class LectureFile(models.Model):
    """The bytes of a lecture's file, out of the audit trail."""

    lecture = models.OneToOneField(Lecture, on_delete=models.CASCADE, related_name="file")
    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "课件文件内容"
        verbose_name_plural = "课件文件内容"

    def __str__(self) -> str:
        return self.lecture.file_name


class LectureAttempt(ScopedModelMixin, TimeStampedModel):
    """One person's answer to a lecture's quiz: once only (a second is refused)."""

    audited = True
    scope = Scope(enterprise="trainee__enterprise")
    lecture = models.ForeignKey(
        Lecture, verbose_name="线上课程", on_delete=models.CASCADE, related_name="attempts"
    )
    trainee = models.ForeignKey(
        Trainee, verbose_name="人员", on_delete=models.CASCADE, related_name="attempts"
    )
    answers = models.JSONField("作答", default=list)
    score = models.PositiveSmallIntegerField("得分")
    passed = models.BooleanField("合格")
    record = models.OneToOneField(
        TrainingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempt"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "课程测验"
        verbose_name_plural = "课程测验"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "trainee"],
                name="lecture_attempt_once",
                violation_error_message="该人员已完成本课程测验，不能重复作答",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee.name} · {self.lecture}"

    def audit_scope(self) -> dict:
        return self.trainee.audit_scope()


class Questionnaire(TimeStampedModel):
    """A short awareness questionnaire for one hazard factor (questions as data, edited by the
    CDC and the city); 知晓 = a score at or above ``threshold``."""

    audited = True
    title = models.CharField("问卷名称", max_length=200)
    hazard = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    questions = models.JSONField("题目", default=list)
    threshold = models.PositiveSmallIntegerField("知晓分数线", default=80)
    active = models.BooleanField("启用", default=True)

    objects = OpenToStaffQuerySet.as_manager()

    class Meta:
        verbose_name = "知晓率问卷"
        verbose_name_plural = "知晓率问卷"
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stewardship:questionnaire_edit", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class AwarenessResponse(ScopedModelMixin, models.Model):
    """A worker's anonymous answer through the employer's link: one per phone, employer and
    questionnaire (the phone is stored as a keyed hash, never in clear)."""

    audited = True
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="问卷", on_delete=models.CASCADE, related_name="responses"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    phone_hash = models.CharField("手机号摘要", max_length=64)
    post = models.CharField("岗位", max_length=100, blank=True)
    answers = models.JSONField("作答", default=list)
    score = models.PositiveSmallIntegerField("得分")
    aware = models.BooleanField("知晓")
    answered_at = models.DateTimeField("作答时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "知晓率答卷"
        verbose_name_plural = "知晓率答卷"
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "enterprise", "phone_hash"], name="awareness_once_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} · {self.enterprise}"

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()
