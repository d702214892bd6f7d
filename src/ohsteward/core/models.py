"""Framework models: the audit trail. No domain models live in core."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from ohsteward.core.querysets import ScopedQuerySet, access_rules


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"


class AuditLogQuerySet(ScopedQuerySet):
    pass


class AuditLog(models.Model):
    """One create/update/delete of protected data: who, when, what, old → new.

    ``district_code``/``zone_code``/``enterprise_id`` are copied from the changed object so that
    the trail can be scoped like the data itself (a district officer sees changes in the district).
    """

    timestamp = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    user_repr = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更内容", default=dict)
    district_code = models.CharField(max_length=12, blank=True, db_index=True)
    zone_code = models.CharField(max_length=12, blank=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    source = models.CharField("来源", max_length=30, blank=True, help_text="web / api / import / cli / admin")

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_repr} {self.get_action_display()} {self.object_repr}"
        )

    @classmethod
    def scope_q(cls, user) -> Q:
        return access_rules().audit_q(user)


class FormSubmission(models.Model):
    """One submit of a form that creates something, by its one-time token (issue 6 item 11).

    The page puts a random token in the form (``{% submission_token %}``); the first POST with it
    inserts this row (unique per user) and records the page of what it created; a second POST of
    the same form (double click, browser resend) finds the row and is shown that result instead of
    creating a duplicate. A database row, so it holds across server processes.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "表单提交记录"
        verbose_name_plural = "表单提交记录"
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_unique_token")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.token}"


class JobStatus(models.TextChoices):
    """A background job's state. ``interrupted`` (the worker died) is shown and answered as failed."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"
    INTERRUPTED = "interrupted", "已中断"


class JobQuerySet(ScopedQuerySet):
    def finished(self):
        return self.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.INTERRUPTED])


class Job(models.Model):
    """One piece of long work (an import, an intake, an export, the list generation) run by a worker.

    The UI and the API read it: status, progress 0–100, the stage in Chinese, counts, the result
    (JSON) or the error (Chinese), and an optional result file. ``function`` is the dotted path of
    the job function (``core.jobs`` imports it at run time: core never imports the domain apps);
    ``params`` are its JSON arguments; an uploaded input is kept in the job's directory until the
    job succeeds (or the upload lifetime ends). See docs/decisions/0003-background-jobs.md.
    """

    kind = models.CharField("类型", max_length=40, db_index=True)
    title = models.CharField("任务", max_length=200)
    function = models.CharField("函数", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    on_interrupt = models.CharField("中断处理函数", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField("状态", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    stage = models.CharField("阶段", max_length=100, blank=True)
    counts = models.JSONField("计数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    input_name = models.CharField("上传文件名", max_length=255, blank=True)
    result_name = models.CharField("结果文件名", max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    worker = models.CharField("工作进程", max_length=100, blank=True, help_text="host:pid")
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @classmethod
    def scope_q(cls, user) -> Q:
        """A job is seen by the user who started it, and by city administrators and superusers.

        The role is read as an attribute of the user (no import of the accounts app)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return Q(pk__in=[])
        if user.is_superuser or getattr(user, "role", None) == "city_admin":
            return Q()
        return Q(user_id=user.pk)

    @property
    def api_status(self) -> str:
        """The API's four states: an interrupted job is a failed one (its error says so)."""
        return JobStatus.FAILED if self.status == JobStatus.INTERRUPTED else self.status

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.INTERRUPTED}

    @property
    def can_retry(self) -> bool:
        return self.status in {JobStatus.FAILED, JobStatus.INTERRUPTED}
