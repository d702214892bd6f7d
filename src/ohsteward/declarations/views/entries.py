"""The hazard-employer list: home, generating and pushing the list, the list and 应报未报 pages
(``ObjectListView`` + ``HazardListEntryTable``), the district's confirmation worklist, one entry's
page (``ObjectDetailView``) and the actions on it.

Jurisdiction questions go to ``accounts.access``; the city-only steps (generate, push) are enforced
by their actions, the pages only decide what to offer.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import htmx, jobs
from ohsteward.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    filter_query,
    messages_of,
    requires,
)
from ohsteward.declarations import actions
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.filtersets import HazardListEntryFilterSet
from ohsteward.declarations.forms import (
    ConfirmForm,
    DuplicateForm,
    FoundForm,
    HandoverForm,
    NoticeForm,
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
    reason_choices_for,
)
from ohsteward.declarations.tables import HazardListEntryTable, UndeclaredTable
from ohsteward.declarations.views.common import current_list, enterprise_by_key, form_errors, today
from ohsteward.registry.choices import RiskClass, SizeClass
from ohsteward.registry.forms import districts_for
from ohsteward.registry.models import Enterprise

CONFIRM_TABS = ("pending", "overdue", "done", "all", "handed")
CONFIRM_PAGE_SIZE = 30


# --------------------------------------------------------------------------------------------
# Home, generate, push
# --------------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """What to do next for the user's role, with the figures of their scope."""
    user = request.user
    day = today()
    context: dict = {"today": day, "citywide": access.is_citywide(user)}
    enterprise_id = access.own_enterprise_id(user)
    if enterprise_id:
        enterprise = Enterprise.objects.for_user(user).filter(pk=enterprise_id).first()
        if enterprise is None:
            raise Http404
        context.update(
            enterprise=enterprise,
            todo=actions.declaration_todo(enterprise=enterprise, today=day),
            declarations=Declaration.objects.for_user(user).filter(enterprise=enterprise)[:10],
            trigger_form=TriggerForm(),
        )
        return render(request, "declarations/manager_home.html", context)
    if not user.has_perm("declarations.view_hazardlistentry"):
        raise PermissionDenied
    hazard_list = current_list(request)
    context["hazard_list"] = hazard_list
    context["lists"] = HazardList.objects.all()
    if hazard_list is not None:
        entries = HazardListEntry.objects.for_user(user).filter(hazard_list=hazard_list)
        context["counts"] = entries.aggregate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(status=EntryStatus.PENDING)),
            unpushed=Count("pk", filter=Q(pushed_on__isnull=True)),
            overdue=Count("pk", filter=Q(status=EntryStatus.PENDING, due_on__lt=day)),
            hazards=Count("pk", filter=Q(status=EntryStatus.HAZARDS)),
            report_overdue=Count(
                "pk", filter=Q(source="district", reported_on__isnull=True, report_due_on__lt=day)
            ),
        )
        context["undeclared"] = entries.with_declaration().undeclared().count()
    context["can_generate"] = context["citywide"] and user.has_perm("declarations.change_hazardlistentry")
    context["year_default"] = day.year
    return render(request, "declarations/home.html", context)


def _home_of(year: int) -> str:
    return f"{reverse('declarations:home')}?year={year}"


@requires("declarations.change_hazardlistentry")
@require_POST
def list_generate(request: HttpRequest) -> HttpResponse:
    """生成名单 (city only: ``hazard_list_generate`` refuses anyone else, the job checks first)."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "年度：请填写4位年份")
        return redirect("declarations:home")
    push = bool(request.POST.get("push"))
    if jobs.is_large(Enterprise.objects.count()):  # city scale: a background job with a progress page
        access.require_citywide(request.user, "只有市级用户可以生成名单")  # before queueing, not in the job
        job = start_list_generate_job(user=request.user, year=year, push=push)
        return redirect("web:job_detail", pk=job.pk)
    hazard_list = actions.hazard_list_generate(user=request.user, year=year, as_of=today())
    s = hazard_list.summary
    messages.success(
        request,
        f"{year}年名单已生成：共{s['total']}家，新增{s['created']}家，更新{s['updated']}家，"
        f"移出{s['removed']}家。",
    )
    if push:
        n = actions.hazard_list_push(user=request.user, hazard_list=hazard_list, today=today())
        messages.success(request, f"已下发{n}家到各区县核实，核实期限一个月。")
    return redirect(_home_of(year))


@requires("declarations.change_hazardlistentry")
@require_POST
def list_push(request: HttpRequest, year: int) -> HttpResponse:
    hazard_list = HazardList.objects.filter(year=year).first()
    if hazard_list is None:
        raise Http404
    n = actions.hazard_list_push(user=request.user, hazard_list=hazard_list, today=today())
    messages.success(request, f"已下发{n}家到各区县核实，核实期限一个月。")
    return redirect(_home_of(year))


# --------------------------------------------------------------------------------------------
# The list and 应报未报
# --------------------------------------------------------------------------------------------


class EntryListView(ObjectListView):
    """The year's list (``?year=``, default the latest) in the user's jurisdiction."""

    queryset = HazardListEntry.objects.all()
    filterset = HazardListEntryFilterSet
    table = HazardListEntryTable
    permission = "declarations.view_hazardlistentry"
    template_name = "declarations/entry_list.html"
    title = "职业病危害用人单位名单"
    unit = "家"
    export_filename = "职业病危害用人单位名单"
    export_url_name = "declarations:entry_export"
    undeclared = False

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.hazard_list = current_list(request)
        # the reasons column depends on who looks (有奖举报, issue 6 item 3)
        self.table = type(self).table.for_user(request.user)  # type: ignore[attr-defined,misc]

    def annotated(self):
        return HazardListEntry.objects.with_declaration().with_priority()

    def get_queryset(self):
        scoped = self.annotated().for_user(self.request.user)
        if self.hazard_list is None:
            return scoped.none()
        return scoped.filter(hazard_list=self.hazard_list).order_by("region_id", "pk")

    def page_source(self, queryset):
        return self.annotated()

    def filter_data(self):
        data = self.request.GET.copy()
        data.pop("year", None)  # the list is chosen by ``current_list``
        return data

    def has_filters(self) -> bool:
        ignored = ("page", "sort", "year", "cross")
        return any(str(v).strip() for k, v in self.request.GET.items() if k not in ignored)

    def get_export_url(self) -> str:
        return reverse(self.export_url_name)

    def get_context_data(self, **context):
        return {
            **context,
            "hazard_list": self.hazard_list,
            "undeclared": self.undeclared,
            "today": today(),
            "reason_choices": reason_choices_for(self.request.user),
            "risk_choices": RiskClass.choices,
            "size_choices": SizeClass.choices,
            "status_choices": EntryStatus.choices,
            "districts": districts_for(self.request.user),
            "lists": HazardList.objects.all(),
        }


class UndeclaredListView(EntryListView):
    """应报未报: listed, may have hazards, no valid declaration; the expansion plan's order first.
    ``?cross=1`` keeps those with an exam or detection record (the system's cross-check)."""

    table = UndeclaredTable
    template_name = "declarations/undeclared.html"
    title = "应报未报"
    export_filename = "应报未报"
    export_url_name = "declarations:undeclared_export"
    undeclared = True

    def get_queryset(self):
        queryset = super().get_queryset().undeclared()
        if self.request.GET.get("cross"):
            queryset = queryset.filter(
                Q(reasons__icontains='"exam_record"') | Q(reasons__icontains='"detection_record"')
            )
        return queryset.order_by("priority", "-enterprise__employees", "pk")

    def get_context_data(self, **context):
        return {**super().get_context_data(**context), "cross": bool(self.request.GET.get("cross"))}


# --------------------------------------------------------------------------------------------
# District confirmation: a worklist of cards with tabs, not a table (so not an ObjectListView)
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
    """Context of the confirmation page's chips (templates/declarations/_confirm_counts.html)."""
    counts = {}
    if hazard_list is not None:
        counts = (
            HazardListEntry.objects.for_user(request.user)
            .filter(hazard_list=hazard_list)
            .pushed()
            .aggregate(
                pending=Count("pk", filter=Q(status=EntryStatus.PENDING)),
                overdue=Count("pk", filter=Q(status=EntryStatus.PENDING, due_on__lt=today())),
                done=Count("pk", filter=~Q(status=EntryStatus.PENDING)),
            )
        )
        counts["handed"] = _handovers_sent(request, hazard_list).count()
    return {"counts": counts, "show": show}


def _tab(value: str | None) -> str:
    return value if value in CONFIRM_TABS else "pending"


def _confirm_row_response(
    request: HttpRequest, entry: HazardListEntry, error: str | None = None
) -> HttpResponse:
    """The entry's new card, with the page's chips refreshed out of band (core/htmx.py)."""
    show = _tab(htmx.current_query(request).get("show"))
    response = htmx.render_with_oob(
        request,
        "declarations/_confirm_row.html",
        {"e": entry, "today": today(), "error": error, "show": show},
        [("declarations/_confirm_counts.html", _confirm_counts(request, entry.hazard_list, show))],
    )
    return htmx.vary(response)


@requires("declarations.change_hazardlistentry")
def confirm_page(request: HttpRequest) -> HttpResponse:
    """The district's worklist: entries pushed to it, overdue first; one tap per outcome (HTMX)."""
    hazard_list = current_list(request)
    day = today()
    qs = HazardListEntry.objects.for_user(request.user).select_related("enterprise__industry", "region")
    qs = qs.filter(hazard_list=hazard_list).pushed() if hazard_list else qs.none()
    show = _tab(request.GET.get("show"))
    if show == "pending":
        qs = qs.filter(status=EntryStatus.PENDING)
    elif show == "overdue":
        qs = qs.confirmation_overdue(day)
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
    page = Paginator(qs, CONFIRM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "hazard_list": hazard_list,
        "page": page,
        "today": day,
        "show": show,
        "query": filter_query(request),
        "q": q,
        **_confirm_counts(request, hazard_list, show),
    }
    partial = htmx.is_htmx(request) and request.GET.get("partial")
    template = "declarations/_confirm_rows.html" if partial else "declarations/confirm.html"
    return htmx.vary(render(request, template, context))


@requires("declarations.change_hazardlistentry")
@require_POST
def entry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """One outcome for one card; HTMX gets the card (and chips), a plain form a redirect."""
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
                today=today(),
            )
        except (ValidationError, PermissionDenied) as exc:
            error = messages_of(exc)
    else:
        error = "核实结果无效"
    if htmx.is_htmx(request):
        return _confirm_row_response(request, entry, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已记录：{entry.enterprise.name} — {entry.get_status_display()}")
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("declarations:entry_detail", args=[entry.pk])
    return redirect(target)


@requires("declarations.change_hazardlistentry")
@require_POST
def entry_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    actions.entry_reopen(user=request.user, entry=entry, today=today())
    if htmx.is_htmx(request):
        return _confirm_row_response(request, entry)
    return redirect("declarations:entry_detail", entry.pk)


# --------------------------------------------------------------------------------------------
# One entry
# --------------------------------------------------------------------------------------------

ENTRY_QUERYSET = HazardListEntry.objects.select_related(
    "enterprise__industry", "enterprise__region", "region", "hazard_list"
)


def _entry_or_404(request: HttpRequest, pk: int) -> HazardListEntry:
    return access.get_for_user_or_404(ENTRY_QUERYSET, request.user, pk=pk)


class EntryDetailView(ObjectDetailView):
    queryset = ENTRY_QUERYSET
    permission = "declarations.view_hazardlistentry"
    template_name = "declarations/entry_detail.html"
    context_object_name = "e"

    def get_context_data(self, **context):
        entry, user = context["object"], self.request.user
        declarations_qs = Declaration.objects.for_user(user).filter(enterprise=entry.enterprise)
        return {
            **context,
            "today": today(),
            "declarations": declarations_qs.prefetch_related("hazards")[:10],
            # guidance findings and notices only for roles that may see them (read-only roles may not)
            "visits": (
                GuidanceVisit.objects.for_user(user).filter(enterprise=entry.enterprise)[:20]
                if user.has_perm("declarations.view_guidancevisit")
                else []
            ),
            "notices": (
                Notice.objects.for_user(user).filter(enterprise=entry.enterprise)[:20]
                if user.has_perm("declarations.view_notice")
                else []
            ),
            "handovers": entry.handovers.select_related("from_region", "to_region"),
            "confirm_form": ConfirmForm(),
            "handover_form": HandoverForm(entry=entry),
            "duplicate_form": DuplicateForm(),
            "visit_form": VisitForm(),
            "notice_form": NoticeForm(),
            "declared": declarations_qs.valid().exclude(kind="cancel").exists(),
        }


class EntryActionView(ObjectActionView):
    """An action on one entry posted from its page; errors go back to the page as messages."""

    queryset = ENTRY_QUERYSET
    permission = "declarations.change_hazardlistentry"
    object_keyword = "entry"

    def success_url(self, obj) -> str:
        return reverse("declarations:entry_detail", args=[obj.pk])


def _record_visit(*, user, entry: HazardListEntry, **data) -> object:
    return actions.guidance_visit_record(
        user=user, enterprise=entry.enterprise, entry=entry, today=today(), **data
    )


class VisitCreateView(EntryActionView):
    permission = "declarations.add_guidancevisit"
    form = VisitForm
    action = _record_visit
    success_message = "入户指导已记录。"


def _report(*, user, entry: HazardListEntry) -> HazardListEntry:
    return actions.entry_report(user=user, entry=entry, today=today())


class EntryReportView(EntryActionView):
    """自行发现: the district reports an employer it added to the city CDC."""

    action = _report
    success_message = "已报告市疾控中心。"

    def success_url(self, obj) -> str:
        return reverse("declarations:entry_add")


@requires("declarations.change_hazardlistentry")
@require_POST
def entry_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """移交: not an ``ObjectActionView`` because the form needs the entry and the entry leaves the
    sender's jurisdiction by design (the base would re-read it in scope)."""
    entry = _entry_or_404(request, pk)
    form = HandoverForm(request.POST, entry=entry)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("declarations:entry_detail", entry.pk)
    try:
        actions.entry_hand_over(
            user=request.user,
            entry=entry,
            to_region=form.cleaned_data["to_region"],
            reason=form.cleaned_data["reason"],
            today=today(),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
        return redirect("declarations:entry_detail", entry.pk)
    messages.success(
        request,
        f"已移交{form.cleaned_data['to_region'].name}，对方重新计算一个月核实期限。"
        "移交记录和对方的核实结果见“已移交”。",
    )
    return redirect(reverse("declarations:confirm") + "?show=handed")


@requires("declarations.change_hazardlistentry")
@require_POST
def entry_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """合并: the kept employer is named by key (credit code, id or name), so no plain action form."""
    entry = _entry_or_404(request, pk)
    form = DuplicateForm(request.POST)
    keep = enterprise_by_key(request.user, form.data.get("keep", "")) if form.is_valid() else None
    if keep is None:
        messages.error(request, "保留的单位：在您的辖区内没有找到这个统一社会信用代码或编号")
        return redirect("declarations:entry_detail", entry.pk)
    try:
        result = actions.entry_mark_duplicate(user=request.user, entry=entry, keep=keep, today=today())
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
        return redirect("declarations:entry_detail", entry.pk)
    messages.success(request, f"已标记为与“{keep.name}”重复。")
    return redirect("declarations:entry_detail", result.pk)


@requires("declarations.change_hazardlistentry")
def entry_add(request: HttpRequest) -> HttpResponse:
    """A district adds an employer it found itself; it must report it to the city CDC within a month.
    The page is the form and the district's own finds, so it stays a function view."""
    hazard_list = current_list(request)
    form = FoundForm(request.POST or None)
    if request.method == "POST" and hazard_list is None:
        messages.error(request, "本年度名单尚未生成，请联系市疾控中心。")
    elif request.method == "POST" and form.is_valid():
        enterprise = enterprise_by_key(request.user, form.cleaned_data["key"])
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
                    today=today(),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, messages_of(exc))
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
        {"form": form, "hazard_list": hazard_list, "found": found, "today": today()},
    )
