"""Test helpers: valid ID numbers and workers at the cast's employers."""

from __future__ import annotations

import datetime as dt
import itertools

from ohsteward.surveillance import rules

_serial = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1985, 6, 15), *, area: str = "500112", male: bool = True) -> str:
    """A valid 18-digit ID number (a fresh sequence number each call; the 17th digit odd = male)."""
    n = next(_serial) % 500
    seq = f"{n:02d}{1 if male else 2}" if n < 100 else f"{n % 100:02d}{3 if male else 4}"
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + rules.id_check_char(first17)
