"""Indicator pages: the library, a region's table, the city's ranking of districts (traffic
lights, chart, map) and the drill-down; each table also as .xlsx. Figures, not rows of a model:
function views on ``figures``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core.spreadsheets import XLSX_MIME, bytes_response, write_xlsx
from ohsteward.core.views import apply_errors, filter_query, requires
from ohsteward.indicators import actions, areas, dispatch, exports, figures, jobs, rules, snapshots, teams
from ohsteward.indicators.forms import DispatchForm
from ohsteward.indicators.models import Indicator, IndicatorSnapshot, MonthlyDispatch
from ohsteward.indicators.queries import Area
from ohsteward.indicators.records import PARTS, link_of, part_count, part_records, record_label, with_related
from ohsteward.indicators.rules import Period, parse_period

VIEW = "indicators.view_indicator"
# a steward team member (no indicator permission) sees its own team's page: its clients' figures
TEAM_VIEW = "stewardship.view_stewardteam"


def _requested_area(request: HttpRequest) -> Area:
    """The area of a table or drill-down: for holders of ``VIEW`` any area in their reach
    (``areas.requested_area``); for a steward team member only its own team's area (the
    default); 403 for everyone else."""
    user = request.user
    if user.has_perm(VIEW):
        return areas.requested_area(user, request.GET)
    team = access.own_team_id(user)
    if team is not None and user.has_perm(TEAM_VIEW):
        return areas.team_area(user, request.GET.get("team") or str(team))
    raise PermissionDenied


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period") or str(timezone.localdate().year)
    try:
        return parse_period(text)
    except ValueError as exc:
        raise Http404 from exc


def _periods(today: dt.date) -> list[str]:
    years = [str(y) for y in range(today.year, today.year - 3, -1)]
    quarters = [f"{today.year}Q{q}" for q in range(1, (today.month - 1) // 3 + 2)]
    return years + quarters


@requires(VIEW)
def library(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/library.html", {"indicators": figures.library()})


@login_required
def table(request: HttpRequest) -> HttpResponse:
    """One region's indicators for a period (the city, a district or a town), with its towns; or
    a steward team's (``team=<id>``: the employers it served in the period)."""
    area = _requested_area(request)
    period = _period(request)
    live = request.GET.get("source") == "live"
    result = snapshots.table(request.user, area, period, live=live)
    rows = result.figures
    names = areas.names([area])
    if request.GET.get("format") == "xlsx":
        content = exports.figures_xlsx(rows, names, sheet=f"{names.get(area.code, '')}{period.label}"[:31])
        return bytes_response(f"指标表-{names.get(area.code, '')}-{period.code}.xlsx", content, XLSX_MIME)
    children = areas.child_areas(request.user, area, "district" if area.level == "city" else "town")
    children = [c for c in children if c != area]
    child_names = areas.names(children)
    return render(
        request,
        "indicators/table.html",
        {
            "area": area,
            "area_name": names.get(area.code, ""),
            "period": period,
            "periods": _periods(timezone.localdate()),
            "rows": rows,
            "children": [(c.code, child_names.get(c.code, c.code)) for c in children],
            "query": filter_query(request),
            "snapshot": result.snapshot,
            "published": snapshots.published(period),
            "live": live,
            "can_publish": (
                area.level == "city"
                and snapshots.published(period) is None
                and period.end < timezone.localdate()
                and access.is_citywide(request.user)
                and request.user.has_perm(actions.PUBLISH_PERMISSION)
            ),
            "can_report": area.level == "city" and access.is_citywide(request.user),
        },
    )


@requires(actions.PUBLISH_PERMISSION)
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    """发布 a period (city only: ``actions.snapshot_publish`` refuses anyone else with 403)."""
    period = request.POST.get("period", "")
    try:
        snapshot = actions.snapshot_publish(user=request.user, period=period)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{snapshot.period} 指标已发布，数字已固定。")
    return redirect(f"{reverse('indicators:table')}?period={period}")


@requires(VIEW)
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """Start the quarterly/yearly report (.xlsx or the bulletin .docx) as a background job."""
    if not access.is_citywide(request.user):
        raise Http404
    try:
        job = jobs.start_report_job(
            user=request.user,
            period=request.POST.get("period", ""),
            fmt=request.POST.get("format", ""),
            doc_number=request.POST.get("doc_number", ""),
        )
    except ValueError as exc:
        raise Http404 from exc
    return redirect("web:job_detail", pk=job.pk)


@requires(VIEW)
def dispatch_page(request: HttpRequest) -> HttpResponse:
    """A district's monthly dispatch (月调度): its computed figures for the month, the entered
    inputs with source and date, comments and problems; saved by the district (or the city)."""
    area = areas.area_for(request.user, request.GET.get("region"))
    if area.level == "team":
        raise Http404  # the dispatch is a district's
    today = timezone.localdate()
    text = request.GET.get("period") or f"{today.year}-{today.month:02d}"
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise Http404 from exc
    if period.kind != "month":
        raise Http404
    if area.level != "district":
        districts = areas.child_areas(request.user, area, "district")
        names = areas.names(districts)
        saved = set(
            MonthlyDispatch.objects.for_user(request.user)
            .filter(month=period.code)
            .values_list("district_id", flat=True)
        )
        return render(
            request,
            "indicators/dispatch_list.html",
            {
                "period": period,
                "districts": [(d.code, names.get(d.code, d.code), d.code in saved) for d in districts],
            },
        )
    entered = [i for i in figures.library() if dispatch.is_entered(i)]
    current = (
        MonthlyDispatch.objects.for_user(request.user)
        .filter(district_id=area.code, month=period.code)
        .prefetch_related("inputs__indicator")
        .first()
    )
    initial: dict = {}
    if current is not None:
        initial = {"comments": current.comments, "problems": current.problems}
        for row in current.inputs.all():
            p = f"{row.indicator.code}__"
            initial.update(
                {
                    p + "numerator": row.numerator,
                    p + "denominator": row.denominator,
                    p + "source": row.source,
                    p + "source_date": row.source_date,
                }
            )
    can_save = request.user.has_perm(actions.DISPATCH_PERMISSION) and access.governs_district(
        request.user, area.code or ""
    )
    form = DispatchForm(request.POST or None, initial=initial, indicators=entered)
    if request.method == "POST":
        if not can_save:
            raise Http404
        if form.is_valid():
            try:
                actions.dispatch_save(
                    user=request.user,
                    district=area.code or "",
                    month=period.code,
                    comments=form.cleaned_data["comments"],
                    problems=form.cleaned_data["problems"],
                    inputs=form.inputs(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{period.label}月调度已保存。")
                return redirect(f"{reverse('indicators:dispatch')}?region={area.code}&period={period.code}")
    return render(
        request,
        "indicators/dispatch.html",
        {
            "area": area,
            "area_name": areas.names([area]).get(area.code, ""),
            "period": period,
            "rows": figures.table(request.user, area, period),
            "current": current,
            "form": form,
            "can_save": can_save,
        },
    )


@requires(VIEW)
def ranking(request: HttpRequest) -> HttpResponse:
    """The districts (or a district's towns) ranked on one indicator, lights against targets,
    and the matrix of every indicator × area."""
    parent = areas.area_for(request.user, request.GET.get("region"))
    if parent.level == "team":
        raise Http404  # a team's clients are not ranked by area
    level = "district" if parent.level == "city" else "town"
    children = areas.child_areas(request.user, parent, level)
    period = _period(request)
    library = list(figures.library())
    if not library:
        raise Http404
    code = request.GET.get("indicator") or library[0].code
    chosen = next((i for i in library if i.code == code), None)
    if chosen is None:
        raise Http404
    names = areas.names(children)
    live = request.GET.get("source") == "live"
    ranked, snapshot = snapshots.ranking(chosen, request.user, children, period, live=live)
    if request.GET.get("format") == "xlsx":
        content = exports.figures_xlsx(ranked, names, sheet=chosen.name[:31])
        return bytes_response(f"指标排名-{chosen.code}-{period.code}.xlsx", content, XLSX_MIME)
    chart = {
        "indicator": chosen.name,
        "unit": "%" if chosen.unit == "%" else "",
        "names": [names.get(f.area.code, f.area.code) for f in ranked],
        "values": [None if f.value is None else float(f.value) for f in ranked],
        "targets": [None if f.target is None else float(f.target) for f in ranked],
        "met": [f.met for f in ranked],
        "map": [
            {
                "name": names.get(f.area.code, f.area.code),
                "value": None if f.value is None else float(f.value),
            }
            for f in ranked
        ],
        "level": level,
    }
    return render(
        request,
        "indicators/ranking.html",
        {
            "parent": parent,
            "parent_name": areas.names([parent]).get(parent.code, ""),
            "period": period,
            "periods": _periods(timezone.localdate()),
            "library": library,
            "chosen": chosen,
            "ranked": [(f, names.get(f.area.code, f.area.code)) for f in ranked],
            "no_data": ranked[0].no_data if ranked else "",
            "chart": chart,
            "query": filter_query(request),
            "snapshot": snapshot,
            "published": snapshots.published(period) if level == "district" else None,
            "live": live,
            "trend_areas": [(c.code, names.get(c.code, c.code)) for c in children],
            "trend_area": request.GET.get("trend") or (children[0].code if children else ""),
        },
    )


@login_required
def team_ranking(request: HttpRequest) -> HttpResponse:
    """The steward teams ranked by their employer indicators (more met, fewer missed), with a
    light per indicator; the city sees every team (``region=`` narrows to a district), a district
    its own teams, a team member its own team's row only; ``format=xlsx`` exports the same rows."""
    user = request.user
    own = access.own_team_id(user)
    if not user.has_perm(VIEW) and not (own is not None and user.has_perm(TEAM_VIEW)):
        raise PermissionDenied
    district = None
    if request.GET.get("region") and own is None:
        area = areas.area_for(user, request.GET.get("region"))
        if area.level not in ("city", "district"):
            raise Http404
        district = area.code
    period = _period(request)
    ranked = teams.team_ranking(user, teams.visible_teams(user, district), period)
    if request.GET.get("format") == "xlsx":
        return bytes_response(
            f"管家团队排名-{period.code}.xlsx", exports.team_ranking_xlsx(ranked, period), XLSX_MIME
        )
    return render(
        request,
        "indicators/team_ranking.html",
        {
            "period": period,
            "periods": _periods(timezone.localdate()),
            "ranked": ranked,
            "columns": [f.indicator for f in ranked[0].figures] if ranked else [],
            "district_name": areas.names([Area("district", district)]).get(district, "") if district else "",
            "own_team": own,
            "query": filter_query(request),
        },
    )


TREND_QUARTERS = 8


@requires(VIEW)
def trend(request: HttpRequest) -> HttpResponse:
    """Trends by quarter (issue 14 item 3): one indicator for the last eight quarters up to the
    period's end (or today), for the area (the city, or a district) and a chosen area inside it
    (``child``: a district of the city, a town of a district) — JSON for the ranking page's line
    chart, or ``format=xlsx``. A published quarter gives its published figure unless
    ``source=live``, as the ranking does."""
    parent = areas.area_for(request.user, request.GET.get("region"))
    indicator = get_object_or_404(Indicator, code=request.GET.get("indicator") or "", active=True)
    wanted = [parent]
    child = request.GET.get("child")
    if child:
        inner = areas.area_for(request.user, child)
        if inner != parent:
            wanted.append(inner)
    period = _period(request)
    quarters = rules.quarters_up_to(min(period.end, timezone.localdate()), TREND_QUARTERS)
    live = request.GET.get("source") == "live"
    published = set(
        IndicatorSnapshot.objects.filter(period__in=[q.code for q in quarters]).values_list(
            "period", flat=True
        )
    )
    rows = [[snapshots.figure(request.user, indicator, a, q, live=live) for q in quarters] for a in wanted]
    names = areas.names(wanted)
    if request.GET.get("format") == "xlsx":
        content = exports.figures_xlsx(
            [f for row in rows for f in row], names, sheet=f"{indicator.name}季度趋势"[:31]
        )
        return bytes_response(f"指标趋势-{indicator.code}-{period.code}.xlsx", content, XLSX_MIME)
    data = {
        "indicator": indicator.name,
        "unit": "%" if indicator.unit == "%" else "",
        "quarters": [q.code for q in quarters],
        "series": [
            {
                "name": names.get(a.code, a.code),
                # towns are never published: their points are always live
                "published": [not live and a.level != "town" and q.code in published for q in quarters],
                "values": [None if f.value is None or f.no_data else float(f.value) for f in row],
                "targets": [None if f.target is None else float(f.target) for f in row],
            }
            for a, row in zip(wanted, rows, strict=True)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
def drilldown(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind one figure (numerator, denominator or the shortfall), paged, with links."""
    area = _requested_area(request)
    indicator = get_object_or_404(Indicator, code=code, active=True)
    if not figures.applies_to(indicator, area):
        raise Http404
    period = _period(request)
    part = request.GET.get("part") or ("missing" if indicator.denominator else "numerator")
    if part not in PARTS:
        raise Http404
    qs = part_records(indicator, part, request.user, area, period)
    label = record_label(indicator, part)
    if request.GET.get("format") == "xlsx":
        rows = ([str(obj), link_of(obj)] for obj in with_related(qs).iterator(chunk_size=2000))
        content = write_xlsx([("record", label), ("link", "链接")], rows, sheet=PARTS[part][:31])
        return bytes_response(f"{indicator.code}-{part}-{period.code}.xlsx", content, XLSX_MIME)
    figure = figures.compute(indicator, request.user, area, period)
    paginator = Paginator(qs.values_list("pk", flat=True), 50)
    known = part_count(figure, part)
    if known is not None:
        paginator.count = known  # the figure counted the same queryset: no second count
    page = paginator.get_page(request.GET.get("page"))
    by_pk = with_related(qs.model._default_manager.filter(pk__in=list(page.object_list))).in_bulk()
    items = [(by_pk[pk], link_of(by_pk[pk])) for pk in page.object_list if pk in by_pk]
    return render(
        request,
        "indicators/drilldown.html",
        {
            "indicator": indicator,
            "figure": figure,
            "area_name": areas.names([area]).get(area.code, ""),
            "area": area,
            "period": period,
            "part": part,
            "parts": [(k, v) for k, v in PARTS.items() if indicator.denominator or k == "numerator"],
            "label": label,
            "earlier": rules.year_earlier(period) if figure.check == "growth" else None,
            "page": page,
            "items": items,
            "query": filter_query(request),
        },
    )
