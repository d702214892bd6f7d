"""Router entries of the institutions API; the project router (api/urls.py) registers them."""

from __future__ import annotations

from ohsteward.institutions.api.views import (
    InstitutionGradeViewSet,
    InstitutionViewSet,
    PerformanceEvaluationViewSet,
    ProficiencyResultViewSet,
    QcInspectionViewSet,
    ReferralViewSet,
    ReportCardViewSet,
    TechnicalGuidanceViewSet,
)

INSTITUTION_ROUTES = [
    ("institutions", InstitutionViewSet, "institution"),
    ("qc-inspections", QcInspectionViewSet, "qc-inspection"),
    ("proficiency-results", ProficiencyResultViewSet, "proficiency-result"),
    ("institution-grades", InstitutionGradeViewSet, "institution-grade"),
    ("performance-evaluations", PerformanceEvaluationViewSet, "performance-evaluation"),
    ("referrals", ReferralViewSet, "referral"),
    ("technical-guidance", TechnicalGuidanceViewSet, "technical-guidance"),
    ("report-cards", ReportCardViewSet, "report-card"),
]


def register(router) -> None:
    for prefix, viewset, basename in INSTITUTION_ROUTES:
        router.register(prefix, viewset, basename=basename)
