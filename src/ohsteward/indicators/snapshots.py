"""Published periods (发布): a figure as stored in a snapshot and back, and the figures of an area
for a period — frozen when the period is published (unless live ones are asked for), else live."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ohsteward.indicators import figures
from ohsteward.indicators.figures import Figure
from ohsteward.indicators.models import Indicator, IndicatorSnapshot, IndicatorSnapshotRow
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import Period


def figure_dict(f: Figure) -> dict:
    """A figure as JSON (decimals as strings, exact)."""
    return {
        "code": f.indicator.code,
        "name": f.indicator.name,
        "group": f.indicator.group,
        "unit": f.indicator.unit,
        "numerator": f.numerator,
        "denominator": f.denominator,
        "value": None if f.value is None else str(f.value),
        "target": None if f.target is None else str(f.target),
        "met": f.met,
        "no_data": f.no_data,
        "entered_note": f.entered_note,
        "baseline": f.baseline,
    }


def _number(text: str | None, unit: str) -> Decimal | int | None:
    if text is None:
        return None
    return Decimal(text) if unit == "%" else int(Decimal(text))


def figure_from(d: dict, area: Area, period: Period, library: dict[str, Indicator]) -> Figure:
    """A stored figure back as a ``Figure``; an indicator removed from the library since is
    shown with its stored name and unit."""
    indicator = library.get(d["code"]) or Indicator(
        code=d["code"], name=d["name"], group=d.get("group", ""), unit=d["unit"], verified=False
    )
    return Figure(
        indicator,
        area,
        period,
        d["numerator"],
        d["denominator"],
        _number(d["value"], d["unit"]),
        None if d["target"] is None else Decimal(d["target"]),
        d["met"],
        d["no_data"],
        d.get("entered_note", ""),
        d.get("baseline"),
    )


def published(period: Period) -> IndicatorSnapshot | None:
    return IndicatorSnapshot.objects.filter(period=period.code).select_related("published_by").first()


def frozen_table(user, snapshot: IndicatorSnapshot, area: Area, period: Period) -> list[Figure] | None:
    """The area's figures in ``snapshot`` (None when the snapshot holds no row for it: a town)."""
    if area.level in ("town", "team"):
        return None
    rows = IndicatorSnapshotRow.objects.for_user(user).filter(snapshot=snapshot)
    rows = rows.filter(region__isnull=True) if area.level == "city" else rows.filter(region_id=area.code)
    row = rows.first()
    if row is None:
        return None
    library = {i.code: i for i in figures.library()}
    return [figure_from(d, area, period, library) for d in row.figures]


@dataclass
class Table:
    figures: list[Figure]
    snapshot: IndicatorSnapshot | None  # set when the figures are the published ones


def table(user, area: Area, period: Period, *, live: bool = False) -> Table:
    """The published figures of the period when it is published (and ``live`` is not asked),
    else the live ones."""
    snapshot = None if live else published(period)
    if snapshot is not None:
        frozen = frozen_table(user, snapshot, area, period)
        if frozen is not None:
            return Table(frozen, snapshot)
    return Table(figures.table(user, area, period), None)


def frozen_figure(user, snapshot: IndicatorSnapshot, indicator: Indicator, area: Area, period: Period):
    """One indicator's figure for the area in ``snapshot``, or None (a town, a team, an area or an
    indicator the snapshot does not hold)."""
    if area.level not in ("city", "district"):
        return None
    rows = IndicatorSnapshotRow.objects.for_user(user).filter(snapshot=snapshot)
    rows = rows.filter(region__isnull=True) if area.level == "city" else rows.filter(region_id=area.code)
    row = rows.first()
    stored = next((d for d in row.figures if d["code"] == indicator.code), None) if row else None
    return None if stored is None else figure_from(stored, area, period, {indicator.code: indicator})


def ranking(
    indicator: Indicator, user, areas: list[Area], period: Period, *, live: bool = False
) -> tuple[list[Figure], IndicatorSnapshot | None]:
    """The ranking of ``areas`` on one indicator: the published figures when the period is
    published and holds every area (the districts; towns are never published), else live."""
    snapshot = None if live else published(period)
    if snapshot is not None and areas and all(a.level == "district" for a in areas):
        rows = IndicatorSnapshotRow.objects.for_user(user).filter(
            snapshot=snapshot, region_id__in=[a.code for a in areas]
        )
        stored = {
            r.region_id: next((d for d in r.figures if d["code"] == indicator.code), None) for r in rows
        }
        if all(stored.get(a.code) for a in areas):
            library = {indicator.code: indicator}
            frozen = [figure_from(stored[a.code], a, period, library) for a in areas]  # type: ignore[arg-type]
            return figures.rank(indicator, frozen), snapshot
    return figures.ranking(indicator, user, areas, period), None


def figure(user, indicator: Indicator, area: Area, period: Period, *, live: bool = False) -> Figure:
    """One figure: the published one when the period is published (unless ``live``), else live."""
    snapshot = None if live else published(period)
    if snapshot is not None:
        frozen = frozen_figure(user, snapshot, indicator, area, period)
        if frozen is not None:
            return frozen
    return figures.compute(indicator, user, area, period)
