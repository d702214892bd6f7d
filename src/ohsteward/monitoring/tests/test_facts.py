"""The facts monitoring provides through core.facts, and the SME-assistance rate that asks one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.core import facts
from ohsteward.monitoring import actions, periodic, queries
from ohsteward.monitoring.models import RectificationTask
from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.stewardship.assistance import rules as assistance_rules

pytestmark = pytest.mark.django_db


def test_the_three_facts_are_provided():
    for name in (facts.PERIODIC_DETECTION_DONE, facts.HAS_OVER_LIMIT_POST, facts.OVER_LIMIT_FIXED):
        assert facts.provided(name)


def test_periodic_detection_done_in_the_year_or_not_yet_due(lab, enterprises):
    user, institution, employer = lab
    other = enterprises["yubei2"]
    ids = [employer.pk, other.pk]
    assert facts.ask(facts.PERIODIC_DETECTION_DONE, ids, 2026) == set()
    make_report(None, employer, institution, on=dt.date(2026, 3, 10))
    make_report(None, other, institution, number="S-1", on=dt.date(2026, 3, 10), kind="status_eval")
    assert facts.ask(facts.PERIODIC_DETECTION_DONE, ids, 2026) == {employer.pk}
    # a general-industry employer detected in 2026 is not due again before 2029
    employer.industry_risk = "general"
    employer.save()
    assert facts.ask(facts.PERIODIC_DETECTION_DONE, ids, 2027) == {employer.pk}
    assert facts.ask(facts.PERIODIC_DETECTION_DONE, ids, 2029) == set()


def test_over_limit_facts_follow_the_retest(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 6.0})
    assert facts.ask(facts.HAS_OVER_LIMIT_POST, [employer.pk], 2026) == {employer.pk}
    assert facts.ask(facts.OVER_LIMIT_FIXED, [employer.pk], 2026) == set()
    later = make_report(user, employer, institution, number="R-2", on=dt.date(2026, 5, 1))
    record(user, later, "苯", {"c_twa": 1.0})
    assert facts.ask(facts.OVER_LIMIT_FIXED, [employer.pk], 2026) == {employer.pk}


@pytest.mark.parametrize(
    ("risk", "last", "year", "done"),
    [
        ("serious", dt.date(2025, 6, 1), 2025, True),
        ("serious", dt.date(2025, 6, 1), 2026, False),  # yearly: due 2026-06-01, not done in 2026
        ("general", dt.date(2024, 6, 1), 2026, True),  # every 3 years: due 2027-06-01
        ("general", dt.date(2023, 6, 1), 2026, False),
        ("unlisted", dt.date(2024, 6, 1), 2026, True),
        ("general", None, 2026, False),
    ],
)
def test_done_in_year_by_the_interval_table(risk, last, year, done):
    assert periodic.done_in_year(last, risk, year) is done


def test_intervals_follow_rules_section_6_and_the_unlisted_row_is_unverified():
    on = dt.date(2026, 1, 1)
    assert periodic.interval_for("serious", on).years == 1
    assert periodic.interval_for("general", on).years == 3
    assert periodic.interval_for("unlisted", on).verified is False
    due = periodic.next_due(dt.date(2024, 2, 29), "serious", on)
    assert due.next_due == dt.date(2025, 2, 28) and due.overdue(on)


def test_the_assistance_rate_counts_periodic_detection():
    out = {r.code: r for r in assistance_rules.rates(enrolled=4, declared=2, done={"periodic_detection": 3})}
    assert out["periodic_detection"].value == 75.0 and out["periodic_detection"].reason == ""


def test_the_task_deadline_default_is_a_setting(lab, settings):
    settings.OHSTEWARD_RECTIFICATION_DAYS = 10
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    over = record(user, report, "苯", {"c_twa": 6.0})
    task = actions.rectification_open(user=user, measurement=over, required_measures=["ppe"])
    assert task.deadline == timezone.localdate() + dt.timedelta(days=10)


def test_the_assistance_remediation_item_hint_follows_the_results(lab):
    from types import SimpleNamespace  # local: only this test fakes an entry

    from ohsteward.stewardship.assistance.queries import remediation_hint  # local: stewardship's read

    user, institution, employer = lab
    entry = SimpleNamespace(enterprise_id=employer.pk, plan=SimpleNamespace(year=2026))
    assert "无超标岗位" in remediation_hint(entry)
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 6.0})
    assert "尚未复测合格" in remediation_hint(entry)
    later = make_report(user, employer, institution, number="R-3", on=dt.date(2026, 5, 1))
    record(user, later, "苯", {"c_twa": 1.0})
    assert "均已整改并复测合格" in remediation_hint(entry)


def test_task_counts_give_open_overdue_and_closed_in_one_query(lab, django_assert_num_queries):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    tasks = [
        actions.rectification_open(
            user=user,
            measurement=record(user, report, "苯", {"c_twa": 6.0}, post=f"工{i}"),
            required_measures=["ppe"],
        )
        for i in range(3)
    ]
    today = timezone.localdate()
    RectificationTask.objects.filter(pk=tasks[1].pk).update(deadline=today - dt.timedelta(days=1))
    RectificationTask.objects.filter(pk=tasks[2].pk).update(status="closed", closed_on=today)
    queries.task_counts(user, today)  # the user's jurisdiction is read once, then kept on the user
    with django_assert_num_queries(1):
        counts = queries.task_counts(user, today)
    assert counts == {"open": 1, "overdue": 1, "closed": 1}
