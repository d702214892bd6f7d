"""HTMX in one place: is this request HTMX, does it want a partial, and the ``Vary`` header.

One URL answers two bodies (the full page, or the fragment HTMX swaps in), so every response of
such a view carries ``Vary: HX-Request``; otherwise a cache could serve the fragment as a page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
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
