"""An indicator's figure for an area and period, computed on request from ``queries``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from ohsteward.indicators import dispatch, rules
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import (
    QUERIES,
    Area,
    counts_of,
    district_counts,
    district_counts_of,
    narrowing,
    records,
    source_missing,
    team_counts,
)
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


@dataclass
class Counts:
    """What the records give for one area: the numerator's count, the denominator's (None
    without one), the sum of option ``sum`` over the numerator's records, the count of the same
    period a year earlier (逐年扩面), and whether the ``requires`` list is absent."""

    numerator: int
    denominator: int | None = None
    total: int | None = None
    baseline: int | None = None
    missing: bool = False


def count(indicator: Indicator, user, area: Area, period: Period) -> Counts:
    """The area's counts, one query per part (the querysets the drill-down lists)."""
    if source_missing(indicator, user, area, period):
        return Counts(0, missing=True)
    options = indicator.options or {}
    if narrowing(indicator.numerator, indicator.denominator) and not options.get("sum"):
        # the numerator is the denominator's records narrowed: both counted in one query
        got = Counts(*counts_of(indicator.numerator, indicator.denominator, user, area, period, options))
    else:
        numerator_qs = records(indicator.numerator, user, area, period, options)
        got = Counts(numerator_qs.count())
        if options.get("sum"):
            # a headcount (工伤保险参保人数): the sum of a field over the numerator's records, which
            # are the drill-down; the numerator stays the number of records
            got.total = numerator_qs.aggregate(total=Sum(options["sum"]))["total"] or 0
        elif indicator.denominator:
            got.denominator = records(indicator.denominator, user, area, period, options).count()
    if options.get("check") == "growth":
        got.baseline = records(indicator.numerator, user, area, rules.year_earlier(period), options).count()
    return got


def count_districts(indicator: Indicator, user, codes: list[str], period: Period) -> dict[str, Counts]:
    """``count`` of every district in ``codes`` from one grouped query per part
    (``queries.district_counts``): the same records, counted by district at once."""
    both = None
    if (
        narrowing(indicator.numerator, indicator.denominator)
        and QUERIES[indicator.numerator].one_pass_grouped
        and not (indicator.options or {}).get("sum")
    ):

        def both(p, options):
            return district_counts_of(indicator.numerator, indicator.denominator, user, p, options)

    return _count_grouped(
        indicator,
        codes,
        period,
        lambda key, p, options, total=None: district_counts(key, user, p, options, total=total),
        both,
    )


def count_teams(indicator: Indicator, user, team_ids: list[int], period: Period) -> dict[int, Counts]:
    """``count`` of every steward team in ``team_ids`` at once (``queries.team_counts``)."""

    def grouped(key, p, options, total=None):
        return team_counts(key, user, p, team_ids, options, total=total)

    return _count_grouped(indicator, team_ids, period, grouped)


def _count_grouped(indicator: Indicator, keys: list, period: Period, grouped, both=None) -> dict:
    """``Counts`` per area key from ``grouped(query key, period, options, total=…)`` (one call
    per part, each returning area key → (count, total)); ``both(period, options)``: area key →
    (numerator, denominator) at once, for a narrowing numerator."""
    options = indicator.options or {}
    required = options.get("requires")
    listed = grouped(required, period, options) if required in QUERIES else None
    if both is not None:
        pairs = both(period, options)
        numerators = {k: (n, 0) for k, (n, _d) in pairs.items()}
        denominators: dict | None = {k: (d, 0) for k, (_n, d) in pairs.items()}
    else:
        numerators = grouped(indicator.numerator, period, options, total=options.get("sum"))
        denominators = (
            grouped(indicator.denominator, period, options)
            if indicator.denominator and not options.get("sum")
            else None
        )
    earlier = (
        grouped(indicator.numerator, rules.year_earlier(period), options)
        if options.get("check") == "growth"
        else None
    )
    out = {}
    for code in keys:
        if listed is not None and code not in listed:
            out[code] = Counts(0, missing=True)
            continue
        n, total = numerators.get(code, (0, 0))
        got = Counts(n)
        if options.get("sum"):
            got.total = total
        elif denominators is not None:
            got.denominator = denominators.get(code, (0, 0))[0]
        if earlier is not None:
            got.baseline = earlier.get(code, (0, 0))[0]
        out[code] = got
    return out


def compute(indicator: Indicator, user, area: Area, period: Period, counts: Counts | None = None) -> Figure:
    """The figure: counts of the numerator and denominator querysets, the rate, target and met.
    ``counts``: the area's counts when already known (``count_districts``), else ``count``."""
    target = target_for(indicator, area, period)
    from_records = indicator.numerator in QUERIES
    if from_records and counts is None:
        counts = count(indicator, user, area, period)
    if from_records and counts is not None and counts.missing:
        from_records = False
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
    if not from_records or counts is None:
        reason = indicator.no_data_reason or "尚无数据来源"
        return Figure(indicator, area, period, None, None, None, target, None, reason)
    numerator, denominator = counts.numerator, counts.denominator
    if counts.total is not None:
        value = counts.total
    elif indicator.denominator:
        value = rules.rate(numerator, denominator or 0)
    else:
        value = numerator
    baseline = None
    if counts.baseline is not None and target is not None:
        # 逐年扩面: the target row holds the step over the same period a year earlier
        baseline = counts.baseline
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


def compute_many(indicator: Indicator, user, areas: list[Area], period: Period) -> list[Figure]:
    """``compute`` for each of ``areas`` (in that order); the districts among them counted
    together (``count_districts``: a few grouped queries instead of a few per district), and so
    are the steward teams among them (``count_teams``)."""
    codes = [a.code for a in areas if a.level == "district" and a.code]
    grouped: dict[str, Counts] = (
        count_districts(indicator, user, codes, period)
        if len(codes) > 1 and indicator.numerator in QUERIES
        else {}
    )
    teams = [int(a.code) for a in areas if a.level == "team" and a.code]
    by_team = (
        count_teams(indicator, user, teams, period)
        if len(teams) > 1 and indicator.numerator in QUERIES and applies_to(indicator, Area("team"))
        else {}
    )

    def known(a: Area) -> Counts | None:
        if a.level == "team":
            return by_team.get(int(a.code)) if a.code and by_team else None
        return grouped.get(a.code or "")

    return [compute(indicator, user, a, period, known(a)) for a in areas]


def library():
    return Indicator.objects.filter(active=True).prefetch_related("targets")


def table(user, area: Area, period: Period) -> list[Figure]:
    """Every active indicator for one area and period (for a steward team, those of employers)."""
    return [compute(ind, user, area, period) for ind in library() if applies_to(ind, area)]


def tables(user, areas: list[Area], period: Period) -> dict[Area, list[Figure]]:
    """``table`` of each of ``areas``, the districts among them counted together per indicator
    (``compute_many``): what publishing a period computes for the city and its 38 districts."""
    library_ = list(library())
    columns = {i.code: dict(zip(areas, compute_many(i, user, areas, period), strict=True)) for i in library_}
    return {a: [columns[i.code][a] for i in library_ if applies_to(i, a)] for a in areas}


def ranking(indicator: Indicator, user, areas: list[Area], period: Period) -> list[Figure]:
    """One indicator over several areas, best first (no data and no value last)."""
    return rank(indicator, compute_many(indicator, user, areas, period))


def rank(indicator: Indicator, figures: list[Figure]) -> list[Figure]:
    """``figures`` of one indicator best first (by its direction), no data and no value last."""
    reverse = indicator.direction == "higher"

    def key(f: Figure):
        if f.value is None:
            return (1, 0)
        return (0, -f.value if reverse else f.value)

    return sorted(figures, key=key)
