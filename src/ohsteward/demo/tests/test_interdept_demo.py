"""The other departments' lists demo: insured employers in the listed districts (a spread of
insured shares), last year's list too, 健康企业 namings and recognitions; the manager's portrait
light is amber (two not insured)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ohsteward.demo import interdept
from ohsteward.indicators import figures
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import parse_period
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.registry.models import Enterprise
from ohsteward.supervision import portrait


@pytest.mark.django_db
def test_populate_makes_lists_that_feed_the_indicators_and_the_portrait(cast, enterprises):
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises.values()]).update(
        employees=20, exposed_workers=4
    )
    today = timezone.localdate()
    counts = interdept.populate(year=today.year, today=today, seed=1)
    assert counts["insurance"] == 2 * InsuranceRecord.objects.values("enterprise").distinct().count() > 0
    assert (
        counts["healthy"] == HealthyEnterprise.objects.count()
        and PersonAward.objects.count() == counts["awards"]
    )
    rate = figures.compute(
        Indicator.objects.get(code="work-injury-insurance-rate"), cast["city"], Area("district", "500112"),
        parse_period(str(today.year)),
    )  # fmt: skip
    assert rate.value is not None and not rate.no_data
    healthy = figures.compute(
        Indicator.objects.get(code="healthy-enterprises"), cast["city"], Area("district", "500112"),
        parse_period(str(today.year)),
    )  # fmt: skip
    assert healthy.met is True
    # the cast has no demo manager employer with posts: the light of a listed employer is shown
    listed = InsuranceRecord.objects.order_by("pk").first().enterprise
    light = {i.key: i for i in portrait.build(listed, today).indicators}["insurance"]
    assert light.light in ("green", "amber", "red")
    assert interdept.populate(year=today.year, today=today, seed=1) == {}
