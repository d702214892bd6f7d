"""A FilterSet base that knows today's date (for "overdue", "due this month" filters).

``ObjectListView`` passes ``today=timezone.localdate()`` to FilterSets built on this base, so a
filter never reads the date from the request object or the clock in the middle of a query.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone


class FilterSet(django_filters.FilterSet):
    accepts_today = True

    def __init__(self, data=None, queryset=None, *, today: dt.date | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today or timezone.localdate()
