"""What the schedule reads from elsewhere: the exams on record and what monitoring measured.

- ``exam_history_for``: the exams on record (``surveillance.exams.models.Exam``, branch ``exams``).
INTEGRATOR: ``measured_exposures_for`` is a seam that returns nothing today.
- ``measured_exposures_for``: the monitoring app (being built) answers it — replace the body with
  the latest measured L_EX,8h (noise) and 作业分级 (dust, chemicals) per post and factor.
Until then every noise exposure is "unmeasured" and every grade "unknown", so the schedule takes
the stricter band (RULES.md §2.3), which is what the issue asks for a post without a measurement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ohsteward.surveillance.schedule import ExamRecord


@dataclass(frozen=True)
class Measured:
    """What monitoring found for one factor at one post."""

    l_ex_8h: float | None = None
    grade: str | None = None


def exam_history_for(worker_ids: Iterable[int]) -> dict[int, list[ExamRecord]]:
    """``{worker id: [ExamRecord(date, kind), …]}`` for the given workers, oldest first (one query)."""
    # local: inputs.py is imported by surveillance.actions at load; the Exam model needs the app registry
    from ohsteward.surveillance.exams.models import Exam

    out: dict[int, list[ExamRecord]] = {}
    rows = Exam.objects.filter(worker_id__in=list(worker_ids)).order_by("worker_id", "date", "pk")
    for worker_id, date, kind in rows.values_list("worker_id", "date", "kind"):
        out.setdefault(worker_id, []).append(ExamRecord(date=date, kind=kind))
    return out


def measured_exposures_for(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Measured]:
    """``{(post id, factor code): Measured}``. INTEGRATOR: monitoring has no measurements model
    yet — returns nothing (the stricter band applies)."""
    return {}
