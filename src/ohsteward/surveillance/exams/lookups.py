"""Natural keys of what exam uploads name: hazard factors (name, code or alias) and institutions
(name or credit code)."""

from __future__ import annotations

from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution


def find_factor(text: str) -> HazardFactor | None:
    """The factor whose code, name or one of whose aliases (、-separated) is ``text``."""
    text = (text or "").strip()
    if not text:
        return None
    found = (
        HazardFactor.objects.filter(code=text).first()
        or HazardFactor.objects.filter(name=text).order_by("code").first()
    )
    if found is not None:
        return found
    for factor in HazardFactor.objects.filter(aliases__contains=text).order_by("code")[:20]:
        if text in factor.alias_list:
            return factor
    return None


def find_institution(text: str) -> Institution | None:
    text = (text or "").strip()
    if not text:
        return None
    return (
        Institution.objects.filter(uscc=text.upper()).first() or Institution.objects.filter(name=text).first()
    )
