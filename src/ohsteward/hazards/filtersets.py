"""One FilterSet per model: API query parameters (and later the UI filter panel and exports)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.forms import FilterForm
from ohsteward.hazards.choices import HazardCategory
from ohsteward.hazards.models import ExposureLimit, HazardFactor, OccupationalDisease


class HazardFactorFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="名称、别名、CAS号或代码", method="filter_q")
    category = filters.ChoiceFilter(label="类别", choices=HazardCategory.choices)

    class Meta:
        model = HazardFactor
        form = FilterForm
        fields = ["q", "category"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class ExposureLimitFilterSet(filters.FilterSet):
    hazard_factor = filters.CharFilter(label="危害因素代码", field_name="hazard_factor__code")
    standard = filters.CharFilter(label="标准（如 GBZ 2.1）", field_name="standard")
    limit_type = filters.CharFilter(label="限值类型（MAC、PC-TWA、PC-STEL …）", field_name="limit_type")
    category = filters.ChoiceFilter(label="类别", choices=HazardCategory.choices)
    q = filters.CharFilter(label="名称或CAS号", method="filter_q")

    class Meta:
        model = ExposureLimit
        form = FilterForm
        fields = ["hazard_factor", "standard", "limit_type", "category", "q"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(agent_name__icontains=value)
            | Q(cas__icontains=value)
            | Q(hazard_factor__name__icontains=value)
            | Q(hazard_factor__aliases__icontains=value)
        )


class OccupationalDiseaseFilterSet(filters.FilterSet):
    edition = filters.CharFilter(label="版本（2013 或 2024）")
    in_force_on = filters.DateFilter(label="在该日期有效", method="filter_in_force")
    q = filters.CharFilter(label="名称或代码", method="filter_q")

    class Meta:
        model = OccupationalDisease
        form = FilterForm
        fields = ["edition", "in_force_on", "q"]

    def filter_in_force(self, queryset, name, value):
        return queryset.in_force(value)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value)) if value else queryset
