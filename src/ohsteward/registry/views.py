"""Employer register pages, declared on the core base views (``core.views``).

The bases do the login, permission, ``for_user`` scoping (404 out of scope), filtering, paging,
sorting, htmx partials, export, form-through-an-action and the import steps; this module says
which queryset, FilterSet, Table, form and action each page uses, plus what is the register's own:
the district/town filter panel, the employer key (credit code or id) and the import preview.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.audit_display import ChangeDescriber
from ohsteward.core.imports import ImportReport
from ohsteward.core.models import AuditLog, Job, JobStatus
from ohsteward.core.views import ImportView, ObjectDetailView, ObjectFormView, ObjectListView, requires
from ohsteward.registry import actions
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RiskClass, SizeClass
from ohsteward.registry.filtersets import EnterpriseFilterSet, WorkplaceFilterSet
from ohsteward.registry.forms import (
    EnterpriseForm,
    ImportForm,
    WorkplaceForm,
    districts_for,
    towns_for,
    zones_for,
)
from ohsteward.registry.importers import enterprise_import, enterprise_import_template
from ohsteward.registry.jobs import start_export_job, start_import_job
from ohsteward.registry.models import Enterprise, EnterpriseChangeRequest, Industry, Region, Workplace
from ohsteward.registry.tables import EnterpriseTable, WorkplaceTable, enterprise_key


class EnterpriseListFilterSet(EnterpriseFilterSet):
    """The register's FilterSet; the industry box also takes a name (金属结构 → its codes)."""

    def filter_industry(self, queryset, name, value):
        value = (value or "").strip()
        if value and not value.isascii():
            codes = Industry.objects.filter(level="class", name__contains=value).values("code")
            return queryset.filter(industry_id__in=codes)
        return super().filter_industry(queryset, name, value)


def enterprise_lookup(key: str) -> dict:
    """An employer in a URL is its credit code (any case) or, while it has none, its id."""
    if len(key) == 18:
        return {"uscc": key.upper()}
    if key.isdigit():
        return {"pk": int(key)}
    return {"pk": None}  # matches nothing: 404


# --------------------------------------------------------------------------------------------
# Employers
# --------------------------------------------------------------------------------------------


def filtered_enterprises(user, query):
    """The register as the list page filters and sorts it for ``user`` and a query string (the
    export job has no request)."""
    data = query.copy()
    region, town = data.get("region", ""), data.get("town", "")
    if region and town and not town.startswith(region):
        data["town"] = ""
    filterset = EnterpriseListFilterSet(data or None, queryset=Enterprise.objects.for_user(user))
    order = EnterpriseTable.sort_fields(data.get("sort", "")) or EnterpriseTable.sort_fields(
        EnterpriseTable.default_sort
    )
    return filterset, (filterset.qs.order_by(*order) if order else filterset.qs)


@requires("registry.add_enterprise")
@require_POST
def enterprise_import_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a previewed large import: a second job over the preview job's stored file."""
    preview = access.get_for_user_or_404(
        Job.objects.filter(user=request.user),
        request.user,
        pk=pk,
        kind="registry.import",
        status=JobStatus.SUCCEEDED,
    )
    try:
        content = jobs.read_input(preview)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("registry:enterprise_import")
    job = start_import_job(
        user=request.user,
        filename=preview.input_name,
        content=content,
        dry_run=False,
        partial=bool(preview.params.get("partial")),
    )
    return redirect("web:job_detail", pk=job.pk)


class EnterpriseListView(ObjectListView):
    queryset = Enterprise.objects.all()
    filterset = EnterpriseListFilterSet
    table = EnterpriseTable
    permission = "registry.view_enterprise"
    template_name = "registry/enterprise_list.html"
    title = "用人单位"
    unit = "家"
    export_filename = "用人单位"
    export_job = start_export_job

    def filter_data(self):
        data = self.request.GET.copy()
        region, town = data.get("region", ""), data.get("town", "")
        if region and town and not town.startswith(region):
            data["town"] = ""  # the district changed and the town select has not caught up yet
        return data

    def districts(self):
        if not hasattr(self, "_districts"):
            self._districts = list(districts_for(self.request.user))
        return self._districts

    def has_filters(self) -> bool:
        # a district officer's own district is always "selected": that is not a filter they set
        single = len(self.districts()) == 1
        return any(
            str(v).strip()
            for k, v in self.request.GET.items()
            if k not in ("page", "sort") and not (k == "region" and single)
        )

    def get_export_url(self) -> str:
        return reverse("registry:enterprise_export")

    def get_context_data(self, **context):
        filterset = context["filterset"]
        data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
        districts = self.districts()
        district = data.get("region") or (districts[0].code if len(districts) == 1 else "")
        return {
            **context,
            "districts": districts,
            "towns": towns_for(self.request.user, district),
            "zones": zones_for(self.request.user),
            "risk_choices": RiskClass.choices,
            "size_choices": SizeClass.choices,
            "status_choices": EnterpriseStatus.choices,
        }


class EnterpriseDetailView(ObjectDetailView):
    queryset = Enterprise.objects.select_related("region", "town", "zone", "industry")
    permission = "registry.view_enterprise"
    lookup = enterprise_lookup
    template_name = "registry/enterprise_detail.html"
    context_object_name = "e"

    def get_context_data(self, **context):
        enterprise, user = context["object"], self.request.user
        workplaces = (
            Workplace.objects.for_user(user)
            .filter(enterprise=enterprise)
            .prefetch_related("posts__exposures__hazard_factor")
            .order_by("name")
        )
        audit_entries = None
        if user.has_perm("core.view_auditlog"):
            audit_entries = list(
                ChangeDescriber(
                    AuditLog.objects.for_user(user)
                    .filter(enterprise_id=enterprise.pk)
                    .select_related("content_type")[:20]
                )
            )
        exposed = sum(x.exposed_count for w in workplaces for p in w.posts.all() for x in p.exposures.all())
        return {
            **context,
            "key": enterprise_key(enterprise),
            "workplaces": workplaces,
            "audit_entries": audit_entries,
            "exposed_total": exposed,
        }


class EnterpriseFormView(ObjectFormView):
    queryset = Enterprise.objects.select_related("region", "town", "zone", "industry")
    form = EnterpriseForm
    form_takes_user = True
    object_keyword = "enterprise"
    lookup = enterprise_lookup
    template_name = "registry/enterprise_form.html"

    def success_url(self, obj) -> str:
        return reverse("registry:enterprise_detail", args=[enterprise_key(obj)])

    def get_context_data(self, **context):
        obj = context["object"]
        return {**context, "e": obj, "key": enterprise_key(obj) if obj else ""}


class EnterpriseEditView(EnterpriseFormView):
    """An employer's own manager asks for status/注销/industry changes; the district confirms them
    (issue 6 item 5, ``actions.enterprise_submit``)."""

    permission = "registry.change_enterprise"

    @staticmethod
    def action(*, user, enterprise, data):
        enterprise, requested = actions.enterprise_submit(user=user, enterprise=enterprise, data=data)
        enterprise.requested_changes = requested
        return enterprise

    def get_success_message(self, obj) -> str:
        requested = getattr(obj, "requested_changes", [])
        if requested:
            return (
                "已保存。"
                + "、".join(r.get_field_display() for r in requested)
                + "的变更已提交所在区县确认，确认前名录中仍为原值。"
            )
        return self.success_message


class EnterpriseCreateView(EnterpriseFormView):
    permission = "registry.add_enterprise"
    action = actions.enterprise_create
    create = True
    one_time_submission = True  # employers without a credit code have no unique key (issue 6 item 11)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.own_enterprise_id(request.user):
            raise PermissionDenied("用人单位管理人员不能新增其他用人单位")
        return super().dispatch(request, *args, **kwargs)

    def get_success_message(self, obj) -> str:
        return f"已新增用人单位：{obj.name}"


@require_GET
def town_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the towns under ?region= inside the user's jurisdiction (HTMX)."""
    towns = towns_for(request.user, request.GET.get("region", "").strip())
    return render(
        request,
        "registry/_town_options.html",
        {"towns": towns, "empty": request.GET.get("empty") or "全部乡镇街道"},
    )


@require_GET
def industry_hint(request: HttpRequest) -> HttpResponse:
    """What an industry code means, or the codes whose name contains the text (HTMX, edit form)."""
    text = request.GET.get("industry", "").strip()
    context: dict = {"text": text}
    if text.isdigit():
        context["industry"] = Industry.objects.filter(level="class", code=text).first()
    elif text:
        context["matches"] = list(
            Industry.objects.filter(level="class", name__contains=text).order_by("code")[:8]
        )
    return render(request, "registry/_industry_hint.html", context)


# --------------------------------------------------------------------------------------------
# Workplaces: the worked example of docs/development/adding-an-entity.md
# --------------------------------------------------------------------------------------------


class WorkplaceListView(ObjectListView):
    queryset = Workplace.objects.all()
    filterset = WorkplaceFilterSet
    table = WorkplaceTable
    permission = "registry.view_workplace"
    title = "工作场所"
    unit = "个"
    export_filename = "工作场所"


class WorkplaceDetailView(ObjectDetailView):
    queryset = Workplace.objects.select_related("enterprise__region")
    permission = "registry.view_workplace"
    template_name = "registry/workplace_detail.html"

    def get_context_data(self, **context):
        posts = context["object"].posts.prefetch_related("exposures__hazard_factor").order_by("name")
        return {**context, "posts": posts, "key": enterprise_key(context["object"].enterprise)}


class WorkplaceEditView(ObjectFormView):
    queryset = Workplace.objects.select_related("enterprise")
    permission = "registry.change_workplace"
    form = WorkplaceForm
    action = actions.workplace_update
    object_keyword = "workplace"
    template_name = "registry/workplace_form.html"

    def success_url(self, obj) -> str:
        return reverse("registry:workplace_detail", args=[obj.pk])


# --------------------------------------------------------------------------------------------
# Import: the core ImportView around the register's importer, with the register's preview
# --------------------------------------------------------------------------------------------


class EnterpriseImporter:
    template_filename = "用人单位导入模板.xlsx"

    def template(self, user=None) -> bytes:
        """The district drop-down offers the districts ``user`` may write (issue 8 item 18)."""
        return enterprise_import_template(user=user)

    def run(self, **kwargs) -> ImportReport:
        return enterprise_import(**kwargs)


def _field_label(name: str) -> str:
    try:
        return str(Enterprise._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


CHOICES_OF = {
    "status": EnterpriseStatus,
    "size_class": SizeClass,
    "industry_risk": RiskClass,
    "economic_type": EconomicType,
}
PLACE_FIELDS = {"region_id", "town_id", "zone_id"}


class EnterpriseImportView(ImportView):
    importer = EnterpriseImporter()
    import_job = start_import_job
    kind = "registry.enterprise"
    permission = "registry.add_enterprise"
    form_class = ImportForm
    template_name = "registry/import.html"
    title = "导入用人单位名单"
    done_label = "查看用人单位"
    rows_template = "registry/_import_rows.html"
    url_names = {
        "upload": "registry:enterprise_import",
        "template": "registry:import_template",
        "confirm": "registry:import_confirm",
        "errors": "registry:import_errors",
        "done": "registry:enterprise_list",
    }

    def preview_context(self, report: ImportReport) -> dict:
        """The first rows to create and update, with changed fields as Chinese label, old → new."""
        context = super().preview_context(report)
        updated = context["updated"]
        codes = {
            v for row in updated for k, pair in row.changes.items() if k in PLACE_FIELDS for v in pair if v
        }
        region_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        industry_codes = {v for row in updated for v in row.changes.get("industry_id", []) if v}
        industry_names = {
            code: f"{code} {name}"
            for code, name in Industry.objects.filter(code__in=industry_codes).values_list("code", "name")
        }

        def shown(key: str, value) -> str:
            if value in (None, "", []):
                return "（空）"
            if key in PLACE_FIELDS:
                return region_names.get(value, str(value))
            if key == "industry_id":
                return industry_names.get(value, str(value))
            if key in CHOICES_OF:
                return str(dict(CHOICES_OF[key].choices).get(value, value))
            if isinstance(value, list):
                return "、".join(str(v) for v in value)
            return str(value)

        context["updated"] = [
            (row, [(_field_label(k), shown(k, old), shown(k, new)) for k, (old, new) in row.changes.items()])
            for row in updated
        ]
        return context


# --------------------------------------------------------------------------------------------
# Change requests of employers (issue 6 item 5): the district confirms or rejects.
# --------------------------------------------------------------------------------------------


def _may_decide(user) -> bool:
    return user.has_perm("registry.change_enterprisechangerequest") and not access.own_enterprise_id(user)


@requires("registry.view_enterprisechangerequest")
def change_request_list(request: HttpRequest) -> HttpResponse:
    """Pending requests of the employers in the user's jurisdiction, and the last decided ones."""
    scoped = EnterpriseChangeRequest.objects.for_user(request.user).select_related(
        "enterprise", "requested_by", "decided_by"
    )
    return render(
        request,
        "registry/change_requests.html",
        {
            "pending": scoped.filter(status="pending").order_by("created_at"),
            "decided": scoped.exclude(status="pending").order_by("-decided_at")[:50],
            "may_decide": _may_decide(request.user),
        },
    )


@requires("registry.change_enterprisechangerequest")
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject one request (HTMX: answers the updated row)."""
    if not _may_decide(request.user):
        raise PermissionDenied("变更申请由所在区县确认")
    change = access.get_for_user_or_404(
        EnterpriseChangeRequest.objects.select_related("enterprise"), request.user, pk=pk
    )
    error = ""
    try:
        change = actions.change_request_decide(
            user=request.user,
            change_request=change,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        error = "；".join(exc.messages)
        change.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(
            request, "registry/_change_request_row.html", {"r": change, "error": error, "may_decide": True}
        )
    if error:
        messages.error(request, error)
    return redirect("registry:change_request_list")
