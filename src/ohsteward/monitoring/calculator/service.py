"""The stateless calculator: from the API's (or the page's) fields to one ``assess.Assessment``
and its JSON form. The API and the page call ``run_assessment``; nothing is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.conf import settings

from ohsteward.hazards.lookup import FactorMatch, UnknownFactor, resolve_factor, rows_on
from ohsteward.monitoring.assess import Assessment, ExposureInputs, InputError, assess
from ohsteward.monitoring.rules import LimitUsed
from ohsteward.registry.models import Region

#: Regions whose WBGT limits get +1 ℃ (GBZ 2.2-2007 10.2.2: outdoor ventilation design temperature
#: ≥ 30 ℃). Whether Chongqing qualifies is [M] in RULES.md §3.2: on for Chongqing ("50…"), flagged
#: 未核对. Overridable per installation with the setting ``OHSTEWARD_WBGT_HOT_REGION_PREFIXES``.
HOT_REGION_PREFIXES_DEFAULT = ("50",)
HOT_REGION_VERIFIED = False


def hot_region(code: str | None) -> bool:
    prefixes = getattr(settings, "OHSTEWARD_WBGT_HOT_REGION_PREFIXES", HOT_REGION_PREFIXES_DEFAULT)
    return bool(code) and any(str(code).startswith(p) for p in prefixes)


def _pairs(items: Any, a: str, b: str, field_name: str) -> list[tuple[Any, Any]]:
    out = []
    for i, item in enumerate(items or [], 1):
        if not isinstance(item, dict) or a not in item or b not in item:
            raise InputError(field_name, f"第{i}项: 须包含 {a} 和 {b}")
        out.append((item[a], item[b]))
    return out


def inputs_from(data: dict[str, Any], *, on: dt.date, hot: bool) -> ExposureInputs:
    """``ExposureInputs`` from the API's field names (already shaped by the serializer or form)."""
    return ExposureInputs(
        on=on,
        samples=_pairs(data.get("samples"), "value", "minutes", "samples"),
        short_samples=_pairs(data.get("short_samples"), "value", "minutes", "short_samples"),
        c_twa=data.get("c_twa"),
        free_silica_percent=data.get("free_silica_percent"),
        dust_fraction=data.get("dust_fraction") or None,
        shift_hours=data.get("shift_hours"),
        days_per_week=data.get("days_per_week"),
        noise_segments=_pairs(data.get("noise_segments"), "level", "hours", "noise_segments"),
        l_ex_8h=data.get("l_ex_8h"),
        daily_levels=list(data.get("daily_levels") or []),
        wbgt=data.get("wbgt"),
        time_ratio=data.get("time_ratio"),
        labour_intensity=data.get("labour_intensity") or None,
        hot_region=hot,
        condition=data.get("condition") or None,
    )


def run_assessment(data: dict[str, Any]) -> tuple[Assessment, FactorMatch]:
    """Resolve the factor, fetch its rows of the editions in force on ``on``, assess.

    Raises ``InputError`` (field, Chinese message) for bad input, unknown factors included."""
    on = data.get("on") or dt.date.today()
    if on > dt.date.today():
        raise InputError("on", f"检测日期 {on.isoformat()} 晚于今天")
    try:
        match = resolve_factor(str(data.get("factor") or ""))
    except UnknownFactor as exc:
        raise InputError("factor", str(exc)) from None
    region = (data.get("region") or "").strip()
    if region and not Region.objects.filter(code=region).exists():
        raise InputError("region", f"行政区划代码“{region}”不存在（应为6位代码，如 500112）")
    inputs = inputs_from(data, on=on, hot=hot_region(region))
    result = assess(inputs, rows_on(match.rows, on), factor=match.name, category=match.category)
    if inputs.hot_region and result.judgement is not None and "地区+1℃修正的适用" not in result.unverified:
        result = _with(result, unverified=(*result.unverified, "地区+1℃修正的适用"))
    if inputs.wbgt is not None and not region:
        result = _with(
            result, explanation=(*result.explanation, "未填写地区(region)，WBGT 限值未作地区+1℃修正")
        )
    return result, match


def _with(result: Assessment, **changes: Any) -> Assessment:
    return replace(result, **changes)


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
