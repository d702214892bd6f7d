"""HTMX helpers shared by the apps' views.

One pattern keeps counters and summaries in step with in-place actions: the view that answers an
HTMX action renders the changed fragment as usual and appends the counter partials out of band
(``hx-swap-oob``), so HTMX swaps them into the page by their ``id`` in the same response. Each
counter partial is a template whose root element carries a fixed ``id`` and, when rendered with
``oob`` true, ``hx-swap-oob="true"`` (see templates/declarations/_confirm_counts.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string


def is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def current_query(request: HttpRequest) -> QueryDict:
    """The query string of the page an HTMX request came from (``HX-Current-URL``), e.g. its filters,
    so that counters refreshed out of band count what the page shows."""
    return QueryDict(urlsplit(request.headers.get("HX-Current-URL", "")).query)


def render_with_oob(request: HttpRequest, template: str, context: Mapping[str, Any],
                    oob: Iterable[tuple[str, Mapping[str, Any]]]) -> HttpResponse:
    """``template`` rendered as the response, followed by each ``(partial, context)`` out of band."""
    response = render(request, template, context)
    for partial, partial_context in oob:
        # wrapped in <template> so that the HTML parser keeps it whole next to a <tr> or <li>;
        # htmx swaps the out-of-band elements found in a template and drops the template
        html = render_to_string(partial, {**partial_context, "oob": True}, request)
        response.content += f"<template>{html}</template>".encode()
    return response
