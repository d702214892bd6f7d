"""FilterSets of training: list pages' filter panels, API query parameters, exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.stewardship.training import rules
from ohsteward.stewardship.training.models import TrainingNeed, TrainingRecord, TrainingSession

DATE = {"type": "date"}


class TrainingSessionFilterSet(FilterSet):
    q = filters.CharFilter(label="主题、授课人或用人单位", method="filter_q")
    mode = filters.ChoiceFilter(label="方式", choices=list(rules.MODES))
    held_after = filters.DateFilter(label="培训日期从", field_name="held_on", lookup_expr="gte")
    held_before = filters.DateFilter(label="至", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields = ["q", "mode", "held_after", "held_before"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        matching = TrainingSession.objects.filter(
            Q(topic__contains=value)
            | Q(trainer__contains=value)
            | Q(links__enterprise__name__contains=value)
            | Q(links__enterprise__uscc=value.upper())
        ).values("pk")
        return queryset.filter(pk__in=matching)


class TrainingRecordFilterSet(FilterSet):
    q = filters.CharFilter(label="姓名或用人单位", method="filter_q")
    role = filters.ChoiceFilter(label="人员类别", field_name="trainee__role", choices=list(rules.ROLES))
    enterprise = filters.NumberFilter(label="用人单位编号", field_name="enterprise_id")
    session = filters.NumberFilter(label="培训编号", field_name="session_id")
    year = filters.NumberFilter(label="年度", field_name="trained_on__year")
    trained_after = filters.DateFilter(label="培训日期从", field_name="trained_on", lookup_expr="gte")
    trained_before = filters.DateFilter(label="至", field_name="trained_on", lookup_expr="lte")

    class Meta:
        model = TrainingRecord
        fields = ["q", "role", "enterprise", "session", "year", "trained_after", "trained_before"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(trainee__name__contains=value)
            | Q(enterprise__name__contains=value)
            | Q(enterprise__uscc=value.upper())
        )


NEED_STATES = [("due", "待培训"), ("overdue", "已逾期"), ("met", "已培训")]


class TrainingNeedFilterSet(FilterSet):
    """``enterprise`` by 统一社会信用代码; ``status`` due/overdue/met (the queryset carries ``state``,
    ``TrainingNeedQuerySet.with_state``)."""

    enterprise = filters.CharFilter(label="统一社会信用代码", method="filter_enterprise")
    status = filters.ChoiceFilter(label="状态", choices=NEED_STATES, method="filter_status")

    class Meta:
        model = TrainingNeed
        fields = ["enterprise", "status"]
        form = FilterForm

    def filter_enterprise(self, queryset, name, value):
        return queryset.filter(enterprise__uscc=value.strip().upper())

    def filter_status(self, queryset, name, value):
        return queryset.filter(state=value)
