"""The monthly dispatch (月调度): entered figures of the indicators no module holds (option
``{"entered": true}``, e.g. 工伤保险参保率 from the human-resources department), per district and
month, and how a period reads them (the latest month of the period each district entered)."""

from __future__ import annotations

from dataclasses import dataclass

from ohsteward.indicators.models import DispatchInput, Indicator, MonthlyDispatch
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import Period


def months_of(period: Period) -> list[str]:
    """The month codes of a period ("2025-01" … "2025-12" for a year)."""
    if period.kind == "month":
        return [period.code]
    first, last = (1, 12) if period.kind == "year" else (3 * period.number - 2, 3 * period.number)  # type: ignore[operator]
    return [f"{period.year}-{m:02d}" for m in range(first, last + 1)]


def is_entered(indicator: Indicator) -> bool:
    return bool((indicator.options or {}).get("entered"))


@dataclass(frozen=True)
class Entered:
    numerator: int
    denominator: int | None
    districts: int
    note: str  # where the figure comes from, in Chinese


def entered(indicator: Indicator, user, area: Area, period: Period) -> Entered | None:
    """The entered figure for the area: per district its latest input in the period, summed over
    the districts of the area; None when no district of the area has entered one (无数据)."""
    if area.level in ("town", "team"):
        return None
    dispatches = MonthlyDispatch.objects.for_user(user).filter(month__in=months_of(period))
    if area.level == "district":
        dispatches = dispatches.filter(district_id=area.code)
    rows = (
        DispatchInput.objects.filter(indicator=indicator, dispatch__in=dispatches)
        .select_related("dispatch")
        .order_by("dispatch__district_id", "-dispatch__month")
    )
    latest: dict[str, DispatchInput] = {}
    for row in rows:
        latest.setdefault(row.dispatch.district_id, row)
    if not latest:
        return None
    picked = list(latest.values())
    denominators = [r.denominator for r in picked]
    sources = "、".join(sorted({f"{r.source}（{r.source_date:%Y-%m-%d}）" for r in picked}))
    return Entered(
        numerator=sum(r.numerator for r in picked),
        denominator=None if any(d is None for d in denominators) else sum(d or 0 for d in denominators),
        districts=len(picked),
        note=f"月调度填报：{len(picked)}个区县，来源 {sources}",
    )
