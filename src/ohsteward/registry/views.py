"""Employer register pages: list with filters and export, detail, edit/create, import.

Every read starts from ``Enterprise.objects.for_user(request.user)``; single employers come from
``access.get_for_user_or_404`` so that an employer outside the user's jurisdiction answers 404.
HTMX requests get the partial that changed (the result table, the town options), not a second
set of endpoints.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ohsteward.accounts import access
from ohsteward.core.models import AuditLog
from ohsteward.core.pagination import CachedCountPaginator
from ohsteward.core.spreadsheets import SpreadsheetError, bytes_response, xlsx_response
from ohsteward.registry import actions
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RiskClass, SizeClass
from ohsteward.registry.filtersets import EnterpriseFilterSet
from ohsteward.registry.forms import EnterpriseForm, ImportForm, districts_for, towns_for, zones_for
from ohsteward.registry.importers import enterprise_import as run_import
from ohsteward.registry.importers import enterprise_import_template
from ohsteward.registry.models import Enterprise, Industry, Region, Workplace
from ohsteward.registry.tables import EnterpriseTable
from ohsteward.web.views import ChangeDescriber, filter_query, requires

PAGE_SIZE = 50
LIST_COLUMNS = ["name", "uscc", "region", "industry", "industry_risk", "size_class", "status", "employees",
                "exposed_workers"]


class EnterpriseListFilterSet(EnterpriseFilterSet):
    """The register's FilterSet; the industry box also takes a name (金属结构 → its codes)."""

    def filter_industry(self, queryset, name, value):
        value = (value or "").strip()
        if value and not value.isascii():
            codes = Industry.objects.filter(level="class", name__contains=value).values("code")
            return queryset.filter(industry_id__in=codes)
        return super().filter_industry(queryset, name, value)


def _filtered(request: HttpRequest):
    """The FilterSet bound to the query string over the user's scope (list page and export)."""
    scoped = Enterprise.objects.for_user(request.user)
    data = request.GET.copy()
    region, town = data.get("region", ""), data.get("town", "")
    if region and town and not town.startswith(region):
        data["town"] = ""  # the district changed and the town select has not caught up yet
    filterset = EnterpriseListFilterSet(data or None, queryset=scoped, request=request)
    return filterset, filterset.qs


def _enterprise_or_404(request: HttpRequest, key: str) -> Enterprise:
    queryset = Enterprise.objects.select_related("region", "town", "zone", "industry")
    if len(key) == 18:
        return access.get_for_user_or_404(queryset, request.user, uscc=key.upper())
    if key.isdigit():
        return access.get_for_user_or_404(queryset, request.user, pk=int(key))
    raise Http404("对象不存在或不在您的管辖范围内")


def _key(enterprise: Enterprise) -> str:
    return enterprise.uscc or str(enterprise.pk)


@requires("registry.view_enterprise")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = _filtered(request)
    # Page over primary keys (no joins while skipping rows), then load that page with its joins:
    # page 2,000 of a city-wide list stays fast.
    page = CachedCountPaginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    by_pk = EnterpriseTable.queryset(Enterprise.objects.filter(pk__in=list(page.object_list))).in_bulk()
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    headers = dict(EnterpriseTable.columns)
    headers["industry"] = "行业"
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    districts = list(districts_for(request.user))
    district = data.get("region") or (districts[0].code if len(districts) == 1 else "")
    context = {
        "filterset": filterset,
        "page": page,
        "query": filter_query(request),
        "headers": [headers[c] for c in LIST_COLUMNS],
        "districts": districts,
        "towns": towns_for(request.user, district),
        "zones": zones_for(request.user),
        "risk_choices": RiskClass.choices,
        "size_choices": SizeClass.choices,
        "status_choices": EnterpriseStatus.choices,
        # a district officer's own district is always "selected": that is not a filter they set
        "has_filters": any(v.strip() for k, v in request.GET.items()
                           if k != "page" and not (k == "region" and len(districts) == 1)),
    }
    partial = request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results"
    response = render(request, "registry/_enterprise_table.html" if partial else "registry/enterprise_list.html",
                      context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])  # one URL, two bodies: keep caches apart
    return response


@requires("registry.view_enterprise")
def enterprise_export(request: HttpRequest) -> HttpResponse:
    _, queryset = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"用人单位-{stamp}.xlsx", EnterpriseTable.columns, EnterpriseTable.rows(queryset))


@login_required
@require_GET
def town_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the towns under ?region= inside the user's jurisdiction (HTMX)."""
    towns = towns_for(request.user, request.GET.get("region", "").strip())
    return render(request, "registry/_town_options.html",
                  {"towns": towns, "empty": request.GET.get("empty") or "全部乡镇街道"})


@login_required
@require_GET
def industry_hint(request: HttpRequest) -> HttpResponse:
    """What an industry code means, or the codes whose name contains the text (HTMX, edit form)."""
    text = request.GET.get("industry", "").strip()
    context: dict = {"text": text}
    if text.isdigit():
        context["industry"] = Industry.objects.filter(level="class", code=text).first()
    elif text:
        context["matches"] = list(Industry.objects.filter(level="class", name__contains=text).order_by("code")[:8])
    return render(request, "registry/_industry_hint.html", context)


@requires("registry.view_enterprise")
def enterprise_detail(request: HttpRequest, key: str) -> HttpResponse:
    enterprise = _enterprise_or_404(request, key)
    workplaces = (
        Workplace.objects.for_user(request.user).filter(enterprise=enterprise)
        .prefetch_related("posts__exposures__hazard_factor").order_by("name")
    )
    audit_entries = None
    if request.user.has_perm("core.view_auditlog"):
        audit_entries = list(ChangeDescriber(
            AuditLog.objects.for_user(request.user).filter(enterprise_id=enterprise.pk)
            .select_related("content_type")[:20]
        ))
    return render(request, "registry/enterprise_detail.html", {
        "e": enterprise, "key": _key(enterprise), "workplaces": workplaces, "audit_entries": audit_entries,
        "exposed_total": sum(x.exposed_count for w in workplaces for p in w.posts.all() for x in p.exposures.all()),
    })


def _apply_errors(form: EnterpriseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@requires("registry.change_enterprise")
def enterprise_edit(request: HttpRequest, key: str) -> HttpResponse:
    enterprise = _enterprise_or_404(request, key)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = _enterprise_or_404(request, key)  # a fresh copy: the form has touched ``enterprise``
        try:
            target = actions.enterprise_update(user=request.user, enterprise=target, data=form.action_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "已保存。修改已记入审计日志。")
            return redirect("registry:enterprise_detail", key=_key(target))
    return render(request, "registry/enterprise_form.html", {"form": form, "e": enterprise, "key": key})


@requires("registry.add_enterprise")
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if access.jurisdiction(request.user).enterprise_id:
        raise PermissionDenied("用人单位管理人员不能新增其他用人单位")
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.enterprise_create(user=request.user, data=form.action_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已新增用人单位：{created.name}")
            return redirect("registry:enterprise_detail", key=_key(created))
    return render(request, "registry/enterprise_form.html", {"form": form, "e": None})


# --------------------------------------------------------------------------------------------
# Import: upload → dry run (preview) → confirm. The file's bytes stay on the server, under a random
# id remembered in the session; the confirm step never trusts anything the browser sends back.
# --------------------------------------------------------------------------------------------

SESSION_KEY = "registry_imports"
UPLOAD_TTL_SECONDS = 24 * 3600
PREVIEW_ROWS = 20


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(request: HttpRequest, filename: str, content: bytes) -> str:
    directory = _upload_dir()
    stale = time.time() - UPLOAD_TTL_SECONDS
    for old in directory.glob("*.bin"):  # dry runs that were never confirmed
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    (directory / f"{token}.bin").write_bytes(content)
    stash = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if (directory / f"{k}.bin").exists()}
    stash[token] = {"filename": filename, "user": request.user.pk}
    request.session[SESSION_KEY] = stash
    return token


def _unstash(request: HttpRequest, token: str) -> tuple[str, bytes]:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = _upload_dir() / f"{token}.bin"
    if not entry or entry.get("user") != request.user.pk or not path.exists():
        raise Http404("导入文件已过期，请重新上传")
    return entry["filename"], path.read_bytes()


def _forget(request: HttpRequest, token: str) -> None:
    stash = request.session.get(SESSION_KEY, {})
    stash.pop(token, None)
    request.session[SESSION_KEY] = stash
    (_upload_dir() / f"{token}.bin").unlink(missing_ok=True)


def _field_label(name: str) -> str:
    try:
        return str(Enterprise._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


CHOICES_OF = {"status": EnterpriseStatus, "size_class": SizeClass, "industry_risk": RiskClass,
              "economic_type": EconomicType}


def _preview(report) -> dict:
    """The first rows to create and update, with changed fields as Chinese label, old → new."""
    updated = report.updated[:PREVIEW_ROWS]
    codes = {v for row in updated for k, pair in row.changes.items() if k in {"region_id", "town_id", "zone_id"}
             for v in pair if v}
    region_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    industry_codes = {v for row in updated for v in row.changes.get("industry_id", []) if v}
    industry_names = {code: f"{code} {name}" for code, name in
                      Industry.objects.filter(code__in=industry_codes).values_list("code", "name")}

    def shown(key: str, value) -> str:
        if value in (None, "", []):
            return "（空）"
        if key in {"region_id", "town_id", "zone_id"}:
            return region_names.get(value, str(value))
        if key == "industry_id":
            return industry_names.get(value, str(value))
        if key in CHOICES_OF:
            return str(dict(CHOICES_OF[key].choices).get(value, value))
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)

    return {
        "report": report,
        "created": report.created[:PREVIEW_ROWS],
        "updated": [(row, [(_field_label(k), shown(k, old), shown(k, new)) for k, (old, new) in row.changes.items()])
                    for row in updated],
        "error_rows": len(report.rejected_rows),
        "preview_rows": PREVIEW_ROWS,
    }


def _import_context(**extra) -> dict:
    return {"max_mb": settings.OHSTEWARD_MAX_UPLOAD_MB, "max_rows": settings.OHSTEWARD_MAX_IMPORT_ROWS, **extra}


@requires("registry.add_enterprise")
def enterprise_import(request: HttpRequest) -> HttpResponse:
    """Step 1 (upload) and step 2 (dry-run preview)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            report = run_import(user=request.user, filename=upload.name, content=content, dry_run=True)
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            token = _stash(request, upload.name, content)
            return render(request, "registry/import_preview.html", _import_context(
                token=token, filename=upload.name, partial=form.cleaned_data["partial"], **_preview(report)))
    return render(request, "registry/import.html", _import_context(form=form))


@requires("registry.add_enterprise")
@require_POST
def enterprise_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: apply the stored file; with 仅导入无误的行 the rejected rows are skipped."""
    filename, content = _unstash(request, token)
    partial = request.POST.get("partial") == "on"
    try:
        report = run_import(user=request.user, filename=filename, content=content, dry_run=False,
                            all_or_nothing=not partial)
    except SpreadsheetError as error:
        messages.error(request, str(error))
        return redirect("registry:enterprise_import")
    if report.applied and not report.errors:
        _forget(request, token)
    return render(request, "registry/import_result.html", _import_context(
        token=token, filename=filename, partial=partial, **_preview(report)))


@requires("registry.add_enterprise")
def enterprise_import_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The rejected rows of the stored file, with the reason per row, to correct and re-upload."""
    filename, content = _unstash(request, token)
    report = run_import(user=request.user, filename=filename, content=content, dry_run=True)
    return bytes_response(f"导入错误行-{Path(filename).stem}.xlsx", report.errors_xlsx())


@requires("registry.add_enterprise")
def import_template(request: HttpRequest) -> HttpResponse:
    return bytes_response("用人单位导入模板.xlsx", enterprise_import_template())
