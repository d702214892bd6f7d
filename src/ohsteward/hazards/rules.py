"""Pure rules of the exposure-limit reference data (no Django imports): which editions of a limit
standard are in force on a date (RULES.md "How to read": choose by the event date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

BASE = "base"
AMENDMENT = "amendment"


class EditionLike(Protocol):
    """The attributes of ``hazards.models.ExposureLimitEdition`` the rule reads."""

    @property
    def standard(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def effective_to(self) -> dt.date | None: ...


E = TypeVar("E", bound=EditionLike)


def _open_on(e: EditionLike, on: dt.date) -> bool:
    return e.effective_from <= on and (e.effective_to is None or on < e.effective_to)


def editions_in_force(editions: Iterable[E], on: dt.date) -> list[E]:
    """Per standard, the latest base edition open on ``on`` and the amendments to it that came into
    force since it and are open on ``on`` (GBZ 2.1-2019 with its 第1号/第2号修改单). A later base
    edition replaces an earlier one from its effective date even when the earlier one has no end
    date entered; amendments older than the base in force belong to an earlier text and drop out.
    Two base editions from the same date (the shipped partial table and a complete one imported
    under another version name): the one listed last wins — callers list them by primary key, so
    the later import replaces the earlier."""
    editions = list(editions)
    chosen: list[E] = []
    for standard in sorted({e.standard for e in editions}):
        base = None
        for e in editions:  # the latest date wins; on a tie the one listed last (callers: by pk)
            if e.standard == standard and e.kind == BASE and _open_on(e, on):
                if base is None or e.effective_from >= base.effective_from:
                    base = e
        if base is not None:
            chosen.append(base)
        since = base.effective_from if base is not None else dt.date.min
        chosen.extend(
            e
            for e in editions
            if e.standard == standard
            and e.kind == AMENDMENT
            and _open_on(e, on)
            and e.effective_from >= since
        )
    return chosen
