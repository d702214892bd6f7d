"""Pages of exam results and their follow-up: exams (list, detail, phone form, import), batches
with their 表5-1, tasks (reassignment on a phone), cases with the §13 time limits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.surveillance import conclusions, deadlines, rehab
from ohsteward.surveillance.exams import actions, queries
from ohsteward.surveillance.exams.choices import BatchSource, TaskKind
from ohsteward.surveillance.exams.filtersets import (
    ChronicFollowUpFilterSet,
    ChronicScreeningFilterSet,
    DiseaseCaseFilterSet,
    ExamBatchFilterSet,
    ExamFilterSet,
    PneumoconiosisPatientFilterSet,
    SurveillanceTaskFilterSet,
)
from ohsteward.surveillance.exams.forms import (
    EXAM_FIELD_MAP,
    CaseDatesForm,
    ChronicFollowUpForm,
    ChronicScreeningForm,
    DiagnoseForm,
    ExamForm,
    PatientFollowUpForm,
    ReassignForm,
    ReferForm,
    StationForm,
    own_institution,
)
from ohsteward.surveillance.exams.importers import ExamImporter
from ohsteward.surveillance.exams.models import (
    CLINICAL_PERMISSION,
    ChronicFollowUp,
    ChronicScreening,
    DiseaseCase,
    Exam,
    ExamBatch,
    ExamResult,
    PneumoconiosisPatient,
    SurveillanceTask,
)
from ohsteward.surveillance.exams.patient_importer import PatientImporter
from ohsteward.surveillance.exams.tables import (
    ChronicFollowUpTable,
    ChronicScreeningTable,
    DiseaseCaseTable,
    ExamBatchTable,
    ExamTable,
    PneumoconiosisPatientTable,
    SurveillanceTaskTable,
)


class ExamListView(ObjectListView):
    queryset = Exam.objects.all()
    filterset = ExamFilterSet
    table = ExamTable
    permission = "surveillance.view_exam"
    title, unit, export_filename = "职业健康检查结果", "人次", "职业健康检查结果"
    template_name = "surveillance/exam_list.html"


class ExamDetailView(ObjectDetailView):
    queryset = Exam.objects.select_related(
        "worker__person", "worker__enterprise", "institution", "batch"
    ).prefetch_related(
        Prefetch("results", queryset=ExamResult.objects.select_related("factor").order_by("pk"))
    )
    permission = "surveillance.view_exam"
    template_name = "surveillance/exam_detail.html"

    def get_context_data(self, **context) -> dict:
        exam = context["object"]
        results = list(exam.results.all())
        for r in results:
            r.effect_label = conclusions.CONCLUSIONS[r.conclusion].effect_label
        return {
            **context,
            "results": results,
            "clinical": access.has_perm(self.request.user, CLINICAL_PERMISSION),
            "tasks": SurveillanceTask.objects.for_user(self.request.user)
            .filter(result__exam=exam)
            .select_related("factor")
            .order_by("pk"),
            "today": timezone.localdate(),
            "standard": conclusions.conclusion_set(exam.date),
        }


class ExamCreateView(ProtectedView):
    """One exam entered on a phone by the exam institution's staff."""

    permission = "surveillance.add_exam"
    template_name = "surveillance/exam_form.html"

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, "title": "录入体检结果"})

    def get(self, request):
        return self._render(ExamForm(user=request.user))

    def post(self, request):
        form = ExamForm(data=request.POST, user=request.user)
        if form.is_valid():
            institution = own_institution(request.user)
            if institution is None:
                form.add_error(None, "只有体检机构人员可以录入体检结果")
                return self._render(form)
            try:
                exam = actions.exam_record(
                    user=request.user,
                    worker=form.worker,
                    date=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    institution=institution,
                    report_number=form.cleaned_data["report_number"],
                    results=form.results(),
                    source=BatchSource.FORM,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, msgs in error.message_dict.items():
                        target = EXAM_FIELD_MAP.get(field, field)
                        for msg in msgs:
                            form.add_error(target if target in form.fields else None, msg)
                else:
                    apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, f"已保存：{exam}")
                return redirect(exam.get_absolute_url())
        return self._render(form)


class ExamImportView(BaseImportView):
    importer = ExamImporter()
    kind = "surveillance-exams"
    permission = "surveillance.add_exam"
    form_class = ImportForm
    title = "导入体检结果"
    url_names = {
        "upload": "surveillance:exam_import",
        "template": "surveillance:exam_import_template",
        "confirm": "surveillance:exam_import_confirm",
        "errors": "surveillance:exam_import_errors",
        "done": "surveillance:exambatch_list",
    }


class ExamBatchListView(ObjectListView):
    queryset = ExamBatch.objects.all()
    filterset = ExamBatchFilterSet
    table = ExamBatchTable
    permission = "surveillance.view_exambatch"
    title, unit, export_filename = "体检结果汇总（表5-1）", "批", "体检结果汇总"
    template_name = "surveillance/exam_list.html"


class ExamBatchDetailView(ObjectDetailView):
    queryset = ExamBatch.objects.select_related("enterprise", "institution")
    permission = "surveillance.view_exambatch"
    template_name = "surveillance/exambatch_detail.html"

    def get_context_data(self, **context) -> dict:
        batch = context["object"]
        counts = actions.batch_summary(batch)
        return {
            **context,
            "summary": [(label, counts[key]) for key, label in conclusions.SUMMARY_COLUMNS],
            "can_see_exams": self.request.user.has_perm("surveillance.view_exam"),
        }


class TaskListView(ObjectListView):
    queryset = SurveillanceTask.objects.all()
    filterset = SurveillanceTaskFilterSet
    table = SurveillanceTaskTable
    permission = "surveillance.view_surveillancetask"
    title, unit, export_filename = "监护任务", "项", "监护任务"
    template_name = "surveillance/exam_list.html"


class TaskDetailView(ScopedObjectMixin, ProtectedView):
    """A task; a reassignment task takes the new post here (on a phone)."""

    queryset = SurveillanceTask.objects.select_related(
        "worker__person", "worker__enterprise", "factor", "new_post", "result__exam"
    )
    permission = "surveillance.view_surveillancetask"
    template_name = "surveillance/task_detail.html"

    def _render(self, task, form=None):
        can_reassign = (
            task.kind == TaskKind.REASSIGNMENT
            and task.closed_on is None
            and self.request.user.has_perm("surveillance.change_surveillancetask")
        )
        if can_reassign and form is None:
            form = ReassignForm(task=task, user=self.request.user)
        today = timezone.localdate()
        exposed = (
            actions.exposed_posts(task.worker, task.factor_id).select_related("post")
            if task.kind == TaskKind.REASSIGNMENT
            else []
        )
        return render(
            self.request,
            self.template_name,
            {
                "object": task,
                "status": task.status_on(today),
                "form": form if can_reassign else None,
                "exposed": list(exposed),
                "reassignment_limit": deadlines.LIMITS_V1.get(deadlines.REASSIGNMENT),
            },
        )

    def get(self, request, pk):
        return self._render(self.get_object())

    def post(self, request, pk):
        task = self.get_object()
        if not request.user.has_perm("surveillance.change_surveillancetask"):
            raise PermissionDenied
        form = ReassignForm(data=request.POST, task=task, user=request.user)
        if form.is_valid():
            try:
                actions.reassignment_record(user=request.user, task=task, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "已登记调岗，任务已完成。")
                return redirect(task.get_absolute_url())
        return self._render(task, form)


class CaseListView(ObjectListView):
    queryset = DiseaseCase.objects.all()
    filterset = DiseaseCaseFilterSet
    table = DiseaseCaseTable
    permission = "surveillance.view_diseasecase"
    title, unit, export_filename = "职业病诊断个案", "例", "职业病诊断个案"
    template_name = "surveillance/exam_list.html"


CASE_STEPS = {"refer": ReferForm, "diagnose": DiagnoseForm, "dates": CaseDatesForm}


class CaseDetailView(ScopedObjectMixin, ProtectedView):
    """A case: its §13 deadlines (overdue highlighted) and the step forms (refer, diagnose, dates)."""

    queryset = DiseaseCase.objects.select_related(
        "worker__person",
        "worker__enterprise",
        "factor",
        "referred_to",
        "disease",
        "result__exam__institution",
    )
    permission = "surveillance.view_diseasecase"
    template_name = "surveillance/case_detail.html"

    def _render(self, case, forms=None):
        can_change = self.request.user.has_perm("surveillance.change_diseasecase")
        forms = forms or {}
        if can_change:
            initial_dates = {f: getattr(case, f) for f in actions.CASE_DATE_FIELDS}
            forms.setdefault("refer", ReferForm())
            forms.setdefault("diagnose", DiagnoseForm())
            forms.setdefault("dates", CaseDatesForm(initial=initial_dates))
        return render(
            self.request,
            self.template_name,
            {
                "object": case,
                "deadlines": case.deadlines_on(timezone.localdate()),
                "forms": forms if can_change else {},
            },
        )

    def get(self, request, pk):
        return self._render(self.get_object())

    def post(self, request, pk):
        case = self.get_object()
        if not request.user.has_perm("surveillance.change_diseasecase"):
            raise PermissionDenied
        step = request.POST.get("step", "")
        form_class = CASE_STEPS.get(step)
        if form_class is None:
            messages.error(request, "未知的操作")
            return redirect(case.get_absolute_url())
        form = form_class(data=request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if step == "refer":
                    actions.case_refer(user=request.user, case=case, **data)
                elif step == "diagnose":
                    actions.case_diagnose(user=request.user, case=case, **data)
                else:
                    actions.case_record_dates(user=request.user, case=case, data=data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "已保存。")
                return redirect(case.get_absolute_url())
        return self._render(self.get_object(), {step: form})


class ChronicScreeningListView(ObjectListView):
    queryset = ChronicScreening.objects.all()
    filterset = ChronicScreeningFilterSet
    table = ChronicScreeningTable
    permission = "surveillance.view_chronicscreening"
    title, unit, export_filename = "慢病筛查", "人次", "慢病筛查"
    template_name = "surveillance/chronic_list.html"


class ChronicFollowUpListView(ObjectListView):
    queryset = ChronicFollowUp.objects.all()
    filterset = ChronicFollowUpFilterSet
    table = ChronicFollowUpTable
    permission = "surveillance.view_chronicfollowup"
    title, unit, export_filename = "慢病随访", "人次", "慢病随访"
    template_name = "surveillance/chronic_list.html"


class _ChronicCreateView(ProtectedView):
    """A screening or a follow-up on a phone: the worker by ID number, then the readings."""

    form_class: Any = None
    action: Any = None
    title = ""
    list_url = ""
    template_name = "surveillance/chronic_form.html"

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, "title": self.title})

    def get(self, request):
        return self._render(
            self.form_class(user=request.user, initial={self.date_field: timezone.localdate()})
        )

    def post(self, request):
        form = self.form_class(data=request.POST, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "id_number"}
            try:
                record = type(self).action(user=request.user, worker=form.worker, **data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, f"已保存：{record}")
                return redirect(self.list_url)
        return self._render(form)


class ChronicScreeningCreateView(_ChronicCreateView):
    permission = "surveillance.add_chronicscreening"
    form_class = ChronicScreeningForm
    action = actions.chronic_screening_record
    date_field = "screened_on"
    title = "录入慢病筛查"
    list_url = "/surveillance/chronic/screenings/"


class ChronicFollowUpCreateView(_ChronicCreateView):
    permission = "surveillance.add_chronicfollowup"
    form_class = ChronicFollowUpForm
    action = actions.chronic_follow_up_record
    date_field = "visited_on"
    title = "录入慢病随访"
    list_url = "/surveillance/chronic/follow-ups/"


class PatientListView(ObjectListView):
    queryset = PneumoconiosisPatient.objects.all()
    filterset = PneumoconiosisPatientFilterSet
    table = PneumoconiosisPatientTable
    permission = "surveillance.view_pneumoconiosispatient"
    title, unit, export_filename = "尘肺病患者", "人", "尘肺病患者"
    template_name = "surveillance/patient_list.html"


class PatientImportView(BaseImportView):
    """尘肺病患者 from the CDC system's list: template, dry run, confirm (``patient_importer``)."""

    importer = PatientImporter()
    kind = "surveillance-patients"
    permission = "surveillance.add_pneumoconiosispatient"
    form_class = ImportForm
    title = "导入尘肺病患者（疾控系统）"
    url_names = {
        "upload": "surveillance:patient_import",
        "template": "surveillance:patient_import_template",
        "confirm": "surveillance:patient_import_confirm",
        "errors": "surveillance:patient_import_errors",
        "done": "surveillance:patient_list",
    }


class TownsView(ProtectedView):
    """Patients per town of residence against rehabilitation stations; towns with ≥ 100 resident
    patients and no 康复站 first (threshold 未核对, ``rehab.RULES_V1``). Regulators add a station here."""

    permission = "surveillance.view_pneumoconiosispatient"

    def _render(self, request, form=None):
        rows = queries.towns_with_patients(request.user)
        districts = queries.districts_with_patients(request.user)
        if form is None and request.user.has_perm("surveillance.add_rehabstation"):
            form = StationForm(user=request.user)
        return render(
            request,
            "surveillance/towns.html",
            {
                "rows": rows,
                "rules": rehab.RULES_V1,
                "lacking": [r for r in rows if r["needs_station"]],
                "districts": districts,
                "map": [
                    {"name": d["name"], "value": d["patients"], "stations": d["stations"]} for d in districts
                ],
                "form": form,
            },
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        if not request.user.has_perm("surveillance.add_rehabstation"):
            raise PermissionDenied
        form = StationForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                actions.station_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "已登记康复站点。")
                return redirect("surveillance:patient_towns")
        return self._render(request, form)


class PatientDetailView(ScopedObjectMixin, ProtectedView):
    """A patient, their follow-ups, and the yearly follow-up form."""

    queryset = PneumoconiosisPatient.objects.select_related(
        "person", "enterprise", "disease", "district", "town"
    )
    permission = "surveillance.view_pneumoconiosispatient"
    template_name = "surveillance/patient_detail.html"

    def _render(self, patient, form=None):
        if form is None and self.request.user.has_perm("surveillance.add_patientfollowup"):
            form = PatientFollowUpForm(initial={"visited_on": timezone.localdate()})
        visits = patient.follow_ups.order_by("-visited_on", "-pk")
        return render(self.request, self.template_name, {"object": patient, "visits": visits, "form": form})

    def get(self, request, pk):
        return self._render(self.get_object())

    def post(self, request, pk):
        patient = self.get_object()
        if not request.user.has_perm("surveillance.add_patientfollowup"):
            raise PermissionDenied
        form = PatientFollowUpForm(data=request.POST)
        if form.is_valid():
            try:
                actions.patient_follow_up_record(user=request.user, patient=patient, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "已登记随访。")
                return redirect("surveillance:patient_detail", pk=patient.pk)
        return self._render(patient, form)
