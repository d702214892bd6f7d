from django.urls import path

from ohsteward.registry import views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/export/", views.EnterpriseListView.as_view(export=True), name="enterprise_export"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<str:key>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<str:key>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("workplaces/", views.WorkplaceListView.as_view(), name="workplace_list"),
    path("workplaces/export/", views.WorkplaceListView.as_view(export=True), name="workplace_export"),
    path("workplaces/<int:pk>/", views.WorkplaceDetailView.as_view(), name="workplace_detail"),
    path("workplaces/<int:pk>/edit/", views.WorkplaceEditView.as_view(), name="workplace_edit"),
    path("change-requests/", views.change_request_list, name="change_request_list"),
    path("change-requests/<int:pk>/decide/", views.change_request_decide, name="change_request_decide"),
    path("towns/", views.town_options, name="town_options"),
    path("industry-hint/", views.industry_hint, name="industry_hint"),
    path("import/", views.EnterpriseImportView.as_view(), name="enterprise_import"),
    path("import/template/", views.EnterpriseImportView.as_view(step="template"), name="import_template"),
    path(
        "import/<str:token>/confirm/",
        views.EnterpriseImportView.as_view(step="confirm"),
        name="import_confirm",
    ),
    path(
        "import/<str:token>/errors/", views.EnterpriseImportView.as_view(step="errors"), name="import_errors"
    ),
    path(
        "import/jobs/<int:pk>/confirm/",
        views.enterprise_import_job_confirm,
        name="enterprise_import_job_confirm",
    ),
]
