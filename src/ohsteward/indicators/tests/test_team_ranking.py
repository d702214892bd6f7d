"""The ranking of steward teams by their indicators: order, lights, export and scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ohsteward.accounts.actions import role_assign
from ohsteward.indicators import teams
from ohsteward.indicators.rules import parse_period, standing_key
from ohsteward.stewardship.models import StewardTeam
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


@pytest.fixture
def three_teams(world, enterprises):
    first = StewardTeam.objects.get()  # the world's 渝北 team, serving the declared 渝北 employer
    second = make_team("渝北区第二管家团队")  # serves the undeclared 渝北 employer
    sign_agreement(second, enterprises["yubei2"], dt.date(2025, 1, 1))
    wanzhou = make_team("万州区管家团队", district="500101")
    sign_agreement(wanzhou, enterprises["wanzhou"], dt.date(2025, 1, 1))
    return {"first": first, "second": second, "wanzhou": wanzhou}


def test_standing_puts_more_met_first_then_fewer_missed_then_the_name():
    rows = [("b", 3, 1), ("a", 3, 1), ("c", 3, 0), ("d", 5, 9)]  # names by code point
    assert [r[0] for r in sorted(rows, key=lambda r: standing_key(*r))] == ["d", "c", "a", "b"]


def test_the_teams_are_ranked_by_targets_met_from_their_own_clients_figures(world, three_teams):
    ranked = teams.team_ranking(world["city"], teams.visible_teams(world["city"]), Y2025)
    assert {r.team for r in ranked} == set(three_teams.values())
    counts = [(r.met, r.missed) for r in ranked]
    assert counts == sorted(counts, key=lambda c: (-c[0], c[1]))
    by_team = {r.team: r for r in ranked}
    first, second = by_team[three_teams["first"]], by_team[three_teams["second"]]
    # the declared employer's team meets the 申报率 target, the undeclared one's misses it
    declared = {r.team: next(f for f in r.figures if f.indicator.code == "declaration-rate") for r in ranked}
    assert declared[three_teams["first"]].met is True and declared[three_teams["second"]].met is False
    assert first.rank < second.rank
    assert all(r.met + r.missed + r.unknown == len(r.figures) for r in ranked)


def test_the_page_shows_lights_and_the_export_has_the_same_rows(client, world, three_teams):
    client.force_login(world["city"])
    r = client.get(reverse("indicators:team_ranking"), {"period": "2025"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="light green"' in html and 'class="light red"' in html
    page_order = [t.name for t in StewardTeam.objects.all() if f'data-team="{t.pk}"' in html]
    assert len(page_order) == 3
    x = client.get(reverse("indicators:team_ranking"), {"period": "2025", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(x.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    ranked = teams.team_ranking(world["city"], teams.visible_teams(world["city"]), Y2025)
    assert [(row[0], row[1], row[3], row[4]) for row in rows] == [
        (t.rank, t.team.name, t.met, t.missed) for t in ranked
    ]
    assert ws.cell(1, 7).value == ranked[0].figures[0].indicator.name


def test_a_district_sees_its_own_teams_and_a_member_only_its_own_teams_row(client, world, three_teams):
    client.force_login(world["yubei"])
    html = client.get(reverse("indicators:team_ranking"), {"period": "2025"}).content.decode()
    assert three_teams["first"].name in html and three_teams["second"].name in html
    assert three_teams["wanzhou"].name not in html
    assert client.get(reverse("indicators:team_ranking"), {"region": "500101"}).status_code == 404

    role_assign(user=world["steward"], role="steward_member", team=three_teams["second"])
    world["steward"].__dict__.pop("_ohs_jurisdiction", None)
    client.force_login(world["steward"])
    r = client.get(reverse("indicators:team_ranking"), {"period": "2025"})
    assert r.status_code == 200
    html = r.content.decode()
    assert f'data-team="{three_teams["second"].pk}"' in html
    assert f'data-team="{three_teams["first"].pk}"' not in html
    x = client.get(reverse("indicators:team_ranking"), {"period": "2025", "format": "xlsx"})
    names = [row[1].value for row in load_workbook(io.BytesIO(x.content)).active.iter_rows(min_row=2)]
    assert names == [three_teams["second"].name]


def test_someone_without_indicators_or_a_team_cannot_open_the_team_ranking(client, world):
    client.force_login(world["steward"])  # no team assigned in this test
    assert client.get(reverse("indicators:team_ranking")).status_code == 403


@pytest.mark.parametrize("period", ["2025", "2025Q2", "2024"])
def test_every_employer_query_counted_for_all_teams_at_once_gives_each_teams_count(
    world, three_teams, period
):
    from ohsteward.indicators.queries import QUERIES, Area, records, team_counts
    from ohsteward.indicators.tests.test_grouped import _uses

    p = parse_period(period)
    ids = [t.pk for t in three_teams.values()]
    nonzero = 0
    for key, options in _uses():
        if not QUERIES[key].employers:
            continue
        grouped = team_counts(key, world["city"], p, ids, options)
        for team_id in ids:
            one = records(key, world["city"], Area("team", str(team_id)), p, options).count()
            assert grouped.get(team_id, (0, 0))[0] == one, (key, team_id)
            nonzero += one > 0
    assert nonzero >= (5 if period != "2024" else 0)  # 2024: before any agreement, all zero


def test_the_grouped_team_ranking_gives_the_figures_of_each_teams_own_table(world, three_teams):
    from ohsteward.indicators import figures
    from ohsteward.indicators.queries import Area

    ranked = teams.team_ranking(world["city"], teams.visible_teams(world["city"]), Y2025)
    for row in ranked:
        own = figures.table(world["city"], Area("team", str(row.team.pk)), Y2025)
        fields = ("numerator", "denominator", "value", "target", "met", "no_data", "baseline")
        assert [tuple(getattr(f, n) for n in fields) for f in row.figures] == [
            tuple(getattr(f, n) for n in fields) for f in own
        ], row.team.name
