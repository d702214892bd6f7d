"""Reading one spreadsheet cell typed by hand: text, whole numbers, amounts, dates.

Used by every importer (the register import, source-list intake, later apps) so that a cell means
the same everywhere and the same Chinese reason is given when it cannot be used. Pure, no Django.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Largest values the database columns hold comfortably (PositiveIntegerField, Decimal(14, 2)).
MAX_COUNT = 10_000_000
MAX_AMOUNT = Decimal("1e12")
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T].*)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)


class CellError(ValueError):
    """The reason (Chinese) why a cell cannot be used."""


# No record this platform keeps predates the People's Republic (the oldest registrations are of
# the 1950s); an earlier date is a typo or a placeholder such as 0001-01-01 or 1900-01-00.
EARLIEST_YEAR = 1949


def date_error(value: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why ``value`` is not a plausible date (Chinese), or None: the one rule for the importers,
    source-list intake and the API (issue 6 item 10). With ``today``, later dates are refused."""
    if today is not None and value > today:
        return "日期不能晚于今天"
    if value.year < EARLIEST_YEAR:
        return f"日期过早“{value.isoformat()}”"
    return None


def cell_text(value: Any) -> str:
    """A cell as stripped text; whole floats lose their ``.0`` (Excel stores codes as numbers)."""
    if type(value) is str:
        text = value.strip()
    elif value is None:
        return ""
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    elif isinstance(value, dt.datetime):
        return value.date().isoformat()
    elif isinstance(value, dt.date):
        return value.isoformat()
    else:
        text = str(value).strip()
    # Our own exports neutralise formula-looking cells with a leading apostrophe (core.spreadsheets);
    # a rejected-rows file that comes back corrected must read as the user typed it.
    if text[:1] == "'" and text[1:2] in {"=", "+", "-", "@"}:
        text = text[1:]
    return text


def parse_date(value: Any, *, today: dt.date | None = None) -> dt.date | None:
    """A date from an Excel date, an Excel serial number or text such as 2024-03-05, 2024/3/5,
    2024.3.5, 20240305 or 2024年3月5日. Dates after ``today`` are refused: a source list
    reports what happened, never what will."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(f"无法识别的日期“{cell_text(value)}”")
        result = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text:
            return None
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                try:
                    result = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
                except ValueError:
                    raise CellError(f"日期不存在“{text}”") from None
                break
        else:
            raise CellError(f"无法识别的日期“{text}”，请写成 2024-03-05")
    message = date_error(result, today=today)
    if message:
        raise CellError(message)
    return result


def parse_count(value: Any) -> int | None:
    """A non-negative whole number (人数、点数); "12人" and 12.0 are accepted."""
    text = cell_text(value)
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).replace(",", "").removesuffix("人").removesuffix("个").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为整数，实际为“{cell_text(value)}”") from None
    if number != number.to_integral_value():
        raise CellError(f"应为整数，实际为“{cell_text(value)}”")
    if number < 0:
        raise CellError("不能为负数")
    if number > MAX_COUNT:
        raise CellError("数值过大")
    return int(number)


def parse_amount(value: Any) -> Decimal | None:
    """A non-negative amount in 万元, two decimals."""
    text = cell_text(value)
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).replace(",", "").removesuffix("万元").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为数字（万元），实际为“{cell_text(value)}”") from None
    if number < 0:
        raise CellError("不能为负数")
    if number >= MAX_AMOUNT:
        raise CellError("数值过大")
    return number.quantize(Decimal("0.01"))
