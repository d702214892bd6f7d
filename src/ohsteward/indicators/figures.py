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
    baseline: int | None = None  # 逐年扩面: the same period a year earlier (option check=growth)

    @property
    def check(self) -> str:
        """ "count" (done when the count reaches the target), "growth" (逐年扩面) or ""."""
        return str((self.indicator.options or {}).get("check") or "")

    @property
    def display(self) -> str:
        if self.no_data:
            return NO_DATA
        if self.value is None:
            return "—"
        if self.check and self.met is not None:
            word = "完成" if self.met else "未完成"
            if self.check == "growth" and self.baseline is not None:
                return f"{word}（{self.value}家，上年同期{self.baseline}家）"
            return f"{word}（{self.value}家）"
        return f"{self.value}%" if self.indicator.unit == "%" else str(self.value)

    @property
    def target_display(self) -> str:
        if self.target is None:
            return "—"
        if self.indicator.unit == "%":
            return f"{self.target}%"
        count = int(self.target)
        if self.check == "growth" and self.baseline is not None:
            return f"≥{count}家（上年同期{self.baseline}家）"
        return f"≥{count}家" if self.check else str(count)

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
    """The target row's value for the area. A steward team (level ``team``) takes the district
    default of a rate or of 逐年扩面 (no district's override); a count target (a district's 50
    guided employers) is not a team's."""
    level = "city" if area.level == "city" else "district"
    region_code = area.code
    if area.level == "team":
        if indicator.unit != "%" and (indicator.options or {}).get("check") != "growth":
            return None
        region_code = None
    row = rules.pick_target(target_rows(indicator), level=level, region_code=region_code, period=period)
    return row.value if row else None


def applies_to(indicator: Indicator, area: Area) -> bool:
    """Whether the indicator has figures for the area: a steward team's area holds employers'
    records only (not institutions, teams or towns), and nothing entered per district."""
    if area.level != "team":
        return True
    query = QUERIES.get(indicator.numerator)
    return query is not None and query.employers


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
    baseline = None
    if options.get("check") == "growth" and target is not None:
        # 逐年扩面: the target row holds the step over the same period a year earlier
        earlier = rules.year_earlier(period)
        baseline = records(indicator.numerator, user, area, earlier, options).count()
        target = rules.growth_target(baseline, target)
    return Figure(
        indicator,
        area,
        period,
        numerator,
        denominator,
        value,
        target,
        rules.is_met(value, target, indicator.direction),
        baseline=baseline,
    )


def library():
    return Indicator.objects.filter(active=True).prefetch_related("targets")


def table(user, area: Area, period: Period) -> list[Figure]:
    """Every active indicator for one area and period (for a steward team, those of employers)."""
    return [compute(ind, user, area, period) for ind in library() if applies_to(ind, area)]


def ranking(indicator: Indicator, user, areas: list[Area], period: Period) -> list[Figure]:
    """One indicator over several areas, best first (no data and no value last)."""
    return rank(indicator, [compute(indicator, user, a, period) for a in areas])


def rank(indicator: Indicator, figures: list[Figure]) -> list[Figure]:
    """``figures`` of one indicator best first (by its direction), no data and no value last."""
    reverse = indicator.direction == "higher"

    def key(f: Figure):
        if f.value is None:
            return (1, 0)
        return (0, -f.value if reverse else f.value)

    return sorted(figures, key=key)
