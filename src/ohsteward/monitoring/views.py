"""Pages of monitoring: reports (header, then post × factor rows, on a phone), measurements and the
over-limit list, rectification tasks (open, measures with evidence), detection due dates, import."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.models import Job, JobStatus
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
    requires,
)
from ohsteward.monitoring import actions, assess, queries
from ohsteward.monitoring.calculator.stats_service import chart_option, statistics_json
from ohsteward.monitoring.choices import TaskStatus
from ohsteward.monitoring.filtersets import (
    DetectionDueFilterSet,
    DetectionReportFilterSet,
    MeasurementFilterSet,
    RectificationTaskFilterSet,
)
from ohsteward.monitoring.forms import MeasureForm, MeasurementForm, ReportForm, TaskOpenForm
from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.jobs import IMPORT_KIND, start_import_job
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationEvidence, RectificationTask
from ohsteward.monitoring.tables import (
    DetectionDueTable,
    DetectionReportTable,
    MeasurementTable,
    RectificationTaskTable,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.stewardship import rules as evidence_rules


class ReportListView(ObjectListView):
    queryset = DetectionReport.objects.all()
    filterset = DetectionReportFilterSet
    table = DetectionReportTable
    permission = "monitoring.view_detectionreport"
    title, unit, export_filename = "检测报告", "份", "检测报告"
    template_name = "monitoring/report_list.html"


class ReportCreateView(ObjectFormView):
    queryset = DetectionReport.objects.all()
    permission = "monitoring.add_detectionreport"
    form = ReportForm
    form_takes_user = True
    create = True
    one_time_submission = True
    action = actions.report_save
    template_name = "monitoring/form.html"
    success_message = "已保存报告，请逐条录入岗位检测结果。"

    def get_context_data(self, **context) -> dict:
        return {**context, "title": "录入检测报告"}


class ReportEditView(ObjectFormView):
    queryset = DetectionReport.objects.select_related("enterprise", "institution")
    permission = "monitoring.change_detectionreport"
    form = ReportForm
    form_takes_user = True
    action = actions.report_save
    object_keyword = "report"
    template_name = "monitoring/form.html"


class ReportDetailView(ObjectDetailView):
    queryset = DetectionReport.objects.select_related("enterprise__region", "institution", "recorded_by")
    permission = "monitoring.view_detectionreport"
    template_name = "monitoring/report_detail.html"

    def get_context_data(self, **context) -> dict:
        report = context["object"]
        rows = MeasurementTable.queryset(
            Measurement.objects.for_user(self.request.user)
            .filter(report=report)
            .order_by("post__workplace__name", "post__name", "pk")
        )
        return {
            **context,
            "rows": MeasurementTable.html_rows(list(rows)),
            "headers": MeasurementTable.headers(""),
            "table": MeasurementTable,
            "may_add": self.request.user.has_perm("monitoring.add_measurement"),
        }


class MeasurementCreateView(ScopedObjectMixin, ProtectedView):
    """Add one post × factor to a report (the report is the URL's pk; 404 outside the scope)."""

    queryset = DetectionReport.objects.select_related("enterprise", "institution")
    permission = "monitoring.add_measurement"
    template_name = "monitoring/measurement_form.html"

    def _render(self, form, report):
        return render(self.request, self.template_name, {
            "form": form, "report": report, "factor_kinds": factor_kinds(),
        })  # fmt: skip

    def get(self, request, pk):
        report = self.get_object()
        return self._render(MeasurementForm(initial={"measured_on": report.sampling_start}), report)

    def post(self, request, pk):
        report = self.get_object()
        form = MeasurementForm(request.POST)
        if form.is_valid():
            try:
                measurement, _changed = actions.measurement_record(
                    user=request.user, report=report, **form.action_data()
                )
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(
                    request, f"已判定：{measurement.post} × {measurement.factor}，{measurement.verdict}"
                )
                if request.POST.get("next") == "another":
                    return redirect("monitoring:measurement_create", pk=report.pk)
                return redirect(measurement.get_absolute_url())
        return self._render(form, report)


def factor_kinds() -> dict[str, list[str]]:
    """Factor names per kind, for the form's field groups (app.js) and its datalist."""
    # local: the catalogue is read per request only on the form page
    from ohsteward.hazards.models import HazardFactor

    out: dict[str, list[str]] = {}
    for name, category in HazardFactor.objects.filter(
        category__in=("dust", "chemical", "physical")
    ).values_list("name", "category"):
        out.setdefault(assess.kind_for(category, name), []).append(name)
    return out


class MeasurementListView(ObjectListView):
    queryset = Measurement.objects.all()
    filterset = MeasurementFilterSet
    table = MeasurementTable
    permission = "monitoring.view_measurement"
    title, unit, export_filename = "检测结果", "条", "检测结果"


class OverLimitListView(MeasurementListView):
    queryset = Measurement.objects.over_limit()
    title, export_filename = "超标岗位", "超标岗位"


class MeasurementDetailView(ObjectDetailView):
    queryset = Measurement.objects.select_related(
        "enterprise__region", "post__workplace", "factor", "report__institution", "limit"
    )
    permission = "monitoring.view_measurement"
    template_name = "monitoring/measurement_detail.html"

    def get_context_data(self, **context) -> dict:
        m = context["object"]
        user = self.request.user
        tasks = list(
            RectificationTask.objects.for_user(user).filter(post=m.post, factor=m.factor).order_by("-pk")
        )
        open_task = next((t for t in tasks if t.status == TaskStatus.OPEN), None)
        covering = actions.group_task(m)  # the open task of a failing group it belongs to
        if covering is not None and covering not in tasks and access.in_scope(user, covering):
            tasks.insert(0, covering)
            if m.compliant is not False:
                open_task = covering  # one task per failing group: no second one from this member
        group = queries.exposure_group(user, m)
        shown = chart = None
        if group is not None and group.statistics is not None:
            shown = statistics_json(group.statistics)
            chart = chart_option(group.statistics)
        return {
            **context,
            "group": group,
            "group_shown": shown,
            "chart": chart,
            "tasks": tasks,
            "may_open": m.over_limit
            and open_task is None
            and user.has_perm("monitoring.add_rectificationtask"),
            "task_form": TaskOpenForm(),
        }


class TaskOpenView(ObjectActionView):
    queryset = Measurement.objects.all()
    permission = "monitoring.add_rectificationtask"
    form = TaskOpenForm
    action = actions.rectification_open
    object_keyword = "measurement"
    success_message = "已下达整改任务，用人单位将在首页看到。"


class TaskListView(ObjectListView):
    queryset = RectificationTask.objects.all()
    filterset = RectificationTaskFilterSet
    table = RectificationTaskTable
    permission = "monitoring.view_rectificationtask"
    title, unit, export_filename = "超标整改任务", "项", "超标整改任务"
    template_name = "monitoring/task_list.html"

    def get_context_data(self, **context) -> dict:
        return {**context, "counts": queries.task_counts(self.request.user, timezone.localdate())}


class TaskDetailView(ObjectDetailView):
    queryset = RectificationTask.objects.select_related(
        "enterprise",
        "post__workplace",
        "factor",
        "measurement",
        "closed_by",
        "visit_finding__visit__agreement",
    )
    permission = "monitoring.view_rectificationtask"
    template_name = "monitoring/task_detail.html"

    def get_context_data(self, **context) -> dict:
        task = context["object"]
        return {
            **context,
            "measures": list(task.measures.prefetch_related("evidence").order_by("taken_on", "pk")),
            "overdue": task.status == TaskStatus.OPEN and task.deadline < timezone.localdate(),
            "may_record": task.status == TaskStatus.OPEN
            and self.request.user.has_perm("monitoring.change_rectificationtask"),
            "measure_form": MeasureForm(),
            # a task from a steward finding is closed by its team (or the district) after checking
            "may_close": task.status == TaskStatus.OPEN
            and task.visit_finding_id is not None
            and self.request.user.has_perm("stewardship.change_visitfinding")
            and access.own_enterprise_id(self.request.user) is None,
        }


class TaskCloseView(ScopedObjectMixin, ProtectedView):
    """Close a task raised from a steward visit finding (issue 10 item 3)."""

    http_method_names = ["post"]
    queryset = RectificationTask.objects.select_related("visit_finding__visit__agreement")
    permission = "monitoring.view_rectificationtask"

    def post(self, request, pk):
        task = self.get_object()
        try:
            actions.rectification_close_finding(user=request.user, task=task)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
        else:
            messages.success(request, "整改任务已关闭。")
        return redirect(task.get_absolute_url())


class MeasureAddView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = RectificationTask.objects.all()
    permission = "monitoring.change_rectificationtask"

    def post(self, request, pk):
        task = self.get_object()
        form = MeasureForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("evidence", [])
            try:
                actions.rectification_add_measure(user=request.user, task=task, data=data, files=files)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, "已记录整改措施。整改完成后请委托复测，复测合格后任务自动关闭。")
        else:
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(task.get_absolute_url())


class EvidenceView(ScopedObjectMixin, ProtectedView):
    """An evidence file, to whoever sees the task (404 otherwise), served by its checked type."""

    queryset = RectificationTask.objects.all()
    permission = "monitoring.view_rectificationtask"

    def get(self, request, pk, evidence_pk):
        task = self.get_object()
        evidence = RectificationEvidence.objects.filter(pk=evidence_pk, measure__task=task).first()
        if evidence is None:
            raise Http404("文件不存在")
        media_type, shown = evidence_rules.evidence_media_type(evidence.name)
        response = HttpResponse(bytes(evidence.data), content_type=media_type)
        disposition = "inline" if shown else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(evidence.name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DueListView(ObjectListView):
    queryset = queries.detection_due()
    filterset = DetectionDueFilterSet
    table = DetectionDueTable
    permission = "monitoring.view_detectionreport"
    title, unit, export_filename = "定期检测到期", "家", "定期检测到期"

    def get_queryset(self):
        return queries.detection_due().for_user(self.request.user)

    def page_source(self, queryset):
        return queries.detection_due()


@requires("monitoring.add_measurement")
@require_POST
def measurement_import_job_confirm(request, pk: int):
    """Apply a previewed large import: a second job over the preview job's stored file."""
    preview = access.get_for_user_or_404(
        Job.objects.filter(user=request.user),
        request.user,
        pk=pk,
        kind=IMPORT_KIND,
        status=JobStatus.SUCCEEDED,
    )
    try:
        content = jobs.read_input(preview)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("monitoring:measurement_import")
    job = start_import_job(
        user=request.user,
        filename=preview.input_name,
        content=content,
        dry_run=False,
        partial=bool(preview.params.get("partial")),
    )
    return redirect("web:job_detail", pk=job.pk)


class MeasurementImportView(BaseImportView):
    importer = MeasurementImporter()
    import_job = start_import_job
    kind = "monitoring.measurements"
    permission = "monitoring.add_measurement"
    form_class = ImportForm
    title = "导入检测结果"
    url_names = {
        "upload": "monitoring:measurement_import",
        "template": "monitoring:measurement_import_template",
        "confirm": "monitoring:measurement_import_confirm",
        "errors": "monitoring:measurement_import_errors",
        "done": "monitoring:measurement_list",
    }
