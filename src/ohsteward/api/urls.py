"""/api/v1/: one router for every app's viewsets, the OpenAPI schema and its docs page."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ohsteward.api.docs import DocsView, SchemaView, docs_asset
from ohsteward.core.api.jobs import JobViewSet
from ohsteward.declarations.api import urls as declarations_urls
from ohsteward.hazards.api.views import (
    ExposureLimitEditionViewSet,
    ExposureLimitViewSet,
    HazardFactorViewSet,
    OccupationalDiseaseViewSet,
)
from ohsteward.indicators import api as indicators_api
from ohsteward.institutions.api import urls as institutions_urls
from ohsteward.intake.api import urls as intake_urls
from ohsteward.interdept import api as interdept_api
from ohsteward.library.api import RegulationViewSet
from ohsteward.monitoring.api import urls as monitoring_urls
from ohsteward.monitoring.api.exposure import ExposureAssessView, ExposureMixtureView, ExposureStatisticsView
from ohsteward.registry.api.views import (
    EnterpriseImportView,
    EnterpriseViewSet,
    IndustryViewSet,
    RegionViewSet,
    WorkplaceViewSet,
)
from ohsteward.stewardship.api import urls as stewardship_urls
from ohsteward.supervision.api import urls as supervision_urls
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
router.register("exposure-limit-editions", ExposureLimitEditionViewSet, basename="exposure-limit-edition")
router.register("occupational-diseases", OccupationalDiseaseViewSet, basename="occupational-disease")
router.register("regulations", RegulationViewSet, basename="regulation")
router.register("jobs", JobViewSet, basename="job")
intake_urls.register(router)
declarations_urls.register(router)
stewardship_urls.register(router)
institutions_urls.register(router)
monitoring_urls.register(router)
supervision_urls.register(router)
surveillance_urls.register(router)
surveillance_exams_api.register(router)
indicators_api.register(router)
interdept_api.register(router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("docs/assets/<str:filename>", docs_asset, name="docs-asset"),
    path("enterprises/import/", EnterpriseImportView.as_view(), name="enterprise-import"),
    path("exposure/assess/", ExposureAssessView.as_view(), name="exposure-assess"),
    path("exposure/statistics/", ExposureStatisticsView.as_view(), name="exposure-statistics"),
    path("exposure/assess-mixture/", ExposureMixtureView.as_view(), name="exposure-assess-mixture"),
    *supervision_urls.urlpatterns,
    *surveillance_urls.urlpatterns,
    *router.urls,
]
