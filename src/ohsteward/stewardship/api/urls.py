"""Router entries of the steward service API; the project router (api/urls.py) registers them."""

from __future__ import annotations

from ohsteward.stewardship.api.views import AgreementViewSet, TeamViewSet, VisitViewSet
from ohsteward.stewardship.assistance.api import EntryViewSet, PlanViewSet
from ohsteward.stewardship.training.api import TrainingNeedViewSet, TrainingRecordViewSet, TrainingViewSet
from ohsteward.stewardship.zone.api import ExpertQuestionViewSet, TeamRequestViewSet, VisitFindingViewSet

STEWARDSHIP_ROUTES = [
    ("teams", TeamViewSet, "team"),
    ("agreements", AgreementViewSet, "agreement"),
    ("service-visits", VisitViewSet, "service-visit"),
    ("assistance-plans", PlanViewSet, "assistance-plan"),
    ("assistance-enterprises", EntryViewSet, "assistance-enterprise"),
    ("trainings", TrainingViewSet, "training"),
    ("training-records", TrainingRecordViewSet, "training-record"),
    ("team-requests", TeamRequestViewSet, "team-request"),
    ("expert-questions", ExpertQuestionViewSet, "expert-question"),
    ("visit-findings", VisitFindingViewSet, "visit-finding"),
    ("training-needs", TrainingNeedViewSet, "training-need"),
]


def register(router) -> None:
    for prefix, viewset, basename in STEWARDSHIP_ROUTES:
        router.register(prefix, viewset, basename=basename)
