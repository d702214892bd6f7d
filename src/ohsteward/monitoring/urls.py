from django.urls import path

from ohsteward.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/export/", views.ReportListView.as_view(export=True), name="report_export"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path(
        "reports/<int:pk>/measurements/new/", views.MeasurementCreateView.as_view(), name="measurement_create"
    ),
    path("measurements/", views.MeasurementListView.as_view(), name="measurement_list"),
    path("measurements/export/", views.MeasurementListView.as_view(export=True), name="measurement_export"),
    path("measurements/import/", views.MeasurementImportView.as_view(), name="measurement_import"),
    path(
        "measurements/import/template/",
        views.MeasurementImportView.as_view(step="template"),
        name="measurement_import_template",
    ),
    path(
        "measurements/import/<str:token>/confirm/",
        views.MeasurementImportView.as_view(step="confirm"),
        name="measurement_import_confirm",
    ),
    path(
        "measurements/import/<str:token>/errors/",
        views.MeasurementImportView.as_view(step="errors"),
        name="measurement_import_errors",
    ),
    path(
        "measurements/import/jobs/<int:pk>/confirm/",
        views.measurement_import_job_confirm,
        name="measurement_import_job_confirm",
    ),
    path("measurements/<int:pk>/", views.MeasurementDetailView.as_view(), name="measurement_detail"),
    path("measurements/<int:pk>/rectify/", views.TaskOpenView.as_view(), name="task_open"),
    path("over-limit/", views.OverLimitListView.as_view(), name="over_limit_list"),
    path("over-limit/export/", views.OverLimitListView.as_view(export=True), name="over_limit_export"),
    path("rectifications/", views.TaskListView.as_view(), name="task_list"),
    path("rectifications/export/", views.TaskListView.as_view(export=True), name="task_export"),
    path("rectifications/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("rectifications/<int:pk>/close/", views.TaskCloseView.as_view(), name="task_close"),
    path("rectifications/<int:pk>/measures/", views.MeasureAddView.as_view(), name="measure_add"),
    path(
        "rectifications/<int:pk>/evidence/<int:evidence_pk>/",
        views.EvidenceView.as_view(),
        name="evidence_download",
    ),
    path("due/", views.DueListView.as_view(), name="due_list"),
    path("due/export/", views.DueListView.as_view(export=True), name="due_export"),
]
