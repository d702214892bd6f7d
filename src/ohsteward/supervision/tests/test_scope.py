"""Who sees which supervision rows: through the employer, via page, API and export (the
generated suite, ohsteward.accounts.tests.scope), plus the district-level rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ohsteward.accounts.tests.scope import REGULATORS_ONLY, ScopeCase, ScopeSuite
from ohsteward.registry.models import Region
from ohsteward.supervision import actions
from ohsteward.supervision.models import (
    ClassFrequency,
    ConstructionProject,
    CrossCheckFinding,
    EarlyWarning,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
)


def _assessment(world, employer):
    return actions.risk_assess(user=None, enterprise=employer, on=world.today)


def _self_inspection(world, employer):
    return actions.self_inspection_start(user=None, enterprise=employer, on=world.today)


def _inspection(world, employer):
    return Inspection.objects.create(enterprise=employer, findings="未设置警示标识")


def _case(world, employer):
    return EnforcementCase.objects.create(
        enterprise=employer, opened_on=world.today - dt.timedelta(days=1), violations="x", provisions="y"
    )


def _project(world, employer):
    return ConstructionProject.objects.create(enterprise=employer, name="扩建项目", kind="expand")


def _warning(world, employer):
    return EarlyWarning.objects.create(
        enterprise=employer,
        kind="exam_overdue",
        message="1 名接害劳动者超过体检周期",
        actor="enterprise",
        opened_on=world.today,
    )


def _finding(world, employer):
    return CrossCheckFinding.objects.create(
        kind="noise_no_audiometry",
        year=world.today.year,
        key=f"e{employer.pk}",
        enterprise=employer,
        summary="噪声超标，无劳动者噪声作业体检结论",
        found_at=timezone.now(),
    )


class TestSupervisionScope(ScopeSuite):
    cases = [
        ScopeCase(
            RiskAssessment,
            make=_assessment,
            page="/supervision/risk-assessments/{obj.pk}/",
            api="/api/v1/risk-assessments/",
            export_column="编号",
        ),
        ScopeCase(
            SelfInspection,
            make=_self_inspection,
            page="/supervision/self-inspections/{obj.pk}/",
            api="/api/v1/self-inspections/",
            export_column="编号",
        ),
        ScopeCase(
            Inspection,
            make=_inspection,
            page="/supervision/inspections/{obj.pk}/",
            api="/api/v1/inspections/",
            export_column="编号",
        ),
        ScopeCase(
            EnforcementCase,
            make=_case,
            page="/supervision/cases/{obj.pk}/",
            api="/api/v1/enforcement-cases/",
            export_column="编号",
        ),
        ScopeCase(
            ConstructionProject,
            make=_project,
            page="/supervision/projects/{obj.pk}/",
            api="/api/v1/construction-projects/",
            export_column="编号",
        ),
        ScopeCase(
            EarlyWarning,
            make=_warning,
            page="/supervision/warnings/{obj.pk}/",
            api="/api/v1/warnings/",
            export_column="编号",
        ),
        # a lead for the QC team: regulators only (the employer's manager and institution staff
        # have the view permission and get 404; the steward team has none: 403)
        ScopeCase(
            CrossCheckFinding,
            make=_finding,
            visible=REGULATORS_ONLY,
            page="/supervision/cross-checks/findings/{obj.pk}/",
            api="/api/v1/crosscheck-findings/",
            export_column="编号",
        ),
    ]


@pytest.mark.django_db
def test_plans_and_frequencies_are_seen_by_their_district_and_the_city_only(cast):
    yubei = InspectionPlan.objects.create(district_id="500112", year=2026, seed=1)
    wanzhou = InspectionPlan.objects.create(district_id="500101", year=2026, seed=1)
    ClassFrequency.objects.create(district=Region.objects.get(code="500112"), risk_class="甲", ratio=0.1)
    assert set(InspectionPlan.objects.for_user(cast["city"])) >= {yubei, wanzhou}
    assert list(InspectionPlan.objects.for_user(cast["yubei"])) == [yubei]
    assert not InspectionPlan.objects.for_user(cast["manager"]).exists()
    assert not ClassFrequency.objects.for_user(cast["wanzhou"]).exists()
    api = APIClient()
    api.force_authenticate(cast["wanzhou"])
    assert api.get(f"/api/v1/inspection-plans/{yubei.pk}/").status_code == 404
