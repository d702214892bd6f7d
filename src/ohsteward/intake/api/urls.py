"""Router of the intake API. The project router (api/urls.py) registers these under /api/v1/."""

from __future__ import annotations

from ohsteward.intake.api.views import MergeViewSet, ReviewViewSet, SourceBatchViewSet, SourceRowViewSet

# (prefix, viewset, basename) — api/urls.py: `for prefix, viewset, basename in INTAKE_ROUTES: router.register(...)`
INTAKE_ROUTES = [
    ("intake/batches", SourceBatchViewSet, "intake-batch"),
    ("intake/rows", SourceRowViewSet, "intake-row"),
    ("intake/review", ReviewViewSet, "intake-review"),
    ("intake/merge", MergeViewSet, "intake-merge"),
]


def register(router) -> None:
    """Register the intake viewsets on the project router: ``intake_urls.register(router)``."""
    for prefix, viewset, basename in INTAKE_ROUTES:
        router.register(prefix, viewset, basename=basename)
