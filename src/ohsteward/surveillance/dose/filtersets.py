"""Filters of the dose records: the list page's panel, API query parameters, exports."""

from __future__ import annotations

import django_filters as filters

from ohsteward.core.forms import FilterForm
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.exams.filtersets import _WorkerFilters


class DoseRecordFilterSet(_WorkerFilters):
    period_start = filters.DateFilter(label="监测周期开始", field_name="period_start")
    above = filters.BooleanFilter(label="超过调查水平", field_name="above_investigation")

    class Meta:
        model = DoseRecord
        fields = ["q", "enterprise", "region", "period_start", "above"]
        form = FilterForm
