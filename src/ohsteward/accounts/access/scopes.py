"""``scope_q``: the filter for a model's declared ``Scope`` and a user — the only code that
branches on jurisdiction kinds when reading."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from ohsteward.accounts.access.clients import client_enterprise_ids, serving_institution_ids
from ohsteward.accounts.access.jurisdiction import Jurisdiction, Kind, jurisdiction
from ohsteward.core.querysets import Scope

NOTHING = Q(pk__in=[])


def via_enterprise(j: Jurisdiction, path: str) -> Q:
    """Rows reaching an Enterprise through ``path`` ("" = Enterprise itself) inside ``j``."""
    prefix = f"{path}__" if path else ""
    own = "pk" if not path else f"{path}_id"
    if j.kind is Kind.CITY:
        return Q()
    if j.kind is Kind.ENTERPRISE:
        return Q(**{own: j.id})
    if j.kind is Kind.DISTRICT:
        return Q(**{f"{prefix}region_id": j.code})
    if j.kind is Kind.TOWN:
        return Q(**{f"{prefix}town_id": j.code})
    if j.kind is Kind.ZONE:
        return Q(**{f"{prefix}zone_id": j.code})
    if j.kind in {Kind.INSTITUTION, Kind.TEAM}:
        return Q(**{f"{own}__in": client_enterprise_ids(j)})
    return NOTHING


def scope_q(scope: Scope, user) -> Q:
    """The rows of a model declaring ``scope`` that ``user`` may see."""
    j = jurisdiction(user)
    if j.kind is Kind.CITY:
        return Q()
    if j.kind is Kind.NONE:
        return NOTHING
    if scope.regulators_only and j.kind in {Kind.ENTERPRISE, Kind.INSTITUTION, Kind.TEAM, Kind.PERSON}:
        if j.kind is Kind.INSTITUTION and scope.institution_sees_own and scope.institution:
            # only rows about itself — not a row about an employer that also names the institution
            own = Q(**{f"{scope.institution}_id": j.id})
            if scope.enterprise:
                own &= Q(**{f"{scope.enterprise}__isnull": True})
            return own
        return NOTHING
    if j.kind is Kind.PERSON:
        # a worker's own login: only rows declared to be about a person, and only their own —
        # never through an employer (the employer's other rows are not theirs), an uploader or
        # a related model
        if scope.person is None:
            return NOTHING
        return Q(**{f"{scope.person}_id" if scope.person else "pk": j.id})
    q = NOTHING
    if scope.enterprise is not None:
        if j.kind is Kind.DISTRICT and scope.enterprise_district:
            # the row's copy of its employer's district: no join (``Scope.enterprise_district``)
            q |= Q(**{scope.enterprise_district: j.code})
        else:
            q |= via_enterprise(j, scope.enterprise)
    if scope.district and j.kind is Kind.DISTRICT:
        for column in (scope.district,) if isinstance(scope.district, str) else scope.district:
            q |= Q(**{column: j.code})
    if scope.town and j.kind is Kind.TOWN:
        q |= Q(**{scope.town: j.code})
    if scope.zone and j.kind is Kind.ZONE:
        q |= Q(**{scope.zone: j.code})
    if scope.institution is not None and j.kind is Kind.INSTITUTION:
        # institution="" : the row is the institution itself
        q |= Q(**{f"{scope.institution}_id" if scope.institution else "pk": j.id})
    if scope.serving_area and j.kind in {Kind.DISTRICT, Kind.TOWN, Kind.ZONE}:
        # the row is (or is about) an out-of-province institution serving employers of the area
        column = f"{scope.institution}_id" if scope.institution else "pk"
        q |= Q(**{f"{column}__in": serving_institution_ids(j)})
    if scope.team and j.kind is Kind.TEAM:
        # team="pk": the row is the team itself (stewardship.StewardTeam)
        q |= Q(**{"pk" if scope.team == "pk" else f"{scope.team}_id": j.id})
    if scope.uploader and j.kind is not Kind.ENTERPRISE:
        q |= Q(**{scope.uploader: user})
    if scope.through:
        label, fk = scope.through
        related = apps.get_model(label)
        q |= Q(pk__in=related._default_manager.filter(related.scope_q(user)).values(fk))
    return q
