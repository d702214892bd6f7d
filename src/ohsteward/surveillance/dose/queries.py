"""Reads of dose monitoring: radiation workers, who is missing a period, the monitoring rate per
employer and district (seed 002: ≥ 90 % for non-medical radiation workers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from ohsteward.hazards.choices import HazardCategory
from ohsteward.surveillance.dose import rules
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.models import Worker


def radiation_workers(workers, on: dt.date):
    """Workers employed on ``on`` holding a post with a 放射性因素 factor on that day."""
    return (
        workers.filter(hire_date__lte=on)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gte=on))
        .filter(
            posts__start_date__lte=on,
            posts__post__exposures__hazard_factor__category=HazardCategory.RADIATION,
        )
        .filter(Q(posts__end_date__isnull=True) | Q(posts__end_date__gte=on))
        .distinct()
    )


def missing_for_period(user, start: dt.date):
    """Radiation workers (seen by ``user``) at the end of the period starting ``start`` without a
    dose record for it: those due or missing."""
    _s, end = rules.period_of(start)
    seen = radiation_workers(Worker.objects.for_user(user), end)
    return seen.exclude(dose_records__period_start=start).order_by("enterprise_id", "pk")


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    workers: int
    monitored: int

    @property
    def rate(self) -> float | None:
        return rules.monitoring_rate(self.monitored, self.workers)


def monitoring_rates(user, start: dt.date, *, by: str = "enterprise") -> list[RateRow]:
    """Per employer (``by="enterprise"``) or district (``by="district"``): radiation workers at
    the period's end, and how many of them have a dose record for the period."""
    _s, end = rules.period_of(start)
    workers = radiation_workers(Worker.objects.for_user(user), end)
    monitored = set(
        DoseRecord.objects.filter(period_start=start, worker__in=workers).values_list("worker_id", flat=True)
    )
    field = {
        "enterprise": ("enterprise_id", "enterprise__name"),
        "district": ("enterprise__region_id", "enterprise__region__name"),
    }[by]
    rows: dict[str, list] = {}
    for pk, key, label in workers.order_by().values_list("pk", *field):
        row = rows.setdefault(str(key), [label or str(key), 0, 0])
        row[1] += 1
        row[2] += pk in monitored
    return [RateRow(k, v[0], v[1], v[2]) for k, v in sorted(rows.items())]
