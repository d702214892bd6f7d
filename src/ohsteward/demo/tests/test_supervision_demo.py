"""The demo classified supervision has what issue 13 asks to see: every class, a flagged ratio
configuration, yearly plans, an inspection → order → re-inspection → case path, "三同时" projects."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.declarations.tests.factories import DeclarationFactory, DeclarationHazardFactory
from ohsteward.demo import supervision
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Region
from ohsteward.registry.tests.factories import EnterpriseFactory
from ohsteward.supervision.models import (
    ClassFrequency,
    ConstructionProject,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    RiskAssessment,
)


@pytest.mark.django_db
def test_populate_gives_every_class_plans_and_an_inspection_to_case_path():
    today = dt.date(2026, 12, 2)
    silica, _ = HazardFactor.objects.get_or_create(code="1038", defaults={"name": "矽尘", "category": "dust"})
    for code in ("500112", "500101"):
        region = Region.objects.get(code=code)
        for i in range(12):
            employer = EnterpriseFactory(region=region)
            if i < 6:
                declaration = DeclarationFactory(
                    enterprise=employer, declared_on=today - dt.timedelta(days=50)
                )
                DeclarationHazardFactory(
                    declaration=declaration, hazard_factor=silica, hazard_name="矽尘", exposed_count=30
                )
    supervision.populate(year=2026, today=today, seed=1)
    classes = set(RiskAssessment.objects.values_list("comprehensive_class", flat=True))
    assert {"甲", "乙", "丙"} <= classes
    assert ClassFrequency.objects.filter(verified=False).count() == 6
    assert InspectionPlan.objects.count() == 2
    assert Inspection.objects.filter(reinspection_of__isnull=False, corrected=False).count() == 2
    assert set(EnforcementCase.objects.values_list("status", flat=True)) == {"decided", "closed"}
    assert ConstructionProject.objects.filter(acceptance_on__isnull=False).exists()
