"""Scope of monitoring (fed to the generated suite): reports and measurements are seen through their
employer (district, town, zone, the manager, the institutions and teams serving it) and by the
institution that made them; rectification tasks through their employer only."""

from __future__ import annotations

import datetime as dt
import itertools

from ohsteward.accounts.tests.scope import ALL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.models import Post, Workplace

ON = dt.date(2026, 3, 10)
_SERIAL = itertools.count(1)


def _other_institution() -> Institution:
    return Institution.objects.get_or_create(
        uscc="91500000MA5U0MON9X", defaults={"name": "重庆另一检测有限公司"}
    )[0]


def _report(institution, employer) -> DetectionReport:
    number = f"S-{next(_SERIAL)}"
    return DetectionReport.objects.create(
        kind="periodic", number=number, institution=institution, enterprise=employer, sampling_start=ON
    )


def _measurement(institution, employer, compliant=False) -> Measurement:
    workplace, _ = Workplace.objects.get_or_create(enterprise=employer, name="一车间")
    post, _ = Post.objects.get_or_create(workplace=workplace, name=f"岗位{next(_SERIAL)}")
    return Measurement.objects.create(
        report=_report(institution, employer), enterprise=employer, post=post,
        factor=HazardFactor.objects.get(name="苯"), kind="chemical", measured_on=ON, compliant=compliant,
        inputs={"c_twa": 6.0},
    )  # fmt: skip


def _task(world, employer) -> RectificationTask:
    m = _measurement(_other_institution(), employer)
    return RectificationTask.objects.create(
        enterprise=employer, post=m.post, factor=m.factor, measurement=m, finding="超标",
        required_measures=["ppe"], deadline=ON + dt.timedelta(days=30),
    )  # fmt: skip


# ``lab``'s institution made the rows: it sees them for every employer ("the reports it made")
MADE_BY_LAB = {**VISIBLE, "lab": ALL}


class TestMonitoringScope(ScopeSuite):
    cases = [
        ScopeCase(
            DetectionReport,
            make=lambda world, employer: _report(_other_institution(), employer),
            page="/monitoring/reports/{obj.pk}/",
            api="/api/v1/detection-reports/",
            name="report_of_another_institution",
        ),
        ScopeCase(
            DetectionReport,
            make=lambda world, employer: _report(world.institution, employer),
            visible=MADE_BY_LAB,
            page="/monitoring/reports/{obj.pk}/",
            api="/api/v1/detection-reports/",
            name="report_made_by_labs_institution",
        ),
        ScopeCase(
            Measurement,
            make=lambda world, employer: _measurement(_other_institution(), employer),
            page="/monitoring/measurements/{obj.pk}/",
            api="/api/v1/measurements/",
            export_column="编号",
            name="measurement_of_another_institution",
        ),
        ScopeCase(
            Measurement,
            make=lambda world, employer: _measurement(world.institution, employer),
            visible=MADE_BY_LAB,
            page="/monitoring/measurements/{obj.pk}/",
            api="/api/v1/measurements/",
            export_column="编号",
            name="measurement_made_by_labs_institution",
        ),
        ScopeCase(
            RectificationTask,
            make=_task,
            page="/monitoring/rectifications/{obj.pk}/",
            api="/api/v1/rectifications/",
            export_column="编号",
        ),
    ]
