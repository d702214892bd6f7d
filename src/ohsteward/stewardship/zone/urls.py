"""URLs of the online service zone, included by ``stewardship/urls.py`` under ``zone/``."""

from django.urls import path

from ohsteward.stewardship.zone import views

urlpatterns = [
    path("zone/", views.ZoneHomeView.as_view(), name="zone_home"),
    path("zone/directory/", views.DirectoryView.as_view(), name="zone_directory"),
    path("zone/teams/<int:team_pk>/request/", views.RequestCreateView.as_view(), name="zone_request_create"),
    path("zone/requests/", views.RequestListView.as_view(), name="zone_request_list"),
    path("zone/requests/export/", views.RequestListView.as_view(export=True), name="zone_request_export"),
    path("zone/requests/<int:pk>/", views.RequestDetailView.as_view(), name="zone_request_detail"),
    path("zone/requests/<int:pk>/decide/", views.RequestDecideView.as_view(), name="zone_request_decide"),
    path(
        "zone/requests/<int:pk>/withdraw/", views.RequestWithdrawView.as_view(), name="zone_request_withdraw"
    ),
    path("zone/questions/", views.QuestionListView.as_view(), name="zone_question_list"),
    path("zone/questions/export/", views.QuestionListView.as_view(export=True), name="zone_question_export"),
    path("zone/questions/ask/", views.QuestionAskView.as_view(), name="zone_question_ask"),
    path("zone/questions/<int:pk>/", views.QuestionDetailView.as_view(), name="zone_question_detail"),
    path("zone/questions/<int:pk>/answer/", views.QuestionAnswerView.as_view(), name="zone_question_answer"),
    path("findings/", views.FindingListView.as_view(), name="zone_finding_list"),
    path("findings/export/", views.FindingListView.as_view(export=True), name="zone_finding_export"),
    path("visits/<int:pk>/findings/add/", views.FindingAddView.as_view(), name="zone_finding_add"),
    path("findings/<int:pk>/raise/", views.FindingRaiseView.as_view(), name="zone_finding_raise"),
]
