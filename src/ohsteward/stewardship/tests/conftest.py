"""Fixtures of the stewardship tests: the cast's steward member assigned to a 渝北 team that
serves the 渝北 employer ``yubei`` (``yubei2`` and 万州 are not its clients)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.accounts.actions import role_assign
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

TODAY = dt.date.today()


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
