"""The quarterly dispatch (扩面方案 任务13): figures per district as of a quarter's end, published
quarters frozen; its .xlsx; the district map for the chart. Figures, not rows of a model: function
views on ``reports``."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core.spreadsheets import XLSX_MIME, bytes_response
from ohsteward.core.views import requires
from ohsteward.declarations import actions, reports, rules
from ohsteward.declarations.views.common import today
from ohsteward.registry.models import Region

GEOJSON = Path(__file__).resolve().parents[2] / "refdata" / "data" / "cq_districts_echarts4.9.0.geojson"
GEOJSON_RENAMES = {"梁平县": "梁平区", "武隆县": "武隆区"}  # 500228→500155, 500232→500156 (2016)


def _dispatch_params(request: HttpRequest) -> tuple[int, int]:
    day = today()
    try:
        year = int(request.GET.get("year") or day.year)
        quarter = int(request.GET.get("quarter") or (day.month - 1) // 3 + 1)
    except ValueError as exc:
        raise Http404 from exc
    if quarter not in (1, 2, 3, 4):
        raise Http404
    return year, quarter


@requires("declarations.view_hazardlistentry")
def dispatch(request: HttpRequest) -> HttpResponse:
    """Published quarters show their frozen snapshot; others are computed as of the quarter's end."""
    year, quarter = _dispatch_params(request)
    day = today()
    figures = reports.dispatch_for(user=request.user, year=year, quarter=quarter, today=day)
    districts = figures["districts"]
    chart = {
        "names": [r["region_name"] for r in districts],
        "list_size": [r["list_size"] for r in districts],
        "declared": [r["declared"] for r in districts],
        "confirmed": [r["confirmed"] for r in districts],
        "rate": [r["declaration_rate"] for r in districts],
        "map": [{"name": r["region_name"], "value": r["declaration_rate"]} for r in districts],
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
            "years": range(day.year - 2, day.year + 1),
            "quarters": (1, 2, 3, 4),
            "rows": [[r.get(k) for k, _ in reports.DISPATCH_COLUMNS] for r in districts],
            "total_row": [figures["total"].get(k) for k, _ in reports.DISPATCH_COLUMNS],
            "can_publish": (
                figures["snapshot"] is None
                and figures["closed"]
                and access.is_citywide(request.user)
                and request.user.has_perm("declarations.change_hazardlistentry")
            ),
        },
    )


@requires("declarations.change_hazardlistentry")
@require_POST
def dispatch_publish(request: HttpRequest) -> HttpResponse:
    """发布 (city only: ``actions.dispatch_publish`` refuses anyone else with 403)."""
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        actions.dispatch_publish(user=request.user, year=year, quarter=quarter, today=today())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{year}年第{quarter}季度调度已发布，数字已固定。")
    return redirect(f"{reverse('declarations:dispatch')}?year={year}&quarter={quarter}")


@requires("declarations.view_hazardlistentry")
def dispatch_export(request: HttpRequest) -> HttpResponse:
    year, quarter = _dispatch_params(request)
    figures = reports.dispatch_for(user=request.user, year=year, quarter=quarter, today=today())
    return bytes_response(
        f"申报扩面季度调度-{year}年第{quarter}季度.xlsx", reports.dispatch_xlsx(figures), XLSX_MIME
    )


def district_geojson(request: HttpRequest) -> HttpResponse:
    """The Chongqing district map for ECharts; features renamed to today's districts."""
    if not GEOJSON.exists():
        raise Http404
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    for feature in data.get("features", []):
        name = feature.get("properties", {}).get("name")
        if name in GEOJSON_RENAMES:
            feature["properties"]["name"] = GEOJSON_RENAMES[name]
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")
    response["Cache-Control"] = "private, max-age=86400"
    return response
