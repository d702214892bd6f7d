"""Router entries of the monitoring API; the project router (api/urls.py) registers them."""

from __future__ import annotations

from ohsteward.monitoring.api.views import (
    DetectionDueViewSet,
    DetectionReportViewSet,
    MeasurementViewSet,
    RectificationViewSet,
)

MONITORING_ROUTES = [
    ("detection-reports", DetectionReportViewSet, "detection-report"),
    ("measurements", MeasurementViewSet, "measurement"),
    ("rectifications", RectificationViewSet, "rectification"),
    ("detection-due", DetectionDueViewSet, "detection-due"),
]


def register(router) -> None:
    for prefix, viewset, basename in MONITORING_ROUTES:
        router.register(prefix, viewset, basename=basename)
