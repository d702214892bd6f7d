"""Factories for registry models. Regions and industries come from the loaded reference data."""

from __future__ import annotations

import factory

from ohsteward.registry import rules
from ohsteward.registry.models import Enterprise, Industry, Region, Workplace

_counter = iter(range(10**9))


def make_uscc(region_code: str = "500112", serial: int | None = None) -> str:
    """A valid credit code (GB 32100) for a company registered in ``region_code``."""
    n = next(_counter) if serial is None else serial
    body = f"91{region_code}" + f"{n:08d}"[-8:] + "X"
    body = body.replace("X", rules.USCC_CHARSET[n % 31])
    return rules.uscc_with_check(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyAttribute(lambda o: make_uscc(o.region.code))
    name = factory.Sequence(lambda n: f"重庆测试{n}机械制造有限公司")
    region = factory.LazyFunction(lambda: Region.objects.get(code="500112"))
    town = None
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="3311"))
    employees = 50
    exposed_workers = 10
    revenue = 1000
    total_assets = 800

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.derive()
        obj.save()
        return obj


class WorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplace

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"车间{n}")
