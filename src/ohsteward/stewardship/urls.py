from django.urls import path

from ohsteward.stewardship import views
from ohsteward.stewardship.assistance.urls import urlpatterns as assistance_urls
from ohsteward.stewardship.training.urls import urlpatterns as training_urls
from ohsteward.stewardship.zone.urls import urlpatterns as zone_urls

app_name = "stewardship"
urlpatterns = [
    path("", views.WorkView.as_view(), name="work"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/export/", views.TeamListView.as_view(export=True), name="team_export"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/import/", views.TeamImportView.as_view(), name="team_import"),
    path(
        "teams/import/template/", views.TeamImportView.as_view(step="template"), name="team_import_template"
    ),
    path(
        "teams/import/<str:token>/confirm/",
        views.TeamImportView.as_view(step="confirm"),
        name="team_import_confirm",
    ),
    path(
        "teams/import/<str:token>/errors/",
        views.TeamImportView.as_view(step="errors"),
        name="team_import_errors",
    ),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member_delete"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/export/", views.AgreementListView.as_view(export=True), name="agreement_export"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("agreements/import/", views.AgreementImportView.as_view(), name="agreement_import"),
    path(
        "agreements/import/template/",
        views.AgreementImportView.as_view(step="template"),
        name="agreement_import_template",
    ),
    path(
        "agreements/import/<str:token>/confirm/",
        views.AgreementImportView.as_view(step="confirm"),
        name="agreement_import_confirm",
    ),
    path(
        "agreements/import/<str:token>/errors/",
        views.AgreementImportView.as_view(step="errors"),
        name="agreement_import_errors",
    ),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/sign/", views.AgreementSignView.as_view(), name="agreement_sign"),
    path(
        "agreements/<int:pk>/terminate/", views.AgreementTerminateView.as_view(), name="agreement_terminate"
    ),
    path("agreements/<int:pk>/renew/", views.AgreementRenewView.as_view(), name="agreement_renew"),
    path(
        "agreements/<int:pk>/supplement/",
        views.AgreementSupplementView.as_view(),
        name="agreement_supplement",
    ),
    path("agreements/<int:pk>/visits/new/", views.VisitNewView.as_view(), name="visit_new"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/export/", views.VisitListView.as_view(export=True), name="visit_export"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/record/", views.VisitRecordView.as_view(), name="visit_record"),
    path("visits/<int:pk>/move/", views.VisitMoveView.as_view(), name="visit_move"),
    path("visits/<int:pk>/confirm/", views.VisitConfirmView.as_view(), name="visit_confirm"),
    path("visits/<int:pk>/evidence/", views.VisitEvidenceView.as_view(), name="visit_evidence"),
    path(
        "visits/<int:pk>/evidence/<int:evidence_pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    *assistance_urls,
    *training_urls,
    *zone_urls,
]
