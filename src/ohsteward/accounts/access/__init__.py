"""THE scoping rules: who may do what (permissions per role) and where (jurisdiction).

Every read of protected data goes through ``Model.objects.for_user(user)``, which asks this
module for a ``Q``. The database stores role assignments (who has which role where), never
filter expressions. See docs/development/access-control.md.

Jurisdiction per role (``jurisdiction.py``; kinds are interpreted in ``scopes.py`` only):
- city_admin: the whole city.
- district_admin, cdc_staff: the assigned region: a district (its employers), a town/street
  (employers in it), a functional zone (employers registered to the zone), or the city.
- institution_staff: the institution's client employers (``clients.py`` asks the institutions
  app which engagements are in force) when the assignment names an institution; otherwise the
  assigned region.
- steward_member: the team's client employers (agreements in force, stewardship app) when the
  assignment names a team; otherwise the assigned region.
- enterprise_manager: one enterprise.
- worker: one person (``RoleAssignment.person``): their own employments, exams, cases and dose
  records at every employer they worked for, and nothing reached only through an employer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from ohsteward.accounts.access.clients import client_enterprise_ids
from ohsteward.accounts.access.jurisdiction import CITY as CITY_WIDE
from ohsteward.accounts.access.jurisdiction import Jurisdiction, Kind, jurisdiction
from ohsteward.accounts.access.permissions import TIPOFF_PERMISSION, WORKER_LOGIN_PERMISSION
from ohsteward.accounts.access.scopes import NOTHING, scope_q, via_enterprise
from ohsteward.accounts.choices import Role
from ohsteward.accounts.models import RoleAssignment
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.refdata import zone_towns

__all__ = [
    "CITY_WIDE",
    "CityWideActor",
    "NOTHING",
    "Jurisdiction",
    "Kind",
    "OutOfScope",
    "client_enterprise_ids",
    "enterprise_q",
    "forget_jurisdiction",
    "area_breakdown_field",
    "get_for_user_or_404",
    "governs_district",
    "is_citywide",
    "jurisdiction",
    "jurisdiction_label",
    "own_district_code",
    "own_enterprise_id",
    "own_institution_id",
    "own_person_id",
    "person_login",
    "can_open_worker_login",
    "require_citywide",
    "require_in_scope",
    "require_own_team",
    "scope_q",
    "sees_everything",
    "selectable_towns",
    "selectable_zones",
    "writable_districts",
]


def enterprise_q(user, path: str = "") -> Q:
    """Filter for any model that reaches Enterprise through ``path`` ("" = Enterprise itself)."""
    return via_enterprise(jurisdiction(user), path)


def region_q(user, field: str = "region_id") -> Q:
    """Filter for models that carry a district code directly (source rows, report rows …)."""
    return location_q(user, district=field)


def location_q(user, *, district: str | None = None, town: str | None = None, zone: str | None = None) -> Q:
    """Filter for models that carry a location directly (district, town and zone codes under the
    given field names, any of them left out): a district officer matches ``district``, a town
    officer ``town``, a zone officer ``zone``; city-wide users everything, others nothing."""
    j = jurisdiction(user)
    if j.everything:
        return Q()
    if j.district and district:
        return Q(**{district: j.district})
    if j.town and town:
        return Q(**{town: j.town})
    if j.zone and zone:
        return Q(**{zone: j.zone})
    return NOTHING


@dataclass(frozen=True)
class Location:
    """Where a record is: district, town and zone codes (any may be None)."""

    district: str | None = None
    town: str | None = None
    zone: str | None = None


def home_location(user) -> Location | None:
    """Where records that a user enters without a location belong (None: the user must say).

    A district officer's records are in the district; a town officer's in the town (and its
    district); a zone officer's in the zone. City-wide users and others have no default.
    """
    j = jurisdiction(user)
    if j.everything or j.enterprise_id:
        return None
    if j.district:
        return Location(district=j.district)
    if j.town:
        parent = Region.objects.filter(code=j.town).values_list("parent_id", flat=True).first()
        return Location(district=parent, town=j.town)
    if j.zone:
        return Location(zone=j.zone)
    return None


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
        return Q(enterprise_id__in=Enterprise.objects.filter(town_id=j.town).values("pk"))
    return NOTHING


def user_q(viewer) -> Q:
    """Users a viewer may see and manage: city admins all; district admins the users whose role
    assignment lies inside their district (or town/zone); nobody else.

    "Inside" means the assigned region is the district itself or one of its towns, or the assigned
    employer is registered in the district (town / zone for officials assigned there). A user
    without an assignment is visible to city admins only.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return NOTHING
    if getattr(viewer, "is_superuser", False) and viewer.role is None:
        return Q()
    role = viewer.role
    if role == Role.CITY_ADMIN:
        return Q()
    if role != Role.DISTRICT_ADMIN:
        return NOTHING
    j = jurisdiction(viewer)
    a = "role_assignment__"
    if j.district:
        return (
            Q(**{f"{a}region_id": j.district})
            | Q(**{f"{a}region__parent_id": j.district})
            | Q(**{f"{a}enterprise__region_id": j.district})
        )
    if j.town:
        return Q(**{f"{a}region_id": j.town}) | Q(**{f"{a}enterprise__town_id": j.town})
    if j.zone:
        return Q(**{f"{a}region_id": j.zone}) | Q(**{f"{a}enterprise__zone_id": j.zone})
    return NOTHING


def grantable_roles(viewer) -> list[str]:
    """Roles a viewer may give: city admins any; district admins the roles within a district (never city_admin)."""
    # a worker's own login is opened from the worker's page (it names the person), never here
    roles = [r for r in Role.values if r != Role.WORKER]
    if viewer.role == Role.CITY_ADMIN or (viewer.is_superuser and viewer.role is None):
        return roles
    if viewer.role == Role.DISTRICT_ADMIN:
        return [r for r in roles if r != Role.CITY_ADMIN]
    return []


def grantable_region_q(viewer) -> Q:
    """Regions a viewer may assign to a new user: city admins any; district admins their own area."""
    if not grantable_roles(viewer):
        return NOTHING
    j = jurisdiction(viewer)
    if j.everything:
        return Q()
    if j.district:
        return Q(code=j.district) | Q(parent_id=j.district, level="town")
    code = j.town or j.zone
    return Q(code=code) if code else NOTHING


def allowed_district_codes(user) -> set[str] | None:
    """District codes the user may write into (None = any). Used by imports and forms."""
    j = jurisdiction(user)
    if j.everything:
        return None
    if j.district:
        return {j.district}
    if j.zone:
        return {town[:6] for town in zone_towns().get(j.zone, frozenset())}
    return set()


def writable_districts(user):
    """The districts (``Region`` rows, by code) a user may write into and pick in forms, import
    templates and district filters: all for city-wide users and the system (``None``); for a zone
    officer the districts its towns lie in (issue 6 item 4); the own district for district and
    town officers; the employer's for a manager; none otherwise."""
    districts = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
    if user is None:
        return districts
    j = jurisdiction(user)
    if j.everything:
        return districts
    if j.zone:
        return districts.filter(code__in={t[:6] for t in zone_towns().get(j.zone, frozenset())})
    if j.district:
        return districts.filter(code=j.district)
    if j.town:
        return districts.filter(code__in=Region.objects.filter(code=j.town).values("parent_id"))
    if j.enterprise_id:
        return districts.filter(code__in=Enterprise.objects.filter(pk=j.enterprise_id).values("region_id"))
    return districts.none()


def can_write_enterprise(
    user,
    *,
    region_code: str | None,
    town_code: str | None = None,
    zone_code: str | None = None,
    enterprise_id: int | None = None,
) -> bool:
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

        return zone_code == j.zone and town_code in zone_towns().get(j.zone, frozenset())
    return False


def get_for_user_or_404(queryset, user, **lookup):
    """The object matching ``lookup`` inside the user's scope; 404 when absent or out of scope."""
    obj = queryset.for_user(user).filter(**lookup).first()
    if obj is None:
        raise Http404("对象不存在或不在您的管辖范围内")
    return obj


class OutOfScope(PermissionDenied):
    """A write touches something outside the user's jurisdiction (one exception, one message)."""

    default_message = "该对象不在您的管辖范围内"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


def in_scope(user, obj) -> bool:
    """Whether ``obj`` (a saved instance of a scoped model) lies inside the user's jurisdiction."""
    model = type(obj)
    return model._default_manager.filter(model.scope_q(user), pk=obj.pk).exists()


def require_in_scope(user, obj, message: str | None = None) -> None:
    """Raise ``OutOfScope`` unless ``obj`` is inside the user's jurisdiction.

    ``user=None`` is the system itself (CLI, jobs, demo): always allowed. Actions call this before
    writing and the base views call it again after the action, inside the transaction.
    """
    if user is None:
        return
    if not in_scope(user, obj):
        raise OutOfScope(message)


def is_citywide(user) -> bool:
    """Whether ``user`` works city-wide, where ``None`` is the system: ``sees_everything`` for a
    user, True for None. Actions and queries that accept ``user=None`` (commands, jobs) ask this."""
    return user is None or jurisdiction(user).everything


def require_citywide(user, message: str) -> None:
    """Raise ``PermissionDenied(message)`` unless ``user`` works city-wide (None = the system)."""
    if not is_citywide(user):
        raise PermissionDenied(message)


# --------------------------------------------------------------------------------------------
# What each role may do: Django permissions through one Group per role.
# --------------------------------------------------------------------------------------------


def has_perm(user, perm: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm))


def can_see_tipoffs(user) -> bool:
    """Whether ``user`` may see that an employer is on the list because of a 有奖举报 (tip-off).

    有奖举报 reasons are the informant's lead: regulators only (issue 6 item 3). Every page, filter,
    API field and export that shows list reasons asks this; nothing else decides it.
    """
    return has_perm(user, TIPOFF_PERMISSION)


# --- small questions about where a user works, so that no caller reads the jurisdiction itself ---


def own_enterprise_id(user) -> int | None:
    """The employer an enterprise manager acts for; None for everyone else and for the system."""
    return jurisdiction(user).enterprise_id


def own_institution_id(user) -> int | None:
    """The institution an institution-staff user works for; None for everyone else and the system."""
    return jurisdiction(user).institution_id


def own_person_id(user) -> int | None:
    """The person (``surveillance.Person`` id) a worker's own login is bound to; None for everyone
    else and for the system. The worker's pages ask this, never the assignment."""
    return jurisdiction(user).person_id


def person_login(person_id: int | None):
    """The own login (a ``User`` of role ``worker``) bound to the person ``person_id``; None when
    the person has none. One per person (``RoleAssignment`` constraint), whichever employer opened it."""
    if person_id is None:
        return None
    a = RoleAssignment.objects.select_related("user").filter(person_id=person_id).first()
    return a.user if a is not None else None


def can_open_worker_login(user, worker) -> bool:
    """Whether ``user`` may open (开通) or stop the own login of ``worker`` (a saved
    ``surveillance.Worker``): the permission, and the employment inside the user's jurisdiction
    (an employer's manager its own workers, a district its employers' workers, the city all)."""
    return has_perm(user, WORKER_LOGIN_PERMISSION) and in_scope(user, worker)


def own_team_id(user) -> int | None:
    """The steward team a team member works for; None for everyone else and the system. A team
    sees its clients' rows, other teams' agreements with them included, but acts for itself."""
    return jurisdiction(user).team_id


def require_own_team(user, team_id: int | None) -> None:
    """Raise ``OutOfScope`` when a team member writes a row of another team (``team_id``); every
    other user (and the system) passes: their writes are checked by scope alone."""
    own = own_team_id(user)
    if own is not None and own != team_id:
        raise OutOfScope()


def sees_everything(user) -> bool:
    """Whether the user's jurisdiction is the whole city (``None``, anonymous: no; callers that
    treat ``user=None`` as the system say so themselves)."""
    return jurisdiction(user).everything


def own_district_code(user) -> str | None:
    """The district of a district-level officer (not a town or zone officer); None otherwise."""
    return jurisdiction(user).district


def governs_district(user, district_code: str) -> bool:
    """Whether the user administers ``district_code`` as a whole: city-wide users, and the
    officers of that district (a town or zone officer governs only a part of it)."""
    j = jurisdiction(user)
    return j.everything or j.district == district_code


def selectable_towns(user, towns):
    """Of ``towns`` (a ``Region`` queryset of towns/streets), those the user may pick: the own
    town, the zone's towns, all for city-wide users, else those in the districts it may write."""
    j = jurisdiction(user)
    if j.town:
        return towns.filter(code=j.town)
    if j.zone:
        return towns.filter(code__in=zone_towns().get(j.zone, frozenset()))
    if j.everything:
        return towns
    return towns.filter(parent__in=writable_districts(user))


def selectable_zones(user):
    """Functional zones a user may pick: their own zone for zone officers, the zones that contain
    a town of their district (or their town) for district and town officers, none for an employer.
    Which zone an employer may have also depends on its town (``Enterprise.clean``)."""
    j = jurisdiction(user)
    zones = Region.objects.filter(level=RegionLevel.ZONE).order_by("code")
    if j.zone:
        return zones.filter(code=j.zone)
    if j.enterprise_id or j.empty or j.kind is Kind.PERSON:
        return zones.none()
    if j.everything:
        return zones
    area = j.district or j.town or ""
    return zones.filter(
        code__in=[z for z, towns in zone_towns().items() if any(t.startswith(area) for t in towns)]
    )


def area_breakdown_field(user) -> str | None:
    """The Enterprise field that splits the user's area into parts for a chart: districts
    (``region_id``) city-wide and for a zone, towns (``town_id``) within a district; None when the
    area has no parts to show (a town, one employer, nothing)."""
    j = jurisdiction(user)
    if j.enterprise_id or j.empty or j.town or j.kind is Kind.PERSON:
        return None
    return "region_id" if (j.everything or j.zone) else "town_id"


def jurisdiction_label(user, own_name: str | None = None) -> str:
    """Plain words for where a user works: 全市, 渝北区, 渝北区龙溪街道, 两江新区, the institution's
    or the steward team's name, or the employer's name (``own_name`` when the caller already has it, else looked up)."""
    j = jurisdiction(user)
    if j.everything:
        return "全市"
    if j.enterprise_id:
        if own_name is None:
            own_name = Enterprise.objects.filter(pk=j.enterprise_id).values_list("name", flat=True).first()
        return own_name or "—"
    if j.kind in (Kind.INSTITUTION, Kind.TEAM):
        # the organisation named on the user's role assignment (its clients are the jurisdiction)
        field = "institution__name" if j.kind is Kind.INSTITUTION else "team__name"
        name = RoleAssignment.objects.filter(user_id=user.pk).values_list(field, flat=True).first()
        return name or "—"
    if j.kind is Kind.PERSON:
        return "本人"
    code = j.district or j.town or j.zone
    if code:
        region = Region.objects.select_related("parent").filter(code=code).first()
        if region is None:
            return code
        if j.town and region.parent is not None:
            return f"{region.parent.name}{region.name}"
        return region.name
    return "未分配辖区"


class CityWideActor:
    """Acts for the whole city where a command needs a user (reports read ``for_user``): the CLI
    runs on the server, like the city CDC. Not a database user (``pk`` None: nothing is attributed
    to it)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __init__(self) -> None:
        self._ohs_jurisdiction = CITY_WIDE  # the cache jurisdiction() reads


def forget_jurisdiction(user) -> None:
    """Drop the jurisdiction cached on ``user`` (after its role assignment changed)."""
    user.__dict__.pop("_ohs_jurisdiction", None)
