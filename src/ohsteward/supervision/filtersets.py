"""FilterSets of classified supervision: filter panels, API query parameters, exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.supervision.choices import (
    CaseStatus,
    CrossCheckKind,
    FindingStatus,
    HazardLevel,
    InspectionState,
    ManagementStatus,
    RiskClass,
    SiteInspectionStatus,
    WarningKind,
)
from ohsteward.supervision.models import (
    ConstructionProject,
    CrossCheckFinding,
    EarlyWarning,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
)


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


class _EnterpriseFilters(FilterSet):
    q = filters.CharFilter(label="用人单位名称或信用代码", method="filter_q")
    enterprise = filters.CharFilter(label="统一社会信用代码", field_name="enterprise__uscc")
    region = filters.ModelChoiceFilter(label="区县", field_name="enterprise__region", queryset=_districts)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise__name__contains=value) | Q(enterprise__uscc=value.upper()))


class RiskAssessmentFilterSet(_EnterpriseFilters):
    hazard_level = filters.ChoiceFilter(label="风险等级", choices=HazardLevel.choices)
    management_status = filters.ChoiceFilter(label="管理状况", choices=ManagementStatus.choices)
    comprehensive_class = filters.ChoiceFilter(label="综合风险类别", choices=RiskClass.choices)
    latest = filters.BooleanFilter(label="仅最近一次", method="filter_latest")

    class Meta:
        model = RiskAssessment
        fields = [
            "q",
            "enterprise",
            "region",
            "hazard_level",
            "management_status",
            "comprehensive_class",
            "latest",
        ]
        form = FilterForm

    def filter_latest(self, queryset, name, value):
        return queryset.newest_per_enterprise() if value else queryset


class SelfInspectionFilterSet(_EnterpriseFilters):
    state = filters.ChoiceFilter(label="状态", choices=InspectionState.choices)
    status = filters.ChoiceFilter(label="管理状况", choices=ManagementStatus.choices)

    class Meta:
        model = SelfInspection
        fields = ["q", "enterprise", "region", "state", "status"]
        form = FilterForm


class InspectionPlanFilterSet(FilterSet):
    year = filters.NumberFilter(label="年度")
    district = filters.ModelChoiceFilter(label="区县", field_name="district", queryset=_districts)

    class Meta:
        model = InspectionPlan
        fields = ["year", "district"]
        form = FilterForm


class InspectionFilterSet(_EnterpriseFilters):
    plan = filters.NumberFilter(label="计划编号", field_name="plan_id")
    status = filters.ChoiceFilter(label="状态", choices=SiteInspectionStatus.choices)
    overdue = filters.BooleanFilter(label="逾期未复查", method="filter_overdue")

    class Meta:
        model = Inspection
        fields = ["q", "enterprise", "region", "plan", "status", "overdue"]
        form = FilterForm

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            order_deadline__lt=self.today, reinspections__isnull=True, cases__isnull=True
        ).distinct()


class EnforcementCaseFilterSet(_EnterpriseFilters):
    status = filters.ChoiceFilter(label="状态", choices=CaseStatus.choices)

    class Meta:
        model = EnforcementCase
        fields = ["q", "enterprise", "region", "status"]
        form = FilterForm


class ConstructionProjectFilterSet(_EnterpriseFilters):
    serious = filters.BooleanFilter(label="职业病危害严重")
    late = filters.BooleanFilter(label="有阶段滞后", method="filter_late")

    class Meta:
        model = ConstructionProject
        fields = ["q", "enterprise", "region", "serious", "late"]
        form = FilterForm

    def filter_late(self, queryset, name, value):
        """The SQL twin of ``rules.late_stages``."""
        if value is None:
            return queryset
        t = self.today
        started = Q(started_on__lte=t) & (
            Q(pre_assessment_on__isnull=True) | (Q(serious=True) & Q(design_on__isnull=True))
        )
        finished = Q(planned_completion__lt=t) & (
            Q(control_effect_on__isnull=True) | Q(acceptance_on__isnull=True)
        )
        return queryset.filter(started | finished) if value else queryset.exclude(started | finished)


class EarlyWarningFilterSet(_EnterpriseFilters):
    kind = filters.ChoiceFilter(label="预警类型", choices=WarningKind.choices)
    open = filters.BooleanFilter(label="未解除", field_name="closed_on", lookup_expr="isnull")

    class Meta:
        model = EarlyWarning
        fields = ["q", "enterprise", "region", "kind", "open"]
        form = FilterForm


class CrossCheckFindingFilterSet(FilterSet):
    """Filters of the stored cross-check findings: ``institution`` and ``enterprise`` take the
    credit code; ``region`` a district (the employer's or the institution's); ``current=true``
    keeps what the latest run still finds."""

    year = filters.NumberFilter(label="年度", field_name="year")
    kind = filters.ChoiceFilter(label="核查类别", choices=CrossCheckKind.choices)
    status = filters.ChoiceFilter(label="核实结论", choices=FindingStatus.choices)
    institution = filters.CharFilter(label="机构（信用代码）", method="filter_institution")
    enterprise = filters.CharFilter(label="用人单位（信用代码）", method="filter_enterprise")
    region = filters.ModelChoiceFilter(label="区县", method="filter_region", queryset=_districts)
    current = filters.BooleanFilter(label="最近一次核查仍发现", field_name="gone_at", lookup_expr="isnull")

    class Meta:
        model = CrossCheckFinding
        fields = ["year", "kind", "status", "institution", "enterprise", "region", "current"]
        form = FilterForm

    def filter_institution(self, queryset, name, value):
        return queryset.filter(institution__uscc=value.strip().upper())

    def filter_enterprise(self, queryset, name, value):
        return queryset.filter(enterprise__uscc=value.strip().upper())

    def filter_region(self, queryset, name, value):
        return queryset.about_region(value.pk) if value is not None else queryset
