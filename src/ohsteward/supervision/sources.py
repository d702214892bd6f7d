"""Data supervision needs from apps that do not exist on main yet (monitoring's detection reports
and rectifications; surveillance's workers, exams and cases). Each function answers ``None``
today — shown as "无数据" and flagged, never a made-up value.

INTEGRATOR: wire each function after merging monitoring / surveillance; the intended query is in
its docstring. Callers already treat ``None`` as "no data" and a value as verified data, so only
these bodies change (and tests of the wired behaviour are added beside them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Compliance:
    """The latest judgement of a factor at an employer: compliant or not, and the record behind it."""

    compliant: bool
    measured_on: dt.date
    record_label: str
    record_url: str


def factor_compliance(enterprise_id: int, hazard_factor_id: int | None, on: dt.date) -> Compliance | None:
    """附件1 (b) 接触水平 符合/不符合 for one factor at one employer, as of ``on``.

    INTEGRATOR (monitoring): the latest accepted detection report of the employer dated on or
    before ``on`` (e.g. ``DetectionReport.objects.filter(enterprise_id=…, report_date__lte=on)
    .latest("report_date")``); among its measurements of ``hazard_factor_id`` take the post
    judgements (``monitoring.rules`` judgement): any 不符合 → ``compliant=False``, otherwise True;
    ``record_url`` = the report's detail page. No report or no measurement of the factor → None.
    """
    return None


def open_rectifications(enterprise_id: int) -> int | None:
    """Open rectifications after over-limit detections (self-inspection evidence, inspections).

    INTEGRATOR (monitoring): ``Rectification.objects.filter(enterprise_id=…).open().count()``.
    """
    return None


def latest_detection_record(enterprise_id: int) -> tuple[str, str] | None:
    """(label, url) of the latest detection report, pre-filled as self-inspection evidence for
    checklist items whose ``evidence_hint`` is "detection".

    INTEGRATOR (monitoring): the newest ``DetectionReport`` of the employer → (f"检测报告 {no}",
    its ``get_absolute_url()``)."""
    return None


def latest_exam_record(enterprise_id: int) -> tuple[str, str] | None:
    """(label, url) of the latest exam batch, pre-filled for items whose hint is "exam".

    INTEGRATOR (surveillance): the employer's newest exam batch / report (``Exam`` grouped by
    report) → (f"职业健康检查 {date}", its URL)."""
    return None


def exposed_workers(enterprise_id: int, hazard_factor_id: int | None) -> int | None:
    """Exposed headcount per factor from the worker register, an alternative headcount basis.

    INTEGRATOR (surveillance): ``WorkerExposure.objects.filter(worker__employer_id=…,
    hazard_factor_id=…, current).values("worker").distinct().count()``."""
    return None
