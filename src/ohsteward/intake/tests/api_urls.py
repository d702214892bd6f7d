"""Test URLconf: the project's URLs with the intake API routes registered (as api/urls.py will)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from ohsteward.intake.api.urls import register
from ohsteward.urls import handler404  # noqa: F401
from ohsteward.urls import urlpatterns as project_urls

router = DefaultRouter()
register(router)
urlpatterns = [path("api/v1/", include(router.urls)), *project_urls]
