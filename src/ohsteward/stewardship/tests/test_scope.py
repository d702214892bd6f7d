"""Who sees which teams, agreements and visits (issue 10 item 4), with the shared cast.

The 渝北 team (fixture ``team``) serves the 渝北 employer ``yubei`` under an agreement in force;
a 万州 team serves the 万州 employer. The steward member belongs to the 渝北 team.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ohsteward.accounts.testing import PASSWORD
from ohsteward.accounts.tests.scope import ALL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.registry.models import Region
from ohsteward.stewardship.models import (
    AssistanceEntry,
    AssistancePlan,
    ServiceAgreement,
    ServiceVisit,
    StewardTeam,
)
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement
from ohsteward.stewardship.training.models import (
    AwarenessResponse,
    Lecture,
    LectureAttempt,
    Questionnaire,
    Trainee,
    TrainingNeed,
    TrainingRecord,
    TrainingSession,
    TrainingSessionEmployer,
)
from ohsteward.stewardship.zone.models import VisitFinding

pytestmark = pytest.mark.django_db


@pytest.fixture
def wanzhou_agreement(cast, enterprises):
    return sign_agreement(
        make_team("万州区管家团队", "500101"), enterprises["wanzhou"], TODAY - dt.timedelta(days=30)
    )


def _web(username):
    from django.test import Client

    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_steward_member_sees_only_its_teams_enterprises_agreements_and_visits(
    cast, agreement, wanzhou_agreement
):
    steward = cast["steward"]
    assert list(ServiceAgreement.objects.for_user(steward)) == [agreement]
    assert set(ServiceVisit.objects.for_user(steward).values_list("agreement_id", flat=True)) == {
        agreement.pk
    }
    assert list(StewardTeam.objects.for_user(steward)) == [agreement.team]
    from ohsteward.registry.models import Enterprise

    assert list(Enterprise.objects.for_user(steward)) == [agreement.enterprise]


def test_steward_member_gets_404_for_another_teams_agreement_visit_and_team(
    cast, agreement, wanzhou_agreement
):
    web = _web("steward")
    visit = wanzhou_agreement.visits.first()
    for url in (
        reverse("stewardship:agreement_detail", args=[wanzhou_agreement.pk]),
        reverse("stewardship:visit_detail", args=[visit.pk]),
        reverse("stewardship:visit_record", args=[visit.pk]),
        reverse("stewardship:team_detail", args=[wanzhou_agreement.team_id]),
    ):
        assert web.get(url).status_code == 404, url
    api = _api(cast["steward"])
    assert api.get(f"/api/v1/agreements/{wanzhou_agreement.pk}/").status_code == 404
    assert api.get(f"/api/v1/service-visits/{visit.pk}/").status_code == 404
    assert api.post(f"/api/v1/agreements/{wanzhou_agreement.pk}/renew/", {}, format="json").status_code == 404
    own = web.get(reverse("stewardship:agreement_detail", args=[agreement.pk]))
    assert own.status_code == 200


def test_steward_member_lists_and_exports_only_its_own(cast, agreement, wanzhou_agreement):
    web = _web("steward")
    page = web.get(reverse("stewardship:agreement_list")).content.decode()
    assert agreement.enterprise.name in page and wanzhou_agreement.enterprise.name not in page
    api = _api(cast["steward"])
    ids = {row["id"] for row in api.get("/api/v1/agreements/").json()["results"]}
    assert ids == {agreement.pk}
    visits = api.get("/api/v1/service-visits/?page_size=500").json()["results"]
    assert visits and {v["agreement"] for v in visits} == {agreement.pk}


def test_an_ended_agreement_takes_the_employer_out_of_the_team_scope(cast, team, enterprises):
    from ohsteward.registry.models import Enterprise

    old = sign_agreement(
        team, enterprises["yubei"], TODAY - dt.timedelta(days=800), TODAY - dt.timedelta(days=400)
    )
    steward = cast["steward"]
    assert not Enterprise.objects.for_user(steward).exists()
    # the team keeps its own record of the agreement (Scope team=), and sees itself
    assert ServiceAgreement.objects.for_user(steward).filter(pk=old.pk).exists()
    assert StewardTeam.objects.for_user(steward).filter(pk=team.pk).exists()
    # another team's ended agreement with the same employer is not seen
    other = sign_agreement(
        make_team("第二团队"),
        enterprises["yubei"],
        TODAY - dt.timedelta(days=399),
        TODAY - dt.timedelta(days=1),
    )
    assert not ServiceAgreement.objects.for_user(steward).filter(pk=other.pk).exists()


def test_district_officers_see_their_district_only(cast, agreement, wanzhou_agreement):
    assert list(ServiceAgreement.objects.for_user(cast["yubei"])) == [agreement]
    assert list(ServiceAgreement.objects.for_user(cast["wanzhou"])) == [wanzhou_agreement]
    assert set(StewardTeam.objects.for_user(cast["yubei"])) == {agreement.team}
    web = _web("yubei")
    assert web.get(reverse("stewardship:team_detail", args=[wanzhou_agreement.team_id])).status_code == 404
    assert _api(cast["wanzhou"]).get(f"/api/v1/teams/{agreement.team_id}/").status_code == 404


def test_the_city_sees_everything(cast, agreement, wanzhou_agreement):
    assert ServiceAgreement.objects.for_user(cast["city"]).count() == 2
    assert StewardTeam.objects.for_user(cast["city"]).count() == 2


def test_the_manager_sees_its_own_agreement_and_team_only(cast, agreement, wanzhou_agreement):
    manager = cast["manager"]  # manager of enterprises["yubei"]
    assert list(ServiceAgreement.objects.for_user(manager)) == [agreement]
    assert list(StewardTeam.objects.for_user(manager)) == [agreement.team]
    assert _api(manager).get(f"/api/v1/agreements/{wanzhou_agreement.pk}/").status_code == 404


def test_institution_staff_have_no_access_to_stewardship_pages(cast, agreement):
    web = _web("institution")
    assert web.get(reverse("stewardship:agreement_list")).status_code == 403


# The generated suite (ohsteward.accounts.tests.scope): every role and jurisdiction kind.
LAST_YEAR = timezone.localdate() - dt.timedelta(days=365)


def _other_teams_agreement(world, employer) -> ServiceAgreement:
    other, _ = StewardTeam.objects.get_or_create(
        name="另一管家团队", district=Region.objects.get(code="500101")
    )
    return ServiceAgreement.objects.create(team=other, enterprise=employer, start_date=world.today)


def _own_ended_agreement(world, employer) -> ServiceAgreement:
    """An agreement of team's own team that has ended: no longer a client, still its own record."""
    return ServiceAgreement.objects.create(
        team=world.team, enterprise=employer, start_date=LAST_YEAR, end_date=LAST_YEAR + dt.timedelta(days=30)
    )


def _assistance_entry(world, employer, *, team=None, year=2025) -> AssistanceEntry:
    """An assisted employer on its district's plan (issue 10 item 5)."""
    plan, _ = AssistancePlan.objects.get_or_create(
        district_id=employer.region_id, year=year, defaults={"target": 20}
    )
    return AssistanceEntry.objects.create(plan=plan, enterprise=employer, team=team)


def _trainee(world, employer, name="张三") -> Trainee:
    return Trainee.objects.create(enterprise=employer, name=name, role="exposed", started_on=world.today)


def _training_record(world, employer) -> TrainingRecord:
    return TrainingRecord.objects.create(
        trainee=_trainee(world, employer, name="记录人员"),
        enterprise=employer,
        trained_on=world.today,
        hours=4,
        course="岗前",
    )


def _training_session(world, employer) -> TrainingSession:
    """A session of no team for one employer: seen through the employer only."""
    session = TrainingSession.objects.create(
        held_on=world.today, topic=f"培训 {employer.name}", trainer="王", hours=2, mode="onsite"
    )
    TrainingSessionEmployer.objects.create(session=session, enterprise=employer)
    return session


def _awareness_response(world, employer) -> AwarenessResponse:
    q, _ = Questionnaire.objects.get_or_create(
        title="粉尘知识", defaults={"questions": [{"text": "q", "options": ["a", "b"], "answer": 0}]}
    )
    return AwarenessResponse.objects.create(
        questionnaire=q, enterprise=employer, phone_hash=str(employer.pk), score=100, aware=True
    )


def _visit(world, employer, *, team=None) -> ServiceVisit:
    """A visit of another team (or of ``team``) to ``employer``, under a draft agreement."""
    other, _ = StewardTeam.objects.get_or_create(
        name="另一管家团队", district=Region.objects.get(code="500101")
    )
    agreement = ServiceAgreement.objects.create(
        team=team or other, enterprise=employer, start_date=world.today, status="draft"
    )
    return ServiceVisit.objects.create(agreement=agreement, content="detection", planned_on=world.today)


def _training_need(world, employer, *, team=None) -> TrainingNeed:
    """A need raised from a finding of a visit (issue 10 item 3)."""
    visit = _visit(world, employer, team=team)
    finding = VisitFinding.objects.create(visit=visit, category="training", severity="minor", text="未培训")
    return TrainingNeed.objects.create(
        enterprise=employer, finding=finding, topic="岗前培训", raised_on=world.today, due_on=world.today
    )


def _lecture_attempt(world, employer) -> LectureAttempt:
    lecture, _ = Lecture.objects.get_or_create(title="大讲堂", defaults={"hours": 1})
    return LectureAttempt.objects.create(
        lecture=lecture, trainee=_trainee(world, employer, name="测验人员"), score=80, passed=True
    )


def _session_employer(world, employer) -> TrainingSessionEmployer:
    return _training_session(world, employer).links.get()


class TestStewardshipScope(ScopeSuite):
    cases = [
        # another team's agreement: team sees it only for its own client (yubei2)
        ScopeCase(ServiceAgreement, make=_other_teams_agreement),
        ScopeCase(
            ServiceAgreement,
            name="ServiceAgreement-own",
            make=_own_ended_agreement,
            visible={**VISIBLE, "team": ALL},
        ),
        # SME assistance: entries through their employer; the assigned team sees its entries
        ScopeCase(
            AssistanceEntry,
            make=_assistance_entry,
            page="/stewardship/assistance/enterprises/{obj.pk}/",
            api="/api/v1/assistance-enterprises/",
        ),
        ScopeCase(
            AssistanceEntry,
            name="AssistanceEntry-team",
            make=lambda world, employer: _assistance_entry(world, employer, team=world.team, year=2024),
            visible={**VISIBLE, "team": ALL},
        ),
        # training (issue 10 item 6): records, people, sessions and awareness answers through
        # their employer; a steward member sees only its team's clients' rows
        ScopeCase(
            TrainingRecord, make=_training_record, api="/api/v1/training-records/", export_column="编号"
        ),
        ScopeCase(Trainee, make=_trainee),
        ScopeCase(
            TrainingSession,
            make=_training_session,
            page="/stewardship/training/{obj.pk}/",
            api="/api/v1/trainings/",
            export_column="编号",
        ),
        ScopeCase(AwarenessResponse, make=_awareness_response),
        # service visits and training needs (issue 10 items 3, 6): through the employer, and the
        # visit's team sees its own rows whoever the employer
        ScopeCase(
            ServiceVisit, make=_visit, page="/stewardship/visits/{obj.pk}/", api="/api/v1/service-visits/"
        ),
        ScopeCase(
            ServiceVisit,
            name="ServiceVisit-own-team",
            make=lambda world, employer: _visit(world, employer, team=world.team),
            visible={**VISIBLE, "team": ALL},
        ),
        ScopeCase(TrainingNeed, make=_training_need, api="/api/v1/training-needs/", export_column="编号"),
        ScopeCase(
            TrainingNeed,
            name="TrainingNeed-own-team",
            make=lambda world, employer: _training_need(world, employer, team=world.team),
            visible={**VISIBLE, "team": ALL},
        ),
        ScopeCase(LectureAttempt, make=_lecture_attempt),
        ScopeCase(TrainingSessionEmployer, make=_session_employer),
    ]


def test_a_steward_member_sees_only_its_teams_enterprises_training_records(cast, agreement, enterprises):
    """The team serves ``yubei``: records of ``yubei2`` (same district) are not its own."""
    world = type("W", (), {"today": TODAY})()
    own = _training_record(world, enterprises["yubei"])
    other = _training_record(world, enterprises["yubei2"])
    steward = cast["steward"]
    assert list(TrainingRecord.objects.for_user(steward)) == [own]
    assert set(TrainingRecord.objects.for_user(cast["yubei"])) == {own, other}
    ids = {r["id"] for r in _api(steward).get("/api/v1/training-records/").json()["results"]}
    assert ids == {own.pk}
    assert _api(steward).get(f"/api/v1/training-records/{other.pk}/").status_code == 404
    page = _web("steward").get(
        reverse("stewardship:training_people") + f"?enterprise={enterprises['yubei2'].pk}"
    )
    assert page.status_code == 404


def test_a_teams_own_session_stays_visible_to_it(cast, team, enterprises):
    session = TrainingSession.objects.create(
        held_on=TODAY, topic="团队自己的培训", trainer="王", hours=2, mode="onsite", team=team
    )
    TrainingSessionEmployer.objects.create(session=session, enterprise=enterprises["wanzhou"])
    assert TrainingSession.objects.for_user(cast["steward"]).filter(pk=session.pk).exists()
    assert not TrainingSession.objects.for_user(cast["yubei"]).filter(pk=session.pk).exists()


def test_assistance_plans_are_seen_by_their_district_and_the_city_only(cast, enterprises):
    """A plan is per district (not per employer), so it is checked here, not in the suite."""
    yubei = AssistancePlan.objects.create(district_id="500112", year=2025, target=20)
    wanzhou = AssistancePlan.objects.create(district_id="500101", year=2025, target=20)
    assert set(AssistancePlan.objects.for_user(cast["city"])) >= {yubei, wanzhou}
    assert list(AssistancePlan.objects.for_user(cast["yubei"])) == [yubei]
    assert not AssistancePlan.objects.for_user(cast["manager"]).exists()
    web = _web("yubei")
    assert web.get(f"/stewardship/assistance/{wanzhou.pk}/").status_code == 404
    assert _api(cast["wanzhou"]).get(f"/api/v1/assistance-plans/{yubei.pk}/").status_code == 404
