"""What a visit finding can raise in an app above stewardship (issue 10 item 3 "Findings can raise a
rectification task (monitoring app) or a training need").

Stewardship sits below monitoring in the layers and may not import it. Monitoring registers its
handler in its ``ready()`` (the shape of ``monitoring.effects`` and ``intake.effects``, ADR 0002)::

    followups.provide_rectification(opener, lookup)

``opener(user, finding)`` opens a 整改任务 for the finding's employer, linked to the finding, and
returns it; ``lookup(user, finding_ids)`` answers ``{finding_id: Rectification}`` for the tasks the
user may see (one query). When no app registered a handler, ``rectification_available()`` is False:
the pages say "整改任务功能未启用" and a request to raise one is refused with that message.
The training need is stewardship's own (``training.actions.need_raise``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

UNAVAILABLE = "整改任务功能未启用（未安装监测模块），不能下达整改任务"


@dataclass(frozen=True)
class Rectification:
    """A rectification task as stewardship shows it: where it is and its state in words; ``id``
    and ``status`` (``open`` / ``overdue`` / ``closed``) are what the ``visit-findings/`` API shows."""

    url: str
    state: str
    deadline: Any
    id: int | None = None
    status: str = ""


Opener = Callable[[Any, Any], Any]
Lookup = Callable[[Any, Collection[int]], dict[int, Rectification]]

_handler: dict[str, Any] = {}


def provide_rectification(opener: Opener, lookup: Lookup) -> None:
    """Register the app that opens rectification tasks; called from its ``ready()``."""
    _handler["open"] = opener
    _handler["lookup"] = lookup


def withdraw_rectification() -> None:
    """Forget the handler (tests of the "not installed" page)."""
    _handler.clear()


def rectification_available() -> bool:
    return "open" in _handler


def rectification_open(user: Any, finding: Any) -> Any:
    """Open the task through the registered handler; ``ValueError(UNAVAILABLE)`` without one."""
    if not rectification_available():
        raise ValueError(UNAVAILABLE)
    return _handler["open"](user, finding)


def rectifications(user: Any, finding_ids: Collection[int]) -> dict[int, Rectification]:
    """The tasks raised from these findings that ``user`` may see (empty without a handler)."""
    if not rectification_available() or not finding_ids:
        return {}
    return _handler["lookup"](user, finding_ids)
