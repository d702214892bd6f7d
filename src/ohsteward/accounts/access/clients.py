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


def serving_institution_ids(j: Jurisdiction, on: dt.date | None = None) -> QuerySet:
    """Out-of-province institutions (an ``institution_id`` subquery) with an engagement in force at
    an employer inside ``j``'s district, town or zone: they have no district of their own, so the
    areas they work in supervise them (001 附件1 第12条; issue 9 item 7)."""
    on = on or timezone.localdate()
    area = {Kind.DISTRICT: "region_id", Kind.TOWN: "town_id", Kind.ZONE: "zone_id"}.get(j.kind)
    # local: the access layer's one reach upward (ADR 0005 seam); institutions sits above accounts
    from ohsteward.institutions.models import Engagement, Institution

    if area is None:
        return Engagement.objects.none().values("institution_id")
    return (
        Engagement.objects.in_force(on)
        .filter(
            enterprise__in=Enterprise.objects.filter(**{area: j.code}).values("pk"),
            institution__in=Institution.objects.out_of_province().values("pk"),
        )
        .values("institution_id")
    )
