"""What recorded exams cause in apps above surveillance, for writes that send no ``post_save``.

One exam saved by ``actions.exam_record`` sends ``post_save``, which supervision listens to
(``supervision.triggers.exam_saved``). The bulk import (``exams.bulk``) writes its exams with
``COPY``/``bulk_create``, which sends nothing, so it calls ``exams_recorded`` once with the
employers of the file's new exams; supervision registers its batch entry in its ``ready()``
(the same shape as ``monitoring.effects``; supervision sits above surveillance in the layers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_batch: list[Callable[[list[int]], None]] = []


def on_exams_recorded(callback: Callable[[list[int]], None]) -> None:
    """Register ``callback(enterprise_ids)``, called once per bulk write of exams."""
    if callback not in _batch:
        _batch.append(callback)


def exams_recorded(enterprise_ids: Iterable[int]) -> None:
    """The bulk import's call: the employers whose workers got new exams, each once."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    for callback in _batch:
        callback(ids)
