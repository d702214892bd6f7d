"""One FilterSet per model: the UI filter panel, the API query parameters and the exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils import timezone

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.institutions import rules
from ohsteward.institutions.choices import (
    CardKind,
    CardStatus,
    Colour,
    GuidanceKind,
    InspectionResult,
    InspectionStatus,
    InstitutionKind,
    ProficiencyKind,
    ProficiencyOutcome,
    RectificationStatus,
    ReferralDirection,
    ReferralStatus,
)
from ohsteward.institutions.models import (
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    QcInspection,
    Qualification,
    Rectification,
    Referral,
    ReportCard,
    TechnicalGuidance,
)
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region

ORIGIN_CHOICES = [("local", "本市机构"), ("out_of_province", "外省来渝机构")]


class InstitutionFilterSet(FilterSet):
    """``expiring``: a qualification ends within ``rules.QUALIFICATION_WARNING_DAYS`` of the page's today."""

    q = filters.CharFilter(label="名称或信用代码", method="filter_q")
    kind = filters.ChoiceFilter(label="机构类别", choices=InstitutionKind.choices, method="filter_kind")
    origin = filters.ChoiceFilter(label="来源", choices=ORIGIN_CHOICES, method="filter_origin")
    region = filters.ModelChoiceFilter(
        label="所在区县",
        field_name="region",
        queryset=Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"),
    )
    qc_number = filters.CharFilter(label="质量控制号", field_name="qc_number")
    expiring = filters.BooleanFilter(label="资质90天内到期", method="filter_expiring")

    class Meta:
        model = Institution
        form = FilterForm
        fields = ["q", "kind", "origin", "region", "qc_number", "expiring"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        start, end = rules.expiry_window(self.today)
        ids = Qualification.objects.filter(valid_until__gte=start, valid_until__lte=end).values(
            "institution_id"
        )
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(Q(name__icontains=value) | Q(uscc__iexact=value)) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(value) if value else queryset

    def filter_origin(self, queryset, name, value):
        if value == "out_of_province":
            return queryset.out_of_province()
        if value == "local":
            return queryset.filter(province=rules.HOME_PROVINCE)
        return queryset


class QcInspectionFilterSet(filters.FilterSet):
    year = filters.NumberFilter(label="年度", field_name="year")
    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")
    status = filters.ChoiceFilter(label="状态", choices=InspectionStatus.choices)
    result = filters.ChoiceFilter(label="结论", choices=InspectionResult.choices)
    plan = filters.NumberFilter(label="质控计划", field_name="plan_id")

    class Meta:
        model = QcInspection
        form = FilterForm
        fields = ["year", "institution", "status", "result", "plan"]


class RectificationFilterSet(FilterSet):
    """``overdue``: open past the deadline (as of the page's today)."""

    year = filters.NumberFilter(label="年度", field_name="inspection__year")
    institution = filters.CharFilter(label="机构（信用代码）", field_name="inspection__institution__uscc")
    status = filters.ChoiceFilter(label="状态", choices=RectificationStatus.choices)
    overdue = filters.BooleanFilter(label="已逾期未验收", method="filter_overdue")

    class Meta:
        model = Rectification
        form = FilterForm
        fields = ["year", "institution", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status=RectificationStatus.OPEN, deadline__lt=self.today)
        return queryset.filter(late) if value else queryset.exclude(late)


class ProficiencyResultFilterSet(filters.FilterSet):
    year = filters.NumberFilter(label="年度", field_name="round__year")
    kind = filters.ChoiceFilter(label="类别", choices=ProficiencyKind.choices, field_name="round__kind")
    round = filters.NumberFilter(label="轮次", field_name="round_id")
    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")
    outcome = filters.ChoiceFilter(label="结果", choices=ProficiencyOutcome.choices)

    class Meta:
        model = ProficiencyResult
        form = FilterForm
        fields = ["year", "kind", "round", "institution", "outcome"]


class InstitutionGradeFilterSet(filters.FilterSet):
    year = filters.NumberFilter(label="年度", field_name="year")
    colour = filters.ChoiceFilter(label="颜色", choices=Colour.choices)
    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")

    class Meta:
        model = InstitutionGrade
        form = FilterForm
        fields = ["year", "colour", "institution"]


class PerformanceEvaluationFilterSet(filters.FilterSet):
    year = filters.NumberFilter(label="年度", field_name="year")
    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")

    class Meta:
        model = PerformanceEvaluation
        form = FilterForm
        fields = ["year", "institution"]


class ReferralFilterSet(FilterSet):
    """``month`` (YYYY-MM): handed over in that month; ``open``: neither closed nor returned."""

    direction = filters.ChoiceFilter(label="移交方向", choices=ReferralDirection.choices)
    status = filters.ChoiceFilter(label="状态", choices=ReferralStatus.choices)
    open = filters.BooleanFilter(label="未办结", method="filter_open")
    district = filters.ModelChoiceFilter(
        label="承办区县",
        field_name="district",
        queryset=Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"),
    )
    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")
    month = filters.CharFilter(label="移交月份（YYYY-MM）", method="filter_month")

    class Meta:
        model = Referral
        form = FilterForm
        fields = ["direction", "status", "open", "district", "institution", "month"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        done = Q(status__in=[ReferralStatus.CLOSED, ReferralStatus.RETURNED])
        return queryset.exclude(done) if value else queryset.filter(done)

    def filter_month(self, queryset, name, value):
        parsed = rules.parse_month(value or "")
        if parsed is None:
            return queryset
        first, last = rules.month_bounds(*parsed)
        return queryset.filter(handed_on__gte=first, handed_on__lte=last)


class TechnicalGuidanceFilterSet(filters.FilterSet):
    year = filters.NumberFilter(label="年度", field_name="visited_on__year")
    institution = filters.CharFilter(label="指导机构（信用代码）", field_name="institution__uscc")
    enterprise = filters.CharFilter(label="用人单位（信用代码）", field_name="enterprise__uscc")
    kind = filters.ChoiceFilter(label="工作类别", choices=GuidanceKind.choices)
    region = filters.ModelChoiceFilter(
        label="用人单位所在区县",
        field_name="enterprise__region",
        queryset=Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"),
    )

    class Meta:
        model = TechnicalGuidance
        form = FilterForm
        fields = ["year", "institution", "enterprise", "kind", "region"]


class ReportCardFilterSet(filters.FilterSet):
    """The API contract (issue 9): ``institution`` (credit code), ``status`` (on_time / late /
    missing), ``year`` (of the activity)."""

    institution = filters.CharFilter(label="机构（信用代码）", field_name="institution__uscc")
    status = filters.ChoiceFilter(label="报送情况", choices=CardStatus.choices, method="filter_status")
    year = filters.NumberFilter(label="年度", field_name="performed_on__year")
    kind = filters.ChoiceFilter(label="报告卡类别", choices=CardKind.choices)
    overdue = filters.BooleanFilter(label="已过期限未报送", method="filter_overdue")

    class Meta:
        model = ReportCard
        form = FilterForm
        fields = ["institution", "status", "year", "kind", "overdue"]

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
