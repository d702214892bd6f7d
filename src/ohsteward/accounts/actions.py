"""Writes on users: create with a role, assign a role, issue API tokens."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ohsteward.accounts.access.permissions import ROLE_GROUP_PREFIX, sync_role_groups
from ohsteward.accounts.choices import Role
from ohsteward.accounts.models import ApiToken, RoleAssignment, User
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.rules import uscc_clean


@transaction.atomic
def role_assign(*, user: User, role: str, region_code: str | None = None, enterprise_uscc: str | None = None,
                institution=None, team=None) -> RoleAssignment:
    """Give ``user`` a role and its jurisdiction (replaces any previous assignment).

    ``institution`` (institution staff) and ``team`` (steward members) make the organisation's
    clients the jurisdiction instead of a region.
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
    assignment.institution, assignment.team = institution, team
    assignment.full_clean(validate_constraints=False)  # clean() states the constraints' rules
    assignment.save()
    if not Group.objects.filter(name=ROLE_GROUP_PREFIX + role).exists():
        sync_role_groups()
    user.groups.set(Group.objects.filter(name=ROLE_GROUP_PREFIX + role))
    user.__dict__.pop("_ohs_jurisdiction", None)
    if hasattr(user, "_perm_cache"):
        del user._perm_cache
    if hasattr(user, "_group_perm_cache"):
        del user._group_perm_cache
    return assignment


@transaction.atomic
def user_create(*, username: str, password: str, role: str, region_code: str | None = None,
                enterprise_uscc: str | None = None, display_name: str = "", check_password: bool = True) -> User:
    """Create a user with a role and jurisdiction. Passwords are hashed with Argon2."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在"})
    user = User(username=username, display_name=display_name)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    role_assign(user=user, role=role, region_code=region_code, enterprise_uscc=enterprise_uscc)
    return user


def token_create(*, user: User, name: str = "") -> str:
    """Issue an API token; the raw token is returned once and never stored."""
    _, raw = ApiToken.issue(user, name)
    return raw


def token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s own API tokens; False when it is not theirs or already gone."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
