"""Builders for stewardship tests: a complete team, an agreement signed through the action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ohsteward.registry.models import Region
from ohsteward.stewardship import actions, rules
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam

YUBEI = "500112"


def make_team(
    name: str = "渝北区第一管家团队",
    district: str = YUBEI,
    *,
    skip: tuple[str, ...] = (),
    valid_until: dt.date | None = None,
) -> StewardTeam:
    """A team with one member per 五师两员 kind except ``skip`` (by code)."""
    members = [
        {
            "name": f"{label}甲",
            "qualification": code,
            "certificate_no": f"C-{code}",
            "valid_until": valid_until,
        }
        for code, label in rules.REQUIRED_QUALIFICATIONS
        if code not in skip
    ]
    return actions.team_create(
        user=None,
        data={"name": name, "district": Region.objects.get(code=district)},
        members=members,
    )


def sign_agreement(
    team: StewardTeam,
    enterprise,
    start: dt.date,
    end: dt.date | None = None,
    contents: dict[str, int] | None = None,
    user=None,
) -> ServiceAgreement:
    return actions.agreement_create(
        user=user,
        team=team,
        enterprise=enterprise,
        start_date=start,
        end_date=end,
        contents=contents or {"detection": 2, "training": 2},
        fee=Decimal("20000"),
        funding={"enterprise": Decimal("15000"), "government_purchase": Decimal("5000")},
        sign=True,
        signed_on=start,
    )
