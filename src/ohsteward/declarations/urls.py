from django.urls import path

from ohsteward.declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.home, name="home"),
    path("generate/", views.list_generate, name="list_generate"),
    path("lists/<int:year>/push/", views.list_push, name="list_push"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/export/", views.entry_export, name="entry_export"),
    path("entries/add/", views.entry_add, name="entry_add"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<int:pk>/reopen/", views.entry_reopen, name="entry_reopen"),
    path("entries/<int:pk>/hand-over/", views.entry_hand_over, name="entry_hand_over"),
    path("entries/<int:pk>/duplicate/", views.entry_duplicate, name="entry_duplicate"),
    path("entries/<int:pk>/visits/", views.visit_create, name="visit_create"),
    path("entries/<int:pk>/report/", views.entry_report, name="entry_report"),
    path("entries/<int:pk>/notice/", views.notice_create, name="notice_create"),
    path("confirm/", views.confirm_page, name="confirm"),
    path("undeclared/", views.undeclared, name="undeclared"),
    path("undeclared/export/", views.undeclared_export, name="undeclared_export"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/template/", views.notice_template, name="notice_template"),
    path("notices/<int:pk>/download/", views.notice_download, name="notice_download"),
    path("notices/<int:pk>/deliver/", views.notice_deliver, name="notice_deliver"),
    path("notices/<int:pk>/receipt-scan/", views.notice_scan, name="notice_scan"),
    path("declare/", views.declare, name="declare"),
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/receipt/", views.declaration_receipt, name="declaration_receipt"),
    path("triggers/", views.trigger_create, name="trigger_create"),
    path("spot-checks/", views.spotcheck_list, name="spotcheck_list"),
    path("spot-checks/<int:pk>/", views.spotcheck_detail, name="spotcheck_detail"),
    path("spot-check-items/<int:pk>/", views.spotcheck_item_record, name="spotcheck_item_record"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatch/publish/", views.dispatch_publish, name="dispatch_publish"),
    path("dispatch/export/", views.dispatch_export, name="dispatch_export"),
    path("map/districts.geojson", views.district_geojson, name="district_geojson"),
]
