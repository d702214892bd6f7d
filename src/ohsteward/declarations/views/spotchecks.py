"""Spot checks (扩面方案 任务14): the list with the city's 组织抽查 form (``ObjectListView`` +
``SpotCheckTable``), one check with its sampled employers (``ObjectDetailView``; export from
``SpotCheckItemTable``) and recording one employer's result in place (HTMX, rates out of band)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import htmx
from ohsteward.core.views import ObjectDetailView, ObjectListView, requires
from ohsteward.declarations import actions, reports
from ohsteward.declarations.forms import SpotCheckForm, SpotCheckItemForm
from ohsteward.declarations.models import SpotCheck, SpotCheckItem
from ohsteward.declarations.tables import SpotCheckItemTable, SpotCheckTable
from ohsteward.declarations.views.common import LegacyExportMixin, current_list, form_errors, today


class SpotCheckListView(LegacyExportMixin, ObjectListView):
    """Every spot check (they are the city's, not scoped), counting the sample in the viewer's
    jurisdiction; POST is 组织抽查, which ``spot_check_create`` allows city-wide users only."""

    queryset = SpotCheck.objects.all()
    table = SpotCheckTable
    permission = "declarations.view_spotcheck"
    template_name = "declarations/spotcheck_list.html"
    title = "申报扩面抽查"
    unit = "次"
    export_filename = "申报扩面抽查"
    export_url_name = "declarations:spotcheck_export"
    http_method_names = ["get", "post", "head", "options"]

    def counted(self):
        in_scope = SpotCheckItem.objects.for_user(self.request.user)
        return SpotCheck.objects.annotate(n=Count("items", filter=Q(items__in=in_scope)))

    def get_queryset(self):
        return self.counted().order_by("-created_at", "-pk")

    def page_source(self, queryset):
        return self.counted()

    def get_context_data(self, **context):
        user = self.request.user
        return {
            "form": getattr(self, "form", None) or SpotCheckForm(),
            "can_create": access.is_citywide(user) and user.has_perm("declarations.add_spotcheck"),
            **context,
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("declarations.add_spotcheck"):
            raise PermissionDenied("您的角色无权组织抽查")
        self.form = SpotCheckForm(request.POST)
        hazard_list = current_list(request)
        if hazard_list is None:
            messages.error(request, "尚无名单，无法抽样。")
        elif self.form.is_valid():
            data = self.form.cleaned_data
            check = actions.spot_check_create(  # city only: the action refuses anyone else (403)
                user=request.user,
                hazard_list=hazard_list,
                seed=data["seed"],
                fraction=float(data["fraction"]),
                minimum=data["minimum"],
                name=data["name"],
            )
            messages.success(request, f"已抽取{check.items.count()}家。")
            return redirect("declarations:spotcheck_detail", check.pk)
        return self.get(request, *args, **kwargs)


class SpotCheckDetailView(ObjectDetailView):
    """One spot check: the sampled employers in the viewer's jurisdiction, with their rates."""

    queryset = SpotCheck.objects.select_related("hazard_list")
    permission = "declarations.view_spotcheck"
    template_name = "declarations/spotcheck_detail.html"
    context_object_name = "check"

    def scoped(self):
        return self.queryset.all()  # a spot check is the city's; its items are scoped (``items``)

    def items(self, check):
        return SpotCheckItemTable.queryset(
            SpotCheckItem.objects.for_user(self.request.user).filter(spot_check=check)
        ).select_related("enterprise__industry")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            check = self.get_object()
            return SpotCheckItemTable.xlsx_response(self.items(check), f"{check.name}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **context):
        check = context["object"]
        return {
            **context,
            "items": self.items(check),
            "rates": reports.spot_check_rates(check, user=self.request.user),
            "choices": SpotCheckItemForm.CHOICES,
        }


@requires("declarations.change_spotcheck")
@require_POST
def spotcheck_item_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One sampled employer's result: HTMX gets the row and the rates out of band (core/htmx.py),
    which ``ObjectActionView``'s single partial does not do."""
    item = access.get_for_user_or_404(
        SpotCheckItem.objects.select_related("enterprise", "region"), request.user, pk=pk
    )
    form = SpotCheckItemForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.spot_check_record(user=request.user, item=item, data=form.cleaned_data, today=today())
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except PermissionDenied as exc:
            error = str(exc)
    else:
        error = form_errors(form)
    if htmx.is_htmx(request):
        rates = reports.spot_check_rates(item.spot_check, user=request.user)
        response = htmx.render_with_oob(
            request,
            "declarations/_spotcheck_row.html",
            {"i": item, "choices": SpotCheckItemForm.CHOICES, "error": error, "saved": not error},
            [("declarations/_spotcheck_rates.html", {"rates": rates})],
        )
        return htmx.vary(response)
    if error:
        messages.error(request, error)
    return redirect("declarations:spotcheck_detail", item.spot_check_id)
