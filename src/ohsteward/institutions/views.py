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
from ohsteward.core.spreadsheets import bytes_response
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
    ProficiencyResultFilterSet,
    QcInspectionFilterSet,
    RectificationFilterSet,
)
from ohsteward.institutions.forms import (
    GradeComputeForm,
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
    StaffMemberForm,
)
from ohsteward.institutions.importers import (
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
    ProficiencyResult,
    ProficiencyRound,
    QcInspection,
    QcPlan,
    Rectification,
)
from ohsteward.institutions.tables import (
    InstitutionGradeTable,
    InstitutionTable,
    ProficiencyResultTable,
    QcInspectionTable,
    RectificationTable,
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
        return {**context, "version": version_label(grade.rules_version)}


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
