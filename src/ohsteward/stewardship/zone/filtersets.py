"""Filter panels (and export filters) of the online service zone's lists."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.stewardship.zone import rules
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

QUESTION_STATES = [("open", "待答复"), ("overdue", "已超期"), ("answered", "已答复")]


class TeamRequestFilterSet(FilterSet):
    status = filters.ChoiceFilter(label="状态", choices=rules.REQUEST_STATES)

    class Meta:
        model = TeamRequest
        form = FilterForm
        fields = ["status"]


class ExpertQuestionFilterSet(FilterSet):
    q = filters.CharFilter(label="问题或单位", method="filter_q")
    topic = filters.ChoiceFilter(label="问题类别", choices=rules.QUESTION_TOPICS)
    state = filters.ChoiceFilter(label="状态", choices=QUESTION_STATES, method="filter_state")

    class Meta:
        model = ExpertQuestion
        form = FilterForm
        fields = ["q", "topic", "state"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(question__contains=value) | Q(enterprise__name__contains=value))

    def filter_state(self, queryset, name, value):
        if value == "answered":
            return queryset.filter(answered_at__isnull=False)
        if value == "overdue":
            return queryset.overdue(self.today)
        if value == "open":
            return queryset.unanswered().filter(due_on__gte=self.today)
        return queryset


class VisitFindingFilterSet(FilterSet):
    category = filters.ChoiceFilter(label="问题类别", choices=rules.FINDING_CATEGORIES)
    severity = filters.ChoiceFilter(label="严重程度", choices=rules.SEVERITIES)
    enterprise = filters.CharFilter(
        label="用人单位", field_name="visit__agreement__enterprise__name", lookup_expr="contains"
    )

    class Meta:
        model = VisitFinding
        form = FilterForm
        fields = ["category", "severity", "enterprise"]
