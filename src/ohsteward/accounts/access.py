"""THE scoping rules: who may do what (permissions per role) and where (jurisdiction).

Every read of protected data goes through ``Model.objects.for_user(user)``, which asks this
module for a ``Q``. The database stores role assignments (who has which role where), never
filter expressions. See docs/development/access-control.md.

Jurisdiction per role:
- city_admin: the whole city.
- district_admin, cdc_staff: the assigned region: a district (its employers), a town/street
  (employers in it), a functional zone (employers registered to the zone), or the city.
- institution_staff, steward_member: the assigned region for now. When the institutions and
  stewardship apps land, this becomes "the institution's / team's client employers" here, in
  this one place, and nowhere else.
- enterprise_manager: one enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from ohsteward.accounts.choices import Role

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Jurisdiction:
    everything: bool = False
    district: str | None = None
    town: str | None = None
    zone: str | None = None
    enterprise_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.everything or self.district or self.town or self.zone or self.enterprise_id)


def jurisdiction(user) -> Jurisdiction:
    """The region or enterprise ``user`` may see, computed from the role assignment (cached)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Jurisdiction()
    cached = getattr(user, "_ohs_jurisdiction", None)
    if cached is not None:
        return cached
    result = _compute(user)
    user._ohs_jurisdiction = result
    return result


def _compute(user) -> Jurisdiction:
    from ohsteward.accounts.models import RoleAssignment

    a = RoleAssignment.objects.select_related("region").filter(user=user).first()
    if a is None:
        return Jurisdiction(everything=bool(user.is_superuser))
    if a.role == Role.ENTERPRISE_MANAGER:
        return Jurisdiction(enterprise_id=a.enterprise_id)
    if a.role == Role.CITY_ADMIN:
        return Jurisdiction(everything=True)
    region = a.region
    if region is None:
        return Jurisdiction()
    level = region.level
    if level == "city":
        return Jurisdiction(everything=True)
    if level == "district":
        return Jurisdiction(district=region.code)
    if level == "town":
        return Jurisdiction(town=region.code)
    if level == "zone":
        return Jurisdiction(zone=region.code)
    return Jurisdiction()


def enterprise_q(user, path: str = "") -> Q:
    """Filter for any model that reaches Enterprise through ``path`` ("" = Enterprise itself)."""
    j = jurisdiction(user)
    if j.everything:
        return Q()
    prefix = f"{path}__" if path else ""
    if j.enterprise_id:
        return Q(**{f"{prefix}pk" if not path else f"{path}_id": j.enterprise_id})
    if j.district:
        return Q(**{f"{prefix}region_id": j.district})
    if j.town:
        return Q(**{f"{prefix}town_id": j.town})
    if j.zone:
        return Q(**{f"{prefix}zone_id": j.zone})
    return NOTHING


def region_q(user, field: str = "region_id") -> Q:
    """Filter for models that carry a district code directly (source rows, report rows …)."""
    j = jurisdiction(user)
    if j.everything:
        return Q()
    if j.district:
        return Q(**{field: j.district})
    return NOTHING


def audit_q(user) -> Q:
    """Audit entries: city admins see all; district admins their district or zone; nobody else."""
    role = getattr(user, "role", None)
    j = jurisdiction(user)
    if role not in {Role.CITY_ADMIN, Role.DISTRICT_ADMIN} and not getattr(user, "is_superuser", False):
        return NOTHING
    if j.everything:
        return Q()
    if j.district:
        return Q(district_code=j.district)
    if j.zone:
        return Q(zone_code=j.zone)
    if j.town:
        from ohsteward.registry.models import Enterprise

        return Q(enterprise_id__in=Enterprise.objects.filter(town_id=j.town).values("pk"))
    return NOTHING


def allowed_district_codes(user) -> set[str] | None:
    """District codes the user may write into (None = any). Used by imports and forms."""
    j = jurisdiction(user)
    if j.everything:
        return None
    if j.district:
        return {j.district}
    if j.zone:
        from ohsteward.registry.refdata import zone_towns

        return {town[:6] for town in zone_towns().get(j.zone, frozenset())}
    return set()


def can_write_enterprise(user, *, region_code: str | None, town_code: str | None = None,
                         zone_code: str | None = None, enterprise_id: int | None = None) -> bool:
    """Whether an employer located as given lies inside the user's jurisdiction."""
    j = jurisdiction(user)
    if j.everything:
        return True
    if j.enterprise_id:
        return enterprise_id is not None and enterprise_id == j.enterprise_id
    if j.district:
        return region_code == j.district
    if j.town:
        return town_code == j.town
    if j.zone:
        # a zone officer writes only employers located in the zone's towns (issue 6 item 4)
        from ohsteward.registry.refdata import zone_towns

        return zone_code == j.zone and town_code in zone_towns().get(j.zone, frozenset())
    return False


def get_for_user_or_404(queryset, user, **lookup):
    """The object matching ``lookup`` inside the user's scope; 404 when absent or out of scope."""
    obj = queryset.for_user(user).filter(**lookup).first()
    if obj is None:
        raise Http404("对象不存在或不在您的管辖范围内")
    return obj


# --------------------------------------------------------------------------------------------
# What each role may do: Django permissions through one Group per role.
# --------------------------------------------------------------------------------------------

_VIEW_REF = ["registry.view_region", "registry.view_industry", "hazards.view_hazardfactor",
             "hazards.view_exposurelimit", "hazards.view_occupationaldisease"]
_REGISTRY_WRITE = ["registry.view_enterprise", "registry.add_enterprise", "registry.change_enterprise",
                   "registry.view_workplace", "registry.add_workplace", "registry.change_workplace",
                   "registry.delete_workplace", "registry.view_post", "registry.add_post", "registry.change_post",
                   "registry.delete_post", "registry.view_postexposure", "registry.add_postexposure",
                   "registry.change_postexposure", "registry.delete_postexposure"]
# employers' status/industry change requests: regulators decide (issue 6 item 5)
_CHANGE_REQUESTS = ["registry.view_enterprisechangerequest", "registry.change_enterprisechangerequest"]
_REGISTRY_READ = ["registry.view_enterprise", "registry.view_workplace", "registry.view_post",
                  "registry.view_postexposure"]
_DECL_ALL = ["declarations.view_declaration", "declarations.add_declaration", "declarations.change_declaration",
             "declarations.view_hazardlistentry", "declarations.change_hazardlistentry",
             "intake.view_sourcebatch", "intake.add_sourcebatch",
             "intake.view_sourcerow", "intake.change_sourcerow",
             "declarations.view_guidancevisit", "declarations.add_guidancevisit",
             "declarations.view_spotcheck", "declarations.add_spotcheck", "declarations.change_spotcheck",
             "declarations.view_notice", "declarations.add_notice"]
_DECL_READ = ["declarations.view_declaration", "declarations.view_hazardlistentry"]
# 有奖举报 reasons are the informant's lead: regulators only (issue 6 item 3). Every page, filter,
# API field and export that shows list reasons asks ``can_see_tipoffs``; nothing else decides it.
TIPOFF_PERMISSION = "declarations.view_tipoff"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CITY_ADMIN: _VIEW_REF + _REGISTRY_WRITE + _CHANGE_REQUESTS + _DECL_ALL
    + [TIPOFF_PERMISSION, "core.view_auditlog", "accounts.view_user"],
    Role.DISTRICT_ADMIN: _VIEW_REF + _REGISTRY_WRITE + _CHANGE_REQUESTS + _DECL_ALL
    + [TIPOFF_PERMISSION, "core.view_auditlog"],
    Role.CDC_STAFF: _VIEW_REF + _REGISTRY_WRITE + _CHANGE_REQUESTS + _DECL_ALL + [TIPOFF_PERMISSION],
    Role.INSTITUTION_STAFF: _VIEW_REF + _REGISTRY_READ + _DECL_READ,
    Role.STEWARD_MEMBER: _VIEW_REF + _REGISTRY_READ + _DECL_READ + ["declarations.view_guidancevisit"],
    # an employer keeps its own record and posts up to date, but cannot register other employers
    Role.ENTERPRISE_MANAGER: _VIEW_REF + [p for p in _REGISTRY_WRITE if p != "registry.add_enterprise"]
    + ["registry.view_enterprisechangerequest"]
    + ["declarations.view_declaration", "declarations.add_declaration"],
}

ROLE_GROUP_PREFIX = "role:"


def sync_role_groups(**kwargs) -> None:
    """Create/refresh one Group per role with its permissions (runs after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    perms = {f"{p.content_type.app_label}.{p.codename}": p
             for p in Permission.objects.select_related("content_type")}
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUP_PREFIX + role)
        group.permissions.set([perms[c] for c in codes if c in perms])


def has_perm(user, perm: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm))


def can_see_tipoffs(user) -> bool:
    """Whether ``user`` may see that an employer is on the list because of a 有奖举报 (tip-off)."""
    return has_perm(user, TIPOFF_PERMISSION)
