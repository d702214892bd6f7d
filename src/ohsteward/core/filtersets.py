"""A FilterSet base that knows today's date (for "overdue", "due this month" filters).

``ObjectListView`` passes ``today=timezone.localdate()`` to FilterSets built on this base, so a
filter never reads the date from the request object or the clock in the middle of a query.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone

from ohsteward.core.forms import FilterForm


class FilterSet(django_filters.FilterSet):
    """Subclasses that declare their own ``Meta`` set ``form = FilterForm`` there too ("全部" labels)."""

    accepts_today = True

    class Meta:
        form = FilterForm

    def __init__(self, data=None, queryset=None, *, today: dt.date | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today or timezone.localdate()
