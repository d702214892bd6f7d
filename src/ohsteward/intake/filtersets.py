"""One FilterSet per list of the intake app: the page's filter panel, the API's query parameters
and the exports (page, API and background job) use the same one.

``batches_for`` and ``review_rows_for`` rebuild a list from a query string without a request, so
that an export job writes exactly the rows the page showed.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.http import QueryDict

from ohsteward.accounts import access
from ohsteward.core.forms import FilterForm
from ohsteward.intake.choices import BatchStatus, RowStatus, SourceKind
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.queries import review_queue
from ohsteward.intake.tables import SourceBatchTable
from ohsteward.registry.models import Enterprise


class SourceBatchFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(label="来源类型", choices=SourceKind.choices)
    status = filters.ChoiceFilter(label="状态", choices=BatchStatus.choices)

    class Meta:
        model = SourceBatch
        form = FilterForm
        fields = ["kind", "status"]


class SourceRowFilterSet(filters.FilterSet):
    """The API's rows (and review queue) parameters."""

    batch = filters.NumberFilter(field_name="batch_id")
    status = filters.ChoiceFilter(choices=RowStatus.choices)
    district = filters.CharFilter(field_name="district_id")
    enterprise = filters.NumberFilter(method="filter_enterprise")
    kind = filters.ChoiceFilter(field_name="batch__kind", choices=SourceKind.choices)

    class Meta:
        model = SourceRow
        form = FilterForm
        fields = ["batch", "status", "district", "enterprise", "kind"]

    def filter_enterprise(self, queryset, name, value):
        # only employers the caller may see: filtering by another district's id tells nothing
        visible = Enterprise.objects.for_user(self.request.user).filter(pk=value)
        return queryset.filter(enterprise_id=value, enterprise__in=visible)


class BatchRowFilterSet(filters.FilterSet):
    """The rows of one batch on its page (按状态查看) and in its export."""

    status = filters.ChoiceFilter(label="按状态查看", choices=RowStatus.choices)

    class Meta:
        model = SourceRow
        form = FilterForm
        fields = ["status"]


def _writable_districts(request):
    # the districts the viewer works in (a district officer: only their own), as on every form
    return access.writable_districts(request.user if request is not None else None)


class ReviewFilterSet(filters.FilterSet):
    """The review queue's panel: a name or the start of a credit code, and a district."""

    # a search box: the filter panel applies it while typing (generic/_filters.html)
    q = filters.CharFilter(
        label="名称或信用代码", method="filter_q", widget=forms.TextInput(attrs={"type": "search"})
    )
    district = filters.ModelChoiceFilter(
        label="区县", field_name="district", queryset=_writable_districts, to_field_name="code"
    )

    class Meta:
        model = SourceRow
        form = FilterForm
        fields = ["q", "district"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))


REVIEW_ORDER = ("-batch_id", "row_number")


class _UserRequest:
    """What a FilterSet reads of a request (its user) when a job rebuilds a list without one."""

    def __init__(self, user) -> None:
        self.user = user


def batches_for(user, query: QueryDict):
    """The batch list as the page filters and sorts it for ``user`` and a query string."""
    filterset = SourceBatchFilterSet(
        query or None, queryset=SourceBatch.objects.for_user(user), request=_UserRequest(user)
    )
    order = SourceBatchTable.sort_fields(query.get("sort", "")) or SourceBatchTable.sort_fields(
        SourceBatchTable.default_sort
    )
    return filterset.qs.order_by(*order) if order else filterset.qs


def review_rows_for(user, query: QueryDict):
    """The review queue as the page filters it for ``user`` and a query string (its order is fixed)."""
    filterset = ReviewFilterSet(query or None, queryset=review_queue(user), request=_UserRequest(user))
    return filterset.qs.order_by(*REVIEW_ORDER)
