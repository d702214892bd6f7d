"""The demo steward service has what issue 10 asks to see: complete and incomplete teams,
active and ending agreements, done and late visits, and one login per team."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.demo import stewardship
from ohsteward.registry.models import Region
from ohsteward.registry.tests.factories import EnterpriseFactory
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam


@pytest.mark.django_db
def test_populate_makes_complete_and_incomplete_teams_ending_agreements_and_late_visits():
    for code in ("500112", "500101"):
        for _ in range(10):
            EnterpriseFactory(region=Region.objects.get(code=code))
    today = dt.date(2026, 12, 2)
    counts = stewardship.populate(year=2026, today=today, seed=1)
    assert counts["teams"] == 3 and counts["agreements"] == 13
    complete = {t.name: not t.missing_qualifications(today) for t in StewardTeam.objects.all()}
    assert sorted(complete.values()) == [False, True, True]
    incomplete = StewardTeam.objects.get(level="basic")
    # the legal professional's certificate has expired: missing too
    assert incomplete.missing_qualifications(today) == ["nutritionist", "legal_professional"]
    ending = ServiceAgreement.objects.filter(end_date__gte=today, end_date__lte=today + dt.timedelta(days=60))
    assert ending.count() == 3
    assert ServiceVisit.objects.filter(status="done").exists()
    assert ServiceVisit.objects.overdue(today).exists()
    assert ServiceVisit.objects.filter(rating__isnull=False).exists()
    # findings ticked 需整改 / 需培训 (issue 10 item 3)
    from ohsteward.monitoring.models import RectificationTask  # local: this assertion only
    from ohsteward.stewardship.models import TrainingNeed  # local: this assertion only

    assert RectificationTask.objects.filter(visit_finding__isnull=False).exists()
    assert TrainingNeed.objects.exists()
    assert stewardship.populate(year=2026, today=today, seed=1) == {}  # once only
    names = [u for u, _label, _note in stewardship.logins("Demo-pass-2026")]
    assert names == ["steward", "steward_b", "steward_wz"]
    from ohsteward.accounts.models import User

    assert User.objects.get(username="steward_b").assignment.team == incomplete


@pytest.mark.django_db
def test_populate_makes_assistance_plans_above_and_below_20_with_each_item_state():
    from ohsteward.registry.models import Enterprise
    from ohsteward.stewardship.assistance.models import AssistanceItem, AssistancePlan

    for code, n in (("500112", 25), ("500101", 10)):
        for _ in range(n):
            EnterpriseFactory(region=Region.objects.get(code=code))
    Enterprise.objects.update(size_class="small")
    stewardship.populate(year=2026, today=dt.date(2026, 12, 2), seed=1)
    plans = AssistancePlan.objects.with_progress().filter(year=2026)
    enrolled = {p.district_id: (p.enrolled_count, p.target) for p in plans}
    assert enrolled["500112"][0] > 20 and enrolled["500101"][0] < 20 == enrolled["500101"][1]
    for code in ("identification", "system", "notification", "training", "remediation", "screening"):
        states = set(AssistanceItem.objects.filter(item=code).values_list("state", flat=True))
        assert {"done", "open"} <= states, code
    assert AssistanceItem.objects.filter(state="na").exists()


@pytest.mark.django_db
def test_populate_makes_training_due_overdue_a_lecture_with_a_quiz_and_awareness_answers():
    from ohsteward.stewardship.training import queries
    from ohsteward.stewardship.training.models import AwarenessResponse, Lecture, Trainee, TrainingSession

    for code in ("500112", "500101"):
        for _ in range(10):
            EnterpriseFactory(region=Region.objects.get(code=code))
    today = dt.date(2026, 12, 2)
    counts = stewardship.populate(year=2026, today=today, seed=1)
    assert counts["trainees"] > 0 and counts["trainings"] == 4 and counts["lectures"] == 1
    employers = set(Trainee.objects.values_list("enterprise_id", flat=True))
    statuses = {p.standing.status for t in queries.standings(employers, today).values() for p in t.people}
    assert {"ok", "due", "overdue"} <= statuses
    lecture = Lecture.objects.get()
    assert len(lecture.questions) == 5 and lecture.pass_score == 60
    assert AwarenessResponse.objects.filter(aware=True).exists()
    assert AwarenessResponse.objects.filter(aware=False).exists()
    sessions = TrainingSession.objects.all()
    assert sessions.count() == 4 and not sessions.filter(team__isnull=True).exists()
