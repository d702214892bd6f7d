"""The exam schedule by rule (issue 12 item 3): pure functions, no Django imports.

Sources: RULES.md §2 — GBZ 188-2014 《职业健康监护技术规范》 在岗期间 intervals (§2.3), and
GBZ 188-2025 (in force from 2026-08-01, §2.4), whose intervals are known only from a third
party: its table is loaded as data and every row of it is flagged unverified (未核对) until a
CDC user confirms it against the official text. 离岗时 and 应急 exams: 用人单位职业健康监护监督
管理办法 (原安监总局令第49号) 第14、15条 (RULES.md §2.1).

Rules implemented (RULES.md §2.3 "Implementation rules"):
- a worker exposed to several factors gets the **shortest** interval;
- an unknown 作业分级 (dust, chemicals) or an unmeasured noise level → the stricter band;
- next periodic exam = last periodic or pre-placement exam + interval;
- 离岗时: within 30 days before leaving; a periodic exam within the 90 days before leaving counts;
- 应急: due at once after an acute exposure recorded after the last exam;
- 上岗前: due before starting an exposed post when the worker has no exam on record.

The interval is taken from the standard in force on the date of the last exam (the exam that
sets the plan); ``standard_on`` says which.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.utils import timezone

DATA = Path(__file__).parent / "data"
GBZ188_2014 = "GBZ 188-2014"
GBZ188_2025 = "GBZ 188-2025"
GBZ188_2025_FROM = dt.date(2026, 8, 1)
EXIT_WINDOW_DAYS = 30  # 49号令 第15条: 离岗前30日内
EXIT_COUNTS_DAYS = 90  # 49号令 第15条: 离岗前90日内的在岗期间检查可视为离岗时检查
NOISE_HIGH = 85.0  # dB(A), L_EX,8h (GBZ 188 §7.1)
NOISE_LOW = 80.0

PRE, PERIODIC, EXIT, EMERGENCY = "pre", "periodic", "exit", "emergency"  # surveillance.choices.ExamKind


@dataclass(frozen=True)
class IntervalRow:
    """One row of a standard's interval table (``surveillance/data/gbz188_*_intervals.csv``).

    ``code``: CDC hazard-factor code, or a category prefix ending in ``*`` (``1*`` = every dust
    not listed by its own code). ``rule``: ``flat`` (``months``), ``grade`` (``months`` for Ⅱ级及
    以上 or unknown, ``months_low`` for 0/Ⅰ级) or ``noise`` (``months`` at ≥ 85 dB(A) or unmeasured,
    ``months_low`` at 80–85, none below 80)."""

    code: str
    name: str
    rule: str
    months: int
    months_low: int | None
    section: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Exposure:
    """A hazard factor a worker is exposed to, with what monitoring measured if anything."""

    code: str
    name: str
    l_ex_8h: float | None = None  # noise, dB(A)
    grade: str | None = None  # 作业分级 (GBZ/T 229): "0", "I", "II", "III", "IV" or Roman numerals


@dataclass(frozen=True)
class Basis:
    factor: str
    interval_months: int | None
    reason: str
    verified: bool


@dataclass(frozen=True)
class Interval:
    """The periodic interval for a set of exposures: the shortest that applies (None: no periodic
    exam is required, e.g. noise below 80 dB(A) only)."""

    interval_months: int | None
    standard: str
    verified: bool
    basis: list[Basis] = field(default_factory=list)


class ExamRecord(NamedTuple):
    """An exam on record: its date and kind (pre / periodic / exit / emergency). A named tuple:
    the nightly recompute makes one per exam of the city (millions), straight from database rows."""

    date: dt.date
    kind: str


@dataclass(frozen=True)
class Due:
    """The next exam a worker needs: kind, the date it is due by, and why."""

    kind: str
    due_on: dt.date
    interval_months: int | None
    standard: str
    verified: bool
    note: str


def standard_on(day: dt.date) -> str:
    """The GBZ 188 edition in force on ``day`` (RULES.md §0, §2.4)."""
    return GBZ188_2025 if day >= GBZ188_2025_FROM else GBZ188_2014


@lru_cache(maxsize=4)
def interval_table(standard: str) -> tuple[IntervalRow, ...]:
    name = {GBZ188_2014: "gbz188_2014_intervals.csv", GBZ188_2025: "gbz188_2025_intervals.csv"}[standard]
    with (DATA / name).open(encoding="utf-8") as f:
        return tuple(
            IntervalRow(
                code=r["code"],
                name=r["name"],
                rule=r["rule"],
                months=int(r["months"]),
                months_low=int(r["months_low"]) if r["months_low"] else None,
                section=r["section"],
                verified=r["verified"] == "1",
                source=r["source"],
            )
            for r in csv.DictReader(f)
        )


def table_row(code: str, standard: str) -> IntervalRow | None:
    """The row for a factor code: its own row, else the longest matching category prefix."""
    rows = interval_table(standard)
    for row in rows:
        if row.code == code:
            return row
    prefixes = [r for r in rows if r.code.endswith("*") and code.startswith(r.code[:-1])]
    return max(prefixes, key=lambda r: len(r.code)) if prefixes else None


GRADE_NUMBERS = {
    "0": 0,
    "I": 1,
    "Ⅰ": 1,
    "1": 1,
    "II": 2,
    "Ⅱ": 2,
    "2": 2,
    "III": 3,
    "Ⅲ": 3,
    "3": 3,
    "IV": 4,
    "Ⅳ": 4,
    "4": 4,
}


def grade_number(grade: str | None) -> int | None:
    """0–4 for a 作业分级 written as 0/I/II/III/IV, Ⅰ…Ⅳ, 1–4, with or without 级; None if unknown."""
    if grade is None:
        return None
    text = str(grade).strip().upper().removesuffix("级").removeprefix("GRADE").strip()
    return GRADE_NUMBERS.get(text)


def _cite(row: IntervalRow, standard: str) -> str:
    flag = "" if row.verified else "（未核对）"
    return f"{standard} {row.section}{flag}"


def factor_interval(exposure: Exposure, standard: str) -> Basis:
    """The periodic interval for one factor under ``standard``, with a Chinese reason."""
    row = table_row(exposure.code, standard)
    if row is None:
        # a catalogued factor whose interval is not in the table yet: a year, flagged
        return Basis(exposure.name, 12, f"{standard} 该因素周期未录入本系统，暂按1年1次（未核对）", False)
    cite = _cite(row, standard)
    if row.rule == "noise":
        level = exposure.l_ex_8h
        if level is None:
            return Basis(
                exposure.name, row.months, f"{cite}：无噪声检测结果，从严按 ≥85 dB(A) 1年1次", row.verified
            )
        if level >= NOISE_HIGH:
            return Basis(
                exposure.name, row.months, f"{cite}：L_EX,8h {level:g} dB(A) ≥ 85，1年1次", row.verified
            )
        if level >= NOISE_LOW:
            return Basis(
                exposure.name,
                row.months_low,
                f"{cite}：L_EX,8h {level:g} dB(A) 在80–85之间，2年1次",
                row.verified,
            )
        return Basis(
            exposure.name, None, f"{cite}：L_EX,8h {level:g} dB(A) < 80，无需在岗期间检查", row.verified
        )
    if row.rule == "grade":
        n = grade_number(exposure.grade)
        high = f"{_years(row.months)}1次"
        if n is None:
            why = (
                "作业分级未知，从严按Ⅱ级及以上"
                if exposure.grade is None
                else f"作业分级“{exposure.grade}”无法识别，从严按Ⅱ级及以上"
            )
            return Basis(exposure.name, row.months, f"{cite}：{why}，{high}", row.verified)
        if n >= 2:
            return Basis(exposure.name, row.months, f"{cite}：作业分级Ⅱ级及以上，{high}", row.verified)
        low = row.months_low or row.months
        return Basis(exposure.name, low, f"{cite}：作业分级Ⅰ级及以下，{_years(low)}1次", row.verified)
    return Basis(exposure.name, row.months, f"{cite}：{_years(row.months)}1次", row.verified)


def _years(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def periodic_interval(exposures: list[Exposure], *, on: dt.date) -> Interval:
    """The shortest interval across ``exposures`` under the standard in force on ``on``
    (RULES.md §2.3: the union of exam items, so the shortest interval)."""
    return _interval(tuple(exposures), standard_on(on))


@lru_cache(maxsize=4096)
def _interval(exposures: tuple[Exposure, ...], standard: str) -> Interval:
    """``periodic_interval`` for one standard, cached: a city's workers share a few thousand
    combinations of factors (the recompute of every worker asks once per combination)."""
    basis = [factor_interval(e, standard) for e in exposures]
    months = [b.interval_months for b in basis if b.interval_months is not None]
    return Interval(
        interval_months=min(months) if months else None,
        standard=standard,
        verified=all(b.verified for b in basis),
        basis=basis,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, on the last day of a shorter month (2024-02-29 + 12 → 2025-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_periodic_due(
    exposures: list[Exposure], *, on: dt.date, leave_on: dt.date | None = None
) -> tuple[Interval, dt.date | None]:
    """The stateless calculator (``POST /api/v1/surveillance/schedule/``): the interval and the
    next due date after an exam on ``on``. When the worker leaves on ``leave_on``: the 离岗时
    exam is due by the leaving day if the next periodic exam would fall in the 30 days before
    leaving or later; an exam on ``on`` within the 90 days before leaving counts as the 离岗时
    exam (no further exam, ``None``)."""
    interval = periodic_interval(exposures, on=on)
    nxt = add_months(on, interval.interval_months) if interval.interval_months else None
    if leave_on is not None:
        if dt.timedelta(0) <= leave_on - on <= dt.timedelta(days=EXIT_COUNTS_DAYS):
            return interval, None
        if nxt is None or nxt >= leave_on - dt.timedelta(days=EXIT_WINDOW_DAYS):
            return interval, leave_on
    return interval, nxt


def worker_due(
    *,
    exposures: list[Exposure],
    exposed_since: dt.date | None,
    exams: list[ExamRecord],
    acute_exposures: list[dt.date],
    leave_on: dt.date | None,
) -> Due | None:
    """The next exam a worker needs, or None (not exposed, or nothing further required).

    ``exposures``: factors of the posts held now (or on the leaving day); ``exposed_since``:
    when the current exposed posts started; ``exams``: every exam on record; ``acute_exposures``:
    dates of acute exposures (RULES.md §2.1)."""
    last_any = max((e.date for e in exams), default=None)
    acute = [d for d in acute_exposures if last_any is None or d > last_any]
    if acute:
        standard = standard_on(min(acute))
        return Due(
            EMERGENCY, min(acute), None, standard, True, "急性接触后应立即进行应急健康检查（49号令第14条）"
        )
    if not exposures:
        return None
    regular = [e.date for e in exams if e.kind in {PRE, PERIODIC}]
    if leave_on is not None:
        counted = [
            e.date
            for e in exams
            if e.kind in {PERIODIC, EXIT}
            and leave_on - dt.timedelta(days=EXIT_COUNTS_DAYS) <= e.date <= leave_on
        ]
        if counted:
            return None
    if not regular:
        interval = periodic_interval(exposures, on=exposed_since or dt.date.min)
        start = exposed_since or timezone.localdate()
        if leave_on is not None and leave_on <= start:
            return None
        return Due(
            PRE,
            start,
            interval.interval_months,
            interval.standard,
            interval.verified,
            "上岗前应进行职业健康检查",
        )
    last = max(regular)
    interval, nxt = next_periodic_due(exposures, on=last, leave_on=leave_on)
    if leave_on is not None and nxt == leave_on:
        return Due(
            EXIT,
            leave_on,
            interval.interval_months,
            interval.standard,
            interval.verified,
            "离岗前30日内应进行离岗时检查",
        )
    if nxt is None:
        return None
    shortest = min((b for b in interval.basis if b.interval_months), key=lambda b: b.interval_months or 0)
    return Due(PERIODIC, nxt, interval.interval_months, interval.standard, interval.verified, shortest.reason)
