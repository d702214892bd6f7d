"""``declaration_import``: the interface the intake app calls for national-system exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ohsteward.declarations import actions
from ohsteward.declarations.choices import DeclarationChannel
from ohsteward.declarations.models import Declaration
from ohsteward.hazards.models import HazardFactor

pytestmark = pytest.mark.django_db


def _import(enterprise, user=None, receipt="GJ-2026-0001", **kw):
    noise = HazardFactor.objects.filter(name="噪声").first()
    args = dict(
        user=user,
        enterprise=enterprise,
        receipt_no=receipt,
        kind="初次申报",
        declared_on=dt.date(2026, 3, 2),
        employees=80,
        exposed_total=30,
        hazards=[(noise, "噪声", 30), (None, "某未知粉尘", None)],
        principal="张三",
        hygiene_manager="李四",
    )
    args.update(kw)
    return actions.declaration_import(**args)


def test_import_creates_declaration_with_hazards(enterprises):
    d = _import(enterprises["yubei"])
    assert d.channel == DeclarationChannel.IMPORTED
    assert d.kind == "initial"
    assert [h.hazard_name for h in d.hazards.order_by("id")] == ["噪声", "某未知粉尘"]
    assert d.hazards.order_by("id").first().hazard_factor is not None


def test_import_is_idempotent_by_receipt(enterprises):
    first = _import(enterprises["yubei"])
    again = _import(enterprises["yubei"], employees=999)
    assert again.pk == first.pk
    assert Declaration.objects.count() == 1
    assert again.employees == 80


def test_import_rejects_unknown_kind_and_bad_counts(enterprises):
    with pytest.raises(ValidationError):
        _import(enterprises["yubei"], kind="随便")
    with pytest.raises(ValidationError):
        _import(enterprises["yubei"], receipt="X2", employees=5, exposed_total=30)
    with pytest.raises(ValidationError, match="申报日期不能为空"):
        _import(enterprises["yubei"], receipt="X3", declared_on=None)


def test_import_checks_scope(cast, enterprises):

    with pytest.raises(PermissionDenied):
        _import(enterprises["wanzhou"], user=cast["yubei"])
    assert _import(enterprises["yubei"], user=cast["yubei"]).pk
