"""The exposure calculator pages (issue 11 item 8): 接触评价 and 统计, server-rendered, HTMX
answers with the result partial; nothing is saved. Same functions as the API."""

from __future__ import annotations

from django.shortcuts import render

from ohsteward.core.htmx import is_partial, vary
from ohsteward.core.views import ProtectedView
from ohsteward.hazards.models import ExposureLimit
from ohsteward.monitoring.assess import InputError
from ohsteward.monitoring.calculator.forms import AssessForm, StatisticsForm
from ohsteward.monitoring.calculator.service import run_assessment
from ohsteward.monitoring.calculator.stats_service import chart_option, run_statistics, statistics_json
from ohsteward.monitoring.stats import StatsInputError


def factor_names() -> list[str]:
    """The names that have limit rows, for the factor field's suggestions."""
    return sorted(set(ExposureLimit.objects.values_list("agent_name", flat=True)))


class CalculatorView(ProtectedView):
    """GET the form; POST shows every value with the working (any logged-in user)."""

    template_name = "monitoring/calculator.html"
    partial_name = "monitoring/_calculator_result.html"

    def get(self, request):
        context = {"form": AssessForm(), "mode": "assess", "factor_names": factor_names()}
        return render(request, self.template_name, context)

    def post(self, request):
        form = AssessForm(request.POST)
        context = {"form": form, "mode": "assess", "factor_names": factor_names()}
        if form.is_valid():
            try:
                result, match = run_assessment(form.api_data())
            except InputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                context.update(result=result, match=match)
        name = self.partial_name if is_partial(request, "calc") else self.template_name
        return vary(render(request, name, context))


class StatisticsView(ProtectedView):
    """相似接触组统计: GM, GSD, P95 with its 70 % UCL, exceedance, AIHA category and a chart."""

    template_name = "monitoring/statistics.html"
    partial_name = "monitoring/_statistics_result.html"

    def get(self, request):
        return render(request, self.template_name, {"form": StatisticsForm(), "mode": "statistics"})

    def post(self, request):
        form = StatisticsForm(request.POST)
        context = {"form": form, "mode": "statistics"}
        if form.is_valid():
            try:
                stats = run_statistics(form.api_data())
            except StatsInputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                context.update(stats=stats, shown=statistics_json(stats), chart=chart_option(stats))
                if stats.exceedance is not None:
                    context["exceedance_pct"] = f"{stats.exceedance * 100:.2f}%"
        name = self.partial_name if is_partial(request, "calc") else self.template_name
        return vary(render(request, name, context))
