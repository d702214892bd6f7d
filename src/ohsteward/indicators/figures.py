"""An indicator's figure for an area and period, computed on request from ``queries``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from ohsteward.indicators import dispatch, rules
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import QUERIES, Area, records, source_missing
from ohsteward.indicators.rules import Period, TargetRow

NO_DATA = "无数据"


@dataclass
class Figure:
    indicator: Indicator
    area: Area
    period: Period
    numerator: int | None
    denominator: int | None
    value: Decimal | int | None
    target: Decimal | None
    met: bool | None
    no_data: str = ""  # the reason when there is no data source (shown as 无数据, never 0)
    entered_note: str = ""  # set when the figure was entered in the monthly dispatch (no records)

    @property
    def display(self) -> str:
        if self.no_data:
            return NO_DATA
        if self.value is None:
            return "—"
        return f"{self.value}%" if self.indicator.unit == "%" else str(self.value)

    @property
    def light(self) -> str:
        """Traffic light: green met, red missed, grey unknown."""
        if self.met is None:
            return "grey"
        return "green" if self.met else "red"


def target_rows(indicator: Indicator) -> list[TargetRow]:
    return [
        TargetRow(t.level, t.region_id, t.period_kind or None, t.year, t.value)
        for t in indicator.targets.all()
    ]


def target_for(indicator: Indicator, area: Area, period: Period) -> Decimal | None:
    level = "city" if area.level == "city" else "district"
    row = rules.pick_target(target_rows(indicator), level=level, region_code=area.code, period=period)
    return row.value if row else None


def compute(indicator: Indicator, user, area: Area, period: Period) -> Figure:
    """The figure: counts of the numerator and denominator querysets, the rate, target and met."""
    target = target_for(indicator, area, period)
    from_records = indicator.numerator in QUERIES and not source_missing(indicator, user, area, period)
    if not from_records and dispatch.is_entered(indicator):
        got = dispatch.entered(indicator, user, area, period)
        if got is None:
            reason = f"本期尚未填报（月调度）；{indicator.no_data_reason}".rstrip("；")
            return Figure(indicator, area, period, None, None, None, target, None, reason)
        value: Decimal | int | None = (
            rules.rate(got.numerator, got.denominator) if got.denominator is not None else got.numerator
        )
        met = rules.is_met(value, target, indicator.direction)
        return Figure(
            indicator, area, period, got.numerator, got.denominator, value, target, met, "", got.note
        )
    if not from_records:
        reason = indicator.no_data_reason or "尚无数据来源"
        return Figure(indicator, area, period, None, None, None, target, None, reason)
    options = indicator.options or {}
    numerator_qs = records(indicator.numerator, user, area, period, options)
    numerator = numerator_qs.count()
    if options.get("sum"):
        # a headcount (工伤保险参保人数): the sum of a field over the numerator's records, which are
        # the drill-down; the numerator stays the number of records
        total = numerator_qs.aggregate(total=Sum(options["sum"]))["total"] or 0
        denominator, value = None, total
    elif indicator.denominator:
        denominator = records(indicator.denominator, user, area, period, options).count()
        value = rules.rate(numerator, denominator)
    else:
        denominator, value = None, numerator
    return Figure(
        indicator,
        area,
        period,
        numerator,
        denominator,
        value,
        target,
        rules.is_met(value, target, indicator.direction),
    )


def library():
    return Indicator.objects.filter(active=True).prefetch_related("targets")


def table(user, area: Area, period: Period) -> list[Figure]:
    """Every active indicator for one area and period."""
    return [compute(ind, user, area, period) for ind in library()]


def ranking(indicator: Indicator, user, areas: list[Area], period: Period) -> list[Figure]:
    """One indicator over several areas, best first (no data and no value last)."""
    figures = [compute(indicator, user, a, period) for a in areas]
    reverse = indicator.direction == "higher"

    def key(f: Figure):
        if f.value is None:
            return (1, 0)
        return (0, -f.value if reverse else f.value)

    return sorted(figures, key=key)
