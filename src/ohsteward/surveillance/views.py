"""Pages of health surveillance, declared on core's base views."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.access.permissions import OWN_RECORD_PERMISSION, WORKER_LOGIN_PERMISSION
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.surveillance import actions, personal, queries, rules
from ohsteward.surveillance.dose import actions as dose_actions
from ohsteward.surveillance.dose import queries as dose_queries
from ohsteward.surveillance.dose import rules as dose_rules
from ohsteward.surveillance.dose.filtersets import DoseRecordFilterSet
from ohsteward.surveillance.dose.importers import DoseImporter
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.dose.tables import DoseRecordTable
from ohsteward.surveillance.filtersets import WorkerFilterSet
from ohsteward.surveillance.forms import FindForm, RevealForm, WorkerForm, WorkerPostForm
from ohsteward.surveillance.importers import WorkerImporter
from ohsteward.surveillance.models import REVEAL_PERMISSION, Worker, WorkerPost
from ohsteward.surveillance.tables import WorkerTable, due_state


class WorkerListView(ObjectListView):
    queryset = Worker.objects.all()
    filterset = WorkerFilterSet
    table = WorkerTable
    permission = "surveillance.view_worker"
    title, unit, export_filename = "劳动者", "人", "劳动者名单"
    template_name = "surveillance/worker_list.html"


class WorkerDetailView(ObjectDetailView):
    queryset = Worker.objects.select_related("person", "enterprise__region")
    permission = "surveillance.view_worker"
    template_name = "surveillance/worker_detail.html"

    def get_context_data(self, **context):
        worker, today = context["object"], timezone.localdate()
        posts = list(
            WorkerPost.objects.for_user(self.request.user)
            .filter(worker=worker)
            .select_related("post__workplace")
            .prefetch_related("post__exposures__hazard_factor")
            .order_by("-start_date", "pk")
        )
        # 接害工龄 per factor across this person's employments seen by the user
        periods: dict[str, list] = {}
        for wp in (
            WorkerPost.objects.for_user(self.request.user)
            .filter(worker__person=worker.person_id)
            .prefetch_related("post__exposures__hazard_factor")
        ):
            for pe in wp.post.exposures.all():
                periods.setdefault(pe.hazard_factor.name, []).append((wp.start_date, wp.end_date))
        exposure_years = sorted((name, rules.exposure_years(p, on=today)) for name, p in periods.items())
        user = self.request.user
        return {
            **context,
            "today": today,
            "age": worker.age_on(today),
            "posts": posts,
            "exposure_years": exposure_years,
            "due_state": due_state(worker),
            "may_change": user.has_perm("surveillance.change_worker"),
            "may_add_post": user.has_perm("surveillance.add_workerpost"),
            "may_reveal": user.has_perm(REVEAL_PERMISSION),
            "reveal_form": RevealForm(),
            # 开通本人查询账号 (issue 12 item 9): the employer or the district, for a worker in scope
            "may_open_login": user.has_perm(WORKER_LOGIN_PERMISSION),
            "login": actions.worker_login_of(worker) if user.has_perm(WORKER_LOGIN_PERMISSION) else None,
        }


class WorkerCreateView(ObjectFormView):
    queryset = Worker.objects.all()
    permission = "surveillance.add_worker"
    form = WorkerForm
    form_takes_user = True
    create = True
    one_time_submission = True
    template_name = "surveillance/form.html"

    @staticmethod
    def action(*, user, data):
        return actions.worker_create(user=user, **data)

    def success_url(self, obj):
        return reverse("surveillance:worker_detail", args=[obj.pk])

    def get_context_data(self, **context):
        return {**context, "title": "登记劳动者"}


class WorkerEditView(ObjectFormView):
    queryset = Worker.objects.select_related("person")
    permission = "surveillance.change_worker"
    form = WorkerForm
    form_takes_user = True
    template_name = "surveillance/form.html"

    @staticmethod
    def action(*, user, worker, data):
        return actions.worker_update(user=user, worker=worker, **data)

    def action_kwargs(self, form, obj):
        return {"worker": obj, "data": form.action_data()}

    def success_url(self, obj):
        return reverse("surveillance:worker_detail", args=[obj.pk])


class WorkerPostCreateView(ObjectFormView):
    """A post is added on its worker's page: the URL names the worker."""

    queryset = Worker.objects.select_related("person")
    permission = "surveillance.add_workerpost"
    form = WorkerPostForm
    template_name = "surveillance/form.html"

    def get_form(self, obj):
        return self.form(data=self.request.POST or None, worker=obj)

    @staticmethod
    def action(*, user, worker, data):
        actions.worker_post_add(user=user, worker=worker, **data)
        return worker

    def action_kwargs(self, form, obj):
        return {"worker": obj, "data": dict(form.cleaned_data)}

    def success_url(self, obj):
        return reverse("surveillance:worker_detail", args=[obj.pk])

    def get_context_data(self, **context):
        return {**context, "heading": f"记录岗位：{context['object']}"}


class WorkerRevealView(ScopedObjectMixin, ProtectedView):
    """POST: show the full ID number once, recorded (``actions.person_reveal_id_number``)."""

    http_method_names = ["post"]
    queryset = Worker.objects.select_related("person", "enterprise")
    permission = REVEAL_PERMISSION

    def post(self, request, pk):
        worker = self.get_object()
        form = RevealForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            number = actions.person_reveal_id_number(user=request.user, worker=worker, reason=reason)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("surveillance:worker_detail", pk=worker.pk)
        response = render(request, "surveillance/reveal.html", {"object": worker, "number": number})
        response["Cache-Control"] = "no-store"
        return response


class WorkerRecordView(ScopedObjectMixin, ProtectedView):
    """The worker's monitoring file (.docx or PDF, 职业病防治法 第36条): GET with the ID number masked; POST
    (reveal permission) with the full number, the reveal recorded and audited."""

    http_method_names = ["get", "post"]
    queryset = Worker.objects.select_related("person", "enterprise")
    permission = "surveillance.view_worker"
    fmt = "docx"  # or "pdf": the same content (``record.record_blocks``)

    def get(self, request, pk):
        return self._file(request, self.get_object(), None)

    def post(self, request, pk):
        worker = self.get_object()
        form = RevealForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        number = actions.person_reveal_id_number(
            user=request.user, worker=worker, reason=reason or "监护档案"
        )
        return self._file(request, worker, number)

    def back_url(self, worker) -> str:
        return reverse("surveillance:worker_detail", args=[worker.pk])

    def _file(self, request, worker, number):
        # local: python-docx and fpdf2 are loaded on first use (only this download renders documents)
        from ohsteward.surveillance import record

        today = timezone.localdate()
        if self.fmt == "pdf":
            try:
                content = record.worker_record_pdf(worker, user=request.user, today=today, id_number=number)
            except record.PdfFontMissing as error:
                messages.error(request, str(error))
                return redirect(self.back_url(worker))
            mime = "application/pdf"
        else:
            content = record.worker_record_docx(worker, user=request.user, today=today, id_number=number)
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        response = HttpResponse(content, content_type=mime)
        name = quote(f"职业健康监护档案-{worker.name}.{self.fmt}")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        response["Cache-Control"] = "no-store"
        return response


class WorkerLoginView(ScopedObjectMixin, ProtectedView):
    """POST 开通本人查询账号 (``op=open``: a new login, or a new one-time password for the existing
    one) or 停用 (``op=close``) on the worker's page. The one-time password is shown once, in the
    answer to the POST, never stored in clear."""

    http_method_names = ["post"]
    queryset = Worker.objects.select_related("person", "enterprise")
    permission = WORKER_LOGIN_PERMISSION

    def post(self, request, pk):
        worker = self.get_object()
        try:
            if request.POST.get("op") == "close":
                actions.worker_login_close(user=request.user, worker=worker)
                messages.success(request, "本人查询账号已停用。")
                return redirect("surveillance:worker_detail", pk=worker.pk)
            login, raw = actions.worker_login_open(
                user=request.user, worker=worker, username=request.POST.get("username", "")
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("surveillance:worker_detail", pk=worker.pk)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("surveillance:worker_detail", pk=worker.pk)
        response = render(
            request,
            "surveillance/worker_login.html",
            {
                "object": worker,
                "login": login,
                "password": raw,
                "login_url": request.build_absolute_uri(reverse("web:login")),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class MyRecordView(ProtectedView):
    """The worker's own page (a ``worker`` login, on a phone): employers and posts, hazards, exams
    and conclusions, the next exam, open tasks, and the download of the monitoring file."""

    permission = OWN_RECORD_PERMISSION

    def get(self, request):
        today = timezone.localdate()
        return render(
            request, "surveillance/me.html", {"file": personal.own_file(request.user, today), "today": today}
        )


class MyRecordFileView(WorkerRecordView):
    """The worker downloads their own monitoring file: the employer's generator, through the
    worker's scoped reads; the ID number always masked (no reveal for the worker's own login)."""

    http_method_names = ["get"]
    permission = OWN_RECORD_PERMISSION

    def back_url(self, worker) -> str:
        return reverse("surveillance:me")


class WorkerFindView(ProtectedView):
    """按身份证号查找: the number is posted, never put in a URL (URLs end up in access logs);
    one employment in scope opens it, several are listed."""

    permission = "surveillance.view_worker"

    def get(self, request):
        return render(request, "surveillance/find.html", {"form": FindForm(), "found": None})

    def post(self, request):
        form = FindForm(request.POST)
        found = None
        if form.is_valid():
            found = list(
                Worker.objects.for_user(request.user)
                .by_id_number(form.cleaned_data["id_number"])
                .select_related("enterprise", "person")
                .order_by("-hire_date", "pk")
            )
            if len(found) == 1:
                return redirect("surveillance:worker_detail", pk=found[0].pk)
        return render(request, "surveillance/find.html", {"form": FindForm(), "found": found})


class DueView(ProtectedView):
    """Due, overdue and never-examined workers per employer, and per district for regulators."""

    permission = "surveillance.view_worker"

    def get(self, request):
        today = timezone.localdate()
        workers = Worker.objects.for_user(request.user).current()
        by_enterprise = queries.due_counts(workers, today)[:500]
        by_district = (
            []
            if access.own_enterprise_id(request.user)
            else queries.due_counts(workers, today, by="district")
        )
        return render(
            request,
            "surveillance/due.html",
            {"today": today, "by_enterprise": by_enterprise, "by_district": by_district},
        )


class WorkerImportView(BaseImportView):
    importer = WorkerImporter()
    kind = "surveillance.worker"
    permission = "surveillance.add_worker"
    form_class = ImportForm
    title = "导入劳动者花名册"
    rows_template = "surveillance/_import_rows.html"
    url_names = {
        "upload": "surveillance:worker_import",
        "template": "surveillance:worker_import_template",
        "confirm": "surveillance:worker_import_confirm",
        "errors": "surveillance:worker_import_errors",
        "done": "surveillance:worker_list",
    }


class DoseRecordListView(ObjectListView):
    """个人剂量监测记录 (issue 12 item 8): the list and its .xlsx export."""

    queryset = DoseRecord.objects.all()
    filterset = DoseRecordFilterSet
    table = DoseRecordTable
    permission = "surveillance.view_doserecord"
    title, unit, export_filename = "个人剂量监测记录", "条", "个人剂量监测记录"


class DoseRateView(ProtectedView):
    """个人剂量监测率 (issue 12 item 8; seed 002 ≥ 90 %): one monitoring period (default the last
    quarter), the rate per district (regulators) and per employer, and the workers missing it."""

    permission = "surveillance.view_doserecord"

    def get(self, request):
        today = timezone.localdate()
        try:
            start = dose_rules.period_of(dt.date.fromisoformat(request.GET.get("period_start", "")))[0]
        except ValueError:
            start = dose_rules.previous_period(today)[0]
        _s, end = dose_rules.period_of(start)
        missing = dose_queries.missing_for_period(request.user, start).select_related("enterprise")[:200]
        context = {
            "start": start,
            "end": end,
            "label": dose_rules.period_label(start),
            "previous": dose_rules.previous_period(start)[0],
            "next": end + dt.timedelta(days=1) if end < today else None,
            "by_enterprise": dose_queries.monitoring_rates(request.user, start),
            "by_district": (
                []
                if access.own_enterprise_id(request.user)
                else dose_queries.monitoring_rates(request.user, start, by="district")
            ),
            "missing": missing,
            "level": dose_actions.investigation_level(),
            "verified": dose_rules.INVESTIGATION_VERIFIED,
            "medical_basis": dose_queries.medical_basis(),
        }
        return render(request, "surveillance/dose_rates.html", context)


class DoseImportView(BaseImportView):
    importer = DoseImporter()
    kind = "surveillance-doses"
    permission = "surveillance.add_doserecord"
    form_class = ImportForm
    title = "导入个人剂量监测结果"
    url_names = {
        "upload": "surveillance:dose_import",
        "template": "surveillance:dose_import_template",
        "confirm": "surveillance:dose_import_confirm",
        "errors": "surveillance:dose_import_errors",
        "done": "surveillance:dose_list",
    }
