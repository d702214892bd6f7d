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


def make_post(enterprise, *factor_codes: str, workplace: str = "一车间", name: str = "操作工"):
    """A post at ``enterprise`` carrying the hazard factors of ``factor_codes`` (CDC codes)."""
    # local: Django models; the ID helper above is used by pure tests too
    from ohsteward.hazards.models import HazardFactor
    from ohsteward.registry.models import Post, PostExposure, Workplace

    wp, _ = Workplace.objects.get_or_create(enterprise=enterprise, name=workplace)
    post, _ = Post.objects.get_or_create(workplace=wp, name=name)
    for code in factor_codes:
        PostExposure.objects.get_or_create(post=post, hazard_factor=HazardFactor.objects.get(code=code))
    return post
