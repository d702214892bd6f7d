"""Fixtures of the stewardship tests: the cast's steward member assigned to a 渝北 team that
serves the 渝北 employer ``yubei`` (``yubei2`` and 万州 are not its clients)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.accounts.actions import role_assign
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

TODAY = timezone.localdate()


@pytest.fixture
def team(cast, enterprises):
    t = make_team()
    role_assign(user=cast["steward"], role="steward_member", team=t)
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    return t


@pytest.fixture
def agreement(team, enterprises):
    """In force today: started 100 days ago, one year."""
    return sign_agreement(team, enterprises["yubei"], TODAY - dt.timedelta(days=100))


@pytest.fixture
def small(enterprises):
    """SME assistance: the cast's employers as small enterprises (the cast has no size data)."""
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises.values()]).update(size_class="small")
    return {k: Enterprise.objects.get(pk=e.pk) for k, e in enterprises.items()}


@pytest.fixture
def plan(cast):
    """SME assistance: the 渝北 plan for 2025 (target 20)."""
    return assistance_actions.plan_create(user=None, district=Region.objects.get(code="500112"), year=2025)
