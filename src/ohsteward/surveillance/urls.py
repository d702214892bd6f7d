from django.urls import path

from ohsteward.surveillance import views
from ohsteward.surveillance.exams.urls import urlpatterns as exams_urls

app_name = "surveillance"
urlpatterns = [
    path("", views.DueView.as_view(), name="due"),
    path("workers/", views.WorkerListView.as_view(), name="worker_list"),
    path("workers/export/", views.WorkerListView.as_view(export=True), name="worker_export"),
    path("workers/new/", views.WorkerCreateView.as_view(), name="worker_create"),
    path("workers/find/", views.WorkerFindView.as_view(), name="worker_find"),
    path("workers/import/", views.WorkerImportView.as_view(), name="worker_import"),
    path(
        "workers/import/template/",
        views.WorkerImportView.as_view(step="template"),
        name="worker_import_template",
    ),
    path(
        "workers/import/<str:token>/confirm/",
        views.WorkerImportView.as_view(step="confirm"),
        name="worker_import_confirm",
    ),
    path(
        "workers/import/<str:token>/errors/",
        views.WorkerImportView.as_view(step="errors"),
        name="worker_import_errors",
    ),
    path("workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker_detail"),
    path("workers/<int:pk>/edit/", views.WorkerEditView.as_view(), name="worker_edit"),
    path("workers/<int:pk>/posts/new/", views.WorkerPostCreateView.as_view(), name="workerpost_create"),
    path("workers/<int:pk>/record.docx", views.WorkerRecordView.as_view(), name="worker_record"),
    path("workers/<int:pk>/record.pdf", views.WorkerRecordView.as_view(fmt="pdf"), name="worker_record_pdf"),
    path("workers/<int:pk>/reveal/", views.WorkerRevealView.as_view(), name="worker_reveal"),
    path("workers/<int:pk>/login/", views.WorkerLoginView.as_view(), name="worker_login"),
    # the worker's own page and file (issue 12 item 9: a ``worker`` login)
    path("me/", views.MyRecordView.as_view(), name="me"),
    path("me/<int:pk>/record.docx", views.MyRecordFileView.as_view(), name="my_record"),
    path("me/<int:pk>/record.pdf", views.MyRecordFileView.as_view(fmt="pdf"), name="my_record_pdf"),
    # personal dose monitoring (issue 12 item 8)
    path("doses/", views.DoseRecordListView.as_view(), name="dose_list"),
    path("doses/rates/", views.DoseRateView.as_view(), name="dose_rates"),
    path("doses/export/", views.DoseRecordListView.as_view(export=True), name="dose_export"),
    path("doses/import/", views.DoseImportView.as_view(), name="dose_import"),
    path(
        "doses/import/template/", views.DoseImportView.as_view(step="template"), name="dose_import_template"
    ),
    path(
        "doses/import/<str:token>/confirm/",
        views.DoseImportView.as_view(step="confirm"),
        name="dose_import_confirm",
    ),
    path(
        "doses/import/<str:token>/errors/",
        views.DoseImportView.as_view(step="errors"),
        name="dose_import_errors",
    ),
    # exams, results and their follow-up (the exams helper's module)
    *exams_urls,
]
