"""The steward service's open work on the home page (stewardship.queries.open_work) and a team
member's visits (stewardship.queries.visits_for)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.core.work import DUE, OPEN, OVERDUE
from ohsteward.stewardship import actions, queries
from ohsteward.stewardship.choices import VisitStatus
from ohsteward.stewardship.models import ServiceVisit
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

pytestmark = pytest.mark.django_db


def _forget(user):
    user.__dict__.pop("_ohs_jurisdiction", None)
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def test_a_team_member_is_told_of_overdue_visits_with_the_oldest_date(cast, agreement):
    late = ServiceVisit.objects.overdue(TODAY).filter(agreement=agreement)
    n, oldest = late.count(), late.order_by("planned_on").first().planned_on
    assert n  # the calendar started 100 days ago: some planned dates have passed

    items = queries.open_work(_forget(cast["steward"]), TODAY)

    overdue = [i for i in items if i.urgency == OVERDUE]
    assert len(overdue) == 1
    assert overdue[0].count == n and overdue[0].due_on == oldest
    assert overdue[0].url.endswith("?due=overdue")


def test_this_months_visits_are_due_work_and_vanish_once_recorded(cast, agreement):
    # move one planned visit to later this month (or today on the last day)
    visit = ServiceVisit.objects.filter(agreement=agreement, status=VisitStatus.PLANNED).first()
    ServiceVisit.objects.filter(pk=visit.pk).update(planned_on=TODAY)
    steward = _forget(cast["steward"])
    due = [i for i in queries.open_work(steward, TODAY) if i.urgency == DUE]
    assert (
        due and due[0].count == ServiceVisit.objects.due_in_month(TODAY).filter(agreement=agreement).count()
    )

    for v in ServiceVisit.objects.due_in_month(TODAY).filter(agreement=agreement):
        actions.visit_record(
            user=None, agreement=agreement, visit=v, data={"visited_on": TODAY, "work_done": "培训"}
        )
    assert not [i for i in queries.open_work(steward, TODAY) if i.urgency == DUE]


def test_the_employer_is_asked_to_confirm_recorded_visits_until_it_does(cast, agreement):
    visit = ServiceVisit.objects.filter(agreement=agreement, status=VisitStatus.PLANNED).first()
    actions.visit_record(
        user=None,
        agreement=agreement,
        visit=visit,
        data={"visited_on": TODAY - dt.timedelta(days=1), "work_done": "检测"},
    )
    manager = _forget(cast["manager"])
    ask = [i for i in queries.open_work(manager, TODAY) if i.urgency == OPEN]
    assert len(ask) == 1 and ask[0].count == 1
    assert not [i for i in queries.open_work(manager, TODAY) if i.urgency == OVERDUE]  # not the team's work

    visit.refresh_from_db()
    actions.visit_confirm(user=manager, visit=visit, rating=5)
    assert queries.open_work(manager, TODAY) == []


def test_another_teams_steward_and_users_without_the_permission_get_no_items(cast, agreement):
    assert queries.open_work(_forget(cast["wanzhou"]), TODAY) == []  # no visits in 万州
    assert queries.open_work(_forget(cast["institution"]), TODAY) == []  # no view permission


def test_a_team_members_visits_are_exactly_its_scope_including_another_teams_for_its_clients(
    cast, agreement, enterprises
):
    # visits_for narrows by the seen agreements' ids and employers (a query-plan aid): the rows
    # must stay those of for_user, including an earlier team's visits at a client of the team
    other = make_team("渝北区第二管家团队")
    earlier = sign_agreement(
        other, enterprises["yubei"], TODAY - dt.timedelta(days=500), TODAY - dt.timedelta(days=200)
    )
    elsewhere = sign_agreement(other, enterprises["yubei2"], TODAY - dt.timedelta(days=30))
    assert ServiceVisit.objects.filter(agreement=earlier).exists()
    steward = _forget(cast["steward"])

    seen = set(queries.visits_for(steward).values_list("pk", flat=True))

    assert seen == set(ServiceVisit.objects.for_user(steward).values_list("pk", flat=True))
    assert (
        set(ServiceVisit.objects.filter(agreement__in=[agreement, earlier]).values_list("pk", flat=True))
        == seen
    )
    assert not seen & set(ServiceVisit.objects.filter(agreement=elsewhere).values_list("pk", flat=True))
