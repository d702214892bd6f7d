"""An ordinary 403 is logged as one line, without a traceback (issue 8 item 18)."""

from __future__ import annotations

import logging
import sys

from ohsteward.core.logging import QuietForbidden


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("nope")
    except PermissionError:
        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", None, info)
    record.status_code = status
    return record


def test_a_forbidden_response_is_logged_without_its_traceback():
    record = _record(403)
    assert QuietForbidden().filter(record) and record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)


def test_a_server_error_keeps_its_traceback():
    record = _record(500)
    assert QuietForbidden().filter(record) and record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_handler_uses_the_filter(settings):
    assert "quiet_forbidden" in settings.LOGGING["handlers"]["console"]["filters"]
