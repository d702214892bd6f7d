"""Writes on users: create with a role, assign a role, passwords, (de)activate, unlock, API tokens.

Actions taking an ``actor`` are the user-management page's: the actor must be a city admin (any
user) or a district admin (users inside the district, ``access.user_q``), and may grant only the
roles and regions ``access.grantable_roles`` / ``access.grantable_region_q`` allow. Out-of-scope
targets raise ``Http404`` (the same as absent).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from ohsteward.accounts import access, lockout
from ohsteward.accounts.access.permissions import ROLE_GROUP_PREFIX, sync_role_groups
from ohsteward.accounts.choices import Role
from ohsteward.accounts.models import ApiToken, RoleAssignment, User
from ohsteward.core.audit import record
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.rules import uscc_clean


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    region_code: str | None = None,
    enterprise_uscc: str | None = None,
    institution=None,
    team=None,
    person=None,
) -> RoleAssignment:
    """Give ``user`` a role and its jurisdiction (replaces any previous assignment).

    ``institution`` (institution staff) and ``team`` (steward members) make the organisation's
    clients the jurisdiction instead of a region; ``person`` (a ``surveillance.Person``, role
    ``worker``) makes that person's own rows the jurisdiction (``surveillance.actions.worker_login_open``).
    """
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色：{role}（可选：{'、'.join(Role.values)}）"})
    region = None
    enterprise = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationError({"region": f"未知的区划代码：{region_code}"})
    if enterprise_uscc:
        enterprise = Enterprise.objects.filter(uscc=uscc_clean(enterprise_uscc)).first()
        if enterprise is None:
            raise ValidationError({"enterprise": f"未找到统一社会信用代码为 {enterprise_uscc} 的用人单位"})
    if role == Role.CITY_ADMIN and region is None:
        region = Region.objects.filter(level="city").first()
    assignment = RoleAssignment.objects.filter(user=user).first() or RoleAssignment(user=user)
    assignment.role, assignment.region, assignment.enterprise = role, region, enterprise
    assignment.institution, assignment.team, assignment.person = institution, team, person
    assignment.full_clean(validate_constraints=False)  # clean() states the constraints' rules
    assignment.save()
    if not Group.objects.filter(name=ROLE_GROUP_PREFIX + role).exists():
        sync_role_groups()
    user.groups.set(Group.objects.filter(name=ROLE_GROUP_PREFIX + role))
    access.forget_jurisdiction(user)
    if hasattr(user, "_perm_cache"):
        del user._perm_cache
    if hasattr(user, "_group_perm_cache"):
        del user._group_perm_cache
    return assignment


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    enterprise_uscc: str | None = None,
    display_name: str = "",
    check_password: bool = True,
    actor: User | None = None,
    temporary: bool = False,
) -> User:
    """Create a user with a role and jurisdiction. Passwords are hashed with Argon2.

    With an ``actor`` (the user-management page) the role and jurisdiction must be grantable by the
    actor; ``temporary`` marks the password as one the user must change at first login.
    """
    if actor is not None:
        _check_grant(actor, role, region_code, enterprise_uscc)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在"})
    user = User(username=username, display_name=display_name, must_change_password=temporary)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    role_assign(user=user, role=role, region_code=region_code, enterprise_uscc=enterprise_uscc)
    if actor is not None:
        # re-check inside the transaction: the new user must be one the actor can see
        require_manageable(actor, user)
    return user


def _check_grant(actor: User, role: str, region_code: str | None, enterprise_uscc: str | None) -> None:
    if role not in access.grantable_roles(actor):
        raise ValidationError({"role": "您不能分配该角色"})
    if role == Role.ENTERPRISE_MANAGER:
        if not enterprise_uscc:
            raise ValidationError({"enterprise": "用人单位管理人员须指定所属用人单位（统一社会信用代码）"})
        if not Enterprise.objects.for_user(actor).filter(uscc=uscc_clean(enterprise_uscc)).exists():
            raise ValidationError({"enterprise": "未找到该用人单位，或它不在您的管辖范围内"})
    elif role != Role.CITY_ADMIN:
        if not region_code:
            raise ValidationError({"region": "该角色须指定辖区"})
        if not Region.objects.filter(access.grantable_region_q(actor), code=region_code).exists():
            raise ValidationError({"region": "该辖区不在您的管辖范围内"})


def require_manageable(actor: User, user: User) -> None:
    """404 unless ``actor`` may manage ``user`` (user-management permission and scope)."""
    if (
        not actor.has_perm("accounts.change_user")
        or not User.objects.for_user(actor).filter(pk=user.pk).exists()
    ):
        raise Http404("对象不存在或不在您的管辖范围内")


def temporary_password() -> str:
    """A random temporary password that passes the validators (12 characters, no look-alikes)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
            return raw


@transaction.atomic
def user_activate(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (停用) or reactivate (启用) a user; an admin cannot deactivate their own account."""
    require_manageable(actor, user)
    if not active and user.pk == actor.pk:
        raise ValidationError("不能停用自己的账号")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            ApiToken.objects.filter(user=user).delete()  # a stopped account's programs stop too
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> str:
    """Give ``user`` a temporary password (returned once) that must be changed at the next login."""
    require_manageable(actor, user)
    raw = temporary_password()
    user.set_password(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_change = {"密码": ["（原密码）", "已重置为临时密码"]}

    record(user, "update", record_change, user=actor)
    lockout.clear(user.username)
    return raw


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """The user's own new password (checked by the password validators); ends a forced change.

    The old password is checked by the form before this is called.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])

    record(user, "update", {"密码": ["（原密码）", "本人已修改"]}, user=user)
    return user


def token_create(*, user: User, name: str = "", expires_in_days: int | None = None) -> str:
    """Issue an API token, valid for ``expires_in_days`` days (None = until revoked).

    The raw token is returned once and never stored.
    """
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= 3650:
            raise ValidationError({"expires_in_days": "有效天数应在 1 到 3650 之间"})
        expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
    _, raw = ApiToken.issue(user, name, expires_at=expires_at)
    return raw


def token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s own API tokens; False when it is not theirs or already gone."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def user_unlock(*, actor: User | None, user: User) -> bool:
    """Lift the login lock of ``user`` (audited); False when it was not locked.

    ``actor`` None is the command line (the operator of the server).
    """
    if actor is not None:
        require_manageable(actor, user)
    until = lockout.locked_until(user.username)
    lockout.clear(user.username)
    if until is None:
        return False
    record(
        user,
        "update",
        {"登录锁定": [f"锁定至 {timezone.localtime(until):%Y-%m-%d %H:%M}", "已解锁"]},
        user=actor,
    )
    return True
