"""One FilterSet per model: the list pages' filter panels, the API's query parameters, exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.surveillance.choices import DueState, EmploymentType, ExamKind
from ohsteward.surveillance.models import Worker

DUE_SOON_DAYS = 30  # "next_30_days" (issue 12 API)
EMPLOYED = [("current", "在职"), ("left", "已离职")]


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


class WorkerFilterSet(FilterSet):
    q = filters.CharFilter(label="姓名", method="filter_q")
    enterprise = filters.CharFilter(label="用人单位信用代码", method="filter_enterprise")
    region = filters.ModelChoiceFilter(label="所属区县", field_name="enterprise__region", queryset=_districts)
    employment_type = filters.ChoiceFilter(label="用工形式", choices=EmploymentType.choices)
    due = filters.ChoiceFilter(label="体检状态", choices=DueState.choices, method="filter_due")
    next_exam_kind = filters.ChoiceFilter(label="应检类别", choices=ExamKind.choices)
    employed = filters.ChoiceFilter(label="在职状态", choices=EMPLOYED, method="filter_employed")

    class Meta:
        model = Worker
        fields = ["q", "enterprise", "region", "employment_type", "due", "next_exam_kind", "employed"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        """The name. An ID number is never a query parameter (URLs end up in access logs): the
        list page's 按身份证号查找 form posts it (``WorkerFindView``)."""
        value = (value or "").strip()
        return queryset.filter(name__contains=value) if value else queryset

    def filter_enterprise(self, queryset, name, value):
        value = (value or "").strip().upper()
        return (
            queryset.filter(Q(enterprise__uscc=value) | Q(enterprise__name__contains=value))
            if value
            else queryset
        )

    def filter_due(self, queryset, name, value):
        """overdue: due before today; next_30_days: due from today to 30 days on; never: no exam
        on record (and under surveillance: an exam is due)."""
        if value == DueState.OVERDUE:
            return queryset.overdue(self.today)
        if value == DueState.NEXT_30_DAYS:
            return queryset.due_within(self.today, DUE_SOON_DAYS)
        if value == DueState.NEVER:
            return queryset.never_examined().filter(next_exam_due__isnull=False)
        return queryset

    def filter_employed(self, queryset, name, value):
        left = Q(leave_date__lt=self.today)
        if value == "current":
            return queryset.exclude(left)
        if value == "left":
            return queryset.filter(left)
        return queryset
