"""Pure rules of the indicators: periods, rates, targets and whether a target is met."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Period:
    """A reporting period: a year ("2025"), a quarter ("2025Q2") or a month ("2025-03")."""

    kind: str  # "year" | "quarter" | "month"
    year: int
    number: int | None  # quarter 1–4 or month 1–12; None for a year
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年"


_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$")


def parse_period(text: str) -> Period:
    """ "2025" → the year, "2025Q2" → the quarter, "2025-03" → the month; ValueError otherwise."""
    m = _PERIOD.match((text or "").strip().upper())
    if not m:
        raise ValueError(f"期间格式错误：{text}（应为 2025、2025Q2 或 2025-03）")
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end_month = 3 * q
        end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        return Period("quarter", year, q, start, end)
    if m.group(3):
        month = int(m.group(3))
        return Period(
            "month",
            year,
            month,
            dt.date(year, month, 1),
            dt.date(year, month, calendar.monthrange(year, month)[1]),
        )
    return Period("year", year, None, dt.date(year, 1, 1), dt.date(year, 12, 31))


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in per cent, one decimal; None when the denominator is 0 (a rate
    over nothing is not 0 % and not 100 %: shown as "—")."""
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_met(value: Decimal | int | None, target: Decimal | None, direction: str) -> bool | None:
    """Whether ``value`` reaches ``target`` (≥ for higher-is-better, ≤ for lower); None when either
    is missing."""
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


@dataclass(frozen=True)
class TargetRow:
    level: str
    region_code: str | None
    period_kind: str | None
    year: int | None
    value: Decimal


def pick_target(
    rows: list[TargetRow], *, level: str, region_code: str | None, period: Period
) -> TargetRow | None:
    """The most specific target for a region at a level in a period.

    A row applies when its level matches, its region is empty or the region, its period kind is
    empty or the period's and its year is empty or the period's. Among those, a region override
    beats the level default, a year beats "every year", a period kind beats "any period".
    """
    best: tuple[int, int, int] | None = None
    chosen = None
    for row in rows:
        if row.level != level:
            continue
        if row.region_code and row.region_code != region_code:
            continue
        if row.period_kind and row.period_kind != period.kind:
            continue
        if row.year and row.year != period.year:
            continue
        rank = (bool(row.region_code), bool(row.year), bool(row.period_kind))
        if best is None or rank > best:
            best, chosen = rank, row
    return chosen


def year_earlier(period: Period) -> Period:
    """The same period a year earlier ("2025Q2" → "2024Q2"): what 逐年扩面 compares with."""
    if period.kind == "quarter":
        return parse_period(f"{period.year - 1}Q{period.number}")
    if period.kind == "month":
        return parse_period(f"{period.year - 1}-{period.number:02d}")
    return parse_period(str(period.year - 1))


def growth_target(baseline: int, step: Decimal) -> Decimal:
    """逐年扩面 (002 万州区十四五规划 指标(12)): at least ``step`` more than the same period a year
    earlier (``baseline``); the target row's value is the step (default 1: "more than last year")."""
    return Decimal(baseline) + step


def quarters_up_to(day: dt.date, count: int) -> list[Period]:
    """The ``count`` quarters ending with the one that contains ``day``, oldest first."""
    year, quarter = day.year, (day.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(parse_period(f"{year}Q{quarter}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


def standing_key(name: str, met: int, missed: int) -> tuple[int, int, str]:
    """The order of a ranking by indicators met (通报 排名): more met first, then fewer missed, then
    by name — the districts in the bulletin, the steward teams in the team ranking."""
    return (-met, missed, name)
