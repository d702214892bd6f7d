"""What re-assesses an employer when another app records new data (issue 13, "incremental for one
employer after a new measurement or exam batch"), batched: every trigger adds employers to a
per-thread pending set and asks for one flush when the transaction commits, so an import of many
rows re-assesses each affected employer **once**, all of them in one ``actions.risk_refresh``.

- monitoring: ``measurement`` / ``measurements`` registered with
  ``monitoring.effects.on_measurement_recorded(..., batch=...)`` (the bulk import calls the batch
  form once with one measurement per employer × factor);
- surveillance: ``exam_saved``, connected to ``post_save`` of surveillance's ``Exam`` in
  ``SupervisionConfig.ready()`` (supervision sits above surveillance), for exams recorded one by
  one; ``exams``, registered with ``surveillance.exams.effects.on_exams_recorded``, for the bulk
  exam import (its ``COPY`` sends no ``post_save``). Either way a file is one flush.

Only employers that already have an assessment are refreshed (one never assessed waits for its
first). Employers of a rolled-back transaction are dropped (``schedule``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ohsteward.supervision import actions
from ohsteward.supervision.models import RiskAssessment

_local = threading.local()


def schedule(enterprise_ids: Iterable[int | None]) -> None:
    """Re-assess these employers once the current transaction commits (at once outside one).
    One flush is registered per transaction, holding its own pending set: while it is registered
    the employers join that set; when it is not (first call, it has run, or the savepoint or
    transaction that registered it was rolled back, which drops the callback) a new flush with a
    new set is registered, so rolled-back employers are never carried into another transaction."""
    ids = {pk for pk in enterprise_ids if pk}
    if not ids:
        return
    connection = transaction.get_connection()
    current = getattr(_local, "flush", None)
    if (
        current is not None
        and connection.in_atomic_block
        and any(entry[1] is current for entry in connection.run_on_commit)
    ):
        current.pending.update(ids)
        return
    pending: set[int] = set(ids)

    def flush() -> None:
        if getattr(_local, "flush", None) is flush:
            _local.flush = None
        refresh(pending)

    flush.pending = pending  # type: ignore[attr-defined]
    _local.flush = flush
    transaction.on_commit(flush)


def refresh(ids: set[int]) -> None:
    """The employers among ``ids`` assessed before, re-assessed in one ``risk_refresh``."""
    assessed = set(
        RiskAssessment.objects.filter(enterprise_id__in=ids)
        .values_list("enterprise_id", flat=True)
        .order_by()
    )
    if assessed:
        actions.risk_refresh(enterprise_ids=sorted(assessed), on=timezone.localdate())


def measurement(m: Any) -> None:
    """``monitoring.effects`` callback for one measurement."""
    schedule([m.enterprise_id])


def measurements(ms: list[Any]) -> None:
    """``monitoring.effects`` batch callback: the employers of an import, refreshed once."""
    schedule(m.enterprise_id for m in ms)


def exams(enterprise_ids: list[int]) -> None:
    """``surveillance.exams.effects`` batch callback: the employers of a bulk exam import."""
    schedule(enterprise_ids)


def exam_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save`` of surveillance's ``Exam``: its worker's employer (no query: the worker is
    loaded by whoever recorded the exam). Fixture loading (``raw``) triggers nothing."""
    if kwargs.get("raw"):
        return
    worker = instance.worker
    schedule([worker.enterprise_id])
