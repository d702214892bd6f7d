"""Find a hazard factor from what a user types (name, alias, CAS number or CDC code) and the
exposure-limit rows that judge it. Reference data only: no scoping (every user may read it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from rapidfuzz import fuzz, process

from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor
from ohsteward.hazards.rules import editions_in_force

SUGGESTIONS = 5


@dataclass
class FactorMatch:
    """A factor the limits are looked up for: the catalogue entry (if any) and its limit rows."""

    name: str
    category: str
    code: str = ""
    cas: str = ""
    factor: HazardFactor | None = None
    rows: list[ExposureLimit] = field(default_factory=list)


class UnknownFactor(LookupError):
    """No factor by that text; ``suggestions`` are the nearest catalogue names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        near = "；是否为：" + "、".join(suggestions) if suggestions else ""
        if not text:
            super().__init__("请填写危害因素（名称、别名、CAS号或CDC代码）")
        else:
            super().__init__(f"未知的危害因素“{text}”（可按名称、别名、CAS号或CDC代码查找）{near}")


def _limit_rows(q: Q) -> list[ExposureLimit]:
    return list(ExposureLimit.objects.filter(q).select_related("edition").order_by("pk"))


def _catalogue(text: str) -> HazardFactor | None:
    """The catalogue entry by exact CDC code, name, CAS number or alias."""
    return (
        HazardFactor.objects.filter(code=text).first()
        or HazardFactor.objects.filter(name=text).first()
        or HazardFactor.objects.filter(cas=text).order_by("code").first()
        or next(
            (
                f
                for f in HazardFactor.objects.filter(aliases__contains=text).order_by("code")
                if text in f.alias_list
            ),
            None,
        )
    )


def match_for(factor: HazardFactor, *, agent_names: tuple[str, ...] = ()) -> FactorMatch:
    """A catalogue factor with its limit rows (every edition): rows linked to it, rows under its
    name (also written without spaces: CDC "按Pb 计", GBZ 2.1 "按Pb计"), its CAS number, and the
    ``agent_names`` a caller knows the standard uses (GBZ 2.2 手传振动 for the CDC list's 振动)."""
    names = {factor.name, "".join(factor.name.split()), *agent_names}
    q = Q(hazard_factor=factor) | Q(agent_name__in=sorted(names))
    if factor.cas:
        q |= Q(cas=factor.cas)
    return FactorMatch(factor.name, factor.category, factor.code, factor.cas, factor, _limit_rows(q))


def resolve_factor(text: str) -> FactorMatch:
    """The factor ``text`` names: an exact CDC code, name, CAS number or alias of the catalogue,
    else a limit row's name or CAS number (GBZ 2.1 names the CDC list lacks, e.g. 铅及其无机化合物).
    Raises ``UnknownFactor`` with the nearest names otherwise."""
    text = (text or "").strip()
    if not text:
        raise UnknownFactor(text, [])
    factor = _catalogue(text)
    if factor is not None:
        return match_for(factor)
    rows = _limit_rows(Q(agent_name=text) | (Q(cas=text) & ~Q(cas="")))
    if rows:
        first = rows[0]
        return FactorMatch(first.agent_name, first.category, "", first.cas, first.hazard_factor, rows)
    raise UnknownFactor(text, nearest_names(text))


def catalogue_factor(text: str) -> HazardFactor:
    """The catalogue entry ``text`` names (records keep a ``HazardFactor``): as ``resolve_factor``
    without the limit-table fallback; ``UnknownFactor`` with the nearest names otherwise."""
    text = (text or "").strip()
    factor = _catalogue(text) if text else None
    if factor is None:
        raise UnknownFactor(text, nearest_names(text) if text else [])
    return factor


def nearest_names(text: str, limit: int = SUGGESTIONS) -> list[str]:
    """The catalogue and limit-table names closest to ``text`` (for "是否为：…")."""
    names = set(HazardFactor.objects.values_list("name", flat=True))
    names |= set(ExposureLimit.objects.values_list("agent_name", flat=True))
    for aliases in HazardFactor.objects.exclude(aliases="").values_list("aliases", flat=True):
        names |= {a for a in aliases.split("、") if a}
    found = process.extract(text, sorted(names), scorer=fuzz.ratio, limit=limit, score_cutoff=40)
    return [name for name, _score, _i in found]


def rows_on(
    rows: list[ExposureLimit], on: dt.date, editions: list[ExposureLimitEdition] | None = None
) -> list[ExposureLimit]:
    """The rows of the editions in force on ``on`` (``hazards.rules.editions_in_force``); rows
    without an edition are kept. The monitoring rules then choose among them by the rows' own dates
    (``monitoring.rules.rows_in_force``). ``editions``: all editions, prefetched by a bulk caller."""
    if editions is None:
        editions = list(ExposureLimitEdition.objects.order_by("pk"))
    in_force = {e.pk for e in editions_in_force(editions, on)}
    kept = [row for row in rows if row.edition_id is None or row.edition_id in in_force]
    if not kept:
        # a date before every edition of the factor: its later rows (none in force on ``on``) let
        # the rules say which edition the system starts with and how to import an earlier one
        return [row for row in rows if row.effective_from > on]
    return kept
