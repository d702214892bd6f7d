from django.urls import path

from ohsteward.supervision import crosscheck_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.RiskAssessmentListView.as_view(), name="riskassessment_list"),
    path("export/", views.RiskAssessmentListView.as_view(export=True), name="riskassessment_export"),
    path(
        "risk-assessments/<int:pk>/", views.RiskAssessmentDetailView.as_view(), name="riskassessment_detail"
    ),
    path("risk-assessments/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("enterprises/<str:uscc>/assess/", views.EnterpriseAssessView.as_view(), name="enterprise_assess"),
    path("enterprises/<str:uscc>/public/", views.PublicDisplayView.as_view(), name="public_display"),
    path("enterprises/<str:uscc>/portrait/", views.PortraitView.as_view(), name="portrait"),
    path("enterprises/<str:uscc>/portrait.docx", views.PortraitDocxView.as_view(), name="portrait_docx"),
    path("self-inspections/", views.SelfInspectionListView.as_view(), name="selfinspection_list"),
    path(
        "self-inspections/export/",
        views.SelfInspectionListView.as_view(export=True),
        name="selfinspection_export",
    ),
    path("self-inspections/start/", views.SelfInspectionStartView.as_view(), name="selfinspection_start"),
    path(
        "self-inspections/<int:pk>/", views.SelfInspectionDetailView.as_view(), name="selfinspection_detail"
    ),
    path(
        "self-inspections/<int:pk>/answer/",
        views.SelfInspectionAnswerView.as_view(),
        name="selfinspection_answer",
    ),
    path(
        "self-inspections/<int:pk>/submit/",
        views.SelfInspectionSubmitView.as_view(),
        name="selfinspection_submit",
    ),
    path(
        "self-inspections/<int:pk>/review/",
        views.SelfInspectionReviewView.as_view(),
        name="selfinspection_review",
    ),
    path(
        "self-inspections/<int:pk>/evidence/edit/",
        views.SelfInspectionEvidenceEditView.as_view(),
        name="selfinspection_evidence_edit",
    ),
    path(
        "self-inspections/<int:pk>/evidence/<int:evidence_pk>/",
        views.AnswerEvidenceView.as_view(),
        name="selfinspection_evidence",
    ),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/import/", views.ChecklistImportView.as_view(), name="checklist_import"),
    path(
        "checklists/import/template/",
        views.ChecklistImportView.as_view(step="template"),
        name="checklist_import_template",
    ),
    path(
        "checklists/import/<str:token>/confirm/",
        views.ChecklistImportView.as_view(step="confirm"),
        name="checklist_import_confirm",
    ),
    path(
        "checklists/import/<str:token>/errors/",
        views.ChecklistImportView.as_view(step="errors"),
        name="checklist_import_errors",
    ),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path("frequencies/", views.FrequencyView.as_view(), name="frequency"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/export/", views.PlanListView.as_view(export=True), name="plan_export"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/export/", views.InspectionListView.as_view(export=True), name="inspection_export"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/assign/", views.InspectionAssignView.as_view(), name="inspection_assign"),
    path("inspections/<int:pk>/record/", views.InspectionRecordView.as_view(), name="inspection_record"),
    path(
        "inspections/<int:pk>/reinspect/",
        views.InspectionReinspectView.as_view(),
        name="inspection_reinspect",
    ),
    path(
        "inspections/<int:pk>/opinion.docx", views.InspectionOpinionView.as_view(), name="inspection_opinion"
    ),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/",
        views.InspectionPhotoView.as_view(),
        name="inspection_photo",
    ),
    path("inspections/<int:pk>/case/", views.CaseOpenView.as_view(), name="case_open"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/export/", views.CaseListView.as_view(export=True), name="case_export"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/decide/", views.CaseDecideView.as_view(), name="case_decide"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="case_close"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/export/", views.WarningListView.as_view(export=True), name="warning_export"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/export/", views.ProjectListView.as_view(export=True), name="project_export"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/stage/", views.ProjectStageView.as_view(), name="project_stage"),
    # cross-checks of monitoring and surveillance for the QC team (issue 9 item 6)
    path("cross-checks/", crosscheck_views.crosscheck_list, name="crosscheck_list"),
    path(
        "cross-checks/export/", crosscheck_views.crosscheck_list, {"export": True}, name="crosscheck_export"
    ),
    # the stored findings, verified by the QC team
    path("cross-checks/findings/", crosscheck_views.FindingListView.as_view(), name="finding_list"),
    path(
        "cross-checks/findings/export/",
        crosscheck_views.FindingListView.as_view(export=True),
        name="finding_export",
    ),
    path("cross-checks/findings/run/", crosscheck_views.CrossCheckRunView.as_view(), name="crosscheck_run"),
    path(
        "cross-checks/findings/<int:pk>/", crosscheck_views.FindingDetailView.as_view(), name="finding_detail"
    ),
    path(
        "cross-checks/findings/<int:pk>/decide/",
        crosscheck_views.FindingDecideView.as_view(),
        name="finding_decide",
    ),
]
