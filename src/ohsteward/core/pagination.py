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
    """The cache key of ``queryset``'s count, or None when it cannot be derived (not a queryset).

    The key is what decides the count: the model, the WHERE clause with its values, the joins, and
    grouping/distinct. It is read from the query's structure (microseconds) rather than compiled to
    SQL (over a millisecond with the joins of a list); a query whose parts do not print their
    values (a subquery object, say) is compiled instead.
    """
    query = getattr(queryset, "query", None)
    if query is None:
        return None
    material = repr(
        (
            query.model._meta.label,
            str(query.where),
            [(a, type(j).__name__, getattr(j, "join_type", None)) for a, j in query.alias_map.items()],
            query.distinct,
            query.distinct_fields,
            query.values_select,
            str(query.group_by),
            query.combinator,
            sorted(query.annotation_select),
        )
    )
    if " object at 0x" in material or query.combinator:
        try:
            sql, params = query.get_compiler(using=getattr(queryset, "db", DEFAULT_DB_ALIAS)).as_sql()
        except EmptyResultSet:  # a scope that matches nothing: counting costs nothing
            return None
        material = repr((sql, params))
    return f"ohs-count:{hashlib.sha256(material.encode()).hexdigest()}"


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


class PkFirstPaginator(CachedCountPaginator):
    """Pages a queryset in two steps: the primary keys of the page (``OFFSET`` over the keys only,
    which PostgreSQL reads from a covering index without visiting the skipped rows), then those rows
    with their joins. Page 60 of a district's list costs about what page 1 costs."""

    def _get_page(self, object_list, number, paginator):
        query = getattr(object_list, "query", None)
        if query is None or query.low_mark == query.high_mark:
            return super()._get_page(object_list, number, paginator)
        ids = list(object_list.values_list("pk", flat=True))
        by_pk = self.object_list.filter(pk__in=ids).in_bulk()
        return super()._get_page([by_pk[pk] for pk in ids if pk in by_pk], number, paginator)
