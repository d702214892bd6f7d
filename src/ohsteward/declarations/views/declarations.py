"""Declarations: enterprise managers declare online (``declare``: fill in → 预览 → 确认提交), officials
see them (``ObjectListView`` + ``DeclarationTable``, ``ObjectDetailView``), the printable 回执, and
the change triggers a manager records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import submissions
from ohsteward.core.documents import chinese_date
from ohsteward.core.spreadsheets import bytes_response
from ohsteward.core.views import ObjectDetailView, ObjectListView, messages_of, requires
from ohsteward.declarations import actions, reports
from ohsteward.declarations.choices import DeclarationKind
from ohsteward.declarations.filtersets import DeclarationFilterSet
from ohsteward.declarations.forms import DeclarationForm, HazardFormSet, TriggerForm
from ohsteward.declarations.models import Declaration
from ohsteward.declarations.tables import DeclarationTable
from ohsteward.declarations.views.common import (
    DOCX_MIME,
    LegacyExportMixin,
    enterprise_by_key,
    form_errors,
    today,
)
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import PostExposure


def _registered_hazard_rows(user, enterprise) -> list[dict]:
    """The employer's registered exposures (工作场所 → 岗位 → 危害因素), one row per workplace and
    factor with the exposed workers summed over its posts."""
    rows = (
        PostExposure.objects.for_user(user)
        .filter(post__workplace__enterprise=enterprise)
        .values("post__workplace__name", "hazard_factor__name")
        .order_by("post__workplace__name", "hazard_factor__name")
        .annotate(n=Sum("exposed_count"))
    )
    return [
        {
            "workplace": r["post__workplace__name"],
            "hazard_name": r["hazard_factor__name"],
            "exposed_count": r["n"],
        }
        for r in rows
    ]


def _declare_initial(user, enterprise, last) -> tuple[dict, list[dict], str]:
    """Pre-fill from the register (posts and factors), falling back to the last declaration."""
    initial = {
        "employees": enterprise.employees,
        "exposed_total": enterprise.exposed_workers,
        "legal_representative": enterprise.legal_representative,
        "contact_phone": enterprise.contact_phone,
    }
    if last is not None:
        for name in ("principal", "hygiene_manager"):
            initial[name] = getattr(last, name)
    rows = _registered_hazard_rows(user, enterprise)
    if rows:
        return initial, rows, "register"
    if last is not None:
        rows = [
            {"workplace": h.workplace, "hazard_name": h.hazard_name, "exposed_count": h.exposed_count}
            for h in last.hazards.all()
        ]
        return initial, rows, "last" if rows else ""
    return initial, [], ""


def _preview_sections(form) -> list[tuple[str, list[tuple[str, str]]]]:
    """The cleaned form as (section, [(label, shown value)]) for the confirmation step."""
    out = []
    for title, names in form.SECTIONS:
        items = []
        for name in names:
            value = form.cleaned_data.get(name)
            if name == "kind":
                shown = DeclarationKind(value).label
            elif isinstance(value, bool):
                shown = "是" if value else "否"
            elif value is None or value == "":
                shown = "—"
            else:
                shown = str(value)
            items.append((form.fields[name].label, shown))
        out.append((title, items))
    return out


def _enterprise_of(request: HttpRequest, key: str):
    """The employer the page is for: the one named, else the manager's own; 404 outside the scope."""
    key = key or str(access.own_enterprise_id(request.user) or "")
    enterprise = enterprise_by_key(request.user, key) if key else None
    if enterprise is None:
        raise Http404("请选择用人单位")
    return enterprise


@requires("declarations.add_declaration")
def declare(request: HttpRequest) -> HttpResponse:
    """网上申报 in two steps: fill in (pre-filled from the register) → 预览 → 确认提交.

    A form plus a formset and a preview step: more than ``ObjectFormView`` does, so a function view
    on the same helpers (one-time submission token, errors onto the form)."""
    enterprise = _enterprise_of(
        request, request.GET.get("enterprise") or request.POST.get("enterprise") or ""
    )
    last = Declaration.objects.for_user(request.user).valid().filter(enterprise=enterprise).first()
    initial, hazard_initial, prefill = _declare_initial(request.user, enterprise, last)
    initial["kind"] = request.GET.get("kind") or ("change" if last else "initial")
    posted = request.method == "POST"
    form = DeclarationForm(request.POST if posted else None, initial=initial)
    formset = HazardFormSet(request.POST if posted else None, prefix="hz", initial=hazard_initial or None)
    context = {
        "form": form,
        "formset": formset,
        "enterprise": enterprise,
        "last": last,
        "prefill": prefill,
        "factor_names": HazardFactor.objects.order_by("name").values_list("name", flat=True),
    }
    if posted and not request.POST.get("edit") and form.is_valid() and formset.is_valid():
        hazards = [
            {
                "workplace": f.cleaned_data.get("workplace", ""),
                "hazard_name": f.cleaned_data["hazard_name"],
                "hazard_factor": f.cleaned_data.get("hazard_factor"),
                "exposed_count": f.cleaned_data.get("exposed_count"),
            }
            for f in formset
            if f.cleaned_data.get("hazard_name")
        ]
        if not request.POST.get("confirm"):
            # step 2: show what will be declared; nothing is saved until 确认提交
            return render(
                request,
                "declarations/declare_preview.html",
                {**context, "hazards": hazards, "sections": _preview_sections(form)},
            )
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:  # the form sent twice files one declaration (issue 6 item 11)
            submission = submissions.claim(request)
        except submissions.Repeated as repeated:
            return submissions.repeated_response(
                request, repeated, fallback=reverse("declarations:declaration_list")
            )
        try:
            declaration = actions.declaration_submit(
                user=request.user,
                enterprise=enterprise,
                kind=form.cleaned_data["kind"],
                data=data,
                hazards=hazards,
                declared_on=today(),
            )
        except ValidationError as exc:
            submissions.release(submission)
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        except BaseException:
            submissions.release(submission)
            raise
        else:
            submissions.done(submission, reverse("declarations:declaration_detail", args=[declaration.pk]))
            messages.success(request, f"申报成功，回执编号：{declaration.receipt_no}")
            return redirect("declarations:declaration_detail", declaration.pk)
    return render(request, "declarations/declare.html", context)


class DeclarationListView(LegacyExportMixin, ObjectListView):
    queryset = Declaration.objects.all()
    filterset = DeclarationFilterSet
    table = DeclarationTable
    permission = "declarations.view_declaration"
    template_name = "declarations/declaration_list.html"
    title = "职业病危害项目申报记录"
    export_filename = "职业病危害项目申报"
    export_url_name = "declarations:declaration_export"

    def page_source(self, queryset):
        return Declaration.objects.all()


DECLARATION_QUERYSET = Declaration.objects.select_related("enterprise__region", "industry")


class DeclarationDetailView(ObjectDetailView):
    queryset = DECLARATION_QUERYSET
    permission = "declarations.view_declaration"
    template_name = "declarations/declaration_detail.html"
    context_object_name = "d"

    def get_context_data(self, **context):
        return {**context, "hazards": context["object"].hazards.all()}


class DeclarationReceiptView(DeclarationDetailView):
    """The 申报回执 as a page to print (A4, print stylesheet) or, with ``?format=docx``, a .docx."""

    template_name = "declarations/declaration_receipt.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "docx":
            d = self.get_object()
            return bytes_response(f"申报回执-{d.receipt_no}.docx", reports.receipt_docx(d), DOCX_MIME)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **context):
        d = context["object"]
        return {
            **super().get_context_data(**context),
            "date_cn": chinese_date(d.declared_on),
            "authority": f"{d.enterprise.region.name}卫生健康委员会"
            if d.enterprise.region_id
            else "卫生健康行政部门",
        }


@requires("declarations.add_declaration")
@require_POST
def trigger_create(request: HttpRequest) -> HttpResponse:
    """A manager records a change that obliges a 变更申报 (posted from the home page)."""
    enterprise = _enterprise_of(request, request.POST.get("enterprise") or "")
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger = actions.change_trigger_record(
                user=request.user, enterprise=enterprise, today=today(), **form.cleaned_data
            )
            messages.success(request, trigger.message)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, messages_of(exc))
    else:
        messages.error(request, form_errors(form))
    return redirect("declarations:home")
