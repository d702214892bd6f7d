"""What the schedule reads from elsewhere: the exams on record and what monitoring measured.

- ``exam_history_for``: the exams on record (``surveillance.exams.models.Exam``).
- ``measured_exposures_for``: monitoring's stored measurements — the latest ``Measurement`` per
  post × factor by ``measured_on``: its L_EX,8h (noise) and 作业分级 (dust, chemicals).
A post × factor without a measurement (or a measurement without a level or grade) stays
"unmeasured" / "unknown", so the schedule takes the stricter band (RULES.md §2.3).

Surveillance sits above monitoring in the layers, so it may read monitoring's models here; the
other direction (a new measurement → recompute the affected workers) goes through
``monitoring.effects`` registered in ``SurveillanceConfig.ready()`` (``measurement_recorded`` below).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

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

    ids = set(worker_ids)
    out: dict[int, list[ExamRecord]] = {}
    if not ids:
        return out
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):  # a dense batch (the nightly recompute): a range, not 5,000 parameters
        rows = Exam.objects.filter(worker_id__gte=low, worker_id__lte=high)
    else:
        rows = Exam.objects.filter(worker_id__in=sorted(ids))
    for worker_id, date, kind in rows.order_by("worker_id", "date", "pk").values_list(
        "worker_id", "date", "kind"
    ):
        if worker_id in ids:
            out.setdefault(worker_id, []).append(ExamRecord(date=date, kind=kind))
    return out


def measured_exposures_for(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Measured]:
    """``{(post id, factor code): Measured}`` from the latest measurement of each pair (by
    ``measured_on``, then the newest row). Pairs without a measurement are absent (the stricter
    band applies). One query per 1,000 posts: not scoped, the caller is the schedule of workers
    already in scope (or the system)."""
    # local: inputs.py is imported by surveillance.actions at load; the model needs the app registry
    from ohsteward.monitoring.models import Measurement

    wanted = set(pairs)
    post_ids = sorted({post_id for post_id, _code in wanted})
    out: dict[tuple[int, str], Measured] = {}
    for start in range(0, len(post_ids), 1000):
        rows = (
            Measurement.objects.filter(post_id__in=post_ids[start : start + 1000])
            .order_by("post_id", "factor__code", "-measured_on", "-pk")
            .values_list("post_id", "factor__code", "l_ex_8h", "grade_level")
        )
        for post_id, code, l_ex_8h, grade in rows:
            key = (post_id, code)
            if key in wanted and key not in out:  # the first row is the latest
                out[key] = Measured(l_ex_8h=l_ex_8h, grade=grade or None)
    return out


def measurement_recorded(measurement: Any) -> None:
    """``monitoring.effects`` callback: a measurement of a post × factor was recorded, so the
    workers holding that post now (or on their leaving day) get their due date recomputed."""
    # local: actions imports this module at load (the recompute lives there)
    from ohsteward.surveillance import actions
    from ohsteward.surveillance.models import Worker, WorkerPost

    holders = WorkerPost.objects.filter(post_id=measurement.post_id).values("worker_id")
    actions.workers_recompute_due(queryset=Worker.objects.filter(pk__in=holders))


def measurements_recorded(measurements: list[Any]) -> None:
    """The batch form of ``measurement_recorded`` (``monitoring.effects.measurements_recorded``,
    called by the bulk measurement import): the workers holding a post of any employer in the
    batch are recomputed once, in one ``workers_recompute_due`` pass — a number of queries that
    does not grow with the rows of the import. The whole employer, not only the measurement's
    post: monitoring passes one measurement per employer × factor, so other posts of the same
    employer and factor may have changed too."""
    if not measurements:
        return
    # local: actions imports this module at load (the recompute lives there)
    from ohsteward.surveillance import actions
    from ohsteward.surveillance.models import Worker, WorkerPost

    post_ids = sorted({m.post_id for m in measurements if m.post_id is not None})
    enterprise_ids = sorted({m.enterprise_id for m in measurements if m.enterprise_id is not None})
    # the holders read once (one query) and passed as ids: the recompute's reads each repeat the
    # queryset as a subquery, and an import of 100,000 results names some 60,000 posts and employers
    holders = sorted(
        set(
            WorkerPost.objects.filter(
                Q(post_id__in=post_ids) | Q(post__workplace__enterprise_id__in=enterprise_ids)
            ).values_list("worker_id", flat=True)
        )
    )
    if not holders:  # nobody holds these posts: nothing to recompute
        return
    actions.workers_recompute_due(queryset=Worker.objects.filter(pk__in=holders))
