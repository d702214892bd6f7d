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
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ohsteward.accounts import access
from ohsteward.core import submissions
from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import SpreadsheetError, bytes_response, xlsx_response
from ohsteward.registry import actions
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RiskClass, SizeClass
from ohsteward.registry.filtersets import EnterpriseFilterSet
from ohsteward.registry.forms import EnterpriseForm, ImportForm, districts_for, towns_for, zones_for
from ohsteward.registry.importers import enterprise_import as run_import
from ohsteward.registry.importers import enterprise_import_template
from ohsteward.registry.models import Enterprise, EnterpriseChangeRequest, Industry, Region, Workplace
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
    page = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
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
            target, requested = actions.enterprise_submit(user=request.user, enterprise=target,
                                                          data=form.action_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if requested:
                messages.info(request, "已保存。" + "、".join(r.get_field_display() for r in requested)
                              + "的变更已提交所在区县确认，确认前名录中仍为原值。")
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
        # a form sent twice creates one employer (those without a credit code have no unique key)
        try:
            submission = submissions.claim(request)
        except submissions.Repeated as repeated:
            return submissions.repeated_response(request, repeated, fallback=reverse("registry:enterprise_list"))
        try:
            created = actions.enterprise_create(user=request.user, data=form.action_data())
        except ValidationError as error:
            submissions.release(submission)
            _apply_errors(form, error)
        else:
            submissions.done(submission, reverse("registry:enterprise_detail", kwargs={"key": _key(created)}))
            messages.success(request, f"已新增用人单位：{created.name}")
            return redirect("registry:enterprise_detail", key=_key(created))
    return render(request, "registry/enterprise_form.html", {"form": form, "e": None})


# --------------------------------------------------------------------------------------------
# Import: upload → dry run (preview) → confirm. The file's bytes stay on the server, under a random
# id remembered in the session; the confirm step never trusts anything the browser sends back.
# --------------------------------------------------------------------------------------------

SESSION_KEY = "registry_imports"
DONE_KEY = "registry_imports_done"  # the last confirmed tokens: a confirm sent again is recognised
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


def _claim(token: str) -> Path | None:
    """Take the stored file for one confirm; ``None`` when another request has it (or had it)."""
    path = _upload_dir() / f"{token}.bin"
    claimed = path.with_suffix(f".{secrets.token_hex(4)}.claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed


def _release(token: str, claimed: Path) -> None:
    claimed.rename(_upload_dir() / f"{token}.bin")


def _forget(request: HttpRequest, token: str) -> None:
    stash = request.session.get(SESSION_KEY, {})
    stash.pop(token, None)
    request.session[SESSION_KEY] = stash
    request.session[DONE_KEY] = [*request.session.get(DONE_KEY, [])[-19:], token]
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
    """Step 3: apply the stored file; with 仅导入无误的行 the rejected rows are skipped.

    The stored file is claimed first (an atomic rename): the same confirm sent twice, or from two
    tabs, is applied once; the other request is told so instead of importing again (issue 6 item 9).
    """
    if token in request.session.get(DONE_KEY, []):
        messages.warning(request, "该导入已确认，请勿重复提交。")
        return redirect("registry:enterprise_list")
    in_progress = "该导入已确认（或正在处理），请勿重复提交。"
    if token in request.session.get(SESSION_KEY, {}) and any(_upload_dir().glob(f"{token}.*.claimed")):
        messages.warning(request, in_progress)
        return redirect("registry:enterprise_list")
    filename, content = _unstash(request, token)
    partial = request.POST.get("partial") == "on"
    claimed = _claim(token)
    if claimed is None:
        messages.warning(request, in_progress)
        return redirect("registry:enterprise_list")
    try:
        report = run_import(user=request.user, filename=filename, content=content, dry_run=False,
                            all_or_nothing=not partial)
    except SpreadsheetError as error:
        _release(token, claimed)
        messages.error(request, str(error))
        return redirect("registry:enterprise_import")
    except BaseException:
        _release(token, claimed)
        raise
    if report.applied and not report.errors:
        claimed.unlink(missing_ok=True)
        _forget(request, token)
    else:  # nothing or not everything written: the file stays for another try and the error rows
        _release(token, claimed)
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


# --------------------------------------------------------------------------------------------
# Change requests of employers (issue 6 item 5): the district confirms or rejects.
# --------------------------------------------------------------------------------------------


def _may_decide(user) -> bool:
    return user.has_perm("registry.change_enterprisechangerequest") and not access.jurisdiction(user).enterprise_id


@requires("registry.view_enterprisechangerequest")
def change_request_list(request: HttpRequest) -> HttpResponse:
    """Pending requests of the employers in the user's jurisdiction, and the last decided ones."""
    scoped = EnterpriseChangeRequest.objects.for_user(request.user).select_related("enterprise", "requested_by",
                                                                                     "decided_by")
    return render(request, "registry/change_requests.html", {
        "pending": scoped.filter(status="pending").order_by("created_at"),
        "decided": scoped.exclude(status="pending").order_by("-decided_at")[:50],
        "may_decide": _may_decide(request.user),
    })


@requires("registry.change_enterprisechangerequest")
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject one request (HTMX: answers the updated row)."""
    if not _may_decide(request.user):
        raise PermissionDenied("变更申请由所在区县确认")
    change = access.get_for_user_or_404(EnterpriseChangeRequest.objects.select_related("enterprise"),
                                        request.user, pk=pk)
    error = ""
    try:
        change = actions.change_request_decide(user=request.user, change_request=change,
                                               approve=request.POST.get("decision") == "approve",
                                               note=request.POST.get("note", ""))
    except ValidationError as exc:
        error = "；".join(exc.messages)
        change.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "registry/_change_request_row.html", {"r": change, "error": error,
                                                                      "may_decide": True})
    if error:
        messages.error(request, error)
    return redirect("registry:change_request_list")
