"""Root URL configuration: the web UI, the admin for reference data, and the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ohsteward 参考数据管理"
admin.site.site_title = "ohsteward 管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("ohsteward.api.urls")),
    path("", include("ohsteward.web.urls")),
    path("registry/", include("ohsteward.registry.urls")),
    path("intake/", include("ohsteward.intake.urls")),
    path("declarations/", include("ohsteward.declarations.urls")),
    path("stewardship/", include("ohsteward.stewardship.urls")),
    path("supervision/", include("ohsteward.supervision.urls")),
    path("indicators/", include("ohsteward.indicators.urls")),
    path("surveillance/", include("ohsteward.surveillance.urls")),
    path("institutions/", include("ohsteward.institutions.urls")),
    path("exposure/", include("ohsteward.monitoring.calculator.urls")),
    path("hazards/", include("ohsteward.hazards.urls")),
    path("monitoring/", include("ohsteward.monitoring.urls")),
    path("library/", include("ohsteward.library.urls")),
    path("lists/", include("ohsteward.interdept.urls")),
    path("", include("ohsteward.accounts.urls")),
]

handler404 = "ohsteward.web.views.page_not_found"
