"""Query-count assertions for list pages: the number of queries must not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func: Callable[[], Any]) -> tuple[int, Any]:
    """Run ``func`` and return (number of queries it sent, its result)."""
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return len(captured), result


def assert_constant_queries(
    fetch: Callable[[], Any], add_rows: Callable[[], Any], *, at_most: int | None = None
) -> int:
    """``fetch`` (e.g. ``lambda: client.get(url)``) sends as many queries after ``add_rows()`` as
    before it: no query per row (an N+1 in a table cell or a template). ``fetch`` is called once
    first to warm caches (content types, the session); start with at least one row, as an empty
    page skips the query that loads the rows. Returns the count; ``at_most`` caps it.
    """
    fetch()
    before, _ = count_queries(fetch)
    add_rows()
    after, _ = count_queries(fetch)
    assert after == before, (
        f"the page sent {before} queries, and {after} after rows were added (a query per row?)"
    )
    if at_most is not None:
        assert after <= at_most, f"the page sent {after} queries, more than the {at_most} expected"
    return after
