"""URLs of SME assistance, included by ``stewardship/urls.py`` under ``assistance/``."""

from django.urls import path

from ohsteward.stewardship.assistance import views

urlpatterns = [
    path("assistance/", views.PlanListView.as_view(), name="assistance_plan_list"),
    path("assistance/export/", views.PlanListView.as_view(export=True), name="assistance_plan_export"),
    path("assistance/new/", views.PlanCreateView.as_view(), name="assistance_plan_create"),
    path("assistance/<int:pk>/", views.PlanDetailView.as_view(), name="assistance_plan_detail"),
    path("assistance/<int:pk>/edit/", views.PlanEditView.as_view(), name="assistance_plan_edit"),
    path("assistance/<int:pk>/add/", views.EntryCreateView.as_view(), name="assistance_entry_create"),
    path(
        "assistance/enterprises/<int:pk>/edit/", views.EntryEditView.as_view(), name="assistance_entry_edit"
    ),
    path("assistance/enterprises/", views.EntryListView.as_view(), name="assistance_entry_list"),
    path(
        "assistance/enterprises/export/",
        views.EntryListView.as_view(export=True),
        name="assistance_entry_export",
    ),
    path("assistance/enterprises/<int:pk>/", views.EntryDetailView.as_view(), name="assistance_entry_detail"),
    path(
        "assistance/enterprises/<int:pk>/notes/",
        views.EntryNotesView.as_view(),
        name="assistance_entry_notes",
    ),
    path(
        "assistance/enterprises/<int:pk>/items/<str:code>/",
        views.ItemRecordView.as_view(),
        name="assistance_item_record",
    ),
    path(
        "assistance/enterprises/<int:pk>/items/<str:code>/evidence/",
        views.ItemEvidenceView.as_view(),
        name="assistance_item_evidence",
    ),
    path("assistance/import/", views.EntryImportView.as_view(), name="assistance_import"),
    path(
        "assistance/import/template/",
        views.EntryImportView.as_view(step="template"),
        name="assistance_import_template",
    ),
    path(
        "assistance/import/<str:token>/confirm/",
        views.EntryImportView.as_view(step="confirm"),
        name="assistance_import_confirm",
    ),
    path(
        "assistance/import/<str:token>/errors/",
        views.EntryImportView.as_view(step="errors"),
        name="assistance_import_errors",
    ),
]
