"""Who sees the online service zone's rows (requests, questions, structured findings): the
generated scope suite, every role and jurisdiction kind, through for_user and the pages."""

from __future__ import annotations

import pytest

from ohsteward.accounts.tests.scope import ALL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.registry.models import Region
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

pytestmark = pytest.mark.django_db


def _other_team():
    team, _ = StewardTeam.objects.get_or_create(
        name="另一管家团队", district=Region.objects.get(code="500101")
    )
    return team


def _request(world, employer, *, team=None) -> TeamRequest:
    return TeamRequest.objects.create(enterprise=employer, team=team or _other_team(), status="declined",
                                      decline_reason="已满")  # fmt: skip


def _question(world, employer, *, team=None) -> ExpertQuestion:
    return ExpertQuestion.objects.create(
        enterprise=employer, question="问题", asked_on=world.today, due_on=world.today, team=team,
        district_id=employer.region_id,
    )  # fmt: skip


def _finding(world, employer, *, team=None) -> VisitFinding:
    agreement = ServiceAgreement.objects.create(
        team=team or _other_team(), enterprise=employer, start_date=world.today, status="draft"
    )
    visit = ServiceVisit.objects.create(agreement=agreement, content="detection", planned_on=world.today)
    return VisitFinding.objects.create(visit=visit, category="ppe", severity="minor", text="未戴口罩")


class TestZoneScope(ScopeSuite):
    cases = [
        # through the employer: its regulators, the employer, the team serving it (yubei2)
        ScopeCase(
            TeamRequest,
            make=_request,
            page="/stewardship/zone/requests/{obj.pk}/",
            api="/api/v1/team-requests/",
        ),
        # the team asked sees every request made to it, clients or not
        ScopeCase(
            TeamRequest,
            name="TeamRequest-asked",
            make=lambda world, employer: _request(world, employer, team=world.team),
            visible={**VISIBLE, "team": ALL},
        ),
        ScopeCase(
            ExpertQuestion,
            make=_question,
            page="/stewardship/zone/questions/{obj.pk}/",
            api="/api/v1/expert-questions/",
        ),
        ScopeCase(
            ExpertQuestion,
            name="ExpertQuestion-routed",
            make=lambda world, employer: _question(world, employer, team=world.team),
            visible={**VISIBLE, "team": ALL},
        ),
        ScopeCase(VisitFinding, make=_finding, api="/api/v1/visit-findings/"),
        ScopeCase(
            VisitFinding,
            name="VisitFinding-own-team",
            make=lambda world, employer: _finding(world, employer, team=world.team),
            visible={**VISIBLE, "team": ALL},
        ),
    ]
