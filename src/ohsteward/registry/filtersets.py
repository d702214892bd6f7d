"""One FilterSet per model: the UI filter panel, the API query parameters and the exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import EnterpriseStatus, RegionLevel, RiskClass, SizeClass
from ohsteward.registry.models import Enterprise, Industry, Region, Workplace


class EnterpriseFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="名称或信用代码", method="filter_q")
    region = filters.CharFilter(label="区县代码", field_name="region_id")
    town = filters.CharFilter(label="乡镇街道代码", field_name="town_id")
    zone = filters.CharFilter(label="功能区代码", field_name="zone_id")
    industry = filters.CharFilter(label="行业代码", method="filter_industry")
    industry_risk = filters.ChoiceFilter(label="行业风险分类", choices=RiskClass.choices)
    size_class = filters.ChoiceFilter(label="企业规模", choices=SizeClass.choices)
    status = filters.ChoiceFilter(label="经营状态", choices=EnterpriseStatus.choices)

    class Meta:
        model = Enterprise
        form = FilterForm
        fields = ["q", "region", "town", "zone", "industry", "industry_risk", "size_class", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_industry(self, queryset, name, value):
        """A 4-digit code selects one 小类; 2 or 3 digits (or a 门类 letter) select all below it."""
        value = (value or "").strip().upper()
        if not value:
            return queryset
        if value.isalpha():
            return queryset.filter(industry__section=value)
        digits = value.lstrip("ABCDEFGHIJKLMNOPQRST")
        return queryset.filter(industry__code__startswith=digits)


class RegionFilterSet(filters.FilterSet):
    level = filters.ChoiceFilter(label="层级", choices=RegionLevel.choices)
    parent = filters.CharFilter(label="上级代码", field_name="parent_id")
    q = filters.CharFilter(label="名称", field_name="name", lookup_expr="contains")

    class Meta:
        model = Region
        form = FilterForm
        fields = ["level", "parent", "q"]


class IndustryFilterSet(filters.FilterSet):
    level = filters.CharFilter(label="层级")
    parent = filters.CharFilter(label="上级代码", field_name="parent_id")
    risk_class = filters.ChoiceFilter(label="风险分类", choices=RiskClass.choices)
    q = filters.CharFilter(label="名称或代码", method="filter_q")

    class Meta:
        model = Industry
        form = FilterForm
        fields = ["level", "parent", "risk_class", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))


def _districts_with_employers(request):
    """The districts of the employers the user can see (all districts without a request: the schema)."""
    districts = Region.objects.filter(level=RegionLevel.DISTRICT)
    if request is None:
        return districts
    return districts.filter(code__in=Enterprise.objects.for_user(request.user).values("region_id"))


class WorkplaceFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="名称（车间/工作场所或用人单位）", method="filter_q")
    region = filters.ModelChoiceFilter(
        label="所属区县",
        field_name="enterprise__region",
        queryset=lambda request: _districts_with_employers(request),
    )
    enterprise = filters.CharFilter(label="用人单位信用代码", field_name="enterprise__uscc")

    class Meta:
        model = Workplace
        fields = ["q", "region", "enterprise"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(name__contains=value) | Q(enterprise__name__contains=value))
            if value
            else queryset
        )
