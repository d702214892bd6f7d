"""Pages of institution quality compliance, declared on the core base views (``core.views``):
the register (list, detail, create, edit, import, export), QC (plans, inspections, rectification),
proficiency tests and the red/yellow/green grades."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.imports import ImportReport
from ohsteward.core.spreadsheets import bytes_response, xlsx_response
from ohsteward.core.views import (
    ImportView,
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    apply_errors,
    messages_of,
    requires,
)
from ohsteward.institutions import actions, queries, reports, rules
from ohsteward.institutions.filtersets import (
    InstitutionFilterSet,
    InstitutionGradeFilterSet,
    PerformanceEvaluationFilterSet,
    ProficiencyResultFilterSet,
    QcInspectionFilterSet,
    RectificationFilterSet,
    ReferralFilterSet,
    ReportCardFilterSet,
    TechnicalGuidanceFilterSet,
)
from ohsteward.institutions.forms import (
    EvaluationForm,
    GradeComputeForm,
    GuidanceForm,
    ImportForm,
    InstitutionForm,
    ProficiencyEnrolForm,
    ProficiencyResultForm,
    ProficiencyRoundForm,
    QcPlanForm,
    QcRecordForm,
    QualificationForm,
    RectificationCloseForm,
    RectificationForm,
    ReferralAdvanceForm,
    ReferralForm,
    ReportCardFileForm,
    StaffMemberForm,
)
from ohsteward.institutions.importers import (
    card_filing_import,
    card_filing_template,
    evaluation_import,
    evaluation_template,
    institution_import,
    institution_import_template,
    proficiency_result_import,
    proficiency_result_template,
    qc_result_import,
    qc_result_template,
)
from ohsteward.institutions.models import (
    Engagement,
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    ProficiencyRound,
    QcInspection,
    QcPlan,
    Rectification,
    Referral,
    ReportCard,
    TechnicalGuidance,
)
from ohsteward.institutions.tables import (
    InstitutionGradeTable,
    InstitutionTable,
    PerformanceEvaluationTable,
    ProficiencyResultTable,
    QcInspectionTable,
    RectificationTable,
    ReferralTable,
    ReportCardTable,
    TechnicalGuidanceTable,
    checklist_label,
    version_label,
)


def institution_lookup(uscc: str) -> dict:
    """An institution in a URL is its credit code (any case)."""
    return {"uscc": uscc.strip().upper()}


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


# --------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------


class InstitutionListView(ObjectListView):
    queryset = Institution.objects.all()
    filterset = InstitutionFilterSet
    table = InstitutionTable
    permission = "institutions.view_institution"
    template_name = "institutions/institution_list.html"
    title = "技术服务机构"
    unit = "家"
    export_filename = "技术服务机构"


class InstitutionDetailView(ObjectDetailView):
    queryset = Institution.objects.select_related("region")
    permission = "institutions.view_institution"
    lookup = institution_lookup
    template_name = "institutions/institution_detail.html"

    def get_context_data(self, **context):
        user = self.request.user
        institution = context["object"]
        today = timezone.localdate()
        return {
            **context,
            "today": today,
            "qualifications": institution.qualifications.all(),
            "staff": institution.staff.all(),
            "clients": Engagement.objects.for_user(user)
            .in_force(today)
            .filter(institution=institution)
            .select_related("enterprise__region")
            .order_by("enterprise__name"),
            "inspections": QcInspection.objects.for_user(user).filter(institution=institution)[:20],
            "proficiency": ProficiencyResult.objects.for_user(user)
            .filter(institution=institution)
            .select_related("round")[:20],
            "grades": InstitutionGrade.objects.for_user(user).filter(institution=institution)[:5],
            "evaluations": PerformanceEvaluation.objects.for_user(user).filter(institution=institution)[:5],
            "referrals": Referral.objects.for_user(user).filter(institution=institution)[:10]
            if user.has_perm("institutions.view_referral")
            else [],
        }


class InstitutionCreateView(ObjectFormView):
    queryset = Institution.objects.all()
    permission = "institutions.add_institution"
    form = InstitutionForm
    action = actions.institution_create
    create = True
    one_time_submission = True
    template_name = "institutions/institution_form.html"

    def get_context_data(self, **context):
        return {**context, "title": "登记技术服务机构"}


class InstitutionEditView(ObjectFormView):
    queryset = Institution.objects.all()
    permission = "institutions.change_institution"
    form = InstitutionForm
    action = actions.institution_update
    object_keyword = "institution"
    lookup = institution_lookup
    template_name = "institutions/institution_form.html"


class _InstitutionChildFormView(ObjectFormView):
    """A form on an institution's page that adds a row under it (qualification, staff member): the
    object of the URL is the institution; the form is not a form of the institution."""

    queryset = Institution.objects.all()
    lookup = institution_lookup
    template_name = "institutions/child_form.html"
    heading = ""

    def get_form(self, obj):
        return self.form(data=self.request.POST or None)

    def action_kwargs(self, form, obj) -> dict:
        return {"institution": obj, "data": form.action_data()}

    def get_context_data(self, **context):
        return {**context, "heading": self.heading}


class QualificationAddView(_InstitutionChildFormView):
    permission = "institutions.add_qualification"
    form = QualificationForm
    heading = "登记资质证书 / 备案"

    @staticmethod
    def action(*, user, institution, data):
        actions.qualification_add(user=user, institution=institution, data=data)
        return institution


class StaffAddView(_InstitutionChildFormView):
    permission = "institutions.add_staffmember"
    form = StaffMemberForm
    heading = "登记专业人员"

    @staticmethod
    def action(*, user, institution, data):
        actions.staff_add(user=user, institution=institution, data=data)
        return institution


class InstitutionImporter:
    template_filename = "技术服务机构导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return institution_import_template()

    def run(self, **kwargs) -> ImportReport:
        return institution_import(**kwargs)


class InstitutionImportView(ImportView):
    importer = InstitutionImporter()
    kind = "institutions.institution"
    permission = "institutions.add_institution"
    form_class = ImportForm
    title = "导入技术服务机构名录"
    url_names = {
        "upload": "institutions:institution_import",
        "template": "institutions:import_template",
        "confirm": "institutions:import_confirm",
        "errors": "institutions:import_errors",
        "done": "institutions:institution_list",
    }


# --------------------------------------------------------------------------------------------
# QC
# --------------------------------------------------------------------------------------------


class QcInspectionListView(ObjectListView):
    queryset = QcInspection.objects.all()
    filterset = QcInspectionFilterSet
    table = QcInspectionTable
    permission = "institutions.view_qcinspection"
    template_name = "institutions/qc_list.html"
    title = "质控检查"
    unit = "次"
    export_filename = "质控检查"

    def get_context_data(self, **context):
        year = _year(self.request)
        user = self.request.user
        return {
            **context,
            "year": year,
            "figures": queries.year_figures(user, year),
            "plans": QcPlan.objects.for_user(user).filter(year=year),
        }


class QcInspectionDetailView(ObjectDetailView):
    queryset = QcInspection.objects.select_related("institution", "plan")
    permission = "institutions.view_qcinspection"
    template_name = "institutions/qcinspection_detail.html"

    def get_context_data(self, **context):
        return {
            **context,
            "rectifications": Rectification.objects.for_user(self.request.user).filter(
                inspection=context["object"]
            ),
            "today": timezone.localdate(),
            "close_form": RectificationCloseForm(initial={"closed_on": timezone.localdate()}),
            # QC hands its clues to supervision: the city CDC (the action says the same)
            "can_refer": self.request.user.has_perm("institutions.add_referral")
            and access.is_citywide(self.request.user),
        }


class QcRecordView(ObjectFormView):
    queryset = QcInspection.objects.select_related("institution")
    permission = "institutions.change_qcinspection"
    form = QcRecordForm
    action = actions.qcinspection_record
    object_keyword = "inspection"
    template_name = "institutions/child_form.html"

    def get_context_data(self, **context):
        return {**context, "heading": f"录入质控检查结果：{context['object'].institution}"}


class RectificationIssueView(ObjectFormView):
    queryset = QcInspection.objects.select_related("institution")
    permission = "institutions.add_rectification"
    form = RectificationForm
    object_keyword = "inspection"
    template_name = "institutions/child_form.html"

    def get_form(self, obj):
        return self.form(data=self.request.POST or None, initial={"issued_on": timezone.localdate()})

    @staticmethod
    def action(*, user, inspection, data):
        actions.rectification_issue(user=user, inspection=inspection, data=data)
        return inspection

    def get_context_data(self, **context):
        return {**context, "heading": f"下达整改要求：{context['object'].institution}"}


class RectificationCloseView(ObjectActionView):
    queryset = Rectification.objects.select_related("inspection")
    permission = "institutions.change_rectification"
    form = RectificationCloseForm
    action = actions.rectification_close
    object_keyword = "rectification"
    success_message = "整改已验收。"

    def success_url(self, obj) -> str:
        return reverse("institutions:qcinspection_detail", args=[obj.inspection_id])


class RectificationListView(ObjectListView):
    queryset = Rectification.objects.all()
    filterset = RectificationFilterSet
    table = RectificationTable
    permission = "institutions.view_rectification"
    title = "质控整改"
    unit = "项"
    export_filename = "质控整改"


class QcResultImporter:
    template_filename = "质控检查结果导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return qc_result_template()

    def run(self, **kwargs) -> ImportReport:
        return qc_result_import(**kwargs)


class QcResultImportView(ImportView):
    importer = QcResultImporter()
    kind = "institutions.qcinspection"
    permission = "institutions.change_qcinspection"
    form_class = ImportForm
    title = "导入质控检查结果"
    url_names = {
        "upload": "institutions:qc_import",
        "template": "institutions:qc_import_template",
        "confirm": "institutions:qc_import_confirm",
        "errors": "institutions:qc_import_errors",
        "done": "institutions:qcinspection_list",
    }


class CardFilingImporter:
    template_filename = "信息报告卡报送导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return card_filing_template()

    def run(self, **kwargs) -> ImportReport:
        return card_filing_import(**kwargs)


class CardFilingImportView(ImportView):
    importer = CardFilingImporter()
    kind = "institutions.reportcard"
    permission = "institutions.change_reportcard"
    form_class = ImportForm
    title = "导入信息报告卡报送记录"
    url_names = {
        "upload": "institutions:reportcard_import",
        "template": "institutions:reportcard_import_template",
        "confirm": "institutions:reportcard_import_confirm",
        "errors": "institutions:reportcard_import_errors",
        "done": "institutions:reportcard_list",
    }


class QcPlanCreateView(ObjectFormView):
    queryset = QcPlan.objects.all()
    permission = "institutions.add_qcplan"
    form = QcPlanForm
    action = actions.qcplan_create
    create = True
    one_time_submission = True

    def get_context_data(self, **context):
        return {**context, "title": "制定质控计划"}


class QcPlanDetailView(ObjectDetailView):
    queryset = QcPlan.objects.all()
    permission = "institutions.view_qcplan"
    template_name = "institutions/qcplan_detail.html"

    def get_context_data(self, **context):
        inspections = (
            QcInspection.objects.for_user(self.request.user)
            .filter(plan=context["object"])
            .select_related("institution")
            .order_by("institution__name")
        )
        return {**context, "inspections": inspections}


class QcPlanDrawView(ObjectActionView):
    queryset = QcPlan.objects.all()
    permission = "institutions.change_qcplan"
    action = actions.qcplan_draw
    object_keyword = "plan"
    success_message = "已按随机种子抽取机构并生成待检查记录。"


# --------------------------------------------------------------------------------------------
# Proficiency tests
# --------------------------------------------------------------------------------------------


class ProficiencyResultListView(ObjectListView):
    queryset = ProficiencyResult.objects.all()
    filterset = ProficiencyResultFilterSet
    table = ProficiencyResultTable
    permission = "institutions.view_proficiencyresult"
    template_name = "institutions/proficiency_list.html"
    title = "能力验证结果"
    unit = "条"
    export_filename = "能力验证结果"

    def get_context_data(self, **context):
        return {**context, "rounds": ProficiencyRound.objects.for_user(self.request.user)[:20]}


class ProficiencyResultImporter:
    template_filename = "能力验证结果导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return proficiency_result_template()

    def run(self, **kwargs) -> ImportReport:
        return proficiency_result_import(**kwargs)


class ProficiencyResultImportView(ImportView):
    importer = ProficiencyResultImporter()
    kind = "institutions.proficiencyresult"
    permission = "institutions.change_proficiencyresult"
    form_class = ImportForm
    title = "导入能力验证结果"
    url_names = {
        "upload": "institutions:proficiency_import",
        "template": "institutions:proficiency_import_template",
        "confirm": "institutions:proficiency_import_confirm",
        "errors": "institutions:proficiency_import_errors",
        "done": "institutions:proficiencyresult_list",
    }


class ProficiencyRoundCreateView(ObjectFormView):
    queryset = ProficiencyRound.objects.all()
    permission = "institutions.add_proficiencyround"
    form = ProficiencyRoundForm
    action = actions.proficiencyround_create
    create = True
    one_time_submission = True

    def get_context_data(self, **context):
        return {**context, "title": "新建能力验证轮次"}


class ProficiencyRoundDetailView(ObjectDetailView):
    queryset = ProficiencyRound.objects.all()
    permission = "institutions.view_proficiencyround"
    template_name = "institutions/proficiencyround_detail.html"

    def get_context_data(self, **context):
        results = (
            ProficiencyResult.objects.for_user(self.request.user)
            .filter(round=context["object"])
            .select_related("institution")
        )
        return {
            **context,
            "results": results,
            "enrol_form": context.get("enrol_form") or ProficiencyEnrolForm(),
            "result_form": context.get("result_form") or ProficiencyResultForm(),
        }

    def post(self, request, *args, **kwargs):
        """Two forms on the page: enrol institutions (``enrol``) and record a result."""
        round_ = self.get_object()
        is_enrol = "enrol" in request.POST
        perm = "institutions.add_proficiencyresult" if is_enrol else "institutions.change_proficiencyresult"
        if not request.user.has_perm(perm):
            raise PermissionDenied
        form_class = ProficiencyEnrolForm if is_enrol else ProficiencyResultForm
        form = form_class(request.POST, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if is_enrol:
                        added = actions.proficiency_enrol(
                            user=request.user, round=round_, institutions=form.cleaned_data["institutions"]
                        )
                        messages.success(request, f"已列入 {len(added)} 家机构。")
                    else:
                        data = form.cleaned_data
                        actions.proficiency_result_record(
                            user=request.user,
                            round=round_,
                            institution=data["institution"],
                            outcome=data.get("outcome") or "",
                            z_score=data.get("z_score"),
                            recorded_on=data.get("recorded_on"),
                        )
                        messages.success(request, "已录入结果。")
                return redirect(round_.get_absolute_url())
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
        key = "enrol_form" if is_enrol else "result_form"
        context = {"object": round_, "view": self, key: form}
        return render(request, self.template_name, self.get_context_data(**context), status=400)


# --------------------------------------------------------------------------------------------
# Red / yellow / green
# --------------------------------------------------------------------------------------------


class InstitutionGradeListView(ObjectListView):
    queryset = InstitutionGrade.objects.all()
    filterset = InstitutionGradeFilterSet
    table = InstitutionGradeTable
    permission = "institutions.view_institutiongrade"
    template_name = "institutions/grade_list.html"
    title = "机构三色管理"
    unit = "家"
    export_filename = "机构三色等级"

    def get_context_data(self, **context):
        grading = rules.load_grading_rules()
        year = _year(self.request)
        return {
            **context,
            "grading": grading,
            "compute_form": GradeComputeForm(initial={"year": year}),
            "publication_year": year,
            "can_publish": access.is_citywide(self.request.user),
        }


class InstitutionGradeDetailView(ObjectDetailView):
    queryset = InstitutionGrade.objects.select_related("institution")
    permission = "institutions.view_institutiongrade"
    template_name = "institutions/grade_detail.html"

    def get_context_data(self, **context):
        grade = context["object"]
        evaluation = (
            PerformanceEvaluation.objects.for_user(self.request.user)
            .filter(institution=grade.institution, year=grade.year)
            .first()
        )
        return {
            **context,
            "version": version_label(grade.rules_version),
            "evaluation": evaluation,
            "checklist_version": checklist_label(
                evaluation.checklist_version if evaluation else rules.CURRENT_CHECKLIST_VERSION
            ),
        }


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@requires("institutions.view_institutiongrade")
def grade_publication(request):
    """GET ?year=: the year's 三色管理 publication list (.docx), for city-wide users (the city
    publishes, 001 附件1 第10条); a district's partial list would not be the publication."""
    if not access.is_citywide(request.user):
        raise PermissionDenied("三色管理评定结果由市卫生健康委公示")
    year = _year(request)
    content = reports.publication_docx(request.user, year, today=timezone.localdate())
    return bytes_response(f"{year}年度三色管理评定结果公示.docx", content, DOCX_MIME)


@requires("institutions.add_institutiongrade")
def grade_compute(request):
    """POST: compute every institution's colour for a year (city-wide users; the action checks)."""
    if request.method != "POST":
        return redirect("institutions:grade_list")
    form = GradeComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("institutions:grade_list")
    year = form.cleaned_data["year"]
    try:
        result = actions.grades_compute(user=request.user, year=year)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, messages_of(error))
        return redirect("institutions:grade_list")
    messages.success(
        request, f"{year}年：已评定 {len(result['graded'])} 家，数据不足未评定 {len(result['ungraded'])} 家。"
    )
    return redirect(f"{reverse('institutions:grade_list')}?year={year}")


# --------------------------------------------------------------------------------------------
# Performance evaluation (绩效评估质量指标评分)
# --------------------------------------------------------------------------------------------


class PerformanceEvaluationListView(ObjectListView):
    queryset = PerformanceEvaluation.objects.all()
    filterset = PerformanceEvaluationFilterSet
    table = PerformanceEvaluationTable
    permission = "institutions.view_performanceevaluation"
    template_name = "institutions/evaluation_list.html"
    title = "绩效评估"
    unit = "家"
    export_filename = "绩效评估"

    def get_context_data(self, **context):
        return {**context, "checklist": rules.load_checklist()}


class PerformanceEvaluationDetailView(ObjectDetailView):
    queryset = PerformanceEvaluation.objects.select_related("institution", "evaluated_by")
    permission = "institutions.view_performanceevaluation"
    template_name = "institutions/evaluation_detail.html"

    def get_context_data(self, **context):
        evaluation = context["object"]
        checklist = rules.load_checklist(evaluation.checklist_version)
        by_code = {row["code"]: row for row in evaluation.scores}
        items = [(item, by_code.get(item.code, {})) for item in checklist.items]
        return {
            **context,
            "items": items,
            "version": checklist_label(evaluation.checklist_version),
            "checklist": checklist,
        }


class PerformanceEvaluationCreateView(ObjectFormView):
    """Record (or replace) an institution's evaluation of a year; ``?institution=`` prefills."""

    queryset = PerformanceEvaluation.objects.all()
    permission = "institutions.add_performanceevaluation"
    form = EvaluationForm
    form_takes_user = True
    create = True
    template_name = "institutions/evaluation_form.html"

    def get_form(self, obj):
        form = super().get_form(obj)
        code = self.request.GET.get("institution", "").strip().upper()
        if code:
            form.initial.setdefault("institution", code)
        return form

    @staticmethod
    def action(*, user, data):
        return actions.performance_evaluation_record(user=user, **data)

    def get_context_data(self, **context):
        checklist = rules.load_checklist()
        return {
            **context,
            "title": "录入绩效评估",
            "checklist": checklist,
            "version": checklist_label(checklist.version),
        }


class EvaluationImporter:
    template_filename = "绩效评估评分导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return evaluation_template()

    def run(self, **kwargs) -> ImportReport:
        return evaluation_import(**kwargs)


class EvaluationImportView(ImportView):
    importer = EvaluationImporter()
    kind = "institutions.performanceevaluation"
    permission = "institutions.add_performanceevaluation"
    form_class = ImportForm
    title = "导入绩效评估评分"
    url_names = {
        "upload": "institutions:evaluation_import",
        "template": "institutions:evaluation_import_template",
        "confirm": "institutions:evaluation_import_confirm",
        "errors": "institutions:evaluation_import_errors",
        "done": "institutions:evaluation_list",
    }


# --------------------------------------------------------------------------------------------
# The QC ↔ enforcement ledger (001 附件1 第13条)
# --------------------------------------------------------------------------------------------


class ReferralListView(ObjectListView):
    queryset = Referral.objects.all()
    filterset = ReferralFilterSet
    table = ReferralTable
    permission = "institutions.view_referral"
    template_name = "institutions/referral_list.html"
    title = "质控与监督联动台账"
    unit = "条"
    export_filename = "质控监督移交台账"


class ReferralCreateView(ObjectFormView):
    queryset = Referral.objects.all()
    permission = "institutions.add_referral"
    form = ReferralForm
    form_takes_user = True
    action = actions.referral_create
    create = True
    one_time_submission = True

    def get_form(self, obj):
        form = super().get_form(obj)
        for name in ("institution", "inspection", "direction"):
            value = self.request.GET.get(name, "").strip()
            if value:
                form.initial.setdefault(name, value)
        return form

    def get_context_data(self, **context):
        return {**context, "title": "登记移交（质控 ↔ 卫生监督）"}


class ReferralDetailView(ObjectDetailView):
    queryset = Referral.objects.select_related("institution", "district", "inspection")
    permission = "institutions.view_referral"
    template_name = "institutions/referral_detail.html"

    def get_context_data(self, **context):
        referral = context["object"]
        nxt = rules.REFERRAL_NEXT.get(referral.status, ())
        form = ReferralAdvanceForm(initial={"on": timezone.localdate()})
        form.fields["status"].choices = [(s, rules.REFERRAL_LABEL[s]) for s in nxt]
        return {**context, "advance_form": form if nxt else None}


class ReferralAdvanceView(ObjectActionView):
    queryset = Referral.objects.all()
    permission = "institutions.change_referral"
    form = ReferralAdvanceForm
    action = actions.referral_advance
    object_keyword = "referral"
    success_message = "状态已更新。"


def _month(request) -> tuple[int, int]:
    parsed = rules.parse_month(request.GET.get("month", ""))
    if parsed:
        return parsed
    today = timezone.localdate()
    return today.year, today.month


MONTH_COLUMNS = [
    ("district", "承办区县"),
    ("direction", "移交方向"),
    ("handed_over", "本月移交"),
    ("closed", "本月办结"),
    ("returned", "本月退回"),
    ("open_at_end", "月末未办结"),
    ("open_long", f"其中超过{rules.OPEN_LONG_DAYS}天"),
]


@requires("institutions.view_referral")
def referral_month(request, export: bool = False):
    """The ledger's monthly summary for the city's monthly dispatch meeting (每月市职业健康工作调度会,
    001 附件1 第13条): per district and direction, what was handed over, closed and returned in the
    month and what is still open at its end. ``?month=YYYY-MM``; ``export`` gives the .xlsx."""
    year, month = _month(request)
    summary = queries.ledger_month(request.user, year, month)
    if export:
        rows = [
            (d, label, s.handed_over, s.closed, s.returned, s.open_at_end, s.open_over_30_days)
            for d, label, s in summary
        ]
        return xlsx_response(f"质控监督移交台账月报-{year}-{month:02d}.xlsx", MONTH_COLUMNS, rows)
    return render(
        request,
        "institutions/referral_month.html",
        {
            "year": year,
            "month": month,
            "month_value": f"{year}-{month:02d}",
            "summary": summary,
            "columns": MONTH_COLUMNS,
            "open_days": rules.OPEN_LONG_DAYS,
        },
    )


# --------------------------------------------------------------------------------------------
# Technical guidance at employers (001 附件1 目标(四))
# --------------------------------------------------------------------------------------------


class TechnicalGuidanceListView(ObjectListView):
    queryset = TechnicalGuidance.objects.all()
    filterset = TechnicalGuidanceFilterSet
    table = TechnicalGuidanceTable
    permission = "institutions.view_technicalguidance"
    template_name = "institutions/guidance_list.html"
    title = "技术指导"
    unit = "次"
    export_filename = "技术指导"


class TechnicalGuidanceCreateView(ObjectFormView):
    queryset = TechnicalGuidance.objects.all()
    permission = "institutions.add_technicalguidance"
    form = GuidanceForm
    form_takes_user = True
    action = actions.guidance_record
    create = True
    one_time_submission = True

    def get_context_data(self, **context):
        return {**context, "title": "登记技术指导"}


class TechnicalGuidanceDetailView(ObjectDetailView):
    queryset = TechnicalGuidance.objects.select_related("institution", "enterprise")
    permission = "institutions.view_technicalguidance"
    template_name = "institutions/guidance_detail.html"


COUNT_COLUMNS = [
    ("institution", "指导机构"),
    ("uscc", "统一社会信用代码"),
    ("region", "所在区县"),
    ("visits", "指导次数"),
    ("employers", "指导用人单位数"),
    ("target", "年度目标（家）"),
    ("status", "完成情况"),
]
STATUS_LABEL = {"met": "已达标", "short": "未达标", "no_target": "无目标", "no_duty": "非考核机构"}


@requires("institutions.view_technicalguidance")
def guidance_counts(request, export: bool = False):
    """The year's count per guiding institution against the ≥ 50 employers target."""
    year = _year(request)
    counts = queries.guidance_counts(request.user, year)
    target = rules.load_guidance_target()
    if export:
        rows = [
            (
                c["institution"].name,
                c["institution"].uscc,
                c["institution"].region.name if c["institution"].region else c["institution"].province,
                c["visits"],
                c["employers"],
                c["target"],
                STATUS_LABEL[c["status"]],
            )
            for c in counts
        ]
        return xlsx_response(f"技术指导完成情况-{year}.xlsx", COUNT_COLUMNS, rows)
    return render(
        request,
        "institutions/guidance_counts.html",
        {"year": year, "counts": counts, "target": target, "status_label": STATUS_LABEL},
    )


# --------------------------------------------------------------------------------------------
# Out-of-province institutions: the yearly QC sample and its results (001 附件1 第12条)
# --------------------------------------------------------------------------------------------

OUT_COLUMNS = [
    ("name", "机构名称"),
    ("uscc", "统一社会信用代码"),
    ("province", "所在省份"),
    ("qc_number", "质量控制号"),
    ("clients", "本年度服务本市用人单位数"),
    ("sampled", "纳入本年度抽查"),
    ("status", "检查状态"),
    ("inspected_on", "检查日期"),
    ("score", "评分"),
    ("result", "结论"),
    ("open", "未验收整改"),
]


@requires("institutions.view_qcinspection")
def out_of_province(request, export: bool = False):
    """The report of the year's out-of-province QC sample (≥ 50 %) and its results to the city."""
    year = _year(request)
    rows, figures = queries.out_of_province_report(request.user, year)
    if export:
        data = [
            (
                r.institution.name,
                r.institution.uscc,
                r.institution.province,
                r.institution.qc_number,
                r.clients,
                "是" if r.inspection else "否",
                r.inspection.get_status_display() if r.inspection else "",
                r.inspection.inspected_on if r.inspection else None,
                float(r.inspection.score) if r.inspection and r.inspection.score is not None else "",
                r.inspection.get_result_display() if r.inspection else "",
                r.open_rectifications,
            )
            for r in rows
        ]
        return xlsx_response(f"外省来渝机构质控抽查结果-{year}.xlsx", OUT_COLUMNS, data)
    return render(
        request, "institutions/out_of_province.html", {"year": year, "rows": rows, "figures": figures}
    )


# --------------------------------------------------------------------------------------------
# Report cards: the list, filing, and the reporting rates (issue 9 item 3)
# --------------------------------------------------------------------------------------------


class ReportCardListView(ObjectListView):
    queryset = ReportCard.objects.all()
    filterset = ReportCardFilterSet
    table = ReportCardTable
    permission = "institutions.view_reportcard"
    template_name = "institutions/reportcard_list.html"
    title = "信息报告卡"
    unit = "张"
    export_filename = "信息报告卡"

    def get_context_data(self, **context):
        return {**context, "card_rules": rules.load_card_rules()}


class ReportCardDetailView(ObjectDetailView):
    queryset = ReportCard.objects.select_related("institution", "enterprise")
    permission = "institutions.view_reportcard"
    template_name = "institutions/reportcard_detail.html"

    def get_context_data(self, **context):
        card = context["object"]
        can_file = (
            card.reported_on is None
            and self.request.user.has_perm("institutions.change_reportcard")
            and (
                access.sees_everything(self.request.user)
                or access.own_institution_id(self.request.user) == card.institution_id
            )
        )
        return {**context, "card_rules": rules.load_card_rules(card.rules_version), "can_file": can_file}


class ReportCardFileView(ObjectFormView):
    queryset = ReportCard.objects.select_related("institution")
    permission = "institutions.change_reportcard"
    form = ReportCardFileForm
    action = actions.card_file_of
    template_name = "institutions/child_form.html"
    success_message = "信息报告卡已报送。已记入审计日志。"

    def get_context_data(self, **context):
        return {**context, "heading": f"报送：{context['object']}"}


RATE_COLUMNS = [
    ("institution", "机构"),
    ("uscc", "统一社会信用代码"),
    ("performed", "应报送（张）"),
    ("reported", "已报送（张）"),
    ("missing", "逾期未报送（张）"),
    ("late", "逾期报送（张）"),
    ("rate", "上报率"),
    ("timeliness", "及时率"),
]


def _percent(value: float | None) -> str:
    return "无数据" if value is None else f"{value:.1f}%"


@requires("institutions.view_reportcard")
def reportcard_rates(request, export: bool = False):
    """Per institution and year: 上报率 (reported / performed) and 及时率, with links to the missing
    and late cards behind them."""
    year = _year(request)
    rows = queries.card_rates(request.user, year, timezone.localdate())
    if export:
        data = [
            (
                r.institution.name,
                r.institution.uscc,
                r.counts.performed,
                r.counts.reported,
                r.missing,
                r.late,
                _percent(r.rate),
                _percent(r.timeliness),
            )  # fmt: skip
            for r in rows
        ]
        return xlsx_response(f"信息报告卡上报率-{year}.xlsx", RATE_COLUMNS, data)
    return render(
        request,
        "institutions/reportcard_rates.html",
        {"year": year, "rows": rows, "card_rules": rules.load_card_rules(), "percent": _percent},
    )
