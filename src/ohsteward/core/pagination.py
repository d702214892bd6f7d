"""A Django paginator whose total ``count`` is kept for a short time per query.

Every page of a list asks the database for ``COUNT(*)`` of the whole filtered, scoped list; at
city scale that scan costs as much as the page itself. The count of the same query (the same SQL
and parameters, so the same jurisdiction, filters and search) is computed once and kept for
``settings.OHSTEWARD_LIST_COUNT_CACHE_SECONDS`` (0 = always count). Users of one scope paging
through a list share it; a list of another scope or with other filters is another query and
another count. A write shows in the count at the latest after that many seconds; the rows of
the page are always read fresh.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS
from django.utils.functional import cached_property


def count_cache_key(queryset) -> str | None:
    """The cache key of ``queryset``'s count, or None when it cannot be derived (not a queryset)."""
    query = getattr(queryset, "query", None)
    if query is None:
        return None
    try:
        sql, params = query.get_compiler(using=getattr(queryset, "db", DEFAULT_DB_ALIAS)).as_sql()
    except EmptyResultSet:  # a scope that matches nothing: counting costs nothing
        return None
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return f"ohs-count:{digest}"


class CachedCountPaginator(Paginator):
    """``Paginator`` with the total count cached per query (see the module docstring)."""

    @cached_property
    def count(self) -> int:
        seconds = settings.OHSTEWARD_LIST_COUNT_CACHE_SECONDS
        key = count_cache_key(self.object_list) if seconds > 0 else None
        if key is None:
            return super().count
        value = cache.get(key)
        if value is None:
            value = super().count
            cache.set(key, value, seconds)
        return value
