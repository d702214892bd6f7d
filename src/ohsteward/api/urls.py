"""/api/v1/: one router for every app's viewsets, the OpenAPI schema and its docs page."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ohsteward.api.docs import DocsView, SchemaView, docs_asset
from ohsteward.core.api.jobs import JobViewSet
from ohsteward.declarations.api import urls as declarations_urls
from ohsteward.hazards.api.views import ExposureLimitViewSet, HazardFactorViewSet, OccupationalDiseaseViewSet
from ohsteward.institutions.api import urls as institutions_urls
from ohsteward.intake.api import urls as intake_urls
from ohsteward.registry.api.views import (
    EnterpriseImportView,
    EnterpriseViewSet,
    IndustryViewSet,
    RegionViewSet,
    WorkplaceViewSet,
)
from ohsteward.stewardship.api import urls as stewardship_urls
from ohsteward.surveillance.api import urls as surveillance_urls
from ohsteward.surveillance.exams import api as surveillance_exams_api

app_name = "api"

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("workplaces", WorkplaceViewSet, basename="workplace")
router.register("regions", RegionViewSet, basename="region")
router.register("industries", IndustryViewSet, basename="industry")
router.register("hazard-factors", HazardFactorViewSet, basename="hazard-factor")
router.register("exposure-limits", ExposureLimitViewSet, basename="exposure-limit")
router.register("occupational-diseases", OccupationalDiseaseViewSet, basename="occupational-disease")
router.register("jobs", JobViewSet, basename="job")
intake_urls.register(router)
declarations_urls.register(router)
stewardship_urls.register(router)
institutions_urls.register(router)
surveillance_urls.register(router)
surveillance_exams_api.register(router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("docs/assets/<str:filename>", docs_asset, name="docs-asset"),
    path("enterprises/import/", EnterpriseImportView.as_view(), name="enterprise-import"),
    *surveillance_urls.urlpatterns,
    *router.urls,
]
