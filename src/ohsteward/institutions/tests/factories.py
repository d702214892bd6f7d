"""Factories and fixtures of the institutions tests."""

from __future__ import annotations

import datetime as dt

import factory
import pytest

from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.models import Region
from ohsteward.registry.tests.factories import make_uscc

TODAY = dt.date(2026, 6, 1)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    uscc = factory.LazyFunction(lambda: make_uscc("500112"))
    name = factory.Sequence(lambda n: f"重庆测试{n}职业卫生技术服务有限公司")
    kinds = factory.LazyFunction(lambda: ["hygiene_service"])
    province = "重庆市"
    region = factory.LazyFunction(lambda: Region.objects.get(code="500112"))


def uscc(serial: int) -> str:
    return make_uscc("500112", serial=serial)


@pytest.fixture
def two_institutions(cast, enterprises):
    """渝北's institution A serves the 渝北 employer; B (万州) serves the 万州 employer. The cast's
    institution user works for A."""
    from ohsteward.accounts.actions import role_assign

    a = InstitutionFactory(name="重庆甲职业卫生技术服务有限公司", region=Region.objects.get(code="500112"))
    b = InstitutionFactory(
        name="重庆乙职业健康检查中心", kinds=["exam"], region=Region.objects.get(code="500101")
    )
    Engagement.objects.create(institution=a, enterprise=enterprises["yubei"], start_date=dt.date(2020, 1, 1))
    Engagement.objects.create(
        institution=b, enterprise=enterprises["wanzhou"], start_date=dt.date(2020, 1, 1)
    )
    role_assign(user=cast["institution"], role="institution_staff", institution=a)
    user = cast["institution"]
    if hasattr(user, "_ohs_jurisdiction"):
        del user._ohs_jurisdiction
    return {"a": a, "b": b}
