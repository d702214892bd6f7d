"""Users, their role and jurisdiction, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from ohsteward.accounts.choices import Role
from ohsteward.registry.choices import RegionLevel


class User(AbstractUser):
    """A person who logs in. What they may do and where comes from their ``RoleAssignment``."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def assignment(self) -> RoleAssignment | None:
        try:
            return self.role_assignment
        except RoleAssignment.DoesNotExist:
            return None

    @property
    def role(self) -> str | None:
        a = self.assignment
        return a.role if a else None


class RoleAssignment(models.Model):
    """Who has which role where: a region (city/district/town/zone) or one enterprise."""

    audited = True
    # merging two employers never hands one's manager account to the other (registry.actions)
    moves_on_merge = False
    user = models.OneToOneField(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignment")
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region", verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # String references: accounts sits below the institutions and stewardship apps.
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="所属机构", null=True, blank=True, on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    team = models.ForeignKey(
        "stewardship.StewardTeam", verbose_name="所属团队", null=True, blank=True, on_delete=models.CASCADE,
        related_name="member_assignments",
    )

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.ENTERPRISE_MANAGER) | models.Q(enterprise__isnull=False),
                name="enterprise_manager_names_enterprise",
                violation_error_message="用人单位管理人员须指定所属用人单位",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.INSTITUTION_STAFF) | models.Q(institution__isnull=True),
                name="only_institution_staff_name_institution",
                violation_error_message="只有技术服务机构人员可以指定所属机构",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.STEWARD_MEMBER) | models.Q(team__isnull=True),
                name="only_steward_members_name_team",
                violation_error_message="只有管家服务团队成员可以指定所属团队",
            ),
        ]

    def __str__(self) -> str:
        where = self.enterprise or self.institution or self.team or self.region or "—"
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        # the same rules as the CheckConstraints, as form errors (role_assign skips the slower
        # query-per-constraint validation; the database still enforces them)
        if self.institution_id and self.role != Role.INSTITUTION_STAFF:
            raise ValidationError({"institution": "只有技术服务机构人员可以指定所属机构"})
        if self.team_id and self.role != Role.STEWARD_MEMBER:
            raise ValidationError({"team": "只有管家服务团队成员可以指定所属团队"})
        if self.role == Role.ENTERPRISE_MANAGER:
            if not self.enterprise_id:
                raise ValidationError({"enterprise": "用人单位管理人员须指定所属用人单位"})
        elif self.role == Role.CITY_ADMIN:
            if self.region_id and self.region.level != RegionLevel.CITY:
                raise ValidationError({"region": "市级管理员的辖区应为全市"})
        elif self.role == Role.INSTITUTION_STAFF and self.institution_id:
            return  # the institution's clients are the jurisdiction
        elif self.role == Role.STEWARD_MEMBER and self.team_id:
            return  # the team's client employers are the jurisdiction
        elif not self.region_id:
            raise ValidationError({"region": "该角色须指定辖区（区县、乡镇街道或功能区）"})

    def audit_scope(self) -> dict:
        region = self.region
        district = ""
        if region is not None:
            district = region.code if region.level == RegionLevel.DISTRICT else (region.parent_id or "")
        return {"district_code": district, "zone_code": region.code if region and region.level == "zone" else ""}


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the token is shown once when created."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最后使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        raw = "ohs_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:8], digest=_hash_token(raw))
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        return cls.objects.select_related("user").filter(digest=_hash_token(raw)).first()
