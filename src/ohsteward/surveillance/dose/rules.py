"""Rules of personal dose monitoring (pure; issue 12 item 8).

- The monitoring period is a calendar quarter by default (GBZ 128-2019 《职业性外照射个人监测规范》
  §5.3.1: the period is usually one month and at most three months) — ``period_of``.
- The investigation level (调查水平) is a setting, ``OHSTEWARD_DOSE_INVESTIGATION_MSV`` (mSv per
  period), default 1.25 mSv per quarter (GBZ 128-2019 §5.4: 调查水平 5 mSv/年 pro rata). It is
  flagged 未核对 (``INVESTIGATION_VERIFIED = False``) until a CDC user confirms it: the figure was
  taken from secondary sources, not the official text.
- A radiation worker is one whose post carries a factor of the 放射性因素 category.
- 医用 vs 非医用 radiation workers (seed 002's target: 非医疗放射工作人员个人剂量监测率 ≥ 90 %) —
  ``is_medical``. The reading a district official expects, and the default
  (``OHSTEWARD_DOSE_MEDICAL_BASIS = "employer"``): by the employer — radiation workers of a
  医疗卫生机构 (GB/T 4754-2017 门类 Q 卫生和社会工作) are medical, all others (工业探伤, 辐照,
  测井, 核技术应用 …) non-medical; this is how 放射诊疗 (卫生健康部门许可) and non-medical
  radiation work are registered and reported. The alternative (``"worker"``): the worker's own
  放射工作类别 (``Worker.radiation_use``, GBZ 128 职业分类: 医学应用 or not) when recorded, else the
  employer's industry — for a factory clinic's X-ray technician or a hospital's industrial
  irradiation staff. [M] the split is the platform's reading of the seed, not a quoted rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

INVESTIGATION_DEFAULT_MSV = Decimal("1.25")
INVESTIGATION_VERIFIED = False  # [M]: not checked against GBZ 128-2019's text
INVESTIGATION_SOURCE = "GBZ 128-2019 §5.4（未核对）"
MEDICAL_SECTIONS = frozenset({"Q"})  # GB/T 4754-2017 门类 Q 卫生和社会工作
MEDICAL_BASES = ("employer", "worker")


def medical_basis(setting: str | None) -> str:
    """``OHSTEWARD_DOSE_MEDICAL_BASIS``: "employer" (default) or "worker"; anything else → default."""
    return setting if setting in MEDICAL_BASES else "employer"


def is_medical(*, industry_section: str | None, radiation_use: str, basis: str) -> bool:
    """Whether a radiation worker counts as medical (医用) — see the module docstring. ``radiation_use``:
    "medical", "non_medical" or "" (not recorded); used only when ``basis == "worker"``."""
    if basis == "worker" and radiation_use in ("medical", "non_medical"):
        return radiation_use == "medical"
    return (industry_section or "") in MEDICAL_SECTIONS


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
