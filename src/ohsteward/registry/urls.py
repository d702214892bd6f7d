from django.urls import path

from ohsteward.registry import views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export/", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<str:key>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:key>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("towns/", views.town_options, name="town_options"),
    path("industry-hint/", views.industry_hint, name="industry_hint"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/confirm/", views.enterprise_import_job_confirm, name="enterprise_import_job_confirm"),
    path("import/<str:token>/confirm/", views.enterprise_import_confirm, name="import_confirm"),
    path("import/<str:token>/errors/", views.enterprise_import_errors, name="import_errors"),
]
