"""Finding a hazard factor by what people type: name, CDC code, alias or CAS number; unknown
names are answered with the nearest catalogue names (issue 11 "Bad input")."""

from __future__ import annotations

import difflib

from django.core.exceptions import ValidationError
from django.db.models import Q

from ohsteward.hazards.models import HazardFactor


def nearest_names(text: str, n: int = 5) -> list[str]:
    names = list(HazardFactor.objects.values_list("name", flat=True))
    close = difflib.get_close_matches(text, names, n=n, cutoff=0.3)
    if len(close) < n:
        close += [x for x in names if text and (text in x or x in text) and x not in close][: n - len(close)]
    return close


def resolve_factor(text: str) -> HazardFactor:
    """The catalogue factor for ``text``; a Chinese ``ValidationError`` with suggestions otherwise."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写危害因素")
    exact = HazardFactor.objects.filter(Q(name=text) | Q(code=text) | Q(cas=text)).order_by("code").first()
    if exact is not None:
        return exact
    for factor in HazardFactor.objects.filter(aliases__contains=text).order_by("code"):
        if text in factor.alias_list:
            return factor
    suggestions = nearest_names(text)
    hint = f"，是否为：{'、'.join(suggestions)}" if suggestions else ""
    raise ValidationError(f"危害因素“{text}”不在目录中{hint}")
