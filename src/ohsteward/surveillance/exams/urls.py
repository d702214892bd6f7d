"""URLs of exam results and their follow-up, included by the surveillance URLs (namespace
``surveillance``)."""

from django.urls import path

from ohsteward.surveillance.exams import views

urlpatterns = [
    path("exams/", views.ExamListView.as_view(), name="exam_list"),
    path("exams/export/", views.ExamListView.as_view(export=True), name="exam_export"),
    path("exams/new/", views.ExamCreateView.as_view(), name="exam_create"),
    path("exams/<int:pk>/", views.ExamDetailView.as_view(), name="exam_detail"),
    path("exams/import/", views.ExamImportView.as_view(), name="exam_import"),
    path(
        "exams/import/template/", views.ExamImportView.as_view(step="template"), name="exam_import_template"
    ),
    path(
        "exams/import/<str:token>/confirm/",
        views.ExamImportView.as_view(step="confirm"),
        name="exam_import_confirm",
    ),
    path(
        "exams/import/<str:token>/errors/",
        views.ExamImportView.as_view(step="errors"),
        name="exam_import_errors",
    ),
    path("exam-batches/", views.ExamBatchListView.as_view(), name="exambatch_list"),
    path("exam-batches/export/", views.ExamBatchListView.as_view(export=True), name="exambatch_export"),
    path("exam-batches/<int:pk>/", views.ExamBatchDetailView.as_view(), name="exambatch_detail"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/export/", views.TaskListView.as_view(export=True), name="task_export"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/export/", views.CaseListView.as_view(export=True), name="case_export"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("chronic/screenings/", views.ChronicScreeningListView.as_view(), name="chronicscreening_list"),
    path(
        "chronic/screenings/export/",
        views.ChronicScreeningListView.as_view(export=True),
        name="chronicscreening_export",
    ),
    path(
        "chronic/screenings/new/", views.ChronicScreeningCreateView.as_view(), name="chronicscreening_create"
    ),
    path("chronic/follow-ups/", views.ChronicFollowUpListView.as_view(), name="chronicfollowup_list"),
    path(
        "chronic/follow-ups/export/",
        views.ChronicFollowUpListView.as_view(export=True),
        name="chronicfollowup_export",
    ),
    path("chronic/follow-ups/new/", views.ChronicFollowUpCreateView.as_view(), name="chronicfollowup_create"),
    path("pneumoconiosis/", views.PatientListView.as_view(), name="patient_list"),
    path("pneumoconiosis/export/", views.PatientListView.as_view(export=True), name="patient_export"),
    path("pneumoconiosis/towns/", views.TownsView.as_view(), name="patient_towns"),
    path("pneumoconiosis/import/", views.PatientImportView.as_view(), name="patient_import"),
    path(
        "pneumoconiosis/import/template/",
        views.PatientImportView.as_view(step="template"),
        name="patient_import_template",
    ),
    path(
        "pneumoconiosis/import/<str:token>/confirm/",
        views.PatientImportView.as_view(step="confirm"),
        name="patient_import_confirm",
    ),
    path(
        "pneumoconiosis/import/<str:token>/errors/",
        views.PatientImportView.as_view(step="errors"),
        name="patient_import_errors",
    ),
    path("pneumoconiosis/<int:pk>/", views.PatientDetailView.as_view(), name="patient_detail"),
]
