"""Pages of the declaration-expansion work: the list, district confirmation, 应报未报, notices,
online declarations, spot checks and the quarterly dispatch.

Every read starts from ``Model.objects.for_user(request.user)``; single objects come from
``access.get_for_user_or_404`` (out of scope → 404). HTMX requests get the partial that changed.
Writes go through ``actions.py``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs, submissions
from ohsteward.core.htmx import current_query, render_with_oob
from ohsteward.core.spreadsheets import XLSX_MIME, bytes_response, xlsx_response
from ohsteward.declarations import actions, reports, rules
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.filtersets import DeclarationFilterSet, HazardListEntryFilterSet
from ohsteward.declarations.forms import (
    ConfirmForm,
    DeclarationForm,
    DuplicateForm,
    FoundForm,
    HandoverForm,
    HazardFormSet,
    NoticeDeliveryForm,
    NoticeForm,
    SpotCheckForm,
    SpotCheckItemForm,
    TriggerForm,
    VisitForm,
)
from ohsteward.declarations.jobs import start_list_generate_job
from ohsteward.declarations.models import (
    Declaration,
    GuidanceVisit,
    Handover,
    HazardList,
    HazardListEntry,
    Notice,
    SpotCheck,
    SpotCheckItem,
    reason_choices_for,
)
from ohsteward.declarations.tables import DeclarationTable, HazardListEntryTable
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.choices import RiskClass, SizeClass
from ohsteward.registry.models import Enterprise, Region

PAGE_SIZE = 50
CONFIRM_TABS = ("pending", "overdue", "done", "all", "handed")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _today() -> dt.date:
    return timezone.localdate()


def _current_list(request: HttpRequest) -> HazardList | None:
    year = request.GET.get("year") or request.POST.get("year")
    if year and str(year).isdigit():
        return HazardList.objects.filter(year=int(year)).first()
    return HazardList.objects.order_by("-year").first()


def _citywide(user) -> bool:
    return access.jurisdiction(user).everything


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def _entry_or_404(request: HttpRequest, pk: int) -> HazardListEntry:
    qs = HazardListEntry.objects.select_related(
        "enterprise__industry", "enterprise__region", "region", "hazard_list"
    )
    return access.get_for_user_or_404(qs, request.user, pk=pk)


def _enterprise_by_key(user, key: str) -> Enterprise | None:
    key = (key or "").strip()
    scoped = Enterprise.objects.for_user(user)
    if len(key) == 18:
        return scoped.filter(uscc=key.upper()).first()
    if key.isdigit():
        return scoped.filter(pk=int(key)).first()
    matches = list(scoped.search(key)[:2])
    return matches[0] if len(matches) == 1 else None


# --------------------------------------------------------------------------------------------
# Home
# --------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What to do next for the user's role, with the figures of their scope."""
    user = request.user
    today = _today()
    j = access.jurisdiction(user)
    context: dict = {"today": today, "citywide": j.everything}
    if j.enterprise_id:
        enterprise = Enterprise.objects.for_user(user).filter(pk=j.enterprise_id).first()
        if enterprise is None:
            raise Http404
        context.update(
            enterprise=enterprise,
            todo=actions.declaration_todo(enterprise=enterprise, today=today),
            declarations=Declaration.objects.for_user(user).filter(enterprise=enterprise)[:10],
            trigger_form=TriggerForm(),
        )
        return render(request, "declarations/manager_home.html", context)
    if not user.has_perm("declarations.view_hazardlistentry"):
        raise PermissionDenied
    hazard_list = _current_list(request)
    context["hazard_list"] = hazard_list
    context["lists"] = HazardList.objects.all()
    if hazard_list is not None:
        entries = HazardListEntry.objects.for_user(user).filter(hazard_list=hazard_list)
        context["counts"] = entries.aggregate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(status=EntryStatus.PENDING)),
            unpushed=Count("pk", filter=Q(pushed_on__isnull=True)),
            overdue=Count("pk", filter=Q(status=EntryStatus.PENDING, due_on__lt=today)),
            hazards=Count("pk", filter=Q(status=EntryStatus.HAZARDS)),
            report_overdue=Count(
                "pk", filter=Q(source="district", reported_on__isnull=True, report_due_on__lt=today)
            ),
        )
        context["undeclared"] = entries.with_declaration().undeclared().count()
    context["can_generate"] = j.everything and user.has_perm("declarations.change_hazardlistentry")
    context["year_default"] = today.year
    return render(request, "declarations/home.html", context)


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def list_generate(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "年度：请填写4位年份")
        return redirect("declarations:home")
    if jobs.is_large(Enterprise.objects.count()):  # city scale: a background job with a progress page
        job = start_list_generate_job(user=request.user, year=year, push=bool(request.POST.get("push")))
        return redirect("web:job_detail", pk=job.pk)
    hazard_list = actions.hazard_list_generate(user=request.user, year=year, as_of=_today())
    s = hazard_list.summary
    messages.success(
        request,
        f"{year}年名单已生成：共{s['total']}家，新增{s['created']}家，更新{s['updated']}家，"
        f"移出{s['removed']}家。",
    )
    if request.POST.get("push"):
        n = actions.hazard_list_push(user=request.user, hazard_list=hazard_list, today=_today())
        messages.success(request, f"已下发{n}家到各区县核实，核实期限一个月。")
    return redirect(f"{_url('declarations:home')}?year={year}")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def list_push(request: HttpRequest, year: int) -> HttpResponse:
    hazard_list = HazardList.objects.filter(year=year).first()
    if hazard_list is None:
        raise Http404
    n = actions.hazard_list_push(user=request.user, hazard_list=hazard_list, today=_today())
    messages.success(request, f"已下发{n}家到各区县核实，核实期限一个月。")
    return redirect(f"{_url('declarations:home')}?year={year}")


# --------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------


def _entries(request: HttpRequest, *, undeclared: bool = False):
    hazard_list = _current_list(request)
    scoped = HazardListEntry.objects.for_user(request.user).with_declaration().with_priority()
    scoped = scoped.filter(hazard_list=hazard_list) if hazard_list else scoped.none()
    if undeclared:
        scoped = scoped.undeclared()
        if request.GET.get("cross"):
            scoped = scoped.filter(
                Q(reasons__icontains='"exam_record"') | Q(reasons__icontains='"detection_record"')
            )
    data = request.GET.copy()
    data.pop("year", None)
    request.today = _today()
    filterset = HazardListEntryFilterSet(data or None, queryset=scoped, request=request)
    qs = filterset.qs
    qs = (
        qs.order_by("priority", "-enterprise__employees", "pk")
        if undeclared
        else qs.order_by("region_id", "pk")
    )
    return hazard_list, filterset, qs


def _list_context(request, hazard_list, filterset, qs) -> dict:
    page = Paginator(HazardListEntryTable.queryset(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    from ohsteward.registry.forms import districts_for

    return {
        "hazard_list": hazard_list,
        "filterset": filterset,
        "page": page,
        "query": _query(request),
        "today": _today(),
        "reason_choices": reason_choices_for(request.user),
        "risk_choices": RiskClass.choices,
        "size_choices": SizeClass.choices,
        "status_choices": EntryStatus.choices,
        "districts": districts_for(request.user),
        "lists": HazardList.objects.all(),
        "has_filters": any(v for k, v in request.GET.items() if k not in ("page", "year")),
        "priority_labels": rules.PRIORITY_LABELS,
    }


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    hazard_list, filterset, qs = _entries(request)
    context = _list_context(request, hazard_list, filterset, qs)
    template = "declarations/_entry_table.html" if _is_htmx(request) else "declarations/entry_list.html"
    return render(request, template, context)


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def entry_export(request: HttpRequest) -> HttpResponse:
    hazard_list, _, qs = _entries(request)
    year = hazard_list.year if hazard_list else ""
    return xlsx_response(
        f"职业病危害用人单位名单-{year}.xlsx",
        HazardListEntryTable.columns,
        HazardListEntryTable.rows(qs, user=request.user),
    )


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def undeclared(request: HttpRequest) -> HttpResponse:
    hazard_list, filterset, qs = _entries(request, undeclared=True)
    context = _list_context(request, hazard_list, filterset, qs)
    context.update(undeclared=True, cross=bool(request.GET.get("cross")))
    template = "declarations/_entry_table.html" if _is_htmx(request) else "declarations/undeclared.html"
    return render(request, template, context)


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def undeclared_export(request: HttpRequest) -> HttpResponse:
    hazard_list, _, qs = _entries(request, undeclared=True)
    year = hazard_list.year if hazard_list else ""
    return xlsx_response(
        f"应报未报-{year}.xlsx",
        HazardListEntryTable.columns,
        HazardListEntryTable.rows(qs, user=request.user),
    )


# --------------------------------------------------------------------------------------------
# District confirmation
# --------------------------------------------------------------------------------------------


def _handovers_sent(request: HttpRequest, hazard_list: HazardList | None):
    if hazard_list is None:
        return Handover.objects.none()
    return (
        Handover.objects.sent_by(request.user)
        .filter(entry__hazard_list=hazard_list)
        .select_related("entry__enterprise", "entry__region", "from_region", "to_region", "by")
    )


def _confirm_counts(request: HttpRequest, hazard_list: HazardList | None, show: str) -> dict:
    """Context of the confirmation page's chips (待核实 / 逾期 / 已核实), templates/declarations/_confirm_counts.html."""
    counts = {}
    if hazard_list is not None:
        counts = (
            HazardListEntry.objects.for_user(request.user)
            .filter(hazard_list=hazard_list)
            .pushed()
            .aggregate(
                pending=Count("pk", filter=Q(status=EntryStatus.PENDING)),
                overdue=Count("pk", filter=Q(status=EntryStatus.PENDING, due_on__lt=_today())),
                done=Count("pk", filter=~Q(status=EntryStatus.PENDING)),
            )
        )
        counts["handed"] = _handovers_sent(request, hazard_list).count()
    return {"counts": counts, "show": show}


def _confirm_row_response(
    request: HttpRequest, entry: HazardListEntry, error: str | None = None
) -> HttpResponse:
    """The entry's new card, with the page's chips refreshed out of band (core/htmx.py)."""
    show = current_query(request).get("show", "pending")
    show = show if show in CONFIRM_TABS else "pending"
    return render_with_oob(
        request,
        "declarations/_confirm_row.html",
        {"e": entry, "today": _today(), "error": error, "show": show},
        [("declarations/_confirm_counts.html", _confirm_counts(request, entry.hazard_list, show))],
    )


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
def confirm_page(request: HttpRequest) -> HttpResponse:
    """The district's worklist: entries pushed to it, overdue first; one tap per outcome (HTMX)."""
    hazard_list = _current_list(request)
    today = _today()
    qs = HazardListEntry.objects.for_user(request.user).select_related("enterprise__industry", "region")
    qs = qs.filter(hazard_list=hazard_list).pushed() if hazard_list else qs.none()
    show = request.GET.get("show", "pending")
    if show not in CONFIRM_TABS:
        show = "pending"
    if show == "pending":
        qs = qs.filter(status=EntryStatus.PENDING)
    elif show == "overdue":
        qs = qs.confirmation_overdue(today)
    elif show == "done":
        qs = qs.exclude(status=EntryStatus.PENDING)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(enterprise__in=Enterprise.objects.search(q).values("pk"))
    qs = qs.order_by("due_on", "enterprise__name")
    if show == "handed":  # the sender's trace: what it handed over, to whom, when, and what came of it
        qs = _handovers_sent(request, hazard_list)
        if q:
            qs = qs.filter(entry__enterprise__in=Enterprise.objects.search(q).values("pk"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    context = {
        "hazard_list": hazard_list,
        "page": page,
        "today": today,
        "show": show,
        "query": _query(request),
        "q": q,
        **_confirm_counts(request, hazard_list, show),
    }
    template = (
        "declarations/_confirm_rows.html"
        if _is_htmx(request) and request.GET.get("partial")
        else "declarations/confirm.html"
    )
    return render(request, template, context)


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def entry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = ConfirmForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.entry_confirm(
                user=request.user,
                entry=entry,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                today=_today(),
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
    else:
        error = "核实结果无效"
    if _is_htmx(request):
        return _confirm_row_response(request, entry, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已记录：{entry.enterprise.name} — {entry.get_status_display()}")
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _url("declarations:entry_detail", entry.pk)
    return redirect(target)


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def entry_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    actions.entry_reopen(user=request.user, entry=entry, today=_today())
    if _is_htmx(request):
        return _confirm_row_response(request, entry)
    return redirect("declarations:entry_detail", entry.pk)


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    declarations_qs = Declaration.objects.for_user(request.user).filter(enterprise=entry.enterprise)
    return render(
        request,
        "declarations/entry_detail.html",
        {
            "e": entry,
            "today": _today(),
            "declarations": declarations_qs.prefetch_related("hazards")[:10],
            # guidance findings and notices only for roles that may see them (read-only roles may not)
            "visits": (
                GuidanceVisit.objects.for_user(request.user).filter(enterprise=entry.enterprise)[:20]
                if request.user.has_perm("declarations.view_guidancevisit")
                else []
            ),
            "notices": (
                Notice.objects.for_user(request.user).filter(enterprise=entry.enterprise)[:20]
                if request.user.has_perm("declarations.view_notice")
                else []
            ),
            "handovers": entry.handovers.select_related("from_region", "to_region"),
            "confirm_form": ConfirmForm(),
            "handover_form": HandoverForm(entry=entry),
            "duplicate_form": DuplicateForm(),
            "visit_form": VisitForm(),
            "notice_form": NoticeForm(),
            "declared": declarations_qs.valid().exclude(kind="cancel").exists(),
        },
    )


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(v)}".lstrip("：")
        for k, v in form.errors.items()
    )


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def entry_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = HandoverForm(request.POST, entry=entry)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("declarations:entry_detail", entry.pk)
    try:
        actions.entry_hand_over(
            user=request.user,
            entry=entry,
            to_region=form.cleaned_data["to_region"],
            reason=form.cleaned_data["reason"],
            today=_today(),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("declarations:entry_detail", entry.pk)
    messages.success(
        request,
        f"已移交{form.cleaned_data['to_region'].name}，对方重新计算一个月核实期限。"
        "移交记录和对方的核实结果见“已移交”。",
    )
    return redirect(_url("declarations:confirm") + "?show=handed")


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def entry_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = DuplicateForm(request.POST)
    keep = _enterprise_by_key(request.user, form.data.get("keep", "")) if form.is_valid() else None
    if keep is None:
        messages.error(request, "保留的单位：在您的辖区内没有找到这个统一社会信用代码或编号")
        return redirect("declarations:entry_detail", entry.pk)
    try:
        result = actions.entry_mark_duplicate(user=request.user, entry=entry, keep=keep, today=_today())
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("declarations:entry_detail", entry.pk)
    messages.success(request, f"已标记为与“{keep.name}”重复。")
    return redirect("declarations:entry_detail", result.pk)


@permission_required("declarations.add_guidancevisit", raise_exception=True)
@require_POST
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            actions.guidance_visit_record(
                user=request.user,
                enterprise=entry.enterprise,
                entry=entry,
                today=_today(),
                **form.cleaned_data,
            )
            messages.success(request, "入户指导已记录。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _form_errors(form))
    return redirect("declarations:entry_detail", entry.pk)


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
def entry_add(request: HttpRequest) -> HttpResponse:
    """A district adds an employer it found itself; it must report it to the city CDC within a month."""
    hazard_list = _current_list(request)
    form = FoundForm(request.POST or None)
    if request.method == "POST" and hazard_list is None:
        messages.error(request, "本年度名单尚未生成，请联系市疾控中心。")
    elif request.method == "POST" and form.is_valid():
        enterprise = _enterprise_by_key(request.user, form.cleaned_data["key"])
        if enterprise is None:
            form.add_error(
                "key", "在您的辖区登记中没有找到唯一匹配的用人单位，请先在“用人单位”中新增后再添加"
            )
        else:
            try:
                entry = actions.entry_add_found(
                    user=request.user,
                    hazard_list=hazard_list,
                    enterprise=enterprise,
                    discovered_on=form.cleaned_data["discovered_on"],
                    note=form.cleaned_data["note"],
                    today=_today(),
                )
            except ValidationError as exc:
                form.add_error(None, "；".join(exc.messages))
            else:
                messages.success(request, f"已加入名单。请在{entry.report_due_on:%Y-%m-%d}前报告市疾控中心。")
                return redirect("declarations:entry_detail", entry.pk)
    found = (
        HazardListEntry.objects.for_user(request.user)
        .filter(hazard_list=hazard_list, source="district")
        .select_related("enterprise")
        .order_by("reported_on", "report_due_on")
        if hazard_list
        else []
    )
    return render(
        request,
        "declarations/entry_add.html",
        {"form": form, "hazard_list": hazard_list, "found": found, "today": _today()},
    )


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def entry_report(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    actions.entry_report(user=request.user, entry=entry, today=_today())
    messages.success(request, f"已报告市疾控中心：{entry.enterprise.name}")
    return redirect("declarations:entry_add")


# --------------------------------------------------------------------------------------------
# Notices
# --------------------------------------------------------------------------------------------


@permission_required("declarations.add_notice", raise_exception=True)
@require_POST
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("declarations:entry_detail", entry.pk)
    try:  # the form sent twice issues one notice (issue 6 item 11)
        submission = submissions.claim(request)
    except submissions.Repeated as repeated:
        return submissions.repeated_response(
            request, repeated, fallback=_url("declarations:entry_detail", entry.pk)
        )
    try:
        notice = actions.notice_issue(
            user=request.user,
            enterprise=entry.enterprise,
            entry=entry,
            today=_today(),
            issuer=form.cleaned_data["issuer"],
            deadline_days=form.cleaned_data["deadline_days"],
        )
    except BaseException:
        submissions.release(submission)
        raise
    submissions.done(submission, _url("declarations:entry_detail", entry.pk))
    messages.success(
        request,
        f"告知单 {notice.number} 已生成。请下载打印后送达，并在“告知单”中登记送达——"
        f"申报期限自送达之日起计算。",
    )
    return redirect("declarations:entry_detail", entry.pk)


@permission_required("declarations.view_notice", raise_exception=True)
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notices with their delivery; ``?show=undelivered`` lists those not yet delivered (no deadline runs)."""
    scoped = Notice.objects.for_user(request.user)
    show = request.GET.get("show", "")
    qs = scoped.select_related("enterprise", "region")
    if show == "undelivered":
        qs = qs.undelivered()
    if request.GET.get("export"):
        columns = [
            ("number", "告知单编号"),
            ("uscc", "统一社会信用代码"),
            ("name", "用人单位名称"),
            ("region", "发出区县"),
            ("issued_on", "制作日期"),
            ("delivered_on", "送达日期"),
            ("delivery_method", "送达方式"),
            ("signed_by", "签收人"),
            ("deadline_on", "申报期限"),
            ("issuer", "发出单位"),
            ("status", "状态"),
        ]
        rows = (
            [
                n.number,
                n.enterprise.uscc,
                n.enterprise.name,
                n.region.name,
                n.issued_on,
                n.delivered_on,
                n.get_delivery_method_display(),
                n.signed_by,
                n.deadline_on,
                n.issuer,
                n.get_status_display(),
            ]
            for n in qs.iterator(chunk_size=2000)
        )
        return xlsx_response("申报告知单.xlsx", columns, rows)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/notice_list.html",
        {
            "page": page,
            "query": _query(request),
            "show": show,
            "today": _today(),
            "undelivered_count": scoped.undelivered().count(),
            "can_deliver": request.user.has_perm("declarations.add_notice"),
        },
    )


@permission_required("declarations.view_notice", raise_exception=True)
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_for_user_or_404(Notice.objects.select_related("file"), request.user, pk=pk)
    return bytes_response(f"{notice.number}.docx", bytes(notice.file.content), DOCX_MIME)


@permission_required("declarations.view_notice", raise_exception=True)
def notice_scan(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_for_user_or_404(Notice.objects.select_related("file"), request.user, pk=pk)
    if not notice.file.receipt_scan:
        raise Http404
    return bytes_response(
        notice.file.receipt_scan_name, bytes(notice.file.receipt_scan), notice.file.receipt_scan_type
    )


def _template_region(request: HttpRequest):
    """The district whose template is managed: the user's own, or (city) the one chosen."""
    from ohsteward.registry.models import Region

    j = access.jurisdiction(request.user)
    code = j.district or (request.POST.get("region") or request.GET.get("region") if j.everything else None)
    return Region.objects.filter(pk=code, level="district").first() if code else None


@permission_required("declarations.add_notice", raise_exception=True)
def notice_template(request: HttpRequest) -> HttpResponse:
    """Download the default 告知单 template, upload the district's own, or go back to the default."""
    from ohsteward.declarations.models import NoticeTemplate
    from ohsteward.declarations.templates_docx.build_notice_template import PLACEHOLDERS
    from ohsteward.registry.forms import districts_for

    if request.GET.get("default"):
        return bytes_response(
            "申报告知单模板（默认）.docx", reports.DEFAULT_NOTICE_TEMPLATE.read_bytes(), DOCX_MIME
        )
    region = _template_region(request)
    j = access.jurisdiction(request.user)
    if not (j.everything or j.district):
        raise PermissionDenied("告知单模板由区县管理")
    own = NoticeTemplate.objects.filter(region=region).first() if region else None
    if request.GET.get("download") and own is not None:
        return bytes_response(own.name, bytes(own.content), DOCX_MIME)
    if request.method == "POST" and region is not None:
        try:
            if request.POST.get("reset"):
                actions.notice_template_reset(user=request.user, region=region)
                messages.success(request, f"{region.name}已恢复使用默认模板。")
            else:
                upload = request.FILES.get("template")
                if upload is None or not upload.name.lower().endswith(".docx"):
                    raise ValidationError({"content": "请选择 Word .docx 模板文件"})
                actions.notice_template_upload(
                    user=request.user, region=region, content=upload.read(), name=upload.name
                )
                messages.success(request, f"{region.name}的告知单模板已更新，之后生成的告知单使用该模板。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(f"{_url('declarations:notice_template')}?region={region.pk}")
    return render(
        request,
        "declarations/notice_template.html",
        {
            "region": region,
            "own": own,
            "placeholders": PLACEHOLDERS,
            "citywide": j.everything,
            "districts": districts_for(request.user) if j.everything else [],
        },
    )


@permission_required("declarations.add_notice", raise_exception=True)
def notice_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """送达登记: date, way, who signed, the signed receipt's scan; the deadline starts from delivery."""
    notice = access.get_for_user_or_404(
        Notice.objects.select_related("enterprise", "region", "file"), request.user, pk=pk
    )
    initial = {}
    if notice.delivered:
        initial = {
            "delivered_on": notice.delivered_on,
            "delivery_method": notice.delivery_method,
            "signed_by": notice.signed_by,
            "note": notice.delivery_note,
        }
    form = NoticeDeliveryForm(request.POST or None, request.FILES or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("receipt_scan")
        scan = upload.read() if upload else None
        try:
            actions.notice_deliver(
                user=request.user,
                notice=notice,
                delivered_on=form.cleaned_data["delivered_on"],
                method=form.cleaned_data["delivery_method"],
                signed_by=form.cleaned_data["signed_by"],
                note=form.cleaned_data["note"],
                scan=scan,
                scan_name=getattr(upload, "name", "") or "",
                scan_type=getattr(upload, "content_type", "") or "",
                today=_today(),
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(
                    field if field in form.fields else ("receipt_scan" if field == "receipt_scan" else None),
                    errs,
                )
        else:
            messages.success(
                request, f"告知单 {notice.number} 已登记送达，申报期限 {notice.deadline_on:%Y-%m-%d}。"
            )
            return redirect(f"{_url('declarations:notice_list')}?show=undelivered")
    return render(request, "declarations/notice_deliver.html", {"notice": notice, "form": form})


# --------------------------------------------------------------------------------------------
# Declarations (enterprise managers declare online; officials see them)
# --------------------------------------------------------------------------------------------


def _registered_hazard_rows(user, enterprise) -> list[dict]:
    """The employer's registered exposures (工作场所 → 岗位 → 危害因素), one row per workplace and
    factor with the exposed workers summed over its posts."""
    from django.db.models import Sum

    from ohsteward.registry.models import PostExposure

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
    from ohsteward.declarations.choices import DeclarationKind

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


@permission_required("declarations.add_declaration", raise_exception=True)
def declare(request: HttpRequest) -> HttpResponse:
    """网上申报 in two steps: fill in (pre-filled from the register) → 预览 → 确认提交."""
    j = access.jurisdiction(request.user)
    key = request.GET.get("enterprise") or request.POST.get("enterprise") or (str(j.enterprise_id or ""))
    enterprise = _enterprise_by_key(request.user, key) if key else None
    if enterprise is None:
        raise Http404("请选择用人单位")
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
                request, repeated, fallback=_url("declarations:declaration_list")
            )
        try:
            declaration = actions.declaration_submit(
                user=request.user,
                enterprise=enterprise,
                kind=form.cleaned_data["kind"],
                data=data,
                hazards=hazards,
                declared_on=_today(),
            )
        except ValidationError as exc:
            submissions.release(submission)
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            submissions.done(submission, _url("declarations:declaration_detail", declaration.pk))
            messages.success(request, f"申报成功，回执编号：{declaration.receipt_no}")
            return redirect("declarations:declaration_detail", declaration.pk)
    return render(request, "declarations/declare.html", context)


@permission_required("declarations.view_declaration", raise_exception=True)
def declaration_list(request: HttpRequest) -> HttpResponse:
    filterset = DeclarationFilterSet(request.GET or None, queryset=Declaration.objects.for_user(request.user))
    qs = filterset.qs.select_related("enterprise__region")
    if request.GET.get("export"):
        return xlsx_response("职业病危害项目申报.xlsx", DeclarationTable.columns, DeclarationTable.rows(qs))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/declaration_list.html",
        {"page": page, "filterset": filterset, "query": _query(request)},
    )


@permission_required("declarations.view_declaration", raise_exception=True)
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = access.get_for_user_or_404(
        Declaration.objects.select_related("enterprise__region", "industry"), request.user, pk=pk
    )
    return render(request, "declarations/declaration_detail.html", {"d": d, "hazards": d.hazards.all()})


@permission_required("declarations.view_declaration", raise_exception=True)
def declaration_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The 申报回执 as a page to print (A4, print stylesheet) or, with ``?format=docx``, a .docx."""
    d = access.get_for_user_or_404(
        Declaration.objects.select_related("enterprise__region", "industry"), request.user, pk=pk
    )
    if request.GET.get("format") == "docx":
        return bytes_response(f"申报回执-{d.receipt_no}.docx", reports.receipt_docx(d), DOCX_MIME)
    from ohsteward.core.documents import chinese_date

    return render(
        request,
        "declarations/declaration_receipt.html",
        {
            "d": d,
            "hazards": d.hazards.all(),
            "date_cn": chinese_date(d.declared_on),
            "authority": f"{d.enterprise.region.name}卫生健康委员会"
            if d.enterprise.region_id
            else "卫生健康行政部门",
        },
    )


@permission_required("declarations.add_declaration", raise_exception=True)
@require_POST
def trigger_create(request: HttpRequest) -> HttpResponse:
    j = access.jurisdiction(request.user)
    key = request.POST.get("enterprise") or str(j.enterprise_id or "")
    enterprise = _enterprise_by_key(request.user, key)
    if enterprise is None:
        raise Http404
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger = actions.change_trigger_record(
                user=request.user, enterprise=enterprise, today=_today(), **form.cleaned_data
            )
            messages.success(request, trigger.message)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _form_errors(form))
    return redirect("declarations:home")


# --------------------------------------------------------------------------------------------
# Spot checks
# --------------------------------------------------------------------------------------------


@permission_required("declarations.view_spotcheck", raise_exception=True)
def spotcheck_list(request: HttpRequest) -> HttpResponse:
    form = SpotCheckForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("declarations.add_spotcheck"):
            raise PermissionDenied("您的角色无权组织抽查")
        hazard_list = _current_list(request)
        if hazard_list is None:
            messages.error(request, "尚无名单，无法抽样。")
        elif form.is_valid():
            check = actions.spot_check_create(
                user=request.user,
                hazard_list=hazard_list,
                seed=form.cleaned_data["seed"],
                fraction=float(form.cleaned_data["fraction"]),
                minimum=form.cleaned_data["minimum"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, f"已抽取{check.items.count()}家。")
            return redirect("declarations:spotcheck_detail", check.pk)
    checks = SpotCheck.objects.select_related("hazard_list").annotate(
        n=Count("items", filter=Q(items__in=SpotCheckItem.objects.for_user(request.user)))
    )
    return render(
        request,
        "declarations/spotcheck_list.html",
        {
            "checks": checks,
            "form": form,
            "can_create": _citywide(request.user) and request.user.has_perm("declarations.add_spotcheck"),
        },
    )


@permission_required("declarations.view_spotcheck", raise_exception=True)
def spotcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = SpotCheck.objects.filter(pk=pk).first()
    if check is None:
        raise Http404
    items = (
        SpotCheckItem.objects.for_user(request.user)
        .filter(spot_check=check)
        .select_related("enterprise__industry", "region")
    )
    if request.GET.get("export"):
        columns = [
            ("region", "区县"),
            ("uscc", "统一社会信用代码"),
            ("name", "用人单位名称"),
            ("checked_on", "检查日期"),
            ("declared", "已申报"),
            ("industry_ok", "行业准确"),
            ("size_ok", "规模准确"),
            ("hazards_ok", "危害因素准确"),
            ("headcount_ok", "接害人数准确"),
            ("inspector", "检查人员"),
            ("note", "备注"),
        ]
        rows = (
            [
                i.region.name,
                i.enterprise.uscc,
                i.enterprise.name,
                i.checked_on,
                i.declared,
                i.industry_ok,
                i.size_ok,
                i.hazards_ok,
                i.headcount_ok,
                i.inspector,
                i.note,
            ]
            for i in items
        )
        return xlsx_response(f"{check.name}.xlsx", columns, rows)
    return render(
        request,
        "declarations/spotcheck_detail.html",
        {
            "check": check,
            "items": items,
            "rates": reports.spot_check_rates(check, user=request.user),
            "choices": SpotCheckItemForm.CHOICES,
        },
    )


@permission_required("declarations.change_spotcheck", raise_exception=True)
@require_POST
def spotcheck_item_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_for_user_or_404(
        SpotCheckItem.objects.select_related("enterprise", "region"), request.user, pk=pk
    )
    form = SpotCheckItemForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.spot_check_record(user=request.user, item=item, data=form.cleaned_data, today=_today())
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except PermissionDenied as exc:
            error = str(exc)
    else:
        error = _form_errors(form)
    if _is_htmx(request):
        # the row, with the page's rates refreshed out of band (core/htmx.py)
        rates = reports.spot_check_rates(item.spot_check, user=request.user)
        return render_with_oob(
            request,
            "declarations/_spotcheck_row.html",
            {"i": item, "choices": SpotCheckItemForm.CHOICES, "error": error, "saved": not error},
            [("declarations/_spotcheck_rates.html", {"rates": rates})],
        )
    if error:
        messages.error(request, error)
    return redirect("declarations:spotcheck_detail", item.spot_check_id)


# --------------------------------------------------------------------------------------------
# Quarterly dispatch
# --------------------------------------------------------------------------------------------


def _dispatch_params(request: HttpRequest) -> tuple[int, int]:
    today = _today()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError as exc:
        raise Http404 from exc
    if quarter not in (1, 2, 3, 4):
        raise Http404
    return year, quarter


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def dispatch(request: HttpRequest) -> HttpResponse:
    """Published quarters show their frozen snapshot; others are computed as of the quarter's end."""
    year, quarter = _dispatch_params(request)
    today = _today()
    figures = reports.dispatch_for(user=request.user, year=year, quarter=quarter, today=today)
    chart = {
        "names": [r["region_name"] for r in figures["districts"]],
        "list_size": [r["list_size"] for r in figures["districts"]],
        "declared": [r["declared"] for r in figures["districts"]],
        "confirmed": [r["confirmed"] for r in figures["districts"]],
        "rate": [r["declaration_rate"] for r in figures["districts"]],
        "map": [{"name": r["region_name"], "value": r["declaration_rate"]} for r in figures["districts"]],
        "short_names": {
            name: rules.district_short_name(name)
            for name in Region.objects.filter(level="district").values_list("name", flat=True)
        },
    }
    return render(
        request,
        "declarations/dispatch.html",
        {
            "f": figures,
            "columns": reports.DISPATCH_COLUMNS,
            "chart": chart,
            "years": range(today.year - 2, today.year + 1),
            "quarters": (1, 2, 3, 4),
            "rows": [[r.get(k) for k, _ in reports.DISPATCH_COLUMNS] for r in figures["districts"]],
            "total_row": [figures["total"].get(k) for k, _ in reports.DISPATCH_COLUMNS],
            "can_publish": (
                figures["snapshot"] is None
                and figures["closed"]
                and _citywide(request.user)
                and request.user.has_perm("declarations.change_hazardlistentry")
            ),
        },
    )


@permission_required("declarations.change_hazardlistentry", raise_exception=True)
@require_POST
def dispatch_publish(request: HttpRequest) -> HttpResponse:
    if not _citywide(request.user):
        raise PermissionDenied("季度调度由市级卫生健康委发布")
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        actions.dispatch_publish(user=request.user, year=year, quarter=quarter, today=_today())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{year}年第{quarter}季度调度已发布，数字已固定。")
    return redirect(f"{_url('declarations:dispatch')}?year={year}&quarter={quarter}")


@permission_required("declarations.view_hazardlistentry", raise_exception=True)
def dispatch_export(request: HttpRequest) -> HttpResponse:
    year, quarter = _dispatch_params(request)
    figures = reports.dispatch_for(user=request.user, year=year, quarter=quarter, today=_today())
    return bytes_response(
        f"申报扩面季度调度-{year}年第{quarter}季度.xlsx", reports.dispatch_xlsx(figures), XLSX_MIME
    )


GEOJSON_RENAMES = {"梁平县": "梁平区", "武隆县": "武隆区"}  # 500228→500155, 500232→500156 (2016)


@login_required
def district_geojson(request: HttpRequest) -> HttpResponse:
    """The Chongqing district map for ECharts; features renamed to today's districts."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "refdata" / "data" / "cq_districts_echarts4.9.0.geojson"
    if not path.exists():
        raise Http404
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data.get("features", []):
        name = feature.get("properties", {}).get("name")
        if name in GEOJSON_RENAMES:
            feature["properties"]["name"] = GEOJSON_RENAMES[name]
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")
    response["Cache-Control"] = "private, max-age=86400"
    return response
