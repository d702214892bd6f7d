"""Router entries of the surveillance API; the project router (api/urls.py) registers them."""

from __future__ import annotations

from django.urls import path

from ohsteward.surveillance.api.views import ScheduleView, WorkerViewSet

SURVEILLANCE_ROUTES = [("workers", WorkerViewSet, "worker")]
urlpatterns = [path("surveillance/schedule/", ScheduleView.as_view(), name="surveillance-schedule")]


def register(router) -> None:
    for prefix, viewset, basename in SURVEILLANCE_ROUTES:
        router.register(prefix, viewset, basename=basename)
