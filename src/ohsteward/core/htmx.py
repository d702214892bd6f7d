"""HTMX in one place: is this request HTMX, does it want a partial, and the ``Vary`` header.

One URL answers two bodies (the full page, or the fragment HTMX swaps in), so every response of
such a view carries ``Vary: HX-Request``; otherwise a cache could serve the fragment as a page.

Counters stay in step with in-place actions through one pattern: the view that answers an HTMX
action renders the changed fragment as usual and appends the counter partials out of band
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
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for requests sent by htmx (it sends ``HX-Request: true``; boosted links included)."""
    return request.headers.get("HX-Request") == "true"


def is_partial(request: HttpRequest, target: str | None = None) -> bool:
    """True when htmx asks for a fragment: an htmx request that is not boosted, optionally aimed at
    the element with id ``target`` (``HX-Target`` is the id of the element being swapped)."""
    if not is_htmx(request) or request.headers.get("HX-Boosted") == "true":
        return False
    return target is None or request.headers.get("HX-Target") == target


def vary(response: HttpResponse) -> HttpResponse:
    """Mark a response whose body depends on whether htmx asked for it."""
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def current_query(request: HttpRequest) -> QueryDict:
    """The query string of the page an HTMX request came from (``HX-Current-URL``), e.g. its filters,
    so that counters refreshed out of band count what the page shows."""
    return QueryDict(urlsplit(request.headers.get("HX-Current-URL", "")).query)


def render_with_oob(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    oob: Iterable[tuple[str, Mapping[str, Any]]],
) -> HttpResponse:
    """``template`` rendered as the response, followed by each ``(partial, context)`` out of band."""
    response = render(request, template, context)
    for partial, partial_context in oob:
        # wrapped in <template> so that the HTML parser keeps it whole next to a <tr> or <li>;
        # htmx swaps the out-of-band elements found in a template and drops the template
        html = render_to_string(partial, {**partial_context, "oob": True}, request)
        response.content += f"<template>{html}</template>".encode()
    return response
