"""The records behind a figure (drill-down): the numerator's or denominator's queryset, or the
denominator's records not in the numerator ("which employers are not declared")."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from ohsteward.declarations.models import HazardListEntry
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import QUERIES, Area, narrowing, records, source_missing
from ohsteward.indicators.rules import Period
from ohsteward.registry.models import Enterprise
from ohsteward.registry.tables import enterprise_key

PARTS = {"numerator": "分子", "denominator": "分母", "missing": "未达（分母中不在分子的）"}
_RELATED = ("enterprise", "hazard_list", "institution", "district", "region")


def part_records(indicator: Indicator, part: str, user, area: Area, period: Period) -> QuerySet:
    """The queryset of ``part`` for the figure; the same queryset ``figures.compute`` counts."""
    options = indicator.options or {}
    if not indicator.numerator or indicator.numerator not in QUERIES:
        raise Http404
    if source_missing(indicator, user, area, period):
        raise Http404  # 无数据 (or entered in the monthly dispatch): no records behind the figure
    if part == "numerator":
        return records(indicator.numerator, user, area, period, options)
    if not indicator.denominator:
        raise Http404
    denominator = records(indicator.denominator, user, area, period, options)
    if part == "denominator":
        return denominator
    if part == "missing":
        narrow = narrowing(indicator.numerator, indicator.denominator)
        if narrow is not None:
            # the numerator is the denominator narrowed by one condition: its records without it
            # (a first page stops after 50 rows instead of computing the whole numerator)
            return denominator.exclude(narrow(period, options))
        numerator = records(indicator.numerator, user, area, period, options)
        return denominator.exclude(pk__in=numerator.values("pk"))
    raise Http404


def part_count(figure, part: str) -> int | None:
    """The number of records of ``part`` as the figure counted them (the same querysets:
    ``numerator``, ``denominator``, and ``missing`` = denominator − numerator, the numerator being
    a subset), or None when the figure has no such count (无数据, entered in the dispatch)."""
    if figure.no_data or figure.entered_note or figure.numerator is None:
        return None
    if part == "numerator":
        return figure.numerator
    if figure.denominator is None:
        return None
    return figure.denominator if part == "denominator" else figure.denominator - figure.numerator


def with_related(qs: QuerySet) -> QuerySet:
    """Join what ``str()`` and the links of a row read (no N+1 on the drill-down page)."""
    names = {f.name for f in qs.model._meta.get_fields() if f.many_to_one}
    return qs.select_related(*[n for n in _RELATED if n in names])


def record_label(indicator: Indicator, part: str) -> str:
    key = indicator.numerator if part == "numerator" else indicator.denominator
    return QUERIES[key].label if key in QUERIES else "记录"


def link_of(obj) -> str:
    """The record's own page, else its employer's page, else none."""
    if isinstance(obj, HazardListEntry):
        return reverse("declarations:entry_detail", args=[obj.pk])
    if isinstance(obj, Enterprise):
        return reverse("registry:enterprise_detail", args=[enterprise_key(obj)])
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    enterprise = getattr(obj, "enterprise", None)
    return reverse("registry:enterprise_detail", args=[enterprise_key(enterprise)]) if enterprise else ""
