"""Writes on the employer register. Views, API, importer and commands all call these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ohsteward.accounts import access
from ohsteward.registry.models import Enterprise, Post, PostExposure, Workplace

OUT_OF_SCOPE = "该用人单位不在您的管辖范围内"


def _check_scope(user, enterprise: Enterprise) -> None:
    if user is None:  # system jobs (generator, refdata) have no user
        return
    if not access.can_write_enterprise(
        user, region_code=enterprise.region_id, town_code=enterprise.town_id,
        zone_code=enterprise.zone_id, enterprise_id=enterprise.pk,
    ):
        raise ValidationError({"region": OUT_OF_SCOPE})


# An employer's own manager keeps contacts, sizes and posts up to date, but where the employer is
# registered (which decides who regulates it) and its identity are the district's to change.
MANAGER_LOCKED = {"uscc": "统一社会信用代码", "region": "所属区县", "town": "乡镇街道", "zone": "功能区"}


def _check_manager_fields(enterprise: Enterprise, data: dict[str, Any]) -> None:
    errors = {}
    for field, label in MANAGER_LOCKED.items():
        if field not in data:
            continue
        new = data[field]
        new = getattr(new, "pk", new)
        old = getattr(enterprise, f"{field}_id") if field != "uscc" else enterprise.uscc
        if (new or None) != (old or None):
            errors[field] = f"用人单位不能自行修改{label}，如有变化请联系所在区县卫生健康委"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enterprise_create(*, user, data: dict[str, Any]) -> Enterprise:
    """Register an employer. Derived fields (size class, industry risk) are computed by rules."""
    if user is not None and access.jurisdiction(user).enterprise_id:
        raise PermissionDenied("用人单位管理人员不能新增其他用人单位")
    enterprise = Enterprise(**data)
    enterprise.derive()
    enterprise.full_clean()
    _check_scope(user, enterprise)
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, user, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    """Change an employer's fields. The employer must be in scope before and after the change."""
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"region": OUT_OF_SCOPE})
    if user is not None and access.jurisdiction(user).enterprise_id:
        _check_manager_fields(enterprise, data)
    for field, value in data.items():
        setattr(enterprise, field, value)
    if enterprise.status == "active":
        enterprise.suspended_on = None
        enterprise.cancelled_on = None
    enterprise.derive()
    enterprise.full_clean()
    _check_scope(user, enterprise)
    enterprise.save()
    return enterprise


@transaction.atomic
def workplace_create(*, user, enterprise: Enterprise, name: str) -> Workplace:
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": OUT_OF_SCOPE})
    workplace = Workplace(enterprise=enterprise, name=name.strip())
    workplace.full_clean()
    workplace.save()
    return workplace


@transaction.atomic
def post_exposure_set(*, user, workplace: Workplace, post_name: str, hazard_factor, exposed_count: int) -> PostExposure:
    """Record that ``exposed_count`` workers at a post are exposed to ``hazard_factor``."""
    if user is not None and not Workplace.objects.for_user(user).filter(pk=workplace.pk).exists():
        raise ValidationError({"workplace": OUT_OF_SCOPE})
    if exposed_count < 0:
        raise ValidationError({"exposed_count": "接触人数不能为负数"})
    post, _ = Post.objects.get_or_create(workplace=workplace, name=post_name.strip())
    exposure = PostExposure.objects.filter(post=post, hazard_factor=hazard_factor).first() or PostExposure(
        post=post, hazard_factor=hazard_factor
    )
    exposure.exposed_count = exposed_count
    exposure.full_clean()
    exposure.save()
    return exposure


@transaction.atomic
def workplace_update(*, user, workplace: Workplace, data: dict[str, Any]) -> Workplace:
    """Rename a workplace (the only field of its own); its employer must be in the user's scope."""
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=workplace.enterprise_id).exists():
        raise ValidationError({"name": OUT_OF_SCOPE})
    if "name" in data:
        workplace.name = (data["name"] or "").strip()
    workplace.full_clean()
    workplace.save()
    return workplace
