"""Scope of service agreements (generated: ohsteward.accounts.tests.scope): an agreement is seen
through its employer and by its own team — the team jurisdiction kind."""

from __future__ import annotations

import datetime as dt

from ohsteward.accounts.tests.scope import ALL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.registry.models import Region
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam

LAST_YEAR = dt.date.today() - dt.timedelta(days=365)


def _other_teams_agreement(world, employer) -> ServiceAgreement:
    other, _ = StewardTeam.objects.get_or_create(
        name="另一管家团队", district=Region.objects.get(code="500101")
    )
    return ServiceAgreement.objects.create(team=other, enterprise=employer, start_date=world.today)


def _own_ended_agreement(world, employer) -> ServiceAgreement:
    """An agreement of team's own team that has ended: no longer a client, still its own record."""
    return ServiceAgreement.objects.create(
        team=world.team, enterprise=employer, start_date=LAST_YEAR, end_date=LAST_YEAR + dt.timedelta(days=30)
    )


class TestStewardshipScope(ScopeSuite):
    cases = [
        # another team's agreement: team sees it only for its own client (yubei2)
        ScopeCase(ServiceAgreement, make=_other_teams_agreement),
        ScopeCase(
            ServiceAgreement,
            name="ServiceAgreement-own",
            make=_own_ended_agreement,
            visible={**VISIBLE, "team": ALL},
        ),
    ]
