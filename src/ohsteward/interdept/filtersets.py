"""FilterSets of the other departments' lists: the list pages' filter panels, the API's query
parameters and the exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.interdept.choices import PersonAwardKind, RecognitionLevel
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


class _EmployerFilterSet(FilterSet):
    q = filters.CharFilter(label="用人单位名称或信用代码", method="filter_q")
    district = filters.ModelChoiceFilter(label="区县", field_name="enterprise__region", queryset=_districts)
    enterprise = filters.CharFilter(label="统一社会信用代码", field_name="enterprise__uscc")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise__name__contains=value) | Q(enterprise__uscc=value.upper()))


class InsuranceRecordFilterSet(_EmployerFilterSet):
    year = filters.NumberFilter(label="年度", field_name="as_of__year")
    insured = filters.ChoiceFilter(
        label="参保情况", choices=[("yes", "已参保"), ("no", "参保人数为0")], method="filter_insured"
    )

    class Meta:
        model = InsuranceRecord
        form = FilterForm
        fields = ["q", "district", "enterprise", "year", "insured"]

    def filter_insured(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(insured__gt=0)
        return queryset.filter(insured=0) if value == "no" else queryset


class HealthyEnterpriseFilterSet(_EmployerFilterSet):
    year = filters.NumberFilter(label="命名年度")
    level = filters.ChoiceFilter(label="命名级别", choices=RecognitionLevel.choices)

    class Meta:
        model = HealthyEnterprise
        form = FilterForm
        fields = ["q", "district", "enterprise", "year", "level"]


class PersonAwardFilterSet(_EmployerFilterSet):
    year = filters.NumberFilter(label="年度")
    kind = filters.ChoiceFilter(label="荣誉类别", choices=PersonAwardKind.choices)

    class Meta:
        model = PersonAward
        form = FilterForm
        fields = ["q", "district", "enterprise", "year", "kind"]
