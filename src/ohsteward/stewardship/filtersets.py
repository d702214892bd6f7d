"""One FilterSet per model: the list pages' filter panels, the API's query parameters, exports."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import Count, Q

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.stewardship import rules
from ohsteward.stewardship.choices import AgreementStatus, ServiceContent, TeamLevel, VisitStatus
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam

YES_NO = [("yes", "是"), ("no", "否")]
SEVEN = [code for code, _label in rules.REQUIRED_QUALIFICATIONS]


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


def valid_kinds_count(today):
    """Annotation: how many of the seven 五师两员 kinds the team holds with a valid certificate on
    ``today`` — the SQL twin of ``rules.missing_qualifications`` (tested against it)."""
    valid = Q(members__valid_until__isnull=True) | Q(members__valid_until__gte=today)
    return Count("members__qualification", distinct=True, filter=Q(members__qualification__in=SEVEN) & valid)


class StewardTeamFilterSet(FilterSet):
    q = filters.CharFilter(label="团队名称", field_name="name", lookup_expr="contains")
    district = filters.ModelChoiceFilter(label="服务区县", field_name="district", queryset=_districts)
    level = filters.ChoiceFilter(label="团队层级", choices=TeamLevel.choices)
    complete = filters.ChoiceFilter(label="五师两员齐全", choices=YES_NO, method="filter_complete")

    class Meta:
        model = StewardTeam
        fields = ["q", "district", "level", "complete"]
        form = FilterForm

    def filter_complete(self, queryset, name, value):
        annotated = queryset.annotate(_valid_kinds=valid_kinds_count(self.today))
        if value == "yes":
            return annotated.filter(_valid_kinds=len(SEVEN))
        if value == "no":
            return annotated.filter(_valid_kinds__lt=len(SEVEN))
        return queryset


class ServiceAgreementFilterSet(FilterSet):
    q = filters.CharFilter(label="用人单位名称或信用代码", method="filter_q")
    team = filters.NumberFilter(label="团队编号", field_name="team_id")
    district = filters.ModelChoiceFilter(
        label="所属区县", field_name="enterprise__region", queryset=_districts
    )
    status = filters.ChoiceFilter(label="状态", choices=AgreementStatus.choices, method="filter_status")
    ending_within = filters.NumberFilter(label="N天内到期", method="filter_ending")

    class Meta:
        model = ServiceAgreement
        fields = ["q", "team", "district", "status", "ending_within"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__contains=value) | Q(enterprise__uscc=value.upper()))

    def filter_status(self, queryset, name, value):
        """``ended`` and ``active`` as users see them: an active agreement past its end has ended."""
        past = Q(end_date__lt=self.today)
        if value == AgreementStatus.ACTIVE:
            return queryset.filter(status=AgreementStatus.ACTIVE).exclude(past)
        if value == AgreementStatus.ENDED:
            return queryset.filter(
                Q(status=AgreementStatus.ENDED) | (Q(status=AgreementStatus.ACTIVE) & past)
            )
        return queryset.filter(status=value) if value else queryset

    def filter_ending(self, queryset, name, value):
        if value is None:
            return queryset
        horizon = self.today + dt.timedelta(days=int(value))
        return queryset.filter(status=AgreementStatus.ACTIVE, end_date__gte=self.today, end_date__lte=horizon)


class ServiceVisitFilterSet(FilterSet):
    q = filters.CharFilter(
        label="用人单位名称", field_name="agreement__enterprise__name", lookup_expr="contains"
    )
    agreement = filters.NumberFilter(label="协议编号", field_name="agreement_id")
    team = filters.NumberFilter(label="团队编号", field_name="agreement__team_id")
    content = filters.ChoiceFilter(label="服务内容", choices=ServiceContent.choices)
    status = filters.ChoiceFilter(label="状态", choices=VisitStatus.choices)
    due = filters.ChoiceFilter(
        label="期限",
        choices=[("month", "本月应办"), ("overdue", "已逾期")],
        method="filter_due",
    )

    class Meta:
        model = ServiceVisit
        fields = ["q", "agreement", "team", "content", "status", "due"]
        form = FilterForm

    def filter_due(self, queryset, name, value):
        if value == "month":
            return queryset.due_in_month(self.today)
        if value == "overdue":
            return queryset.overdue(self.today)
        return queryset
