"""A user's jurisdiction: one of a fixed set of kinds, computed from their role assignment.

The kinds come from regulation (the city, a district, a town or street, a functional zone, one
employer, an institution's clients, a steward team's client employers, and one person — a worker
reading their own monitoring file, 职业病防治法 第36条), so the set is small and only
``accounts.access`` branches on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ohsteward.accounts.choices import Role


class Kind(StrEnum):
    NONE = "none"
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    ZONE = "zone"
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    TEAM = "team"
    PERSON = "person"


@dataclass(frozen=True)
class Jurisdiction:
    """Where a user may look: ``kind`` plus the region ``code`` or the object ``id`` it names."""

    kind: Kind = Kind.NONE
    code: str = ""
    id: int | None = None

    # Read-only views kept for callers that ask one question; only this package builds them.
    @property
    def everything(self) -> bool:
        return self.kind is Kind.CITY

    is_citywide = everything

    @property
    def district(self) -> str | None:
        return self.code if self.kind is Kind.DISTRICT else None

    @property
    def town(self) -> str | None:
        return self.code if self.kind is Kind.TOWN else None

    @property
    def zone(self) -> str | None:
        return self.code if self.kind is Kind.ZONE else None

    @property
    def enterprise_id(self) -> int | None:
        return self.id if self.kind is Kind.ENTERPRISE else None

    @property
    def institution_id(self) -> int | None:
        return self.id if self.kind is Kind.INSTITUTION else None

    @property
    def team_id(self) -> int | None:
        return self.id if self.kind is Kind.TEAM else None

    @property
    def person_id(self) -> int | None:
        return self.id if self.kind is Kind.PERSON else None

    @property
    def empty(self) -> bool:
        return self.kind is Kind.NONE

    @property
    def is_regional(self) -> bool:
        """A region below the city (district, town or zone)."""
        return self.kind in {Kind.DISTRICT, Kind.TOWN, Kind.ZONE}


NO_JURISDICTION = Jurisdiction()
CITY = Jurisdiction(Kind.CITY)

_REGION_KINDS = {"city": Kind.CITY, "district": Kind.DISTRICT, "town": Kind.TOWN, "zone": Kind.ZONE}


def jurisdiction(user) -> Jurisdiction:
    """The jurisdiction of ``user``, computed from the role assignment (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_JURISDICTION
    cached = getattr(user, "_ohs_jurisdiction", None)
    if cached is not None:
        return cached
    result = compute(user)
    user._ohs_jurisdiction = result
    return result


def compute(user) -> Jurisdiction:
    # accounts.models imports registry models; importing it at module level would make every
    # data module that asks for a jurisdiction import the account models first.
    from ohsteward.accounts.models import RoleAssignment

    a = RoleAssignment.objects.select_related("region").filter(user=user).first()
    if a is None:
        return CITY if user.is_superuser else NO_JURISDICTION
    if isinstance(user, RoleAssignment.user.field.related_model):
        # cached: ``user.role`` (the menu, permissions) would read it again
        RoleAssignment.user.field.remote_field.set_cached_value(user, a)
        RoleAssignment.user.field.set_cached_value(a, user)
    return of_assignment(a)


def of_assignment(a) -> Jurisdiction:
    """The jurisdiction one role assignment grants (pure apart from reading ``a.region``)."""
    if a.role == Role.ENTERPRISE_MANAGER:
        return Jurisdiction(Kind.ENTERPRISE, id=a.enterprise_id) if a.enterprise_id else NO_JURISDICTION
    if a.role == Role.WORKER:
        # the person (all their employments, at every employer), never a region
        person_id = getattr(a, "person_id", None)
        return Jurisdiction(Kind.PERSON, id=person_id) if person_id else NO_JURISDICTION
    if a.role == Role.CITY_ADMIN:
        return CITY
    if a.role == Role.INSTITUTION_STAFF and getattr(a, "institution_id", None):
        return Jurisdiction(Kind.INSTITUTION, id=a.institution_id)
    if a.role == Role.STEWARD_MEMBER and getattr(a, "team_id", None):
        return Jurisdiction(Kind.TEAM, id=a.team_id)
    region = a.region
    if region is None:
        return NO_JURISDICTION
    kind = _REGION_KINDS.get(region.level)
    if kind is None:
        return NO_JURISDICTION
    return CITY if kind is Kind.CITY else Jurisdiction(kind, code=region.code)
