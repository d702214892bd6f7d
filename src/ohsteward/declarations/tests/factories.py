"""Factories for the declarations app."""

from __future__ import annotations

import datetime as dt

import factory

from ohsteward.declarations.choices import DeclarationChannel, DeclarationKind
from ohsteward.declarations.models import Declaration, DeclarationHazard, HazardList, HazardListEntry
from ohsteward.registry.tests.factories import EnterpriseFactory


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    enterprise = factory.SubFactory(EnterpriseFactory)
    receipt_no = factory.Sequence(lambda n: f"TEST-{n:06d}")
    kind = DeclarationKind.INITIAL
    channel = DeclarationChannel.ONLINE
    declared_on = dt.date(2026, 3, 1)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    employees = 50
    exposed_total = 10


class DeclarationHazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclarationHazard

    declaration = factory.SubFactory(DeclarationFactory)
    hazard_name = "噪声"
    exposed_count = 5


class HazardListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardList
        django_get_or_create = ("year",)

    year = 2026


class HazardListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardListEntry

    hazard_list = factory.SubFactory(HazardListFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    reasons = factory.LazyFunction(lambda: ["industry_serious"])
