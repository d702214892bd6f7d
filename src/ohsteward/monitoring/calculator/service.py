"""Where an exposure judgement gets its Django inputs: the factor's limit rows of the editions in
force, the region's hot-region setting; then the one pure ``assess.assess``. The stateless
calculator (page and ``POST /api/v1/exposure/assess/``, ``run_assessment``) and the stored
measurement judgement (``actions.measurement_judge`` → ``assess_factor``: the form, the import and
the measurements API) both come here, so the same inputs give the same figures, limits and words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone

from ohsteward.hazards.lookup import FactorMatch, UnknownFactor, match_for, resolve_factor, rows_on
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor
from ohsteward.monitoring.assess import (
    HOT_REGION_PREFIXES_DEFAULT,
    PHYSICAL_AGENTS,
    Assessment,
    InputError,
    MixtureAssessment,
    assess,
    assess_mixture,
    inputs_from,
    is_hot_region,
    kind_for,
    mixture_groups,
    mixture_part,
)
from ohsteward.monitoring.rules import LimitUsed
from ohsteward.registry.models import Region


def hot_region(code: str | None) -> bool:
    """The per-region WBGT +1 ℃ setting (``assess.is_hot_region``; prefixes overridable by the
    setting ``OHSTEWARD_WBGT_HOT_REGION_PREFIXES``, default Chongqing "50", 未核对)."""
    prefixes = getattr(settings, "OHSTEWARD_WBGT_HOT_REGION_PREFIXES", HOT_REGION_PREFIXES_DEFAULT)
    return is_hot_region(code, prefixes)


def factor_match(factor: HazardFactor) -> FactorMatch:
    """A catalogue factor with its limit rows, physical agents under their GBZ 2.2 names too."""
    kind = kind_for(factor.category, factor.name)
    extra = (PHYSICAL_AGENTS[kind],) if kind in PHYSICAL_AGENTS else ()
    return match_for(factor, agent_names=extra)


def limit_rows(
    match: FactorMatch, on: dt.date, editions: list[ExposureLimitEdition] | None = None
) -> list[ExposureLimit]:
    """The factor's rows of the editions in force on ``on`` (the rules then choose by row dates)."""
    if match.factor is not None and kind_for(match.category, match.name) in PHYSICAL_AGENTS:
        if not any(r.agent_name == PHYSICAL_AGENTS[kind_for(match.category, match.name)] for r in match.rows):
            match = factor_match(match.factor)  # the GBZ 2.2 rows are named 手传振动, 工频电场
    return rows_on(match.rows, on, editions)


def assess_factor(
    match: FactorMatch,
    data: Mapping[str, Any],
    *,
    on: dt.date,
    region: str | None,
    editions: list[ExposureLimitEdition] | None = None,
    memo: dict[tuple, Any] | None = None,
) -> Assessment:
    """Judge ``data`` (the API's field names, raw or as stored) for the factor on ``on``. A bulk
    caller passes a prefetched ``match`` (``factor_match``) and ``editions`` (no query per row),
    and a ``memo`` (one dict per file) that keeps the rows in force per factor × date and the
    hot-region setting per region — the same values, computed once instead of once per row."""
    if memo is None:
        hot, rows = hot_region(region), limit_rows(match, on, editions)
    else:
        hot, rows = memo_fill(memo, match, on, region, editions)
    inputs = inputs_from(data, on=on, hot=hot, region=region)
    return assess(inputs, rows, factor=match.name, category=match.category)


def memo_fill(
    memo: dict[tuple, Any],
    match: FactorMatch,
    on: dt.date,
    region: str | None,
    editions: list[ExposureLimitEdition] | None = None,
) -> tuple[bool, list[ExposureLimit]]:
    """``assess_factor``'s memo: the hot-region setting per region and the rows in force per
    factor × date, computed on first use (the same values as without a memo)."""
    hot = memo.get(("hot", region))
    if hot is None:
        hot = memo[("hot", region)] = hot_region(region)
    rows = memo.get(("rows", id(match), on))
    if rows is None:
        rows = memo[("rows", id(match), on)] = limit_rows(match, on, editions)
    return hot, rows


def memo_has(memo: dict[tuple, Any], match: FactorMatch, on: dt.date, region: str | None) -> bool:
    """Whether ``assess_factor(memo=memo)`` needs nothing outside ``memo`` (no query, no settings
    read) for these arguments — what an import's worker process may judge."""
    return ("hot", region) in memo and ("rows", id(match), on) in memo


def run_assessment(data: dict[str, Any]) -> tuple[Assessment, FactorMatch]:
    """Resolve the factor, fetch its rows of the editions in force on ``on``, assess.

    Raises ``InputError`` (field, Chinese message) for bad input, unknown factors included."""
    on = data.get("on") or timezone.localdate()
    if on > timezone.localdate():
        raise InputError("on", f"检测日期 {on.isoformat()} 晚于今天")
    try:
        match = resolve_factor(str(data.get("factor") or ""))
    except UnknownFactor as exc:
        raise InputError("factor", str(exc)) from None
    region = (data.get("region") or "").strip()
    if region and not Region.objects.filter(code=region).exists():
        raise InputError("region", f"行政区划代码“{region}”不存在（应为6位代码，如 500112）")
    return assess_factor(match, data, on=on, region=region or None), match


def run_mixture(data: dict[str, Any]) -> tuple[list[Assessment], list[MixtureAssessment]]:
    """The stateless form of the mixture rule (``POST /api/v1/exposure/assess-mixture/``): each
    factor of ``data["factors"]`` judged by ``run_assessment`` on the same ``on`` and ``region``,
    then every configured group with two or more of them by ``assess.assess_mixture`` — the same
    judgement a stored post × date gets (``actions.mixtures_refresh``). ``InputError`` fields are
    prefixed with the item (``factors[1].samples``)."""
    results: list[tuple[Assessment, FactorMatch]] = []
    for i, item in enumerate(data.get("factors") or []):
        try:
            results.append(run_assessment({**item, "on": data.get("on"), "region": data.get("region")}))
        except InputError as exc:
            raise InputError(f"factors[{i}].{exc.field}", str(exc)) from None
    mixtures = []
    on = results[0][0].on if results else None  # every item is judged on the same date
    for group in mixture_groups(on=on):
        members = [res for res, m in results if group.includes(m.code, m.name)]
        if len(members) >= 2 and (mixture := assess_mixture(group, [mixture_part(r) for r in members])):
            mixtures.append(mixture)
    return [res for res, _ in results], mixtures


def limit_json(limit: LimitUsed) -> dict[str, Any]:
    return {
        "type": limit.type,
        "value": limit.value,
        "unit": limit.unit,
        "standard": limit.standard,
        "version": limit.version,
        "verified": limit.verified,
        "condition": limit.condition,
        "note": limit.note,
    }


def assessment_json(result: Assessment) -> dict[str, Any]:
    """The API's response body (issue 11 "API": these names, in this shape)."""
    grade = result.grade
    return {
        "factor": result.factor,
        "on": result.on.isoformat(),
        "c_twa": result.c_twa,
        "c_ste": result.c_ste,
        "c_me": result.c_me,
        "peak_ratio": result.peak_ratio,
        "l_ex_8h": result.l_ex_8h,
        "l_ex_w": result.l_ex_w,
        "limit": [limit_json(x) for x in result.limits],
        "ratio": result.ratio,
        "exposure_level": result.exposure_level,
        "compliant": result.compliant,
        "grade": (
            {
                "level": grade.level,
                "label": grade.label,
                "standard": grade.version,
                "verified": grade.verified,
            }
            if grade is not None
            else None
        ),
        "explanation": list(result.explanation),
        "verified": result.verified,
        "unverified": list(result.unverified),
    }
