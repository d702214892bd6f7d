from django.urls import path

from ohsteward.declarations.views import declarations, dispatch, entries, notices, spotchecks

app_name = "declarations"

urlpatterns = [
    path("", entries.home, name="home"),
    path("generate/", entries.list_generate, name="list_generate"),
    path("lists/<int:year>/push/", entries.list_push, name="list_push"),
    path("entries/", entries.EntryListView.as_view(), name="entry_list"),
    path("entries/export/", entries.EntryListView.as_view(export=True), name="entry_export"),
    path("entries/add/", entries.entry_add, name="entry_add"),
    path("entries/<int:pk>/", entries.EntryDetailView.as_view(), name="entry_detail"),
    path("entries/<int:pk>/confirm/", entries.entry_confirm, name="entry_confirm"),
    path("entries/<int:pk>/reopen/", entries.entry_reopen, name="entry_reopen"),
    path("entries/<int:pk>/hand-over/", entries.entry_hand_over, name="entry_hand_over"),
    path("entries/<int:pk>/duplicate/", entries.entry_duplicate, name="entry_duplicate"),
    path("entries/<int:pk>/visits/", entries.VisitCreateView.as_view(), name="visit_create"),
    path("entries/<int:pk>/report/", entries.EntryReportView.as_view(), name="entry_report"),
    path("entries/<int:pk>/notice/", notices.notice_create, name="notice_create"),
    path("confirm/", entries.confirm_page, name="confirm"),
    path("undeclared/", entries.UndeclaredListView.as_view(), name="undeclared"),
    path("undeclared/export/", entries.UndeclaredListView.as_view(export=True), name="undeclared_export"),
    path("notices/", notices.NoticeListView.as_view(), name="notice_list"),
    path("notices/export/", notices.NoticeListView.as_view(export=True), name="notice_export"),
    path("notices/template/", notices.notice_template, name="notice_template"),
    path("notices/<int:pk>/download/", notices.notice_download, name="notice_download"),
    path("notices/<int:pk>/deliver/", notices.NoticeDeliverView.as_view(), name="notice_deliver"),
    path("notices/<int:pk>/receipt-scan/", notices.notice_scan, name="notice_scan"),
    path("declare/", declarations.declare, name="declare"),
    path("declarations/", declarations.DeclarationListView.as_view(), name="declaration_list"),
    path(
        "declarations/export/",
        declarations.DeclarationListView.as_view(export=True),
        name="declaration_export",
    ),
    path("declarations/<int:pk>/", declarations.DeclarationDetailView.as_view(), name="declaration_detail"),
    path(
        "declarations/<int:pk>/receipt/",
        declarations.DeclarationReceiptView.as_view(),
        name="declaration_receipt",
    ),
    path("triggers/", declarations.trigger_create, name="trigger_create"),
    path("spot-checks/", spotchecks.SpotCheckListView.as_view(), name="spotcheck_list"),
    path("spot-checks/export/", spotchecks.SpotCheckListView.as_view(export=True), name="spotcheck_export"),
    path("spot-checks/<int:pk>/", spotchecks.SpotCheckDetailView.as_view(), name="spotcheck_detail"),
    path("spot-check-items/<int:pk>/", spotchecks.spotcheck_item_record, name="spotcheck_item_record"),
    path("dispatch/", dispatch.dispatch, name="dispatch"),
    path("dispatch/publish/", dispatch.dispatch_publish, name="dispatch_publish"),
    path("dispatch/export/", dispatch.dispatch_export, name="dispatch_export"),
    path("map/districts.geojson", dispatch.district_geojson, name="district_geojson"),
]
