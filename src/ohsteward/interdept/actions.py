"""Writes of the other departments' lists: one upsert per list, keyed by the employer and the
row's natural key. Each checks the permission and the employer's scope, calls ``full_clean`` and
saves (audited by ``core.audit``), inside a transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ohsteward.accounts import access
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.registry.models import Enterprise

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _upsert(model, *, user, enterprise: Enterprise, key: dict[str, Any], values: dict[str, Any]):
    perm = f"interdept.add_{model._meta.model_name}"
    if user is not None and not access.has_perm(user, perm):
        raise PermissionDenied("您无权登记该名单")
    access.require_in_scope(user, enterprise, "该用人单位不在您的管辖范围内")
    obj = model.objects.filter(enterprise=enterprise, **key).first()
    if obj is None:
        obj, outcome = model(enterprise=enterprise, **key, **values), CREATED
    elif all(getattr(obj, k) == v for k, v in values.items()):
        return obj, UNCHANGED
    else:
        outcome = UPDATED
        for k, v in values.items():
            setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    return obj, outcome


@transaction.atomic
def insurance_record_save(
    *,
    user,
    enterprise: Enterprise,
    as_of: dt.date,
    insured: int,
    employees: int | None = None,
    source: str = "",
    source_date: dt.date | None = None,
) -> tuple[InsuranceRecord, str]:
    """Record an employer's 工伤保险 insured headcount on ``as_of`` (the same date again updates it)."""
    return _upsert(
        InsuranceRecord, user=user, enterprise=enterprise, key={"as_of": as_of},
        values={"insured": insured, "employees": employees, "source": source, "source_date": source_date},
    )  # fmt: skip


@transaction.atomic
def healthy_enterprise_save(
    *,
    user,
    enterprise: Enterprise,
    level: str,
    year: int,
    document_number: str = "",
    source: str = "",
    source_date: dt.date | None = None,
) -> tuple[HealthyEnterprise, str]:
    """Record a 健康企业 naming (one per employer, level and year)."""
    return _upsert(
        HealthyEnterprise, user=user, enterprise=enterprise, key={"level": level, "year": year},
        values={"document_number": document_number, "source": source, "source_date": source_date},
    )  # fmt: skip


@transaction.atomic
def person_award_save(
    *,
    user,
    enterprise: Enterprise,
    person_name: str,
    kind: str,
    year: int,
    level: str = "",
    document_number: str = "",
    source: str = "",
    source_date: dt.date | None = None,
) -> tuple[PersonAward, str]:
    """Record a 职业健康达人 / 安康之星 (one per employer, person, kind and year)."""
    return _upsert(
        PersonAward, user=user, enterprise=enterprise,
        key={"person_name": person_name, "kind": kind, "year": year},
        values={"level": level, "document_number": document_number, "source": source, "source_date": source_date},
    )  # fmt: skip
