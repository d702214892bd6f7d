"""One FilterSet per model: the UI filter panels, the API query parameters and the exports."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils import timezone

from ohsteward.core.forms import FilterForm
from ohsteward.declarations.choices import DeclarationChannel, DeclarationKind, EntryStatus, ListReason
from ohsteward.declarations.models import Declaration, HazardListEntry, reason_choices_for
from ohsteward.registry.choices import RiskClass, SizeClass
from ohsteward.registry.models import Enterprise


class HazardListEntryFilterSet(filters.FilterSet):
    """Filters of the hazard-employer list (page, export and ``/api/v1/hazard-employers/``).

    ``declared`` needs the queryset annotated by ``with_declaration()``.
    """

    year = filters.NumberFilter(label="年度", field_name="hazard_list__year")
    q = filters.CharFilter(label="名称或信用代码", method="filter_q")
    region = filters.CharFilter(label="区县代码", field_name="region_id")
    reason = filters.ChoiceFilter(label="列入原因", choices=ListReason.choices, method="filter_reason")
    industry_risk = filters.ChoiceFilter(
        label="行业风险分类", choices=RiskClass.choices, field_name="enterprise__industry_risk"
    )
    size_class = filters.ChoiceFilter(
        label="企业规模", choices=SizeClass.choices, field_name="enterprise__size_class"
    )
    status = filters.ChoiceFilter(label="核实结果", choices=EntryStatus.choices)
    declared = filters.BooleanFilter(label="已申报", field_name="declared")
    overdue = filters.BooleanFilter(label="逾期未核实", method="filter_overdue")

    class Meta:
        model = HazardListEntry
        form = FilterForm
        fields = ["year", "q", "region", "reason", "industry_risk", "size_class", "status", "declared"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        reason = self.filters["reason"]
        reason.extra["choices"] = reason_choices_for(user)
        # a form field built earlier (the API schema builds one on the class's filter) is copied
        # along with the filter: drop it so the field is made with this user's choices
        reason.__dict__.pop("_field", None)
        self.may_see_tipoffs = len(reason.extra["choices"]) == len(ListReason.choices)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(enterprise__in=Enterprise.objects.search(value).values("pk"))

    def filter_reason(self, queryset, name, value):
        # Reasons are a JSON list of codes; the quoted code is matched inside its JSON text
        # (portable across SQLite and PostgreSQL, unlike JSON containment).
        if not value:
            return queryset
        if value == ListReason.INSPECTION and not self.may_see_tipoffs:
            # a tip-off is shown as an inspection find: the filter must find it too, or the difference
            # between the two would name the tip-offs

            return queryset.filter(
                Q(reasons__icontains=f'"{value}"') | Q(reasons__icontains=f'"{ListReason.TIP_OFF}"')
            )
        return queryset.filter(reasons__icontains=f'"{value}"')

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = getattr(self.request, "today", None) or timezone.localdate()
        overdue = queryset.confirmation_overdue(today)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DeclarationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="名称、信用代码或回执编号", method="filter_q")
    region = filters.CharFilter(label="区县代码", field_name="enterprise__region_id")
    kind = filters.ChoiceFilter(label="申报类型", choices=DeclarationKind.choices)
    channel = filters.ChoiceFilter(label="申报渠道", choices=DeclarationChannel.choices)
    declared_after = filters.DateFilter(label="申报日期起", field_name="declared_on", lookup_expr="gte")
    declared_before = filters.DateFilter(label="申报日期止", field_name="declared_on", lookup_expr="lte")
    enterprise = filters.NumberFilter(label="用人单位ID", field_name="enterprise_id")

    class Meta:
        model = Declaration
        form = FilterForm
        fields = ["q", "region", "kind", "channel", "status", "enterprise"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(receipt_no__icontains=value) | Q(enterprise__in=Enterprise.objects.search(value).values("pk"))
        )
