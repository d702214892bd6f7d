"""Reads of dose monitoring: radiation workers, who is missing a period, the monitoring rate per
employer and district, split 医用 / 非医用 (seed 002: ≥ 90 % for non-medical radiation workers;
the split is ``rules.is_medical`` under ``OHSTEWARD_DOSE_MEDICAL_BASIS``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
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


def medical_basis() -> str:
    return rules.medical_basis(getattr(settings, "OHSTEWARD_DOSE_MEDICAL_BASIS", None))


def medical_q(basis: str | None = None) -> Q:
    """``rules.is_medical`` as a filter on workers (the same reading, in SQL)."""
    basis = basis or medical_basis()
    employer = Q(enterprise__industry__section__in=sorted(rules.MEDICAL_SECTIONS))
    if basis == "worker":
        return Q(radiation_use="medical") | (Q(radiation_use="") & employer)
    return employer


def non_medical(workers, basis: str | None = None):
    """The non-medical ones of ``workers`` (the seed's 非医疗放射工作人员)."""
    return workers.exclude(medical_q(basis))


def missing_for_period(user, start: dt.date):
    """Radiation workers (seen by ``user``) at the end of the period starting ``start`` without a
    dose record for it: those due or missing."""
    _s, end = rules.period_of(start)
    seen = radiation_workers(Worker.objects.for_user(user), end)
    return seen.exclude(dose_records__period_start=start).order_by("enterprise_id", "pk")


@dataclass(frozen=True)
class RateRow:
    """One employer's or district's radiation workers and how many were monitored, in all and
    split 医用 / 非医用 (``medical_*``; the non-medical figures are the rest)."""

    key: str
    label: str
    workers: int
    monitored: int
    medical_workers: int = 0
    medical_monitored: int = 0

    @property
    def rate(self) -> float | None:
        return rules.monitoring_rate(self.monitored, self.workers)

    @property
    def non_medical_workers(self) -> int:
        return self.workers - self.medical_workers

    @property
    def non_medical_monitored(self) -> int:
        return self.monitored - self.medical_monitored

    @property
    def medical_rate(self) -> float | None:
        return rules.monitoring_rate(self.medical_monitored, self.medical_workers)

    @property
    def non_medical_rate(self) -> float | None:
        return rules.monitoring_rate(self.non_medical_monitored, self.non_medical_workers)


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
    basis = medical_basis()
    rows: dict[str, list] = {}
    for pk, key, label, section, use in workers.order_by().values_list(
        "pk", *field, "enterprise__industry__section", "radiation_use"
    ):
        row = rows.setdefault(str(key), [label or str(key), 0, 0, 0, 0])
        medical = rules.is_medical(industry_section=section, radiation_use=use, basis=basis)
        row[1] += 1
        row[2] += pk in monitored
        row[3] += medical
        row[4] += medical and pk in monitored
    return [RateRow(k, *v) for k, v in sorted(rows.items())]
