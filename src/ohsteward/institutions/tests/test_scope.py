"""Scope of engagements (generated: ohsteward.accounts.tests.scope): an engagement is seen through
its employer and by its own institution — the institution jurisdiction kind."""

from __future__ import annotations

import datetime as dt

from ohsteward.accounts.tests.scope import ALL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.institutions.models import Engagement, Institution

LAST_YEAR = dt.date.today() - dt.timedelta(days=365)


def _other_institutions_engagement(world, employer) -> Engagement:
    other, _ = Institution.objects.get_or_create(uscc="91500000MA5U0SC02X", defaults={"name": "另一检测机构"})
    return Engagement.objects.create(institution=other, enterprise=employer, start_date=world.today)


def _own_ended_engagement(world, employer) -> Engagement:
    """An engagement of lab's own institution that has ended: the employer is no longer a client,
    but the institution still sees its own record."""
    return Engagement.objects.create(
        institution=world.institution,
        enterprise=employer,
        start_date=LAST_YEAR,
        end_date=LAST_YEAR + dt.timedelta(days=30),
    )


class TestInstitutionsScope(ScopeSuite):
    cases = [
        # another institution's engagement: lab sees it only for its own client (wanzhou)
        ScopeCase(Engagement, make=_other_institutions_engagement),
        ScopeCase(
            Engagement, name="Engagement-own", make=_own_ended_engagement, visible={**VISIBLE, "lab": ALL}
        ),
    ]
