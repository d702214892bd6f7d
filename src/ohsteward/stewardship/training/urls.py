"""URLs of training, included by ``stewardship/urls.py`` under ``training/``."""

from django.urls import path

from ohsteward.stewardship.training import views

urlpatterns = [
    path("training/", views.SessionListView.as_view(), name="training_list"),
    path("training/export/", views.SessionListView.as_view(export=True), name="training_export"),
    path("training/new/", views.SessionCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/", views.SessionDetailView.as_view(), name="training_detail"),
    path("training/records/", views.RecordListView.as_view(), name="training_record_list"),
    path(
        "training/records/export/", views.RecordListView.as_view(export=True), name="training_record_export"
    ),
    path("training/records/new/", views.RecordCreateView.as_view(), name="training_record_create"),
    path("training/records/import/", views.RecordImportView.as_view(), name="training_import"),
    path(
        "training/records/import/template/",
        views.RecordImportView.as_view(step="template"),
        name="training_import_template",
    ),
    path(
        "training/records/import/<str:token>/confirm/",
        views.RecordImportView.as_view(step="confirm"),
        name="training_import_confirm",
    ),
    path(
        "training/records/import/<str:token>/errors/",
        views.RecordImportView.as_view(step="errors"),
        name="training_import_errors",
    ),
    path("training/people/", views.PeopleView.as_view(), name="training_people"),
    path("training/people/export/", views.PeopleView.as_view(export=True), name="training_people_export"),
    path("training/people/new/", views.TraineeCreateView.as_view(), name="trainee_create"),
    path("training/people/import/", views.PeopleImportView.as_view(), name="trainee_import"),
    path(
        "training/people/import/template/",
        views.PeopleImportView.as_view(step="template"),
        name="trainee_import_template",
    ),
    path(
        "training/people/import/<str:token>/confirm/",
        views.PeopleImportView.as_view(step="confirm"),
        name="trainee_import_confirm",
    ),
    path(
        "training/people/import/<str:token>/errors/",
        views.PeopleImportView.as_view(step="errors"),
        name="trainee_import_errors",
    ),
    path("training/people/<int:pk>/leave/", views.TraineeLeaveView.as_view(), name="trainee_leave"),
    path("training/lectures/", views.LectureListView.as_view(), name="lecture_list"),
    path("training/lectures/export/", views.LectureListView.as_view(export=True), name="lecture_export"),
    path("training/lectures/new/", views.LectureCreateView.as_view(), name="lecture_create"),
    path("training/lectures/<int:pk>/", views.LectureDetailView.as_view(), name="lecture_detail"),
    path("training/lectures/<int:pk>/edit/", views.LectureEditView.as_view(), name="lecture_edit"),
    path("training/lectures/<int:pk>/file/", views.LectureFileView.as_view(), name="lecture_file"),
    path("training/awareness/", views.AwarenessView.as_view(), name="awareness"),
    path("training/awareness/export/", views.AwarenessView.as_view(export=True), name="awareness_export"),
    path("training/awareness/new/", views.QuestionnaireCreateView.as_view(), name="questionnaire_create"),
    path(
        "training/awareness/<int:pk>/edit/", views.QuestionnaireEditView.as_view(), name="questionnaire_edit"
    ),
    path("training/awareness/qr/<int:pk>.svg", views.AwarenessQrView.as_view(), name="awareness_qr"),
    path("training/a/<str:token>/", views.AwarenessAnswerView.as_view(), name="awareness_answer"),
]
