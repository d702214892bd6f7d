"""Pure rules of the other departments' lists (no Django imports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The portrait reads an insurance record older than this as out of date (the human-resources
# department's lists are yearly; our reading, no source gives a period).
STALE_AFTER_DAYS = 366


def as_of_for_year(year: int, today: dt.date) -> dt.date:
    """The date a row that gives only a year (年度) stands for: the year's last day, or today for
    the running year (a list is never dated in the future)."""
    end = dt.date(year, 12, 31)
    return min(end, today)


@dataclass(frozen=True)
class InsuranceLight:
    light: str  # "green" | "amber" | "red"
    text: str
    advice: str = ""


def insurance_light(
    *, insured: int, employees: int | None, exposed: int | None, as_of: dt.date, on: dt.date
) -> InsuranceLight:
    """The portrait's 工伤保险 light from an employer's latest record.

    《工伤保险条例》第二条: employers "应当…参加工伤保险，为本单位全部职工或者雇工缴纳工伤保险费".
    Our cut-offs (no source gives portrait lights): green = every employee insured (the list's
    应参保 count, else the register's 从业人员数); amber = at least the exposed workers insured but
    not everyone, no headcount to compare with, or a record older than a year; red = nobody
    insured, or fewer insured than exposed workers.
    """
    when = f"（{as_of:%Y-%m-%d}）"
    if insured == 0:
        return InsuranceLight("red", f"未参保{when}", "为全部职工参加工伤保险（《工伤保险条例》第二条）")
    stale = (on - as_of).days > STALE_AFTER_DAYS
    if exposed is not None and insured < exposed:
        return InsuranceLight(
            "red",
            f"参保 {insured} 人，少于接害 {exposed} 人{when}",
            "为接触职业病危害的劳动者参加工伤保险",
        )
    if employees is None:
        return InsuranceLight("amber", f"参保 {insured} 人，从业人数未知{when}", "核对从业人数与参保人数")
    if insured < employees:
        return InsuranceLight(
            "amber",
            f"参保 {insured}/{employees} 人{when}",
            "为全部职工参加工伤保险（《工伤保险条例》第二条）",
        )
    if stale:
        return InsuranceLight(
            "amber", f"全员参保 {insured} 人，数据已超过一年{when}", "请人力社保部门更新参保名单"
        )
    return InsuranceLight("green", f"全员参保 {insured} 人{when}")
