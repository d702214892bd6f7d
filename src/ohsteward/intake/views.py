"""Pages of the intake app: batches, upload (with column mapping), batch detail, review queue, merge.

Every read goes through ``for_user``; every write through ``actions``. HTMX requests get partials.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.htmx import current_query, render_with_oob
from ohsteward.core.spreadsheets import (
    SpreadsheetError,
    bytes_response,
    read_table,
    template_xlsx,
    xlsx_response,
)
from ohsteward.intake import actions
from ohsteward.intake.choices import BatchStatus, RowStatus, SourceKind
from ohsteward.intake.formats import FORMATS, TEMPLATE_NOTES, map_headers, template_columns
from ohsteward.intake.forms import MergeForm, RejectForm, UploadForm
from ohsteward.intake.ingest import PENDING_DIR
from ohsteward.intake.jobs import start_ingest_job
from ohsteward.intake.models import SourceBatch, SourceRow, linked_total
from ohsteward.intake.queries import (
    batch_counts_for,
    batch_counts_seen_by,
    iter_rows_seen_by,
    review_queue,
    rows_seen_by,
)
from ohsteward.intake.tables import SourceBatchTable, SourceRowTable, rejected_rows_table
from ohsteward.registry import actions as registry_actions
from ohsteward.registry.models import Enterprise

PAGE_SIZE = 50
PENDING_TOKEN = re.compile(r"^[0-9a-f]{64}\.(xlsx|xls|xlsm|csv)$")
# Columns our own rejected-rows file adds; they need no mapping when the file comes back.
IGNORED_HEADERS = {"原行号", "错误原因", "序号", "行号"}


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@login_required
@permission_required("intake.view_sourcebatch", raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = SourceBatch.objects.for_user(request.user).select_related("uploaded_by")
    kind = request.GET.get("kind", "")
    if kind in SourceKind.values:
        batches = batches.filter(kind=kind)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"来源批次-{timezone.localdate():%Y%m%d}",
            SourceBatchTable.columns,
            SourceBatchTable.rows(batches, request.user),
        )
    review = review_queue(request.user).count()
    page = _page(request, batches)
    counts = batch_counts_seen_by(request.user, page.object_list)
    for b in page.object_list:
        b.seen_counts = counts[b.pk]
        b.seen_linked = linked_total(counts[b.pk])
    context = {
        "page": page,
        "kinds": SourceKind.choices,
        "kind": kind,
        "review_count": review,
        "running": batches.filter(status=BatchStatus.RUNNING).exists(),
        "query": f"kind={kind}" if kind else "",
    }
    template = "intake/_batch_table.html" if _htmx(request) else "intake/batch_list.html"
    return render(request, template, context)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _head(filename: str, content: bytes) -> bytes:
    """The part of a large .csv the column mapping needs (header and sample rows): reading all of a
    100,000-row file here took seconds; the job reads it whole."""
    if filename.lower().endswith(".csv") and jobs.is_large(jobs.estimate_rows(filename, content)):
        return content[: content.rfind(b"\n", 0, 65536) + 1] or content
    return content


def _save_pending(content: bytes, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "xlsx"
    token = f"{hashlib.sha256(content).hexdigest()}.{ext}"
    path = f"{PENDING_DIR}/{token}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    return token


def _load_pending(token: str) -> bytes:
    if not PENDING_TOKEN.match(token or ""):
        raise Http404("上传的文件已失效，请重新上传")
    path = f"{PENDING_DIR}/{token}"
    if not default_storage.exists(path):
        raise Http404("上传的文件已失效，请重新上传")
    with default_storage.open(path, "rb") as fh:
        return fh.read()


def _drop_pending(token: str) -> None:
    if PENDING_TOKEN.match(token or ""):
        path = f"{PENDING_DIR}/{token}"
        if default_storage.exists(path):
            default_storage.delete(path)


@login_required
@permission_required("intake.add_sourcebatch", raise_exception=True)
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Choose kind, department, date and file; map unknown columns; ingest; show the outcome."""
    context: dict[str, Any] = {"kinds": SourceKind.choices, "formats": FORMATS}
    if request.method == "POST" and request.POST.get("step") == "map":
        form = UploadForm(request.POST)
        form.fields["file"].required = False
        token = request.POST.get("token", "")
        filename = request.POST.get("filename", "") or token
        if not form.is_valid():
            return render(request, "intake/upload.html", {**context, "form": form})
        content = _load_pending(token)
        column_map = {k[4:]: v for k, v in request.POST.items() if k.startswith("map:")}
        return _run(request, form, filename, content, column_map, token=token)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "intake/upload.html", {**context, "form": form})
        upload = form.cleaned_data["file"]
        content = upload.read()
        kind = form.cleaned_data["kind"]
        try:
            table = read_table(upload.name, _head(upload.name, content), max_rows=10**7)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
            return render(request, "intake/upload.html", {**context, "form": form})
        header_map = map_headers(kind, table.headers)
        unknown = [h for h in header_map.unknown if h not in IGNORED_HEADERS]
        if header_map.missing or unknown:
            token = _save_pending(content, upload.name)
            return render(
                request,
                "intake/upload_map.html",
                {
                    **context,
                    "form": form,
                    "token": token,
                    "filename": upload.name,
                    "unknown": unknown,
                    "missing": header_map.missing,
                    "mapped": [(s.header, table.headers[i]) for i, s in header_map.columns.items()],
                    "targets": list(FORMATS[kind]),
                    "sample": table.rows[:3],
                    "headers": table.headers,
                },
            )
        return _run(request, form, upload.name, content, None)
    form = UploadForm(initial={"kind": request.GET.get("kind", SourceKind.EXAM)})
    return render(request, "intake/upload.html", {**context, "form": form})


def _run(request, form, filename: str, content: bytes, column_map, token: str = "") -> HttpResponse:
    data = form.cleaned_data
    if jobs.is_large(jobs.estimate_rows(filename, content)):  # a background job with a progress page
        job = start_ingest_job(
            user=request.user,
            kind=data["kind"],
            filename=filename,
            content=content,
            department=data.get("department", ""),
            received_on=data.get("received_on"),
            valid_rows_only=data.get("valid_rows_only", False),
            dry_run=data.get("dry_run", False),
            column_map=column_map,
        )
        if token:
            _drop_pending(token)
        return redirect("web:job_detail", pk=job.pk)
    try:
        result = actions.batch_ingest(
            user=request.user,
            kind=data["kind"],
            filename=filename,
            content=content,
            department=data.get("department", ""),
            received_on=data.get("received_on"),
            valid_rows_only=data.get("valid_rows_only", False),
            dry_run=data.get("dry_run", False),
            column_map=column_map,
        )
    except SpreadsheetError as exc:
        form.add_error(None, str(exc))
        return render(
            request, "intake/upload.html", {"form": form, "kinds": SourceKind.choices, "formats": FORMATS}
        )
    finally:
        if token:
            _drop_pending(token)
    if result.duplicate:
        messages.warning(
            request,
            f"该文件已于 {timezone.localtime(result.batch.uploaded_at):%Y-%m-%d %H:%M} 导入过，"
            "本次未做任何更改。",
        )
        return redirect("intake:batch_detail", pk=result.batch.pk)
    if result.dry_run:
        return render(
            request,
            "intake/dry_run.html",
            {
                "result": result,
                "counts": result.counts,
                "errors": result.errors[:500],
                "warnings": result.warnings[:500],
            },
        )
    if result.refused:
        messages.error(
            request,
            f"有 {result.rejected} 行错误，整个文件未导入。请下载错误行修改后重新上传，"
            "或勾选“仍导入正确的行”。",
        )
    else:
        messages.success(request, "导入完成。")
    if result.warnings:
        shown = "；".join(result.warnings[:5]) + (
            f"……共 {len(result.warnings)} 行" if len(result.warnings) > 5 else ""
        )
        messages.warning(request, f"信用代码有误的行已按名称匹配：{shown}")
    return redirect("intake:batch_detail", pk=result.batch.pk)


@login_required
@permission_required("intake.view_sourcebatch", raise_exception=True)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get_for_user_or_404(SourceBatch.objects.select_related("uploaded_by"), request.user, pk=pk)
    rows = (
        SourceRow.objects.for_user(request.user).filter(batch=batch).select_related("district", "enterprise")
    )
    status = request.GET.get("status", "")
    if status in RowStatus.values:
        rows = rows.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"批次{batch.pk}-数据行",
            SourceRowTable.columns,
            SourceRowTable.rows(iter_rows_seen_by(request.user, rows)),
        )
    c = batch_counts_for(request.user, batch)
    chart = [
        {"name": label, "value": c.get(key, 0)}
        for key, label in (
            ("uscc", "按信用代码关联"),
            ("name_exact", "名称一致"),
            ("former_name", "曾用名"),
            ("fuzzy", "名称相似"),
            ("created", "新建单位"),
            ("review", "待人工核对"),
            ("rejected", "拒绝"),
        )
        if c.get(key)
    ]
    page = _page(request, rows)
    page.object_list = rows_seen_by(request.user, page.object_list)
    context = {
        "batch": batch,
        "counts": c,
        "page": page,
        "status": status,
        "statuses": RowStatus.choices,
        "chart": chart,
        "query": f"status={status}" if status else "",
    }
    if _htmx(request) and request.GET.get("part") == "progress":
        return render(request, "intake/_batch_progress.html", context)
    if _htmx(request) and request.GET.get("part") == "rows":
        return render(request, "intake/_row_table.html", context)
    return render(request, "intake/batch_detail.html", context)


@login_required
@permission_required("intake.view_sourcebatch", raise_exception=True)
def batch_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows as .xlsx, with the reason per row, ready to be corrected and uploaded again."""
    batch = access.get_for_user_or_404(SourceBatch.objects, request.user, pk=pk)
    rows = SourceRow.objects.for_user(request.user).filter(batch=batch, status=RowStatus.REJECTED)
    columns, data = rejected_rows_table(batch, rows)
    return xlsx_response(f"批次{batch.pk}-错误行", columns, data)


@login_required
@permission_required("intake.add_sourcebatch", raise_exception=True)
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in FORMATS:
        raise Http404("未知的来源类型")
    districts = list(access.writable_districts(request.user).values_list("name", flat=True))
    content = template_xlsx(template_columns(kind, districts), notes=TEMPLATE_NOTES)
    return bytes_response(f"{SourceKind(kind).label}-导入模板.xlsx", content)


# ------------------------------------------------------------------ review queue


def review_context(user, rows) -> list[dict[str, Any]]:
    """Each review row with its candidate employers (only those the user may see), best first."""
    rows = rows_seen_by(user, rows)
    ids = {int(c[0]) for r in rows for c in r.candidates or []}
    found = {
        e.pk: e
        for e in Enterprise.objects.for_user(user).filter(pk__in=ids).select_related("region", "industry")
    }
    items = []
    for r in rows:
        candidates = [(found[int(c[0])], c[1]) for c in r.candidates or [] if int(c[0]) in found]
        items.append({"row": r, "candidates": candidates})
    return items


def _review_rows(user, params) -> tuple[Any, str, str]:
    """The review queue's rows under the page's filters (``q``, ``district``), with those filters."""
    rows = review_queue(user)
    district = params.get("district", "")
    if district:
        rows = rows.filter(district_id=district)
    q = params.get("q", "").strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
    return rows, q, district


@login_required
@permission_required("intake.change_sourcerow", raise_exception=True)
def review_list(request: HttpRequest) -> HttpResponse:
    rows, q, district = _review_rows(request.user, request.GET)
    rows = rows.select_related("batch", "district", "industry").order_by("-batch_id", "row_number")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"待人工核对-{timezone.localdate():%Y%m%d}",
            SourceRowTable.columns,
            SourceRowTable.rows(iter_rows_seen_by(request.user, rows.select_related("enterprise"))),
        )
    page = _page(request, rows, 20)
    context = {
        "page": page,
        "items": review_context(request.user, page.object_list),
        "q": q,
        "district": district,
        "districts": access.writable_districts(request.user),
        "review_count": page.paginator.count,
        "query": "&".join(f"{k}={v}" for k, v in (("q", q), ("district", district)) if v),
    }
    return render(request, "intake/review_list.html", context)


@login_required
@permission_required("intake.change_sourcerow", raise_exception=True)
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """是此单位 / 新建单位 / 驳回 for one review row; HTMX gets the row's new card."""
    row = actions.row_for_user_or_404(request.user, pk)
    decision = request.POST.get("decision", "")
    error = ""
    try:
        if decision == "link":
            enterprise_id = request.POST.get("enterprise", "")
            if not enterprise_id.isdigit():
                raise ValidationError("请选择一个候选单位")
            enterprise = access.get_for_user_or_404(Enterprise.objects, request.user, pk=int(enterprise_id))
            actions.row_link(user=request.user, row=row, enterprise=enterprise)
        elif decision == "create":
            actions.row_create_enterprise(
                user=request.user, row=row, district_code=request.POST.get("district") or None
            )
        elif decision == "reject":
            form = RejectForm(request.POST)
            form.is_valid()
            actions.row_reject(user=request.user, row=row, reason=form.cleaned_data.get("reason", ""))
        else:
            error = "未知的操作"
    except (ValidationError, PermissionDenied) as exc:
        error = "；".join(getattr(exc, "messages", [str(exc)]))
    row.refresh_from_db()
    if _htmx(request):
        item = review_context(request.user, [row])[0]
        # the heading's count, under the filters of the page the decision was made on (core/htmx.py)
        remaining = _review_rows(request.user, current_query(request))[0].count()
        return render_with_oob(
            request,
            "intake/_review_item.html",
            {"item": item, "error": error, "districts": access.writable_districts(request.user)},
            [("intake/_review_count.html", {"review_count": remaining})],
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"第{row.row_number}行：{row.get_status_display()}")
    return redirect("intake:review_list")


@login_required
@permission_required("intake.change_sourcerow", raise_exception=True)
@require_POST
def row_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    row = actions.row_for_user_or_404(request.user, pk)
    try:
        actions.row_unlink(user=request.user, row=row)
        messages.success(request, f"第{row.row_number}行已取消关联，已回到待核对队列。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("intake:batch_detail", pk=row.batch_id)


# ------------------------------------------------------------------ merge


def _find_enterprise(user, text: str) -> Enterprise | None:
    text = (text or "").strip().upper()
    qs = Enterprise.objects.for_user(user)
    if text.isdigit() and len(text) < 18:
        return qs.filter(pk=int(text)).first()
    return qs.filter(uscc=text).first()


@login_required
@permission_required("registry.change_enterprise", raise_exception=True)
def merge(request: HttpRequest) -> HttpResponse:
    """Merge two records of the same employer: choose, confirm, merge."""
    form = MergeForm(request.POST or request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        keep = _find_enterprise(request.user, form.cleaned_data["keep"])
        other = _find_enterprise(request.user, form.cleaned_data["merge"])
        if keep is None:
            form.add_error("keep", "未找到该单位，或不在您的管辖范围内")
        if other is None:
            form.add_error("merge", "未找到该单位，或不在您的管辖范围内")
        if keep is not None and other is not None:
            context.update(keep=keep, other=other, counts=_record_counts(other))
            if request.method == "POST" and request.POST.get("confirm") == "1":
                try:
                    moved = actions.enterprise_merge(user=request.user, keep=keep, merge=other)
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
                else:
                    total = sum(moved.values())
                    messages.success(request, f"已将“{other.name}”并入“{keep.name}”，转移记录 {total} 条。")
                    return redirect("intake:merge")
    context["without_evidence"] = (
        actions.candidates_without_evidence()
        .filter(pk__in=Enterprise.objects.for_user(request.user).values("pk"))
        .select_related("region")[:50]
    )
    return render(request, "intake/merge.html", context)


def _record_counts(enterprise: Enterprise) -> list[tuple[str, int]]:
    counts = []
    for rel in registry_actions.enterprise_references():
        n = rel.related_model._base_manager.filter(**{rel.field.name: enterprise.pk}).count()
        if n:
            counts.append((str(rel.related_model._meta.verbose_name), n))
    return counts
