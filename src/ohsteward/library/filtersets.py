"""The library's filter panel (search, kind, status), also the export's."""

from __future__ import annotations

import django_filters as filters

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.library.choices import RegulationKind, RegulationStatus
from ohsteward.library.models import Regulation


class RegulationFilterSet(FilterSet):
    q = filters.CharFilter(label="文号、名称、发布机关或解读", method="filter_q")
    kind = filters.ChoiceFilter(label="类别", choices=RegulationKind.choices)
    status = filters.ChoiceFilter(label="状态", choices=RegulationStatus.choices)

    class Meta:
        model = Regulation
        form = FilterForm
        fields = ["q", "kind", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
