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
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_repr} {self.get_action_display()} {self.object_repr}"

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
