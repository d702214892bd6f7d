"""The dose demo: radiation workers at the demo manager's employer with two quarters of dose
records, one above the investigation level, two missing the last quarter."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ohsteward.demo import dose
from ohsteward.institutions.models import Institution
from ohsteward.surveillance.dose import queries, rules
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.tests.factories import make_post


@pytest.mark.django_db
def test_populate_makes_dose_records_a_high_dose_and_missing_workers(cast, enterprises):
    for e in enterprises.values():
        make_post(e, "3008", "1038")
    Institution.objects.create(uscc="12500000MB1234567X", name="演示体检中心", kinds=["exam"])
    Institution.objects.create(uscc="12500000MB7654320X", name="演示放射服务", kinds=["radiation_service"])
    today = timezone.localdate()
    counts = dose.populate(year=today.year, today=today, seed=1)
    assert counts == {"workers": dose.WORKERS, "records": 2 * dose.WORKERS - 2}
    last = rules.previous_period(today)[0]
    assert DoseRecord.objects.filter(above_investigation=True).count() == 1
    assert queries.missing_for_period(cast["city"], last).count() == 2
    (row,) = queries.monitoring_rates(cast["city"], last, by="district")
    assert (row.workers, row.monitored) == (dose.WORKERS, dose.WORKERS - 2)
    assert dose.populate(year=today.year, today=today, seed=1) == {}
