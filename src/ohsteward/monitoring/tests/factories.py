"""Fixtures of the monitoring tests: institution A (渝北) serving the 渝北 employer, its staff user
(the cast's ``institution``), a report and helpers to record measurements."""

from __future__ import annotations

import datetime as dt

from ohsteward.hazards.models import HazardFactor
from ohsteward.monitoring import actions
from ohsteward.monitoring.choices import ReportKind

SAMPLED = dt.date(2026, 3, 10)


def factor(name: str) -> HazardFactor:
    return HazardFactor.objects.get(name=name)


def make_report(user, enterprise, institution, number="JC-2026-001", on=SAMPLED, kind=ReportKind.PERIODIC):
    return actions.report_save(
        user=user,
        data={
            "kind": kind,
            "number": number,
            "institution": institution,
            "enterprise": enterprise,
            "sampling_start": on,
            "sampling_end": on + dt.timedelta(days=2),
        },
    )


def record(user, report, factor_name, inputs, post="操作工", workplace="一车间", on=None):
    measurement, _changed = actions.measurement_record(
        user=user,
        report=report,
        factor=factor(factor_name),
        workplace_name=workplace,
        post_name=post,
        inputs=inputs,
        measured_on=on,
    )
    return measurement
