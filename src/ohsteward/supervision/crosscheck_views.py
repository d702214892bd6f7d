"""The cross-checks (issue 9 item 6) for the city CDC's QC team: the computed preview page with its
.xlsx export, and the stored findings — list with filters and .xlsx export, detail with the
verification form, and the re-run as a background job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.spreadsheets import xlsx_response
from ohsteward.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    ProtectedView,
    messages_of,
    requires,
)
from ohsteward.supervision import actions, crosschecks, jobs
from ohsteward.supervision.filtersets import CrossCheckFindingFilterSet
from ohsteward.supervision.forms import CrossCheckRunForm, FindingDecideForm
from ohsteward.supervision.models import CrossCheckFinding
from ohsteward.supervision.tables import CrossCheckFindingTable

# the QC team: who records QC inspections (the city and the city CDC)
PERMISSION = "institutions.change_qcinspection"

COLUMNS = [
    ("kind", "核查类别"),
    ("institution", "机构"),
    ("institution_uscc", "机构信用代码"),
    ("enterprise", "用人单位"),
    ("enterprise_uscc", "用人单位信用代码"),
    ("summary", "发现"),
    ("records", "相关记录"),
]


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@requires(PERMISSION)
def crosscheck_list(request, export: bool = False):
    year = _year(request)
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in crosschecks.KINDS else None
    thresholds = crosschecks.load_thresholds()
    items = crosschecks.run(request.user, year, kinds, thresholds)
    if export:
        rows = [
            (
                i.kind_label,
                i.institution.name if i.institution else "",
                i.institution.uscc if i.institution else "",
                i.enterprise.name if i.enterprise else "",
                i.enterprise.uscc if i.enterprise else "",
                i.summary,
                "；".join(label for label, _ in i.records),
            )
            for i in items
        ]
        return xlsx_response(f"交叉核查-{year}.xlsx", COLUMNS, rows)
    return render(
        request,
        "supervision/crosscheck_list.html",
        {
            "year": year,
            "kind": kind,
            "kinds": crosschecks.KINDS,
            "items": items,
            "thresholds": thresholds,
            "can_run": _can_run(request.user),
        },
    )


def _can_run(user) -> bool:
    return user.has_perm("supervision.change_crosscheckfinding") and access.is_citywide(user)


class FindingListView(ObjectListView):
    """The stored findings, filtered by year, kind, status, institution, employer and district."""

    queryset = CrossCheckFinding.objects.all()
    filterset = CrossCheckFindingFilterSet
    table = CrossCheckFindingTable
    permission = "supervision.view_crosscheckfinding"
    template_name = "supervision/finding_list.html"
    title, unit, export_filename = "交叉核查发现", "条", "交叉核查发现"

    def get_context_data(self, **context):
        return {
            **context,
            "run_form": CrossCheckRunForm(initial={"year": _year(self.request)}),
            "can_run": _can_run(self.request.user),
        }


class FindingDetailView(ObjectDetailView):
    queryset = CrossCheckFinding.objects.select_related(
        "enterprise__region", "institution__region", "decided_by"
    )
    permission = "supervision.view_crosscheckfinding"
    template_name = "supervision/finding_detail.html"

    def get_context_data(self, **context):
        finding = context["object"]
        user = self.request.user
        can_decide = actions.can_decide_finding(user, finding)
        form = FindingDecideForm(initial={"status": finding.status, "note": finding.note})
        return {**context, "decide_form": form if can_decide else None}


class FindingDecideView(ObjectActionView):
    queryset = CrossCheckFinding.objects.all()
    permission = "supervision.change_crosscheckfinding"
    form = FindingDecideForm
    action = actions.crosscheck_finding_decide
    object_keyword = "finding"
    success_message = "核实结论已保存。修改已记入审计日志。"


class CrossCheckRunView(ProtectedView):
    """POST: re-run a year's cross-checks as a background job and store the findings."""

    http_method_names = ["post"]
    permission = "supervision.change_crosscheckfinding"

    def post(self, request):
        form = CrossCheckRunForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return redirect("supervision:finding_list")
        try:
            job = jobs.start_crosscheck_job(user=request.user, year=form.cleaned_data["year"])
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, messages_of(error))
            return redirect("supervision:finding_list")
        return redirect("web:job_detail", pk=job.pk)
