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
