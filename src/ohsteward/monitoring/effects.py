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


def on_measurement_recorded(callback: Callable[[Any], None]) -> None:
    """Register ``callback(measurement)``; called once per new or changed measurement."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def measurement_recorded(measurement: Any) -> None:
    for callback in _callbacks:
        callback(measurement)
