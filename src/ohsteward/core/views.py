"""Base views every app's pages are declared on: list, detail, form-through-an-action, single
action and import. Small and explicit: URLs stay written out in each app's ``urls.py``.

What they do once, so no page does it differently:

- log in first (anonymous users go to the login page), then the model permission (403);
- every read is ``queryset.for_user(request.user)``; one object outside the scope answers 404;
- lists bind the FilterSet to the query string, page by primary key, sort by ``?sort=`` over
  the Table's sortable columns, answer the partial to htmx (always with ``Vary: HX-Request``),
  and export the same rows through the same Table at ``…/export/``;
- forms call a keyword-only action ``action(user=…, …)``; its ``ValidationError`` lands on the
  form fields, its ``PermissionDenied`` becomes a message; the result is checked to be inside
  the user's scope before the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from ohsteward.core import htmx, jobs, submissions
from ohsteward.core.imports import Importer, ImportReport, UploadStash
from ohsteward.core.spreadsheets import SpreadsheetError, bytes_response
from ohsteward.core.tables import Table

NOT_FOUND = "对象不存在或不在您的管辖范围内"
OUT_OF_SCOPE_AFTER = "保存后该记录将不在您的管辖范围内，未保存"


def requires(perm: str):
    """Log in first (anonymous users go to the login page), then the permission or 403."""

    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def filter_query(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    """The request's query string without ``drop`` and empty fields (for export, pager, sort links)."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [v for v in values if v.strip()]
        if key not in drop and kept:
            query.setlist(key, kept)
    return query.urlencode()


def apply_errors(form, error: ValidationError) -> None:
    """Put an action's ``ValidationError`` on the form: per field where the form has the field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def messages_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您无权执行此操作"


class _OutOfScope(Exception):
    """Raised inside the transaction to roll an action back whose result left the user's scope."""


class ProtectedView(View):
    """Login, then ``permission`` (a ``app.codename``); the base of every view below."""

    permission: ClassVar[str] = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin:
    """``get_object()``: the object of the URL inside the user's scope, else 404."""

    queryset: Any = None
    lookup: ClassVar[Callable[..., dict] | None] = None  # URL kwargs → filter kwargs (e.g. uscc or pk)

    def scoped(self):
        return self.queryset.all().for_user(self.request.user)

    def get_lookup(self, **kwargs) -> dict:
        lookup = type(self).lookup  # a plain function of the URL kwargs, not a method
        if lookup is not None:
            return lookup(**kwargs)
        return {"pk": kwargs["pk"]}

    def get_object(self):
        try:
            found = self.scoped().filter(**self.get_lookup(**self.kwargs)).first()
        except (ValueError, TypeError):  # a key of the wrong shape for the field
            found = None
        if found is None:
            raise Http404(NOT_FOUND)
        return found


# --------------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------------


class ObjectListView(ProtectedView):
    queryset: Any = None
    filterset: Any = None  # a django-filter FilterSet class
    table: ClassVar[type[Table]]
    template_name = "generic/object_list.html"
    partial_template = "generic/_results.html"
    partial_target = "results"  # id of the element htmx swaps
    page_size = 50
    export = False  # as_view(export=True) answers the .xlsx of the same rows
    export_filename = "导出"
    # an export longer than OHSTEWARD_JOB_THRESHOLD_ROWS runs as a background job when the app
    # names its starter: ``export_job(user=, query=, rows=) -> Job`` (the page shows its progress)
    export_job: ClassVar[Callable[..., Any] | None] = None
    title = ""
    unit = "条"  # 共 N 条

    def get_queryset(self):
        return self.queryset.all().for_user(self.request.user)

    def filter_data(self) -> QueryDict:
        return self.request.GET

    def get_filterset(self, queryset):
        if self.filterset is None:
            return None
        kwargs: dict[str, Any] = {"queryset": queryset, "request": self.request}
        if getattr(self.filterset, "accepts_today", False):
            kwargs["today"] = timezone.localdate()
        data = self.filter_data()
        return self.filterset(data or None, **kwargs)

    @property
    def sort(self) -> str:
        sort = self.request.GET.get("sort", "").strip()
        return sort if self.table.sort_fields(sort) else self.table.default_sort

    def filtered(self):
        filterset = self.get_filterset(self.get_queryset())
        queryset = filterset.qs if filterset is not None else self.get_queryset()
        order = self.table.sort_fields(self.sort) if self.sort else None
        return filterset, (queryset.order_by(*order) if order else queryset)

    def page(self, queryset):
        """Page over primary keys (no joins while counting and skipping), then load that page
        with the Table's joins: page 2,000 of a city-wide list stays fast."""
        page = Paginator(queryset.values_list("pk", flat=True), self.page_size).get_page(
            self.request.GET.get("page")
        )
        by_pk = self.table.queryset(
            self.page_source(queryset).filter(pk__in=list(page.object_list))
        ).in_bulk()
        page.object_list = self.table.seen_by(
            self.request.user, [by_pk[pk] for pk in page.object_list if pk in by_pk]
        )
        return page

    def page_source(self, queryset):
        """Where a page's rows are loaded from by primary key: the model's manager. A list whose
        cells read annotations (``declared``, a count) returns a queryset that adds them."""
        return queryset.model._default_manager

    def has_filters(self) -> bool:
        return any(str(v).strip() for k, v in self.request.GET.items() if k not in ("page", "sort"))

    def get_export_url(self) -> str:
        return f"{self.request.path}export/"

    def get_context_data(self, **context) -> dict:
        return context

    def get(self, request, *args, **kwargs):
        filterset, queryset = self.filtered()
        if self.export:
            starter = type(self).export_job
            if starter is not None:
                rows = queryset.count()
                if jobs.is_large(rows):
                    job = starter(user=request.user, query=request.GET.urlencode(), rows=rows)
                    return redirect("web:job_detail", pk=job.pk)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            return self.table.xlsx_response(
                queryset, f"{self.export_filename}-{stamp}.xlsx", user=request.user
            )
        page = self.page(queryset)
        context = self.get_context_data(
            view=self,
            title=self.title,
            unit=self.unit,
            filterset=filterset,
            page=page,
            table=self.table,
            rows=self.table.html_rows(page.object_list),
            headers=self.table.headers(self.sort),
            sort=self.sort,
            query=filter_query(request),
            sort_query=filter_query(request, drop=("page", "sort")),
            export_url=self.get_export_url(),
            has_filters=self.has_filters(),
            results_id=self.partial_target,
        )
        partial = htmx.is_partial(request, self.partial_target)
        return htmx.vary(render(request, self.partial_template if partial else self.template_name, context))


# --------------------------------------------------------------------------------------------
# Detail, form, action
# --------------------------------------------------------------------------------------------


class ObjectDetailView(ScopedObjectMixin, ProtectedView):
    template_name = "generic/object_detail.html"
    context_object_name = "object"
    # fragments of the page htmx refreshes on its own (a progress bar, a filtered table inside the
    # page): the id of the element htmx swaps (``HX-Target``) → the template that answers it
    partial_templates: ClassVar[dict[str, str]] = {}

    def get_context_data(self, **context) -> dict:
        return context

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = self.get_context_data(**{"object": obj, self.context_object_name: obj, "view": self})
        if not self.partial_templates:
            return render(request, self.template_name, context)
        target = request.headers.get("HX-Target", "")
        partial = self.partial_templates.get(target) if htmx.is_partial(request, target) else None
        return htmx.vary(render(request, partial or self.template_name, context))


class ObjectFormView(ScopedObjectMixin, ProtectedView):
    """Create (``create = True``) or edit one object through a keyword-only action.

    The action is called as ``action(user=…, <object_keyword>=obj, data=form.action_data())``
    (``data=`` only when creating); override ``action_kwargs`` for another shape.
    """

    form: Any = None
    action: ClassVar[Callable[..., Any]]
    object_keyword = "instance"
    form_takes_user = False  # the form narrows its choices to the user's jurisdiction
    create = False
    # a create form sent twice (double click, browser resend) creates once: the page carries a
    # one-time token ({% submission_token %}) and the second submit is shown the first result
    one_time_submission = False
    template_name = "generic/object_form.html"
    success_message = "已保存。修改已记入审计日志。"

    def get_form(self, obj):
        kwargs: dict[str, Any] = {"data": self.request.POST or None, "files": self.request.FILES or None}
        if obj is not None:
            kwargs["instance"] = obj
        if self.form_takes_user:
            kwargs["user"] = self.request.user
        return self.form(**kwargs)

    def action_kwargs(self, form, obj) -> dict:
        data = form.action_data() if hasattr(form, "action_data") else dict(form.cleaned_data)
        return {"data": data} if obj is None else {self.object_keyword: obj, "data": data}

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_success_message(self, obj) -> str:
        return self.success_message

    def get_context_data(self, **context) -> dict:
        return context

    def render_form(self, form, obj):
        return render(
            self.request, self.template_name, self.get_context_data(form=form, object=obj, view=self)
        )

    def get(self, request, *args, **kwargs):
        obj = None if self.create else self.get_object()
        return self.render_form(self.get_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = None if self.create else self.get_object()
        form = self.get_form(obj)
        if not form.is_valid():
            return self.render_form(form, obj)
        submission = None
        if self.create and self.one_time_submission:
            try:
                submission = submissions.claim(request)
            except submissions.Repeated as repeated:
                return submissions.repeated_response(request, repeated, fallback=request.path)
        try:
            with transaction.atomic():
                target = None if self.create else self.get_object()  # fresh: the form has touched ``obj``
                result = type(self).action(user=request.user, **self.action_kwargs(form, target))
                if not self.scoped().filter(pk=result.pk).exists():
                    raise _OutOfScope
        except ValidationError as error:
            submissions.release(submission)
            apply_errors(form, error)
        except (PermissionDenied, _OutOfScope) as error:
            submissions.release(submission)
            message = OUT_OF_SCOPE_AFTER if isinstance(error, _OutOfScope) else messages_of(error)
            messages.error(request, message)
            form.add_error(None, message)
        except BaseException:
            submissions.release(submission)
            raise
        else:
            submissions.done(submission, self.success_url(result))
            messages.success(request, self.get_success_message(result))
            return redirect(self.success_url(result))
        return self.render_form(form, obj)


class ObjectActionView(ScopedObjectMixin, ProtectedView):
    """POST → form → ``action(user=…, <object_keyword>=obj, **form.cleaned_data)`` → the row partial
    for htmx, else a redirect with a message. Errors become messages (and the partial still answers)."""

    http_method_names = ["post"]
    form: Any = None
    action: ClassVar[Callable[..., Any]]
    object_keyword = "instance"
    partial_template = ""
    success_message = "已完成。"

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form(request.POST) if self.form is not None else None
        ok = False
        if form is not None and not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        else:
            try:
                with transaction.atomic():
                    data = dict(form.cleaned_data) if form is not None else {}
                    type(self).action(user=request.user, **{self.object_keyword: obj}, **data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                ok = True
                messages.success(request, self.success_message)
        if self.partial_template and htmx.is_partial(request):
            fresh = self.scoped().filter(pk=obj.pk).first()
            response = render(request, self.partial_template, {"object": fresh, "form": form, "ok": ok})
            return htmx.vary(response)
        return redirect(self.success_url(obj))


# --------------------------------------------------------------------------------------------
# Import: upload → dry run (preview) → confirm → errors.xlsx, around any Importer
# --------------------------------------------------------------------------------------------


class ImportView(ProtectedView):
    """One class, four steps, declared in ``urls.py`` with ``as_view(step=…)``:
    ``upload`` (GET the form; POST → dry run → preview), ``template``, ``confirm`` and ``errors``
    (both with ``<token>``). The file's bytes wait in the ``UploadStash``."""

    importer: ClassVar[Importer]
    kind = ""  # the stash namespace: a token of one importer is useless at another's URLs
    # a file longer than OHSTEWARD_JOB_THRESHOLD_ROWS is previewed in a background job when the app
    # names its starter: ``import_job(user=, filename=, content=, dry_run=, partial=) -> Job``
    import_job: ClassVar[Callable[..., Any] | None] = None
    step = "upload"
    form_class: Any = None
    template_name = "generic/import.html"
    preview_template = "generic/import_preview.html"
    result_template = "generic/import_result.html"
    preview_rows = 20
    title = "导入"
    # URL names of the steps, for the templates and the redirect after an unreadable file:
    # {"upload": …, "template": …, "confirm": …, "errors": …, "done": (the list page)}
    url_names: ClassVar[dict[str, str]] = {}

    def stash(self) -> UploadStash:
        return UploadStash(self.request, self.kind or type(self).__name__)

    def run_import(
        self, *, filename: str, content: bytes, dry_run: bool, all_or_nothing: bool = True
    ) -> ImportReport:
        """The single place an import runs. Background jobs route large files through here."""
        return type(self).importer.run(
            user=self.request.user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
        )

    def preview_context(self, report: ImportReport) -> dict:
        return {
            "report": report,
            "created": report.created[: self.preview_rows],
            "updated": report.updated[: self.preview_rows],
            "error_rows": len(report.rejected_rows),
            "preview_rows": self.preview_rows,
        }

    def get_context_data(self, **context) -> dict:
        return {
            "view": self,
            "title": self.title,
            "urls": self.url_names,
            "max_mb": settings.OHSTEWARD_MAX_UPLOAD_MB,
            "max_rows": settings.OHSTEWARD_MAX_IMPORT_ROWS,
            **context,
        }

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.step == "confirm" and request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token: str = ""):
        if self.step == "template":
            return bytes_response(
                type(self).importer.template_filename, type(self).importer.template(user=request.user)
            )
        if self.step == "errors":
            filename, content = self.stash().get(token)
            report = self.run_import(filename=filename, content=content, dry_run=True)
            return bytes_response(f"导入错误行-{Path(filename).stem}.xlsx", report.errors_xlsx())
        return render(request, self.template_name, self.get_context_data(form=self.form_class()))

    def post(self, request, token: str = ""):
        if self.step == "confirm":
            return self.confirm(request, token)
        if self.step != "upload":
            return self.http_method_not_allowed(request)
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            starter = type(self).import_job
            if starter is not None and jobs.is_large(jobs.estimate_rows(upload.name, content)):
                # preview as a background job (the page shows its progress), then confirm there
                try:
                    job = starter(
                        user=request.user,
                        filename=upload.name,
                        content=content,
                        dry_run=True,
                        partial=bool(form.cleaned_data.get("partial")),
                    )
                except SpreadsheetError as error:
                    form.add_error("file", str(error))
                    return render(request, self.template_name, self.get_context_data(form=form))
                return redirect("web:job_detail", pk=job.pk)
            try:
                report = self.run_import(filename=upload.name, content=content, dry_run=True)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                token = self.stash().put(upload.name, content)
                return render(
                    request,
                    self.preview_template,
                    self.get_context_data(
                        token=token,
                        filename=upload.name,
                        partial=form.cleaned_data.get("partial", False),
                        **self.preview_context(report),
                    ),
                )
        return render(request, self.template_name, self.get_context_data(form=form))

    def confirm(self, request, token: str):
        """Apply the stored file; with 仅导入无误的行 (``partial``) the rejected rows are skipped.

        The stored file is claimed first (an atomic rename): the same confirm sent twice, or from
        two tabs, is applied once; the other request is told so instead of importing again
        (issue 6 item 9).
        """
        stash = self.stash()
        if stash.was_confirmed(token):
            messages.warning(request, "该导入已确认，请勿重复提交。")
            return redirect(self.url_names["done"])
        if stash.is_claimed(token):
            messages.warning(request, "该导入已确认（或正在处理），请勿重复提交。")
            return redirect(self.url_names["done"])
        filename, content = stash.get(token)
        partial = request.POST.get("partial") == "on"
        claimed = stash.claim(token)
        if claimed is None:
            messages.warning(request, "该导入已确认（或正在处理），请勿重复提交。")
            return redirect(self.url_names["done"])
        try:
            report = self.run_import(
                filename=filename, content=content, dry_run=False, all_or_nothing=not partial
            )
        except SpreadsheetError as error:
            stash.release(token, claimed)
            messages.error(request, str(error))
            return redirect(self.url_names["upload"])
        except BaseException:
            stash.release(token, claimed)
            raise
        if report.applied and not report.errors:
            claimed.unlink(missing_ok=True)
            stash.forget(token, confirmed=True)
        else:  # nothing or not everything written: the file stays for another try and the error rows
            stash.release(token, claimed)
        return render(
            request,
            self.result_template,
            self.get_context_data(
                token=token, filename=filename, partial=partial, **self.preview_context(report)
            ),
        )
