"""The demo shows both SME-assistance priority flags (带病例, 在案整改) on assisted employers: the
records behind them are written through the surveillance and supervision actions, and the flags
are read back as the assistance pages and API read them (core.facts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.demo import assistance_flags, surveillance
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.tests.factories import EnterpriseFactory
from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.assistance import queries
from ohsteward.stewardship.assistance.models import AssistanceEntry
from ohsteward.supervision.models import EnforcementCase
from ohsteward.surveillance.exams.models import DiseaseCase
from ohsteward.surveillance.tests.factories import make_post


@pytest.mark.django_db
def test_populate_gives_an_assisted_employer_each_flag(enterprises):
    today = timezone.localdate()
    yubei = Region.objects.get(code="500112")
    # the employer with workers is not on the plan yet; the assisted one has no worker
    make_post(enterprises["yubei"], "3008", "1038")
    without_workers = EnterpriseFactory(region=yubei)
    Enterprise.objects.update(size_class="small")
    Institution.objects.create(uscc="12500000MB1234567X", name="演示体检中心", kinds=["exam"])
    surveillance.populate(year=today.year, today=today, seed=1)
    plan = assistance_actions.plan_create(user=None, district=yubei, year=today.year,
                                          deadline=today + dt.timedelta(days=30))  # fmt: skip
    assistance_actions.entry_add(user=None, plan=plan, enterprise=without_workers)

    made = assistance_flags.populate(year=today.year, today=today, seed=1)

    assert made == {"case_flag": 1, "rectification_flag": 1}
    entries = queries.with_flags(list(AssistanceEntry.objects.select_related("plan").order_by("pk")))
    flagged = {e.enterprise_id: (e.case_flag, e.rectification_flag) for e in entries}
    # the employer with workers was enrolled and got the suspected case; the other the open case
    assert flagged[enterprises["yubei"].pk] == (True, False)
    assert flagged[without_workers.pk] == (False, True)
    assert DiseaseCase.objects.filter(worker__enterprise=enterprises["yubei"]).exists()
    assert EnforcementCase.objects.get(enterprise=without_workers).status != "closed"
    # a second run adds nothing: both flags already hold
    assert assistance_flags.populate(year=today.year, today=today, seed=1) == {
        "case_flag": 0,
        "rectification_flag": 0,
    }
