"""The ranking of steward teams (管家服务团队排名) by their indicators: each team's area is the
employers it served in the period (``Area("team", id)``, as the team's own indicator page), its
figures computed live (teams are never published), ranked as the bulletin ranks districts
(``rules.standing_key``). A team member sees its own team's row only."""

from __future__ import annotations

from dataclasses import dataclass

from ohsteward.accounts import access
from ohsteward.indicators import figures, rules
from ohsteward.indicators.figures import Figure
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import Period
from ohsteward.stewardship.models import StewardTeam


@dataclass
class TeamRow:
    rank: int
    team: StewardTeam
    figures: list[Figure]
    met: int
    missed: int

    @property
    def unknown(self) -> int:
        return len(self.figures) - self.met - self.missed


def visible_teams(user, district: str | None = None):
    """The teams whose row the user may see: the scoped teams (the city all, a district its own),
    a team member its own team only; ``district`` narrows to one district's teams."""
    teams = StewardTeam.objects.for_user(user).select_related("district").order_by("name", "pk")
    own = access.own_team_id(user)
    if own is not None:
        teams = teams.filter(pk=own)
    if district:
        teams = teams.filter(district_id=district)
    return teams


def team_ranking(user, teams, period: Period) -> list[TeamRow]:
    """Every team's employer indicators for the period, ranked (more met, fewer missed, name)."""
    teams = list(teams)
    areas = [Area("team", str(team.pk)) for team in teams]
    columns = [
        figures.compute_many(indicator, user, areas, period)  # all teams at once per indicator
        for indicator in figures.library()
        if figures.applies_to(indicator, Area("team"))
    ]
    rows = []
    for i, team in enumerate(teams):
        figs = [column[i] for column in columns]
        rows.append((team, figs, sum(f.met is True for f in figs), sum(f.met is False for f in figs)))
    rows.sort(key=lambda r: (rules.standing_key(r[0].name, r[2], r[3]), r[0].pk))
    return [TeamRow(n, team, figs, met, missed) for n, (team, figs, met, missed) in enumerate(rows, start=1)]
