"""URLs of the other departments' lists, under ``/lists/``."""

from django.urls import path

from ohsteward.interdept import views

app_name = "interdept"

urlpatterns = [
    path("insurance/", views.InsuranceRecordListView.as_view(), name="insurance_list"),
    path("insurance/export/", views.InsuranceRecordListView.as_view(export=True), name="insurance_export"),
    path("insurance/import/", views.InsuranceImportView.as_view(), name="insurance_import"),
    path(
        "insurance/import/template/",
        views.InsuranceImportView.as_view(step="template"),
        name="insurance_import_template",
    ),
    path(
        "insurance/import/<str:token>/confirm/",
        views.InsuranceImportView.as_view(step="confirm"),
        name="insurance_import_confirm",
    ),
    path(
        "insurance/import/<str:token>/errors/",
        views.InsuranceImportView.as_view(step="errors"),
        name="insurance_import_errors",
    ),
    path("healthy-enterprises/", views.HealthyEnterpriseListView.as_view(), name="healthy_list"),
    path(
        "healthy-enterprises/export/",
        views.HealthyEnterpriseListView.as_view(export=True),
        name="healthy_export",
    ),
    path("healthy-enterprises/import/", views.HealthyEnterpriseImportView.as_view(), name="healthy_import"),
    path(
        "healthy-enterprises/import/template/",
        views.HealthyEnterpriseImportView.as_view(step="template"),
        name="healthy_import_template",
    ),
    path(
        "healthy-enterprises/import/<str:token>/confirm/",
        views.HealthyEnterpriseImportView.as_view(step="confirm"),
        name="healthy_import_confirm",
    ),
    path(
        "healthy-enterprises/import/<str:token>/errors/",
        views.HealthyEnterpriseImportView.as_view(step="errors"),
        name="healthy_import_errors",
    ),
    path("health-awards/", views.PersonAwardListView.as_view(), name="award_list"),
    path("health-awards/export/", views.PersonAwardListView.as_view(export=True), name="award_export"),
    path("health-awards/import/", views.PersonAwardImportView.as_view(), name="award_import"),
    path(
        "health-awards/import/template/",
        views.PersonAwardImportView.as_view(step="template"),
        name="award_import_template",
    ),
    path(
        "health-awards/import/<str:token>/confirm/",
        views.PersonAwardImportView.as_view(step="confirm"),
        name="award_import_confirm",
    ),
    path(
        "health-awards/import/<str:token>/errors/",
        views.PersonAwardImportView.as_view(step="errors"),
        name="award_import_errors",
    ),
]
