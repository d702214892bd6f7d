"""Test URLconf: the project's URLs plus the declarations API routes under /api/v1/.

Used until the lead registers ``declarations.api.urls.register(router)`` in api/urls.py; the
tests then pass either way.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from ohsteward.declarations.api import urls as declarations_api

router = DefaultRouter()
declarations_api.register(router)

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("", include("ohsteward.urls")),
]
