"""A write that waited out SQLite's lock answers 503 "系统正忙，请稍后重试", not a 500.

SQLite lets one writer at a time; a connection waits up to its ``timeout`` (20 s) for the lock.
Long writes (intake, imports) run in background jobs in chunks that commit, so a web write
normally waits well under a second; should it still time out, the user is told in Chinese to
try again (and an API client gets 503 with ``Retry-After``). PostgreSQL has no such lock
(docs/configuration.md says when to move to it).
"""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

BUSY_MESSAGE = "系统正忙（正在写入大批量数据），您的操作没有保存，请稍后重试。"
RETRY_AFTER_SECONDS = 5


def is_database_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc).lower()


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_database_locked(exc):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": BUSY_MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            response = HttpResponse(render_to_string("503.html", {"message": BUSY_MESSAGE}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
