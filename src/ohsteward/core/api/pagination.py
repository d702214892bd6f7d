from rest_framework import pagination

from ohsteward.core.pagination import CachedCountPaginator, PkFirstPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}`` with ``page`` and ``page_size`` (≤ 1000); ``count`` is
    kept for OHSTEWARD_LIST_COUNT_CACHE_SECONDS per query (core/pagination.py)."""

    django_paginator_class = CachedCountPaginator

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class PkFirstPageNumberPagination(PageNumberPagination):
    """The same pages, found by primary key first (core/pagination.py): for long lists ordered by an
    indexed column (the register)."""

    django_paginator_class = PkFirstPaginator
