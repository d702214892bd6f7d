"""Logging helpers referenced from settings.LOGGING."""

from __future__ import annotations

import logging


class QuietForbidden(logging.Filter):
    """A 403 is an ordinary answer (a user followed a link they may not use): log one line, not a
    traceback. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
