"""FilterSets of SME assistance: list pages' filter panels, API query parameters, exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.stewardship.assistance import rules
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan, declared_exists

YES_NO = [("yes", "是"), ("no", "否")]


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


class AssistancePlanFilterSet(FilterSet):
    year = filters.NumberFilter(label="年度")
    district = filters.ModelChoiceFilter(label="区县", field_name="district", queryset=_districts)

    class Meta:
        model = AssistancePlan
        fields = ["year", "district"]
        form = FilterForm


class AssistanceEntryFilterSet(FilterSet):
    q = filters.CharFilter(label="用人单位名称或信用代码", method="filter_q")
    plan = filters.NumberFilter(label="计划编号", field_name="plan_id")
    year = filters.NumberFilter(label="年度", field_name="plan__year")
    district = filters.ModelChoiceFilter(label="区县", field_name="plan__district", queryset=_districts)
    declared = filters.ChoiceFilter(label="已申报", choices=YES_NO, method="filter_declared")
    open_item = filters.ChoiceFilter(
        label="未完成事项",
        choices=[(code, rules.ITEM_SHORT[code]) for code, _l in rules.ITEMS],
        method="filter_open_item",
    )

    class Meta:
        model = AssistanceEntry
        fields = ["q", "plan", "year", "district", "declared", "open_item"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise__name__contains=value) | Q(enterprise__uscc=value.upper()))

    def filter_declared(self, queryset, name, value):
        """The declared rate's shortfall (``no``): no valid declaration."""
        annotated = queryset.annotate(_declared=declared_exists())
        return annotated.filter(_declared=(value == "yes")) if value in ("yes", "no") else queryset

    def filter_open_item(self, queryset, name, value):
        return queryset.filter(items__item=value, items__state="open")
