"""Fixtures of the SME assistance tests: a 渝北 plan, small employers, the cast's 渝北 team."""

from __future__ import annotations

import pytest

from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship.assistance import actions
from ohsteward.stewardship.tests.conftest import team  # noqa: F401 (the fixture)


@pytest.fixture
def small(enterprises):
    """The cast's employers as small enterprises (the cast has no size data)."""
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises.values()]).update(size_class="small")
    return {k: Enterprise.objects.get(pk=e.pk) for k, e in enterprises.items()}


@pytest.fixture
def plan(cast):
    return actions.plan_create(user=None, district=Region.objects.get(code="500112"), year=2025)
