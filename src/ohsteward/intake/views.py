"""Pages of the intake app, declared on the core base views (``core.views``, ADR 0004).

The bases do the login (anonymous users go to the login page), the permission (403), the
``for_user`` scoping (404 out of scope), filtering, paging, the htmx partials with ``Vary`` and
the .xlsx exports at ``…/export/`` from the same Table as the page. What is intake's own: the
upload with its column-mapping step (files wait in core's ``UploadStash``), the review decisions
(three per row, the heading's count refreshed out of band) and the merge page.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.htmx import current_query, render_with_oob
from ohsteward.core.imports import UploadStash
from ohsteward.core.spreadsheets import (
    SpreadsheetError,
    bytes_response,
    read_table,
    template_xlsx,
    xlsx_response,
)
from ohsteward.core.views import ObjectDetailView, ObjectListView, ProtectedView, requires
from ohsteward.intake import actions
from ohsteward.intake.choices import BatchStatus, RowStatus, SourceKind
from ohsteward.intake.filtersets import (
    REVIEW_ORDER,
    BatchRowFilterSet,
    ReviewFilterSet,
    SourceBatchFilterSet,
    review_rows_for,
)
from ohsteward.intake.formats import FORMATS, TEMPLATE_NOTES, map_headers, template_columns
from ohsteward.intake.forms import MergeForm, RejectForm, UploadForm
from ohsteward.intake.jobs import start_export_job, start_ingest_job
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.queries import batch_counts_for, review_queue, rows_seen_by
from ohsteward.intake.tables import SourceBatchTable, SourceRowTable, rejected_rows_table
from ohsteward.registry import actions as registry_actions
from ohsteward.registry.models import Enterprise

# Columns our own rejected-rows file adds; they need no mapping when the file comes back.
IGNORED_HEADERS = {"原行号", "错误原因", "序号", "行号"}
UPLOAD_STASH = "intake.upload"  # the stash namespace of files waiting for their column mapping


class LegacyXlsxMixin:
    """``?format=xlsx`` on a page answers its export, as the intake pages did before ``…/export/``
    (bookmarks and scripts keep working)."""

    def dispatch(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            self.export = True
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


# ------------------------------------------------------------------ batches


class BatchListView(LegacyXlsxMixin, ObjectListView):
    queryset = SourceBatch.objects.all()
    filterset = SourceBatchFilterSet
    table = SourceBatchTable
    permission = "intake.view_sourcebatch"
    template_name = "intake/batch_list.html"
    partial_template = "intake/_batch_results.html"
    title = "数据汇聚：来源名单"
    unit = "个批次"
    export_filename = "来源批次"
    export_job = functools.partial(start_export_job, list_name="batches")

    def get_export_url(self) -> str:
        return reverse("intake:batch_export")

    def get_context_data(self, **context) -> dict:
        user = self.request.user
        return {
            **context,
            "review_count": review_queue(user).count() if user.has_perm("intake.change_sourcerow") else 0,
            # the list refreshes itself while a batch it shows is being processed
            "running": any(b.status == BatchStatus.RUNNING for b in context["page"].object_list),
        }


class BatchRowListView(LegacyXlsxMixin, ObjectListView):
    """The rows of one batch: the export of its page (``batches/<pk>/export/``), same status filter."""

    table = SourceRowTable
    filterset = BatchRowFilterSet
    permission = "intake.view_sourcebatch"
    export = True

    @property
    def export_filename(self) -> str:  # type: ignore[override]
        return f"批次{self.kwargs['pk']}-数据行"

    def get_queryset(self):
        batch = access.get_for_user_or_404(SourceBatch.objects, self.request.user, pk=self.kwargs["pk"])
        return SourceRow.objects.for_user(self.request.user).filter(batch=batch)


CHART = (
    ("uscc", "按信用代码关联"),
    ("name_exact", "名称一致"),
    ("former_name", "曾用名"),
    ("fuzzy", "名称相似"),
    ("created", "新建单位"),
    ("review", "待人工核对"),
    ("rejected", "拒绝"),
)


class BatchDetailView(ObjectDetailView):
    """One batch: its counts (over the rows the viewer may see), a chart, and its rows by status.
    htmx refreshes the progress bar while it runs and the row table when the status changes."""

    queryset = SourceBatch.objects.select_related("uploaded_by")
    permission = "intake.view_sourcebatch"
    template_name = "intake/batch_detail.html"
    context_object_name = "batch"
    partial_templates = {"batch-progress": "intake/_batch_progress.html", "rows": "intake/_row_table.html"}
    page_size = 50

    def dispatch(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":  # the export's address before …/export/
            return BatchRowListView.as_view()(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **context) -> dict:
        batch, user = context["object"], self.request.user
        counts = batch_counts_for(user, batch)
        filterset = BatchRowFilterSet(
            self.request.GET or None,
            queryset=SourceRow.objects.for_user(user).filter(batch=batch),
            request=self.request,
        )
        rows = filterset.qs.select_related("district", "enterprise")
        page = Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
        page.object_list = rows_seen_by(user, page.object_list)
        status = filterset.form.cleaned_data.get("status", "") if filterset.form.is_valid() else ""
        query = f"status={status}" if status else ""
        return {
            **context,
            "counts": counts,
            "chart": [{"name": label, "value": counts[key]} for key, label in CHART if counts.get(key)],
            "page": page,
            "status": status,
            "statuses": RowStatus.choices,
            "query": query,
            "export_url": reverse("intake:batch_row_export", args=[batch.pk])
            + (f"?{query}" if query else ""),
        }


@requires("intake.view_sourcebatch")
def batch_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows as .xlsx, with the reason per row, ready to be corrected and uploaded again."""
    batch = access.get_for_user_or_404(SourceBatch.objects, request.user, pk=pk)
    rows = SourceRow.objects.for_user(request.user).filter(batch=batch, status=RowStatus.REJECTED)
    columns, data = rejected_rows_table(batch, rows)
    return xlsx_response(f"批次{batch.pk}-错误行", columns, data)


@requires("intake.add_sourcebatch")
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in FORMATS:
        raise Http404("未知的来源类型")
    districts = list(access.writable_districts(request.user).values_list("name", flat=True))
    content = template_xlsx(template_columns(kind, districts), notes=TEMPLATE_NOTES)
    return bytes_response(f"{SourceKind(kind).label}-导入模板.xlsx", content)


# ------------------------------------------------------------------ upload


def _head(filename: str, content: bytes) -> bytes:
    """The part of a large .csv the column mapping needs (header and sample rows): reading all of a
    100,000-row file here took seconds; the job reads it whole."""
    if filename.lower().endswith(".csv") and jobs.is_large(jobs.estimate_rows(filename, content)):
        return content[: content.rfind(b"\n", 0, 65536) + 1] or content
    return content


class BatchUploadView(ProtectedView):
    """Choose kind, department, date and file; map unknown columns; ingest; show the outcome.

    Not an ``ImportView``: an intake always records a batch (the provenance of every row) and
    links, creates or queues rows for review in one step; its dry run is a checkbox, not a preview
    to confirm, and a column-mapping step can sit between upload and run (ADR 0004, addendum).
    A file waiting for its mapping is kept in core's ``UploadStash`` (random token, bound to the
    session's user, expiring after ``OHSTEWARD_UPLOAD_TTL_SECONDS``)."""

    permission = "intake.add_sourcebatch"
    template_name = "intake/upload.html"
    map_template = "intake/upload_map.html"

    def stash(self) -> UploadStash:
        return UploadStash(self.request, UPLOAD_STASH)

    def render_form(self, form, **context) -> HttpResponse:
        return render(
            self.request,
            context.pop("template", self.template_name),
            {"kinds": SourceKind.choices, "formats": FORMATS, "form": form, **context},
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(UploadForm(initial={"kind": request.GET.get("kind", SourceKind.EXAM)}))

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "map":
            return self.post_mapping(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        upload = form.cleaned_data["file"]
        content = upload.read()
        kind = form.cleaned_data["kind"]
        try:
            table = read_table(upload.name, _head(upload.name, content), max_rows=10**7)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
            return self.render_form(form)
        header_map = map_headers(kind, table.headers)
        unknown = [h for h in header_map.unknown if h not in IGNORED_HEADERS]
        if header_map.missing or unknown:
            return self.render_form(
                form,
                template=self.map_template,
                token=self.stash().put(upload.name, content),
                filename=upload.name,
                unknown=unknown,
                missing=header_map.missing,
                mapped=[(s.header, table.headers[i]) for i, s in header_map.columns.items()],
                targets=list(FORMATS[kind]),
                sample=table.rows[:3],
                headers=table.headers,
            )
        return self.run(form, upload.name, content, None)

    def post_mapping(self, request) -> HttpResponse:
        """The mapping chosen for a stashed file: the file is taken out of the stash and run."""
        form = UploadForm(request.POST)
        form.fields["file"].required = False
        if not form.is_valid():
            return self.render_form(form)
        token = request.POST.get("token", "")
        stash = self.stash()
        filename, content = stash.get(token)  # 404 "导入文件已过期" for another user's or an old token
        column_map = {k[4:]: v for k, v in request.POST.items() if k.startswith("map:")}
        try:
            return self.run(form, filename, content, column_map)
        finally:
            stash.forget(token)

    def run(self, form, filename: str, content: bytes, column_map) -> HttpResponse:
        request, data = self.request, form.cleaned_data
        options: dict[str, Any] = {
            "kind": data["kind"],
            "filename": filename,
            "content": content,
            "department": data.get("department", ""),
            "received_on": data.get("received_on"),
            "valid_rows_only": data.get("valid_rows_only", False),
            "dry_run": data.get("dry_run", False),
            "column_map": column_map,
        }
        if jobs.is_large(jobs.estimate_rows(filename, content)):  # a background job with a progress page
            try:
                job = start_ingest_job(user=request.user, **options)
            except SpreadsheetError as exc:
                form.add_error(None, str(exc))
                return self.render_form(form)
            return redirect("web:job_detail", pk=job.pk)
        try:
            result = actions.batch_ingest(user=request.user, **options)
        except SpreadsheetError as exc:
            form.add_error(None, str(exc))
            return self.render_form(form)
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


# ------------------------------------------------------------------ review queue


def review_items(user, rows: list[SourceRow]) -> list[dict[str, Any]]:
    """Each review row (already as ``user`` is shown it) with its candidate employers, only those
    the user may see, best first."""
    ids = {int(c[0]) for r in rows for c in r.candidates or []}
    found = {
        e.pk: e
        for e in Enterprise.objects.for_user(user).filter(pk__in=ids).select_related("region", "industry")
    }
    return [
        {"row": r, "candidates": [(found[int(c[0])], c[1]) for c in r.candidates or [] if int(c[0]) in found]}
        for r in rows
    ]


def review_context(user, rows) -> list[dict[str, Any]]:
    """``review_items`` of rows as stored (redacted here for ``user``)."""
    return review_items(user, rows_seen_by(user, rows))


class ReviewListView(LegacyXlsxMixin, ObjectListView):
    """The review queue: cards (a row and its candidates) on the page, the rows in the export."""

    filterset = ReviewFilterSet
    table = SourceRowTable
    permission = "intake.change_sourcerow"
    template_name = "intake/review_list.html"
    partial_template = "intake/_review_results.html"
    page_size = 20
    title = "待人工核对"
    unit = "条"
    export_filename = "待人工核对"
    export_job = functools.partial(start_export_job, list_name="review")

    def get_queryset(self):
        return review_queue(self.request.user).order_by(*REVIEW_ORDER)

    def get_export_url(self) -> str:
        return reverse("intake:review_export")

    def get_context_data(self, **context) -> dict:
        page = context["page"]
        return {
            **context,
            "items": review_items(self.request.user, page.object_list),
            "review_count": page.paginator.count,
            "districts": access.writable_districts(self.request.user),
        }


@requires("intake.change_sourcerow")
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
    if request.headers.get("HX-Request") == "true":
        item = review_context(request.user, [row])[0]
        # the heading's count, under the filters of the page the decision was made on (core/htmx.py)
        remaining = review_rows_for(request.user, current_query(request)).count()
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


@requires("intake.change_sourcerow")
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


@requires("registry.change_enterprise")
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
