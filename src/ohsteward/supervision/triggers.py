"""What re-assesses an employer when another app records new data (issue 13, "incremental for one
employer after a new measurement or exam batch"), batched: every trigger adds employers to a
per-thread pending set and asks for one flush when the transaction commits, so an import of many
rows re-assesses each affected employer **once**, all of them in one ``actions.risk_refresh``.

- monitoring: ``measurement`` / ``measurements`` registered with
  ``monitoring.effects.on_measurement_recorded(..., batch=...)`` (the bulk import calls the batch
  form once with one measurement per employer × factor);
- surveillance: ``exam_saved``, connected to ``post_save`` of surveillance's ``Exam`` in
  ``SupervisionConfig.ready()`` (supervision sits above surveillance; nothing is added there). An
  exam import records its rows in one transaction, so the whole batch is one flush.

Only employers that already have an assessment are refreshed (one never assessed waits for its
first). A rolled-back transaction leaves its employers pending; the next flush refreshes them too,
which is harmless (a refresh writes a row only when the result changed).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ohsteward.supervision import actions
from ohsteward.supervision.models import RiskAssessment

_local = threading.local()


def _pending() -> set[int]:
    if not hasattr(_local, "ids"):
        _local.ids = set()
    return _local.ids


def schedule(enterprise_ids: Iterable[int | None]) -> None:
    """Re-assess these employers once the current transaction commits (at once outside one)."""
    ids = {pk for pk in enterprise_ids if pk}
    if ids:
        _pending().update(ids)
        transaction.on_commit(flush)


def flush() -> None:
    ids = _pending().copy()
    _pending().clear()
    if not ids:
        return  # an earlier flush of the same commit did the work
    assessed = set(
        RiskAssessment.objects.filter(enterprise_id__in=ids)
        .values_list("enterprise_id", flat=True)
        .order_by()
    )
    if assessed:
        actions.risk_refresh(enterprise_ids=sorted(assessed), on=dt.date.today())


def measurement(m: Any) -> None:
    """``monitoring.effects`` callback for one measurement."""
    schedule([m.enterprise_id])


def measurements(ms: list[Any]) -> None:
    """``monitoring.effects`` batch callback: the employers of an import, refreshed once."""
    schedule(m.enterprise_id for m in ms)


def exam_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save`` of surveillance's ``Exam``: its worker's employer (no query: the worker is
    loaded by whoever recorded the exam)."""
    worker = instance.worker
    schedule([worker.enterprise_id])
