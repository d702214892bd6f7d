"""Which areas a user may ask indicator figures for: the city all; a district officer its own
district and its towns. Anything else answers 404 (``Http404``), like an out-of-scope object."""

from __future__ import annotations

from django.http import Http404

from ohsteward.accounts import access
from ohsteward.indicators.queries import Area
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.stewardship.models import StewardTeam


def default_area(user) -> Area:
    """The city for city-wide users, the own district for a district officer, the own team for a
    steward team member."""
    if access.is_citywide(user):
        return Area("city")
    district = access.own_district_code(user)
    if district:
        return Area("district", district)
    team = access.own_team_id(user)
    if team is not None:
        return Area("team", str(team))
    raise Http404


def team_area(user, team_id: str) -> Area:
    """A steward team's area (its clients): for the team's own members, and for whoever sees the
    team (the city, the team's district); 404 otherwise. A member of another team may not ask."""
    if not team_id.isdigit():
        raise Http404
    own = access.own_team_id(user)
    if own is not None and own != int(team_id):
        raise Http404
    if not StewardTeam.objects.for_user(user).filter(pk=int(team_id)).exists():
        raise Http404
    return Area("team", team_id)


def requested_area(user, params) -> Area:
    """The area a request names: ``team=<id>`` (a steward team) or ``region=<code>``."""
    team = params.get("team")
    if team:
        return team_area(user, team)
    return area_for(user, params.get("region"))


def area_for(user, code: str | None) -> Area:
    """The area ``code`` names (empty: the user's default), or 404 when outside the user's reach."""
    if not code:
        return default_area(user)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    if region.level == RegionLevel.CITY:
        if not access.is_citywide(user):
            raise Http404
        return Area("city")
    if region.level == RegionLevel.DISTRICT and access.governs_district(user, region.code):
        return Area("district", region.code)
    if (
        region.level == RegionLevel.TOWN
        and region.parent_id
        and access.governs_district(user, region.parent_id)
    ):
        return Area("town", region.code)
    raise Http404


def child_areas(user, parent: Area, level: str) -> list[Area]:
    """The areas at ``level`` inside ``parent`` the user may see (districts of the city, towns
    of a district)."""
    if parent.level == "team":
        return []  # a team's clients are not split into areas
    if level == "district":
        if parent.level == "city":
            codes = (
                Region.objects.filter(level=RegionLevel.DISTRICT)
                .order_by("code")
                .values_list("code", flat=True)
            )
            return [Area("district", c) for c in codes if access.governs_district(user, c)]
        return [parent] if parent.level == "district" else []
    if level == "town":
        towns = Region.objects.filter(level=RegionLevel.TOWN).order_by("code")
        if parent.level == "district":
            towns = towns.filter(parent_id=parent.code)
        elif parent.level == "town":
            towns = towns.filter(code=parent.code)
        return [
            Area("town", c)
            for c, d in towns.values_list("code", "parent_id")
            if d and access.governs_district(user, d)
        ]
    if level == "city":
        return [Area("city")] if access.is_citywide(user) else []
    raise Http404


def names(areas: list[Area]) -> dict[str | None, str]:
    codes = [a.code for a in areas if a.code and a.level != "team"]
    out: dict[str | None, str] = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    teams = [int(a.code) for a in areas if a.level == "team" and a.code]
    if teams:
        out.update(
            {str(pk): name for pk, name in StewardTeam.objects.filter(pk__in=teams).values_list("pk", "name")}
        )
    out[None] = "全市"
    return out
