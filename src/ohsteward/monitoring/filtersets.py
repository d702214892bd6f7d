"""FilterSets of monitoring: the list pages' filter panels, the API's query parameters (names fixed
by issue 11: ``enterprise`` (credit code), ``region``, ``factor``, ``compliant``, ``year``,
``institution``; ``status``; ``overdue``) and the exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.monitoring.queries import overdue_q
from ohsteward.registry.models import Enterprise

COMPLIANT = [("true", "符合"), ("false", "不符合"), ("none", "未判定")]
TASK_STATES = [("open", "整改中（未逾期）"), ("overdue", "已逾期"), ("closed", "已复测合格")]
YES_NO = [("true", "是"), ("false", "否")]


def _enterprise(queryset, value: str, path: str = "enterprise"):
    value = value.strip()
    return queryset.filter(Q(**{f"{path}__uscc": value.upper()}) | Q(**{f"{path}__name__contains": value}))


class _Common(FilterSet):
    enterprise = filters.CharFilter(label="用人单位（信用代码或名称）", method="filter_enterprise")
    region = filters.CharFilter(label="区县代码", method="filter_region")
    year = filters.NumberFilter(label="年度", method="filter_year")
    institution = filters.CharFilter(label="检测机构（信用代码或名称）", method="filter_institution")

    region_field = "enterprise__region_id"
    year_field = "measured_on__year"
    institution_path = "report__institution"

    def filter_enterprise(self, queryset, name, value):
        return _enterprise(queryset, value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{self.region_field: value.strip()})

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{self.year_field: int(value)})

    def filter_institution(self, queryset, name, value):
        value = value.strip()
        p = self.institution_path
        return queryset.filter(Q(**{f"{p}__uscc": value.upper()}) | Q(**{f"{p}__name__contains": value}))


class DetectionReportFilterSet(_Common):
    kind = filters.ChoiceFilter(label="报告类型", choices=ReportKind.choices)
    number = filters.CharFilter(label="报告编号", field_name="number", lookup_expr="icontains")
    year_field = "sampling_start__year"
    institution_path = "institution"

    class Meta:
        model = DetectionReport
        fields = ["enterprise", "region", "kind", "number", "year", "institution"]
        form = FilterForm


class MeasurementFilterSet(_Common):
    region_field = "district"  # the row's copy of its employer's district (Scope.enterprise_district)
    factor = filters.CharFilter(label="危害因素（名称或代码）", method="filter_factor")
    compliant = filters.ChoiceFilter(label="判定", choices=COMPLIANT, method="filter_compliant")
    report = filters.NumberFilter(label="报告", field_name="report_id")

    class Meta:
        model = Measurement
        fields = ["enterprise", "region", "factor", "compliant", "year", "institution", "report"]
        form = FilterForm

    def filter_factor(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(factor__code=value) | Q(factor__name=value) | Q(factor__name__contains=value)
        )

    def filter_compliant(self, queryset, name, value):
        if value == "none":
            return queryset.filter(compliant__isnull=True)
        return queryset.filter(compliant=(value == "true"))


class RectificationTaskFilterSet(FilterSet):
    status = filters.ChoiceFilter(label="状态", choices=TASK_STATES, method="filter_status")
    region = filters.CharFilter(label="区县代码", field_name="district")  # the employer's, copied
    enterprise = filters.CharFilter(label="用人单位（信用代码或名称）", method="filter_enterprise")

    class Meta:
        model = RectificationTask
        fields = ["status", "region", "enterprise"]
        form = FilterForm

    def filter_enterprise(self, queryset, name, value):
        return _enterprise(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(status="closed")
        if value == "overdue":
            return queryset.filter(status="open", deadline__lt=self.today)
        return queryset.filter(status="open", deadline__gte=self.today)


class DetectionDueFilterSet(FilterSet):
    """Employers with hazards (``queries.detection_due``) by their next 定期检测 due date."""

    region = filters.CharFilter(label="区县代码", field_name="region_id")
    overdue = filters.ChoiceFilter(label="已逾期", choices=YES_NO, method="filter_overdue")
    enterprise = filters.CharFilter(label="用人单位（信用代码或名称）", method="filter_enterprise")

    class Meta:
        model = Enterprise
        fields = ["region", "overdue", "enterprise"]
        form = FilterForm

    def filter_enterprise(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(uscc=value.upper()) | Q(name__contains=value))

    def filter_overdue(self, queryset, name, value):
        q = overdue_q(self.today)
        return queryset.filter(q) if value == "true" else queryset.exclude(q)
