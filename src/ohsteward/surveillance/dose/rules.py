"""Rules of personal dose monitoring (pure; issue 12 item 8).

- The monitoring period is a calendar quarter by default (GBZ 128-2019 《职业性外照射个人监测规范》
  §5.3.1: the period is usually one month and at most three months) — ``period_of``.
- The investigation level (调查水平) is a setting, ``OHSTEWARD_DOSE_INVESTIGATION_MSV`` (mSv per
  period), default 1.25 mSv per quarter (GBZ 128-2019 §5.4: 调查水平 5 mSv/年 pro rata). It is
  flagged 未核对 (``INVESTIGATION_VERIFIED = False``) until a CDC user confirms it: the figure was
  taken from secondary sources, not the official text.
- A radiation worker is one whose post carries a factor of the 放射性因素 category.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

INVESTIGATION_DEFAULT_MSV = Decimal("1.25")
INVESTIGATION_VERIFIED = False  # [M]: not checked against GBZ 128-2019's text
INVESTIGATION_SOURCE = "GBZ 128-2019 §5.4（未核对）"


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter holding ``day``: (first day, last day)."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def previous_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete quarter before the one holding ``day`` (the one that should be reported)."""
    start, _end = period_of(day)
    return period_of(start - dt.timedelta(days=1))


def period_label(start: dt.date) -> str:
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


def investigation_level(setting: object = None) -> Decimal:
    """The investigation level in mSv per period (the setting, else the default)."""
    return Decimal(str(setting)) if setting not in (None, "") else INVESTIGATION_DEFAULT_MSV


def above_investigation(hp10: Decimal, level: Decimal) -> bool:
    """A dose above the investigation level must be investigated (GBZ 128-2019 §5.4)."""
    return hp10 > level


def monitoring_rate(monitored: int, workers: int) -> float | None:
    """个人剂量监测率 = monitored radiation workers / radiation workers (seed 002: ≥ 90 %)."""
    return None if workers == 0 else monitored / workers
