"""The indicators added last: 附件2 confirmation within one month, the monitoring-task share
(entered), the 002 capacity checks (done / not done), 逐年扩面; the steward team's page, trends by
quarter and the published ranking."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ohsteward.accounts.actions import role_assign
from ohsteward.api.testing import bearer_client
from ohsteward.declarations.models import HazardListEntry
from ohsteward.declarations.tests.factories import DeclarationFactory
from ohsteward.indicators import actions, figures
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import Area
from ohsteward.indicators.records import part_records
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI
from ohsteward.institutions.models import Institution
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.stewardship.tests.factories import make_team

pytestmark = pytest.mark.django_db
D = dt.date


def _figure(code, user, area, period):
    return figures.compute(Indicator.objects.get(code=code), user, area, parse_period(period))


# --- 附件2 任务8: district confirmation within one month ------------------------------------------


def test_an_entry_owes_its_confirmation_once_its_month_has_passed_or_it_is_confirmed(world):
    yubei = Area("district", YUBEI)
    # February: yubei confirmed on 20 Feb (in time); yubei2's month runs until 1 March: not yet due
    feb = _figure("list-confirmation-timely-rate", world["city"], yubei, "2025-02")
    assert (feb.numerator, feb.denominator, feb.value) == (1, 1, Decimal("100.0"))
    # Q1: yubei2's month has passed and it is still pending
    q1 = _figure("list-confirmation-timely-rate", world["city"], yubei, "2025Q1")
    assert (q1.numerator, q1.denominator, q1.met) == (1, 2, False)
    # January: nothing pushed yet — a rate over nothing, not 0 % and not 100 %
    jan = _figure("list-confirmation-timely-rate", world["city"], yubei, "2025-01")
    assert (jan.denominator, jan.value) == (0, None)


def test_a_confirmation_after_the_deadline_is_not_in_time(world, enterprises):
    HazardListEntry.objects.filter(enterprise=enterprises["yubei2"]).update(
        status="hazards", confirmed_on=D(2025, 3, 5)
    )
    f = _figure("list-confirmation-timely-rate", world["city"], Area("district", YUBEI), "2025")
    assert (f.numerator, f.denominator) == (1, 2)
    missing = part_records(f.indicator, "missing", world["city"], f.area, f.period)
    assert [e.enterprise_id for e in missing] == [enterprises["yubei2"].pk]


def test_the_pushed_option_counts_every_pushed_entry_in_the_denominator(world):
    indicator = Indicator.objects.get(code="list-confirmation-timely-rate")
    indicator.options = {"denominator": "pushed"}
    f = figures.compute(indicator, world["city"], Area("district", YUBEI), parse_period("2025-02"))
    assert (f.numerator, f.denominator) == (1, 2)


# --- 001 附件1 目标(一): national monitoring tasks, entered in the monthly dispatch ----------------------


def test_the_monitoring_task_share_is_no_data_until_the_district_enters_it(world):
    before = _figure("cdc-monitoring-task-share", world["city"], Area("district", YUBEI), "2025")
    assert before.display == "无数据" and "月调度" in before.no_data and "监测任务" in before.no_data
    actions.dispatch_save(
        user=world["yubei"],
        district=YUBEI,
        month="2025-06",
        inputs={
            "cdc-monitoring-task-share": {
                "numerator": 17,
                "denominator": 20,
                "source": "区疾控中心",
                "source_date": D(2025, 6, 30),
            }
        },
    )
    after = _figure("cdc-monitoring-task-share", world["city"], Area("district", YUBEI), "2025")
    assert (after.value, after.target, after.met) == (Decimal("85.0"), Decimal("85.0"), True)


# --- 002 capacity items (9)–(11): done / not done -------------------------------------------------


def test_the_capacity_checks_are_done_when_the_district_reaches_the_count(world):
    yubei, wanzhou = Area("district", YUBEI), Area("district", WANZHOU)
    diagnosis = _figure("public-diagnosis-institution", world["city"], yubei, "2025")
    exams = _figure("public-exam-institutions", world["city"], yubei, "2025")
    grade_a = _figure("grade-a-primary-exam-institution", world["city"], yubei, "2025")
    assert (diagnosis.display, diagnosis.target_display) == ("完成（1家）", "≥1家")
    assert (exams.display, exams.met, exams.target_display) == ("未完成（1家）", False, "≥2家")
    assert grade_a.display == "完成（1家）"
    assert _figure("public-diagnosis-institution", world["city"], wanzhou, "2025").display == "未完成（0家）"
    # the city has no target of its own: the count, no check
    city = _figure("public-diagnosis-institution", world["city"], Area("city"), "2025")
    assert (city.display, city.met) == ("1", None)


def test_a_private_diagnosis_institution_does_not_count(world):
    Institution.objects.filter(name="乙检测公司").update(public=False)
    f = _figure("public-diagnosis-institution", world["city"], Area("district", YUBEI), "2025")
    assert (f.numerator, f.met) == (0, False)


# --- 002 (12): steward service 逐年扩面 --------------------------------------------------------------


def test_growth_compares_the_served_employers_with_the_same_period_a_year_earlier(world):
    yubei = Area("district", YUBEI)
    # the world's agreement runs through 2025 (one year from 1 January)
    first = _figure("steward-service-growth", world["city"], yubei, "2025")
    assert (first.value, first.baseline, first.target, first.met) == (1, 0, Decimal("1"), True)
    assert first.display == "完成（1家，上年同期0家）"
    after = _figure("steward-service-growth", world["city"], yubei, "2026")
    assert (after.value, after.baseline, after.met) == (0, 1, False)
    assert after.target_display == "≥2家（上年同期1家）"


def test_a_terminated_agreement_serves_until_its_termination_and_a_draft_not_at_all(world, enterprises):
    team = StewardTeam.objects.get()
    ServiceAgreement.objects.create(
        team=team,
        enterprise=enterprises["yubei2"],
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
        status="terminated",
        terminated_on=D(2025, 3, 1),
    )
    ServiceAgreement.objects.create(
        team=team, enterprise=enterprises["wanzhou"], start_date=D(2025, 1, 1), status="draft"
    )
    q1 = _figure("steward-service-growth", world["city"], Area("city"), "2025Q1")
    q2 = _figure("steward-service-growth", world["city"], Area("city"), "2025Q2")
    assert (q1.numerator, q2.numerator) == (2, 1)


# --- a steward team's page: its clients' figures ------------------------------------------------


@pytest.fixture
def team_member(world, enterprises):
    team = StewardTeam.objects.get()
    # in force today, whatever today is (the member sees today's clients)
    ServiceAgreement.objects.filter(team=team).update(end_date=None)
    role_assign(user=world["steward"], role="steward_member", team=team)
    world["steward"].__dict__.pop("_ohs_jurisdiction", None)
    return team


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"indicators:{name}", args=args), params)


def test_a_team_member_sees_its_clients_figures_without_the_institutions_ones(client, world, team_member):
    r = _get(client, world["steward"], "table", period="2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert team_member.name in html and 'id="team-scope"' in html
    assert 'data-code="declaration-rate"' in html and 'data-code="qc-coverage"' not in html
    assert reverse("indicators:ranking") not in html  # no links to pages the member may not open
    f = _figure("declaration-rate", world["steward"], Area("team", str(team_member.pk)), "2025")
    assert (f.numerator, f.denominator, f.target) == (1, 1, Decimal("100.0"))
    # a count target is a district's, not a team's
    assert _figure("cdc-guidance", world["city"], Area("team", str(team_member.pk)), "2025").target is None


def test_the_team_drilldown_lists_only_the_teams_clients(client, world, enterprises, team_member):
    r = _get(
        client,
        world["yubei"],
        "drilldown",
        "periodic-detection-rate",
        team=team_member.pk,
        period="2025",
        part="denominator",
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert enterprises["yubei"].name in html and enterprises["yubei2"].name not in html
    # an indicator of institutions has no team figure
    assert _get(client, world["yubei"], "drilldown", "qc-coverage", team=team_member.pk).status_code == 404


def test_another_teams_member_and_another_district_cannot_see_the_teams_page(client, world, team_member):
    assert _get(client, world["wanzhou"], "table", team=team_member.pk).status_code == 404
    assert _get(client, world["yubei"], "table", team=team_member.pk).status_code == 200
    other = make_team("渝北区第二管家团队")
    assert _get(client, world["steward"], "table", team=other.pk).status_code == 404
    assert _get(client, world["institution"], "table", team=team_member.pk).status_code == 403


def test_the_api_gives_a_teams_values_and_records(world, enterprises, team_member):
    client = bearer_client(world["yubei"])
    r = client.get("/api/v1/indicator-values/", {"team": team_member.pk, "period": "2025"})
    assert r.status_code == 200
    rows = {row["indicator"]: row for row in r.json()}
    assert "qc-coverage" not in rows
    row = rows["declaration-rate"]
    assert (row["team"], row["region"], row["numerator"], row["denominator"]) == (team_member.pk, None, 1, 1)
    records = client.get(
        "/api/v1/indicator-values/declaration-rate/records/",
        {"team": team_member.pk, "period": "2025", "part": "denominator"},
    )
    assert [x["label"] for x in records.json()["results"]] == [f"2025 {enterprises['yubei']}"]
    assert (
        bearer_client(world["wanzhou"]).get("/api/v1/indicator-values/", {"team": team_member.pk}).status_code
        == 404
    )


def test_the_team_page_links_from_the_team(client, world, team_member):
    client.force_login(world["steward"])
    r = client.get(reverse("stewardship:team_detail", args=[team_member.pk]))
    assert f"?team={team_member.pk}" in r.content.decode()


# --- trends by quarter ------------------------------------------------------------------------


def test_the_trend_gives_eight_quarters_for_the_city_and_the_chosen_district(client, world):
    r = _get(client, world["city"], "trend", indicator="declaration-rate", period="2025", child=YUBEI)
    assert r.status_code == 200
    data = r.json()
    assert data["quarters"] == [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    assert [s["name"] for s in data["series"]] == ["全市", "渝北区"]
    yubei = data["series"][1]
    assert yubei["values"][4:] == [50.0, 50.0, 50.0, 50.0]  # 2025: one of two declared
    assert yubei["targets"][4] == 100.0
    assert yubei["published"] == [False] * 8  # only the year 2025 could be published, not a quarter


def test_a_published_quarter_keeps_its_published_point_in_the_trend(client, world, enterprises):
    actions.snapshot_publish(user=world["city"], period="2025Q1", today=D(2026, 3, 1))
    DeclarationFactory(enterprise=enterprises["yubei2"], declared_on=D(2025, 2, 1))  # entered late
    params = {"indicator": "declaration-rate", "period": "2025", "child": YUBEI}
    yubei = _get(client, world["city"], "trend", **params).json()["series"][1]
    assert (yubei["values"][4], yubei["published"][4]) == (50.0, True)
    assert yubei["values"][5] == 100.0 and yubei["published"][5] is False
    live = _get(client, world["city"], "trend", source="live", **params).json()["series"][1]
    assert (live["values"][4], live["published"][4]) == (100.0, False)


def test_the_trend_exports_and_refuses_areas_out_of_reach(client, world):
    r = _get(
        client, world["city"], "trend", indicator="qc-coverage", period="2025", child=YUBEI, format="xlsx"
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row == 1 + 2 * 8
    assert _get(client, world["yubei"], "trend", indicator="qc-coverage", child=WANZHOU).status_code == 404
    assert _get(client, world["yubei"], "trend", indicator="qc-coverage", region="500000").status_code == 404
    assert _get(client, world["manager"], "trend", indicator="qc-coverage").status_code == 403


def test_the_ranking_page_carries_the_trend_chart(client, world):
    r = _get(client, world["city"], "ranking", indicator="declaration-rate", period="2025")
    html = r.content.decode()
    assert 'id="chart-trend"' in html and "trend.js" in html and 'value="500112"' in html


# --- the ranking of a published period --------------------------------------------------------


def test_a_published_ranking_shows_the_published_figures_and_offers_the_live_ones(client, world, enterprises):
    actions.snapshot_publish(user=world["city"], period="2025", today=D(2026, 3, 1))
    DeclarationFactory(enterprise=enterprises["yubei2"], declared_on=D(2025, 12, 1))  # late entry
    published = _get(client, world["city"], "ranking", indicator="declaration-rate", period="2025")
    html = published.content.decode()
    assert "已发布 " in html and "source=live" in html
    shown = {name: f.display for f, name in published.context["ranked"]}
    assert shown["渝北区"] == "50.0%"
    live = _get(client, world["city"], "ranking", indicator="declaration-rate", period="2025", source="live")
    assert "查看已发布数字" in live.content.decode()
    assert {name: f.display for f, name in live.context["ranked"]}["渝北区"] == "100.0%"
