"""What a recorded measurement causes in apps above monitoring (issue 11 item 6): the declarations
app raises a 变更申报 when a detection result shows a factor the last declaration does not list.

Monitoring sits below declarations in the layers and may not import it; the higher app registers a
callback in its ``ready()`` (the same shape as ``intake.effects.on_link``, ADR 0002), and
``actions.measurement_record`` calls ``measurement_recorded`` explicitly after it saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_callbacks: list[Callable[[Any], None]] = []
_batch: dict[Callable[[Any], None], Callable[[list[Any]], None]] = {}


def on_measurement_recorded(
    callback: Callable[[Any], None], batch: Callable[[list[Any]], None] | None = None
) -> None:
    """Register ``callback(measurement)``; called once per new or changed measurement. ``batch``
    (optional) does the same for a list at once (the bulk import calls it with one measurement per
    employer × factor)."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    if batch is not None:
        _batch[callback] = batch


def measurement_recorded(measurement: Any) -> None:
    for callback in _callbacks:
        callback(measurement)


def measurements_recorded(measurements: list[Any]) -> None:
    """The bulk import's call: what ``measurement_recorded`` causes, once per employer × factor."""
    seen: dict[tuple[Any, Any], Any] = {}
    for m in measurements:
        seen.setdefault((m.enterprise_id, m.factor_id), m)
    distinct = list(seen.values())
    for callback in _callbacks:
        batch = _batch.get(callback)
        if batch is not None:
            batch(distinct)
        else:
            for m in distinct:
                callback(m)
