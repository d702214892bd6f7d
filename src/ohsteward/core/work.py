"""Open work: what a user should do next, as items each app contributes and the home page lists.

Each app answers for its own records in ``<app>/queries.py`` (``open_work(user, today)``); the
home page (web) composes them and sorts them, most urgent first. An item only ever links to a page
the user may open: the app checks the permission before it offers the item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Urgency bands, most urgent first.
OVERDUE = 0
DUE = 1
OPEN = 2
INFO = 3


@dataclass(frozen=True)
class WorkItem:
    label: str  # "12 家已超过核实期限，请尽快核实"
    url: str  # where the work is done
    count: int | None = None  # how many records wait
    due_on: dt.date | None = None  # the nearest deadline, if any
    urgency: int = OPEN
    hint: str = ""  # one line in plain words: what to do there

    @property
    def overdue(self) -> bool:
        return self.urgency == OVERDUE


def sort_work(items: list[WorkItem]) -> list[WorkItem]:
    """Overdue first, then by nearest deadline, then the larger piles."""
    return sorted(items, key=lambda i: (i.urgency, i.due_on or dt.date.max, -(i.count or 0)))
