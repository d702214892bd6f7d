"""Whose clients? The employers an institution or a steward team serves, as an id subquery.

What "in force" means (dates, suspension, renewal) belongs to the app that owns the contract
(``institutions``, ``stewardship``); this module only chooses which app to ask. It is the access
layer's one reach upward (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ohsteward.accounts.access.jurisdiction import Jurisdiction, Kind
from ohsteward.registry.models import Enterprise


def client_enterprise_ids(j: Jurisdiction, on: dt.date | None = None) -> QuerySet:
    """Enterprise ids (a ``values("enterprise_id")`` subquery) served by ``j``'s organisation."""
    on = on or timezone.localdate()
    if j.kind is Kind.INSTITUTION:
        # local: the access layer's one reach upward (ADR 0005 seam); institutions sits above accounts
        from ohsteward.institutions.models import Engagement

        return Engagement.objects.in_force(on).filter(institution_id=j.id).values("enterprise_id")
    if j.kind is Kind.TEAM:
        # local: the access layer's one reach upward (ADR 0005 seam); stewardship sits above accounts
        from ohsteward.stewardship.models import ServiceAgreement

        return ServiceAgreement.objects.in_force(on).filter(team_id=j.id).values("enterprise_id")

    return Enterprise.objects.none().values("pk")
