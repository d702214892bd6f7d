from django.urls import path

from ohsteward.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="institution_list"),
    path("export/", views.InstitutionListView.as_view(export=True), name="institution_export"),
    path("new/", views.InstitutionCreateView.as_view(), name="institution_create"),
    path("import/", views.InstitutionImportView.as_view(), name="institution_import"),
    path("import/template/", views.InstitutionImportView.as_view(step="template"), name="import_template"),
    path(
        "import/<str:token>/confirm/",
        views.InstitutionImportView.as_view(step="confirm"),
        name="import_confirm",
    ),
    path(
        "import/<str:token>/errors/", views.InstitutionImportView.as_view(step="errors"), name="import_errors"
    ),
    path("qc/", views.QcInspectionListView.as_view(), name="qcinspection_list"),
    path("qc/export/", views.QcInspectionListView.as_view(export=True), name="qcinspection_export"),
    path("qc/import/", views.QcResultImportView.as_view(), name="qc_import"),
    path("qc/import/template/", views.QcResultImportView.as_view(step="template"), name="qc_import_template"),
    path(
        "qc/import/<str:token>/confirm/",
        views.QcResultImportView.as_view(step="confirm"),
        name="qc_import_confirm",
    ),
    path(
        "qc/import/<str:token>/errors/",
        views.QcResultImportView.as_view(step="errors"),
        name="qc_import_errors",
    ),
    path("qc/<int:pk>/", views.QcInspectionDetailView.as_view(), name="qcinspection_detail"),
    path("qc/<int:pk>/record/", views.QcRecordView.as_view(), name="qcinspection_record"),
    path("qc/<int:pk>/rectify/", views.RectificationIssueView.as_view(), name="rectification_issue"),
    path("qc/plans/new/", views.QcPlanCreateView.as_view(), name="qcplan_create"),
    path("qc/plans/<int:pk>/", views.QcPlanDetailView.as_view(), name="qcplan_detail"),
    path("qc/plans/<int:pk>/draw/", views.QcPlanDrawView.as_view(), name="qcplan_draw"),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path(
        "rectifications/export/",
        views.RectificationListView.as_view(export=True),
        name="rectification_export",
    ),
    path(
        "rectifications/<int:pk>/close/", views.RectificationCloseView.as_view(), name="rectification_close"
    ),
    path("proficiency/", views.ProficiencyResultListView.as_view(), name="proficiencyresult_list"),
    path(
        "proficiency/export/",
        views.ProficiencyResultListView.as_view(export=True),
        name="proficiencyresult_export",
    ),
    path("proficiency/import/", views.ProficiencyResultImportView.as_view(), name="proficiency_import"),
    path(
        "proficiency/import/template/",
        views.ProficiencyResultImportView.as_view(step="template"),
        name="proficiency_import_template",
    ),
    path(
        "proficiency/import/<str:token>/confirm/",
        views.ProficiencyResultImportView.as_view(step="confirm"),
        name="proficiency_import_confirm",
    ),
    path(
        "proficiency/import/<str:token>/errors/",
        views.ProficiencyResultImportView.as_view(step="errors"),
        name="proficiency_import_errors",
    ),
    path(
        "proficiency/rounds/new/", views.ProficiencyRoundCreateView.as_view(), name="proficiencyround_create"
    ),
    path(
        "proficiency/rounds/<int:pk>/",
        views.ProficiencyRoundDetailView.as_view(),
        name="proficiencyround_detail",
    ),
    path("grades/", views.InstitutionGradeListView.as_view(), name="grade_list"),
    path("grades/export/", views.InstitutionGradeListView.as_view(export=True), name="grade_export"),
    path("grades/compute/", views.grade_compute, name="grade_compute"),
    path("grades/publication/", views.grade_publication, name="grade_publication"),
    path("grades/<int:pk>/", views.InstitutionGradeDetailView.as_view(), name="grade_detail"),
    # performance evaluation (issue 9 item 5)
    path("evaluations/", views.PerformanceEvaluationListView.as_view(), name="evaluation_list"),
    path(
        "evaluations/export/",
        views.PerformanceEvaluationListView.as_view(export=True),
        name="evaluation_export",
    ),
    path("evaluations/new/", views.PerformanceEvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/import/", views.EvaluationImportView.as_view(), name="evaluation_import"),
    path(
        "evaluations/import/template/",
        views.EvaluationImportView.as_view(step="template"),
        name="evaluation_import_template",
    ),
    path(
        "evaluations/import/<str:token>/confirm/",
        views.EvaluationImportView.as_view(step="confirm"),
        name="evaluation_import_confirm",
    ),
    path(
        "evaluations/import/<str:token>/errors/",
        views.EvaluationImportView.as_view(step="errors"),
        name="evaluation_import_errors",
    ),
    path("evaluations/<int:pk>/", views.PerformanceEvaluationDetailView.as_view(), name="evaluation_detail"),
    # the QC ↔ enforcement ledger (item 8)
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/export/", views.ReferralListView.as_view(export=True), name="referral_export"),
    path("referrals/new/", views.ReferralCreateView.as_view(), name="referral_create"),
    path("referrals/month/", views.referral_month, name="referral_month"),
    path("referrals/month/export/", views.referral_month, {"export": True}, name="referral_month_export"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/advance/", views.ReferralAdvanceView.as_view(), name="referral_advance"),
    # technical guidance (item 9)
    path("guidance/", views.TechnicalGuidanceListView.as_view(), name="guidance_list"),
    path("guidance/export/", views.TechnicalGuidanceListView.as_view(export=True), name="guidance_export"),
    path("guidance/new/", views.TechnicalGuidanceCreateView.as_view(), name="guidance_create"),
    path("guidance/counts/", views.guidance_counts, name="guidance_counts"),
    path("guidance/counts/export/", views.guidance_counts, {"export": True}, name="guidance_counts_export"),
    path("guidance/<int:pk>/", views.TechnicalGuidanceDetailView.as_view(), name="guidance_detail"),
    # out-of-province institutions: the yearly QC sample and its results (item 7)
    path("qc/out-of-province/", views.out_of_province, name="out_of_province"),
    path(
        "qc/out-of-province/export/", views.out_of_province, {"export": True}, name="out_of_province_export"
    ),
    # report cards and reporting rates (item 3)
    path("report-cards/", views.ReportCardListView.as_view(), name="reportcard_list"),
    path("report-cards/export/", views.ReportCardListView.as_view(export=True), name="reportcard_export"),
    path("report-cards/rates/", views.reportcard_rates, name="reportcard_rates"),
    path(
        "report-cards/rates/export/", views.reportcard_rates, {"export": True}, name="reportcard_rates_export"
    ),
    path("report-cards/import/", views.CardFilingImportView.as_view(), name="reportcard_import"),
    path(
        "report-cards/import/template/",
        views.CardFilingImportView.as_view(step="template"),
        name="reportcard_import_template",
    ),
    path(
        "report-cards/import/<str:token>/confirm/",
        views.CardFilingImportView.as_view(step="confirm"),
        name="reportcard_import_confirm",
    ),
    path(
        "report-cards/import/<str:token>/errors/",
        views.CardFilingImportView.as_view(step="errors"),
        name="reportcard_import_errors",
    ),
    path("report-cards/<int:pk>/", views.ReportCardDetailView.as_view(), name="reportcard_detail"),
    path("report-cards/<int:pk>/file/", views.ReportCardFileView.as_view(), name="reportcard_file"),
    path("<str:uscc>/", views.InstitutionDetailView.as_view(), name="institution_detail"),
    path("<str:uscc>/edit/", views.InstitutionEditView.as_view(), name="institution_edit"),
    path("<str:uscc>/qualifications/new/", views.QualificationAddView.as_view(), name="qualification_add"),
    path("<str:uscc>/staff/new/", views.StaffAddView.as_view(), name="staff_add"),
]
