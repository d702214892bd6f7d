"""Router entries and paths of the classified-supervision API; api/urls.py registers them."""

from __future__ import annotations

from django.urls import path

from ohsteward.supervision.api.views import (
    ConstructionProjectViewSet,
    CrossCheckFindingViewSet,
    EarlyWarningViewSet,
    EnforcementCaseViewSet,
    InspectionPlanViewSet,
    InspectionViewSet,
    PortraitView,
    RiskAssessmentViewSet,
    RiskAssessView,
    SelfInspectionViewSet,
)

SUPERVISION_ROUTES = [
    ("risk-assessments", RiskAssessmentViewSet, "risk-assessment"),
    ("self-inspections", SelfInspectionViewSet, "self-inspection"),
    ("inspection-plans", InspectionPlanViewSet, "inspection-plan"),
    ("inspections", InspectionViewSet, "inspection"),
    ("enforcement-cases", EnforcementCaseViewSet, "enforcement-case"),
    ("construction-projects", ConstructionProjectViewSet, "construction-project"),
    ("warnings", EarlyWarningViewSet, "warning"),
    ("crosscheck-findings", CrossCheckFindingViewSet, "crosscheck-finding"),
]

urlpatterns = [
    path("risk/assess/", RiskAssessView.as_view(), name="risk-assess"),
    path("portraits/<str:uscc>/", PortraitView.as_view(), name="portrait"),
]


def register(router) -> None:
    for prefix, viewset, basename in SUPERVISION_ROUTES:
        router.register(prefix, viewset, basename=basename)
