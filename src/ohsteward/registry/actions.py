"""Writes on the employer register. Views, API, importer and commands all call these."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit
from ohsteward.core.models import AuditLog
from ohsteward.registry import rules
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import ChangeRequestStatus, EnterpriseStatus, RegistrationState
from ohsteward.registry.models import (
    Enterprise,
    EnterpriseChangeRequest,
    Industry,
    Post,
    PostExposure,
    Workplace,
    sync_district_copies,
)

if TYPE_CHECKING:
    from ohsteward.accounts.models import User

OUT_OF_SCOPE = "该用人单位不在您的管辖范围内"
# Said alike of a code registered outside the user's jurisdiction and of a new employer filed
# outside it: nothing tells whether the code exists elsewhere; the city resolves it (issue 6 item 17).
CANNOT_REGISTER = "该统一社会信用代码无法由您登记，请联系市级管理员处理"
TAKEN_IN_SCOPE = "该统一社会信用代码已登记"


def check_code_free(user: User | None, code: str | None, *, exclude_pk: int | None = None) -> None:
    """Refuse a credit code that is already registered. Only an employer the user can see is
    named as registered; one outside the jurisdiction gets ``CANNOT_REGISTER``."""
    if not code:
        return
    taken = Enterprise.objects.filter(uscc=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    pk = taken.values_list("pk", flat=True).first()
    if pk is None:
        return
    visible = user is None or Enterprise.objects.for_user(user).filter(pk=pk).exists()
    raise ValidationError({"uscc": TAKEN_IN_SCOPE if visible else CANNOT_REGISTER})


def _check_scope(user: User | None, enterprise: Enterprise) -> None:
    if user is None:  # system jobs (generator, refdata) have no user
        return
    if not access.can_write_enterprise(
        user,
        region_code=enterprise.region_id,
        town_code=enterprise.town_id,
        zone_code=enterprise.zone_id,
        enterprise_id=enterprise.pk,
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
def enterprise_create(*, user: User | None, data: dict[str, Any]) -> Enterprise:
    """Register an employer. Derived fields (size class, industry risk) are computed by rules."""
    if access.own_enterprise_id(user):
        raise PermissionDenied("用人单位管理人员不能新增其他用人单位")
    enterprise = Enterprise(**data)
    enterprise.derive()
    if enterprise.uscc:
        check_code_free(user, rules.uscc_clean(enterprise.uscc))
    enterprise.full_clean()
    if user is not None and not access.can_write_enterprise(
        user, region_code=enterprise.region_id, town_code=enterprise.town_id, zone_code=enterprise.zone_id
    ):
        raise ValidationError({"uscc": CANNOT_REGISTER})
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, user: User | None, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    """Change an employer's fields. The employer must be in scope before and after the change."""
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"region": OUT_OF_SCOPE})
    if access.own_enterprise_id(user):
        _check_manager_fields(enterprise, data)
        requested = _requested_changes(enterprise, data)
        if requested:  # the district confirms these: enterprise_submit turns them into requests
            raise ValidationError({field: REQUEST_ONLY for field in requested})
    if data.get("uscc"):
        check_code_free(user, rules.uscc_clean(data["uscc"]), exclude_pk=enterprise.pk)
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
def workplace_create(*, user: User | None, enterprise: Enterprise, name: str) -> Workplace:
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": OUT_OF_SCOPE})
    workplace = Workplace(enterprise=enterprise, name=name.strip())
    workplace.full_clean()
    workplace.save()
    return workplace


@transaction.atomic
def post_exposure_set(
    *, user: User | None, workplace: Workplace, post_name: str, hazard_factor, exposed_count: int
) -> PostExposure:
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


# --------------------------------------------------------------------------------------------
# Merging two records of one employer
# --------------------------------------------------------------------------------------------


def enterprise_references():
    """Every foreign key (in any app) that points to Enterprise, hidden ones (related_name="+") too."""
    for rel in Enterprise._meta.get_fields(include_hidden=True):
        if rel.is_relation and rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel


@transaction.atomic
def enterprise_merge(*, user: User | None, keep: Enterprise, merge: Enterprise) -> dict[str, int]:
    """Merge ``merge`` into ``keep``: move every record that points to it, keep its names as
    former names, fill ``keep``'s empty fields, audit, and delete ``merge``.

    A model that must not follow the merge says ``moves_on_merge = False`` (a manager's role
    assignment: merges are judged by officials and can be wrong, and moving it would show one
    company's data to another's staff); its rows are deleted with the merged employer, audited.

    Returns how many records of each model were moved. A record that cannot move because
    ``keep`` already has an equal one (a unique constraint, e.g. a workplace of the same name)
    is deleted with ``merge``; those are counted under ``"<model> (重复，已删除)"``.
    """
    if keep.pk == merge.pk:
        raise ValidationError({"merge": "不能与自身合并"})
    if user is not None:
        if not user.has_perm("registry.change_enterprise"):
            raise PermissionDenied("您的角色无权合并用人单位")
        visible = Enterprise.objects.for_user(user).filter(pk__in=[keep.pk, merge.pk]).count()
        if visible != 2:
            raise ValidationError({"merge": OUT_OF_SCOPE})
    keep = Enterprise.objects.select_for_update().get(pk=keep.pk)
    merge = Enterprise.objects.select_for_update().get(pk=merge.pk)
    moved: dict[str, int] = {}
    moved_audit = []
    for rel in enterprise_references():
        model, fk = rel.related_model, rel.field.name
        if not getattr(model, "moves_on_merge", True):
            continue
        qs = model._base_manager.filter(**{fk: merge.pk})
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        ids = list(qs.values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                n = qs.update(**{fk: keep.pk})
        except IntegrityError:
            n = 0
            for pk in ids:
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{fk: keep.pk})
                    n += 1
                except IntegrityError:
                    moved[f"{label} (重复，已删除)"] = moved.get(f"{label} (重复，已删除)", 0) + 1
        if n:
            moved[label] = n
            if getattr(model, "audited", False):
                # a queryset update sends no signals: one audit row per moved record, written in bulk
                change: dict[str, list[Any]] = {fk: [merge.pk, keep.pk], "merged_into": [None, keep.name]}
                moved_audit += [
                    audit.record(obj, "update", change, user=user, save=False)
                    for obj in model._base_manager.filter(pk__in=ids, **{fk: keep.pk})
                ]
    # the moved records had ``merge``'s district in their copies (Scope.enterprise_district)
    sync_district_copies([keep.pk])
    names = [*keep.former_names]
    for name in [merge.name, *merge.former_names]:
        if registry_rules.normalize_name(name) != keep.name_normalized and name not in names:
            names.append(name)
    before = audit.snapshot(keep)
    keep.former_names = names
    code = merge.uscc
    if code and not keep.uscc:
        Enterprise.objects.filter(pk=merge.pk).update(uscc=None)
        keep.uscc = code
    for fname in (
        "town_id",
        "industry_id",
        "employees",
        "exposed_workers",
        "revenue",
        "total_assets",
        "address",
        "legal_representative",
        "contact_name",
        "contact_phone",
    ):
        if getattr(keep, fname) in (None, "") and getattr(merge, fname) not in (None, ""):
            setattr(keep, fname, getattr(merge, fname))
    if (
        keep.registration == RegistrationState.CANDIDATE
        and merge.registration == RegistrationState.REGISTERED
    ):
        keep.registration = RegistrationState.REGISTERED
    keep.derive()
    keep.full_clean()
    keep.save()
    changes = audit.diff(before, audit.snapshot(keep))
    changes["merged_from"] = [f"{merge.name}（{merge.uscc or '无信用代码'}，ID {merge.pk}）", keep.name]
    changes["moved_records"] = [None, moved]
    audit.record(keep, "update", changes, user=user)
    if moved_audit:
        AuditLog.objects.bulk_create(moved_audit, batch_size=1000)
    for rel in enterprise_references():
        if not getattr(rel.related_model, "moves_on_merge", True):
            for obj in rel.related_model._base_manager.filter(**{rel.field.name: merge.pk}):
                obj.delete()  # audited by the signal, while the employer still exists
    try:
        merge.delete()
    except ProtectedError as exc:
        raise ValidationError(
            {"merge": f"仍有记录引用被合并的单位，无法删除：{exc.protected_objects}"}
        ) from None
    return moved


@transaction.atomic
def workplace_update(*, user: User | None, workplace: Workplace, data: dict[str, Any]) -> Workplace:
    """Rename a workplace (the only field of its own); its employer must be in the user's scope."""
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=workplace.enterprise_id).exists():
        raise ValidationError({"name": OUT_OF_SCOPE})
    if "name" in data:
        workplace.name = (data["name"] or "").strip()
    workplace.full_clean()
    workplace.save()
    return workplace


# --------------------------------------------------------------------------------------------
# Changes an employer asks for and its district confirms (issue 6 item 5): 经营状态 (停产停业,
# 注销, with the date) and 行业. Until a regulator confirms, the register keeps the regulator's
# value, so an employer cannot take itself off next year's hazard-employer list.
# --------------------------------------------------------------------------------------------

REQUESTED_FIELDS = {"status", "suspended_on", "cancelled_on", "industry"}
REQUEST_ONLY = "经营状态、注销和行业的变更须由所在区县确认，请提交变更申请"


def _status_value(status: str, suspended_on, cancelled_on) -> dict[str, Any]:
    value: dict[str, Any] = {"status": status}
    if status == EnterpriseStatus.SUSPENDED:
        value["suspended_on"] = suspended_on.isoformat() if suspended_on else None
    if status == EnterpriseStatus.CANCELLED:
        value["cancelled_on"] = cancelled_on.isoformat() if cancelled_on else None
    return value


def _requested_changes(enterprise: Enterprise, data: dict[str, Any]) -> dict[str, tuple[dict, dict]]:
    """field → (old value, new value) of the request-only fields that ``data`` would change."""
    out: dict[str, tuple[dict, dict]] = {}
    if any(k in data for k in ("status", "suspended_on", "cancelled_on")):
        old = _status_value(enterprise.status, enterprise.suspended_on, enterprise.cancelled_on)
        new = _status_value(
            data.get("status", enterprise.status),
            data.get("suspended_on", enterprise.suspended_on),
            data.get("cancelled_on", enterprise.cancelled_on),
        )
        if new != old:
            out["status"] = (old, new)
    if "industry" in data:
        code = getattr(data["industry"], "pk", data["industry"]) or None
        if code != (enterprise.industry_id or None):
            out["industry"] = ({"industry": enterprise.industry_id}, {"industry": code})
    return out


def _request_data(field: str, value: dict[str, Any]) -> dict[str, Any]:
    """A stored request value as ``enterprise_update`` data."""
    if field == "industry":
        return {
            "industry": Industry.objects.filter(pk=value["industry"]).first() if value["industry"] else None
        }
    data: dict[str, Any] = {"status": value["status"]}
    for key in ("suspended_on", "cancelled_on"):
        if value.get(key):
            data[key] = dt.date.fromisoformat(value[key])
    return data


@transaction.atomic
def enterprise_submit(
    *, user: User | None, enterprise: Enterprise, data: dict[str, Any], reason: str = ""
) -> tuple[Enterprise, list[EnterpriseChangeRequest]]:
    """What the edit page and ``PATCH /api/v1/enterprises/{uscc}/`` call. For an employer's own
    manager, status/cancellation/industry changes become change requests for the district and the
    other fields are written; for everybody else this is ``enterprise_update``."""
    if not access.own_enterprise_id(user):
        return enterprise_update(user=user, enterprise=enterprise, data=data), []
    requested = _requested_changes(enterprise, data)
    direct = {k: v for k, v in data.items() if k not in REQUESTED_FIELDS}
    if direct:
        enterprise = enterprise_update(user=user, enterprise=enterprise, data=direct)
    requests = [
        change_request_create(user=user, enterprise=enterprise, field=field, old=old, new=new, reason=reason)
        for field, (old, new) in requested.items()
    ]
    return enterprise, requests


@transaction.atomic
def change_request_create(
    *, user: User | None, enterprise: Enterprise, field: str, old: dict, new: dict, reason: str = ""
) -> EnterpriseChangeRequest:
    """Record an employer's request; the value is checked now (a 注销 needs its date). A second
    request for the same field while one is pending replaces the pending value."""
    if not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"region": OUT_OF_SCOPE})
    probe = Enterprise.objects.get(pk=enterprise.pk)
    for key, value in _request_data(field, new).items():
        setattr(probe, key, value)
    if probe.status == EnterpriseStatus.ACTIVE:
        probe.suspended_on = probe.cancelled_on = None
    probe.derive()
    probe.full_clean()
    pending = (
        EnterpriseChangeRequest.objects.select_for_update()
        .filter(enterprise=enterprise, field=field, status=ChangeRequestStatus.PENDING)
        .first()
    )
    request = pending or EnterpriseChangeRequest(enterprise=enterprise, field=field)
    request.old_value, request.new_value = old, new
    request.reason = (reason or "").strip()[:300]
    request.requested_by = user if getattr(user, "pk", None) else None
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def change_request_decide(
    *, user: User | None, change_request: EnterpriseChangeRequest, approve: bool, note: str = ""
) -> EnterpriseChangeRequest:
    """A regulator confirms (the register takes the requested value) or rejects a request."""
    if access.own_enterprise_id(user):
        raise PermissionDenied("变更申请由所在区县确认")
    request = EnterpriseChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if request.status != ChangeRequestStatus.PENDING:
        raise ValidationError("该变更申请已处理")
    enterprise = request.enterprise
    if approve:
        enterprise_update(
            user=user, enterprise=enterprise, data=_request_data(request.field, request.new_value)
        )
    request.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    request.decided_by = user if getattr(user, "pk", None) else None
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()[:300]
    request.save()
    return request
