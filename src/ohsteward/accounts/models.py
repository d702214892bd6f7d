"""Users, their role and jurisdiction, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ohsteward.accounts.choices import Role
from ohsteward.core.querysets import ScopedQuerySet, access_rules
from ohsteward.registry.choices import RegionLevel


class UserQuerySet(ScopedQuerySet):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user …) with ``for_user``; a named class so that migrations
    can refer to it."""


class User(AbstractUser):
    """A person who logs in. What they may do and where comes from their ``RoleAssignment``."""

    audited = True  # activation, names and the forced password change are in the trail (never the password)

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机", max_length=30, blank=True)
    # set when an administrator gives the user a temporary password; the web face sends the user
    # to the password-change page until they choose their own (web.middleware)
    must_change_password = models.BooleanField("须修改密码", default=False)

    objects = ScopedUserManager()

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

    @classmethod
    def scope_q(cls, viewer):
        return access_rules().user_q(viewer)

    def audit_scope(self) -> dict:
        a = (
            RoleAssignment.objects.select_related("region").filter(user_id=self.pk).first()
            if self.pk
            else None
        )
        return a.audit_scope() if a is not None else {}


class RoleAssignment(models.Model):
    """Who has which role where: a region (city/district/town/zone) or one enterprise."""

    audited = True
    # merging two employers never hands one's manager account to the other (registry.actions)
    moves_on_merge = False
    user = models.OneToOneField(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignment"
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="辖区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # String references: accounts sits below the institutions and stewardship apps.
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    team = models.ForeignKey(
        "stewardship.StewardTeam",
        verbose_name="所属团队",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="member_assignments",
    )
    # A worker's own login (role ``worker``): the person, identified across employers by the keyed
    # hash of the ID number (``surveillance.Person.id_number_hmac`` is unique). Bound to the
    # Person row rather than a copy of the hash, so that ``rotate_field_key`` (which rehashes) keeps
    # the binding; every employment of that person, at any employer, is the jurisdiction.
    person = models.ForeignKey(
        "surveillance.Person",
        verbose_name="劳动者身份",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logins",
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
            models.CheckConstraint(
                condition=(models.Q(role=Role.WORKER) & models.Q(person__isnull=False))
                | (~models.Q(role=Role.WORKER) & models.Q(person__isnull=True)),
                name="worker_login_names_person",
                violation_error_message="劳动者本人账号须且只能绑定一名劳动者",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(person__isnull=False),
                name="one_login_per_person",
                violation_error_message="该劳动者已有本人查询账号",
            ),
        ]

    def __str__(self) -> str:
        if self.person_id:
            return f"{self.user} · {self.get_role_display()}"  # never the person's ID number
        where = self.enterprise or self.institution or self.team or self.region or "—"
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        # the same rules as the CheckConstraints, as form errors (role_assign skips the slower
        # query-per-constraint validation; the database still enforces them)
        if self.institution_id and self.role != Role.INSTITUTION_STAFF:
            raise ValidationError({"institution": "只有技术服务机构人员可以指定所属机构"})
        if self.team_id and self.role != Role.STEWARD_MEMBER:
            raise ValidationError({"team": "只有管家服务团队成员可以指定所属团队"})
        if self.person_id and self.role != Role.WORKER:
            raise ValidationError({"person": "只有劳动者本人账号可以绑定劳动者"})
        if self.role == Role.WORKER:
            if not self.person_id:
                raise ValidationError({"person": "劳动者本人账号须绑定劳动者，请在劳动者页面开通"})
            return  # the person's own employments are the jurisdiction
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
        if self.person_id:
            # a worker's login: in the trail of the district of their latest employment
            worker = (
                self.person.employments.select_related("enterprise").order_by("-hire_date", "-id").first()
            )
            return worker.audit_scope() if worker is not None else {}
        region = self.region
        district = ""
        if region is not None:
            district = region.code if region.level == RegionLevel.DISTRICT else (region.parent_id or "")
        if self.enterprise_id and not district:
            district = self.enterprise.region_id or ""
        return {
            "district_code": district,
            "zone_code": region.code if region and region.level == "zone" else "",
            "enterprise_id": self.enterprise_id,
        }


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
    expires_at = models.DateTimeField("有效期至", null=True, blank=True, help_text="留空表示长期有效")

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @classmethod
    def issue(cls, user: User, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
        raw = "ohs_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], digest=_hash_token(raw), expires_at=expires_at
        )
        return token, raw

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        return cls.objects.select_related("user").filter(digest=_hash_token(raw)).first()


class ThrottleKind(models.TextChoices):
    USERNAME = "username", "用户名"
    ADDRESS = "address", "网络地址"


class LoginThrottle(models.Model):
    """Failed-login counter for one user name or one client address, kept in the database.

    In the database (not a process's cache) so that every server process and a restart see the
    same lock; rows are updated under ``select_for_update`` (accounts/lockout.py). ``failures``
    counts attempts *reserved* before the password is checked, so concurrent guesses cannot all
    pass the check at the same count.
    """

    kind = models.CharField("类型", max_length=10, choices=ThrottleKind.choices)
    key = models.CharField("用户名或地址", max_length=150)
    failures = models.PositiveIntegerField("失败次数", default=0)
    first_failure_at = models.DateTimeField("首次失败", null=True, blank=True)
    last_failure_at = models.DateTimeField("最近失败", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录限制"
        verbose_name_plural = "登录限制"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_login_throttle_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: {self.failures}"


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "密码错误"
    LOCKED = "locked", "账号锁定中"
    SLOWED = "slowed", "地址限速中"


class LoginAttempt(models.Model):
    """One login attempt (the audit of logins): who tried which user name from where, and the outcome."""

    timestamp = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("用户名", max_length=150, db_index=True)
    user = models.ForeignKey(
        User, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField("网络地址", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=LoginOutcome.choices)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.username} {self.get_outcome_display()}"
