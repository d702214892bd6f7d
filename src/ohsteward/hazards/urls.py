from django.urls import path

from ohsteward.hazards import views

app_name = "hazards"

urlpatterns = [
    path("editions/", views.EditionListView.as_view(), name="edition_list"),
    path("editions/export/", views.EditionListView.as_view(export=True), name="edition_export"),
    path("limits/import/", views.ExposureLimitImportView.as_view(step="upload"), name="limit_import"),
    path(
        "limits/import/template/",
        views.ExposureLimitImportView.as_view(step="template"),
        name="limit_import_template",
    ),
    path(
        "limits/import/<str:token>/confirm/",
        views.ExposureLimitImportView.as_view(step="confirm"),
        name="limit_import_confirm",
    ),
    path(
        "limits/import/<str:token>/errors/",
        views.ExposureLimitImportView.as_view(step="errors"),
        name="limit_import_errors",
    ),
]
