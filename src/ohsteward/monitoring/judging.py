"""From a measurement's inputs to its judgement: which rule of ``rules``/``physical``/``grading``
applies to which inputs (no Django imports; the caller passes the factor's limit rows).

The inputs are the JSON a form, an import row or the API gives (field names as the API's
``POST /api/v1/exposure/assess/``): ``samples`` [{value, minutes}], ``short_samples``, ``c_twa``,
``c_me``, ``shift_hours``, ``condition`` (the limit row's condition, e.g. 铅尘/铅烟),
``free_silica_percent``, ``dust_fraction`` (total/respirable), ``noise_segments`` [{level, hours}],
``l_ex_8h``, ``daily_levels``, ``days_per_week``, ``wbgt``, ``time_ratio``, ``labour_intensity``,
``toxicity`` (for chemical grading), ``a_hw``/``vibration_hours`` or ``a_hw4``, ``e_field``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ohsteward.monitoring import grading, physical, rules
from ohsteward.monitoring.rules import LimitRow, MonitoringRuleError, NoLimitError

# Which catalogue factors are judged by which rule, and under which agent name the GBZ 2.2 rows are
# stored (the CDC code list names 振动 and 工频辐射; GBZ 2.2-2007 names 手传振动 and 工频电场).
PHYSICAL_AGENTS = {"noise": "噪声", "heat": "高温", "vibration": "手传振动", "efield": "工频电场"}
PHYSICAL_BY_FACTOR_NAME = {"噪声": "noise", "高温": "heat", "振动": "vibration", "手传振动": "vibration",
                           "工频辐射": "efield", "工频电场": "efield"}  # fmt: skip

# GBZ 2.2-2007 10.2.2: +1 ℃ on every WBGT limit where the local outdoor ventilation design
# temperature is ≥ 30 ℃. Whether a region qualifies is [M] (RULES.md §3.2): a per-region setting,
# on for Chongqing (province code 50), shown as 未核对.
HOT_REGION_PREFIXES: tuple[str, ...] = ("50",)
HOT_REGION_VERIFIED = False


def kind_for(category: str, name: str) -> str:
    """The measurement kind for a catalogue factor (category code of ``HazardCategory``)."""
    if category == "dust":
        return "dust"
    if category == "chemical":
        return "chemical"
    if category == "physical":
        return PHYSICAL_BY_FACTOR_NAME.get(name, "other")
    return "other"


def is_hot_region(region_code: str | None) -> bool:
    return bool(region_code) and any(str(region_code).startswith(p) for p in HOT_REGION_PREFIXES)


@dataclass
class Outcome:
    """The stored judgement of one measurement."""

    compliant: bool | None = None
    value: float | None = None
    unit: str = ""
    ratio: float | None = None
    exposure_level: str = ""
    c_twa: float | None = None
    c_ste: float | None = None
    c_me: float | None = None
    peak_ratio: float | None = None
    l_ex_8h: float | None = None
    l_ex_w: float | None = None
    limits: list[dict[str, Any]] = field(default_factory=list)
    limit_row_id: Any = None
    verified: bool = False
    grade: grading.Grade | None = None
    explanation: list[str] = field(default_factory=list)


def _num(inputs: Mapping[str, Any], key: str, what: str) -> float | None:
    value = inputs.get(key)
    if value is None or value == "":
        return None
    return rules.to_number(value, what)


def _pairs(items: Any, a: str, b: str, what: str) -> list[tuple[Any, Any]]:
    if items in (None, ""):
        return []
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise MonitoringRuleError(f"{what}: 应为列表")
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or a not in item or b not in item:
            raise MonitoringRuleError(f"{what}第{i}项: 须有 {a} 和 {b}")
        out.append((item[a], item[b]))
    return out


def _samples(items: Any, what: str) -> list[rules.Sample]:
    out = []
    for i, item in enumerate(items or [], 1):
        if not isinstance(item, Mapping) or "value" not in item or "minutes" not in item:
            raise MonitoringRuleError(f"{what}第{i}项: 须有 value 和 minutes")
        try:
            out.append(rules.Sample.of(item["value"], item["minutes"], lod=item.get("lod")))
        except MonitoringRuleError as e:
            raise MonitoringRuleError(f"{what}第{i}项 {e}") from None
    return out


def _narrow(rows: list[LimitRow], condition: str) -> list[LimitRow]:
    """Chemical rows narrowed to one condition (铅尘/铅烟 …); rows without a condition always fit."""
    conditions = sorted({r.condition for r in rows if r.condition})
    if len(conditions) <= 1:
        return rows
    if not condition:
        raise MonitoringRuleError(f"限值条件: 该因素有多种限值条件，请选择其一（{'、'.join(conditions)}）")
    chosen = [r for r in rows if not r.condition or r.condition == condition]
    if len(chosen) == len([r for r in rows if not r.condition]):
        raise MonitoringRuleError(f"限值条件: 应为{'、'.join(conditions)}之一（{condition}）")
    return chosen


def _chemical(
    rows: list[LimitRow], on: dt.date, inputs: Mapping[str, Any], *, dust: bool, factor: str
) -> tuple[rules.Judgement, dict[str, float | None]]:
    figures: dict[str, float | None] = {}
    if dust:
        fraction = inputs.get("dust_fraction") or "total"
        rows = rules.dust_rows(
            rows, fraction=fraction, free_silica_percent=inputs.get("free_silica_percent") or None
        )
    else:
        rows = _narrow(rows, (inputs.get("condition") or "").strip())
    shift = _num(inputs, "shift_hours", "班次时长(h)")
    samples = _samples(inputs.get("samples"), "采样时段")
    short = _samples(inputs.get("short_samples"), "短时间采样")
    twa: rules.Twa | float | None = None
    if samples:
        twa = rules.c_twa(samples, shift_hours=shift or rules.STANDARD_DAY_HOURS)
        figures["c_twa"] = twa.value
    else:
        direct = _num(inputs, "c_twa", "C_TWA")
        if direct is not None:
            twa = direct
            figures["c_twa"] = direct
    ste = [rules.c_ste(s.reading, s.minutes) for s in short]
    if ste:
        figures["c_ste"] = max(ste)
    c_me = _num(inputs, "c_me", "C_ME")
    if c_me is None and (samples or short):
        c_me = rules.c_me([s.reading for s in (*samples, *short)])
    figures["c_me"] = c_me
    rf = rules.reduction_factor(hours_per_day=shift) if shift and shift > 8 else 1.0
    judgement = rules.judge_chemical(
        rows, on, factor=factor, twa=twa, c_ste_values=ste, c_me_value=c_me, short_samples=short, rf=rf
    )
    figures["peak_ratio"] = judgement.extra.get("peak_ratio")
    return judgement, figures


def _b_ratio(judgement: rules.Judgement) -> float:
    """B for GBZ/T 229 (peaks against 3 × PC-TWA, not the 5 × ceiling the check compares with)."""
    ratios = []
    for c in judgement.checks:
        if c.measure == "峰接触浓度":
            ratios.append(
                c.exposure / (c.limit.value * rules.PEAK_EXCURSION_FACTOR / rules.PEAK_CEILING_FACTOR)
            )
        else:
            ratios.append(c.ratio)
    return max(ratios)


def _grade(
    kind: str, on: dt.date, judgement: rules.Judgement, inputs: Mapping[str, Any]
) -> tuple[grading.Grade | None, str]:
    labour = (inputs.get("labour_intensity") or "").strip()
    if kind == "noise":
        measure = judgement.checks[0]
        return grading.grade_noise(on, level_dba=measure.exposure), ""
    if kind == "heat":
        return grading.grade_heat(on, wbgt=inputs["wbgt"], time_ratio=inputs["time_ratio"], labour=labour), ""
    if kind == "dust":
        silica = inputs.get("free_silica_percent")
        if silica in (None, "") or not labour:
            return None, "未分级：粉尘作业分级需游离SiO2含量和体力劳动强度"
        return grading.grade_dust(on, b=_b_ratio(judgement), free_silica_percent=silica, labour=labour), ""
    if kind == "chemical":
        toxicity = (inputs.get("toxicity") or "").strip()
        if not toxicity or not labour:
            return None, "未分级：化学物作业分级需毒物危害程度和体力劳动强度"
        return grading.grade_chemical(on, b=_b_ratio(judgement), toxicity=toxicity, labour=labour), ""
    return None, ""


def judge(
    kind: str,
    rows: Iterable[LimitRow],
    on: dt.date,
    inputs: Mapping[str, Any],
    *,
    factor: str = "",
    region_code: str | None = None,
) -> Outcome:
    """Judge one post × factor. Input errors raise ``MonitoringRuleError`` (Chinese, naming the
    field); a factor without an applicable limit gives ``compliant=None`` "无接触限值，未判定"."""
    rows = list(rows)
    outcome = Outcome()
    figures: dict[str, float | None] = {}
    try:
        if kind in ("chemical", "dust"):
            judgement, figures = _chemical(rows, on, inputs, dust=kind == "dust", factor=factor)
        elif kind == "noise":
            segments = _pairs(inputs.get("noise_segments"), "level", "hours", "噪声时段")
            level = physical.l_ex_8h(segments) if segments else _num(inputs, "l_ex_8h", "L_EX,8h")
            days = int(_num(inputs, "days_per_week", "每周工作天数") or 5)
            if not 1 <= days <= 7:
                raise MonitoringRuleError(f"每周工作天数: 应为1–7（{days}）")
            judgement = physical.judge_noise(
                rows,
                on,
                l_ex_8h_value=level,
                daily_levels=inputs.get("daily_levels") or (),
                days_per_week=days,
            )
            figures["l_ex_8h"] = level
            figures["l_ex_w"] = judgement.extra.get("L_EX,W")
        elif kind == "heat":
            for key, what in (
                ("wbgt", "WBGT"),
                ("time_ratio", "接触时间率"),
                ("labour_intensity", "体力劳动强度"),
            ):
                if inputs.get(key) in (None, ""):
                    raise MonitoringRuleError(f"{what}: 必填")
            hot = is_hot_region(region_code)
            judgement = physical.judge_heat(
                rows, on, wbgt=inputs["wbgt"], time_ratio=inputs["time_ratio"],
                labour=inputs["labour_intensity"], hot_region=hot,
            )  # fmt: skip
        elif kind == "vibration":
            a4 = _num(inputs, "a_hw4", "a_hw(4)")
            if a4 is None:
                a = _num(inputs, "a_hw", "振动加速度(m/s²)")
                hours = _num(inputs, "vibration_hours", "日接振时间(h)")
                if a is None or hours is None:
                    raise MonitoringRuleError("手传振动: 须填写 a_hw(4)，或振动加速度和日接振时间")
                a4 = physical.a_hw4(a, hours)
            judgement = physical.judge_single_limit(rows, on, factor="手传振动", measure="a_hw(4)", value=a4)
        elif kind == "efield":
            e = _num(inputs, "e_field", "电场强度(kV/m)")
            if e is None:
                raise MonitoringRuleError("电场强度(kV/m): 必填")
            judgement = physical.judge_single_limit(rows, on, factor="工频电场", measure="电场强度", value=e)
        else:
            raise NoLimitError(f"{factor}: 本系统不自动判定该类因素，{rules.NO_LIMIT_TEXT}")
    except NoLimitError as e:
        outcome.explanation = [str(e)]
        for key, value in figures.items():
            setattr(outcome, key, value)
        return outcome
    for key, value in figures.items():
        setattr(outcome, key, value)
    first = judgement.checks[0]
    outcome.compliant = judgement.compliant
    outcome.value = max(judgement.checks, key=lambda c: c.ratio).exposure
    outcome.unit = first.limit.unit
    outcome.ratio = judgement.ratio
    outcome.exposure_level = judgement.exposure_level
    outcome.limits = [
        {"type": c.limit.type, "value": c.limit.value, "unit": c.limit.unit, "standard": c.limit.standard,
         "version": c.limit.version, "verified": c.limit.verified, "condition": c.limit.condition,
         "row_id": c.limit.row_id, "measure": c.measure, "exposure": c.exposure, "compliant": c.compliant}
        for c in judgement.checks
    ]  # fmt: skip
    outcome.limit_row_id = max(judgement.checks, key=lambda c: c.ratio).limit.row_id
    outcome.verified = judgement.verified
    outcome.explanation = list(judgement.explanation)
    band, band_label = rules.exposure_level(judgement.ratio)
    outcome.explanation.append(f"接触比值 {judgement.ratio:.2f}，接触水平 {band}（{band_label}）")
    if judgement.unverified_inputs:
        outcome.explanation.append(f"{rules.UNVERIFIED}：{'、'.join(judgement.unverified_inputs)}")
    grade, why = _grade(kind, on, judgement, inputs)
    outcome.grade = grade
    if grade is not None:
        flag = "" if grade.verified else f"（{rules.UNVERIFIED}）"
        outcome.explanation.append(f"作业分级：{grade.level or '—'} {grade.label}（{grade.version}）{flag}")
        outcome.explanation.extend(grade.notes)
    elif why:
        outcome.explanation.append(why)
    return outcome


NUMERIC_INPUTS = {
    "c_twa": "C_TWA", "c_me": "C_ME", "shift_hours": "班次时长(h)", "free_silica_percent": "游离SiO2含量(%)",
    "l_ex_8h": "L_EX,8h", "days_per_week": "每周工作天数", "wbgt": "WBGT(℃)", "time_ratio": "接触时间率",
    "a_hw": "振动加速度(m/s²)", "vibration_hours": "日接振时间(h)", "a_hw4": "a_hw(4)", "e_field": "电场强度(kV/m)",
}  # fmt: skip


def normalize_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as stored: numbers as numbers, every sample ``{value, minutes}`` with a result
    below the detection limit kept as censored, ``{"value": "<LOD", "lod": 0.05, …}`` (never a
    substituted number). Bad values raise ``MonitoringRuleError`` naming the field and item."""
    out: dict[str, Any] = {}
    for key, value in inputs.items():
        if value in (None, "", []):
            continue
        if key in NUMERIC_INPUTS:
            out[key] = rules.to_number(value, NUMERIC_INPUTS[key])
        elif key in ("samples", "short_samples"):
            what = "采样时段" if key == "samples" else "短时间采样"
            rows = []
            for i, s in enumerate(_samples(value, what), 1):
                minutes = s.minutes
                if minutes <= 0:
                    raise MonitoringRuleError(f"{what}第{i}项 采样时间(min): 须大于0")
                if s.reading.below_lod:
                    rows.append({"value": "<LOD", "lod": s.reading.lod, "minutes": minutes})
                else:
                    rows.append({"value": s.reading.value, "minutes": minutes})
            out[key] = rows
        elif key == "noise_segments":
            out[key] = [
                {"level": rules.to_number(a, "L_Aeq(dB(A))"), "hours": rules.to_number(b, "接触时间(h)")}
                for a, b in _pairs(value, "level", "hours", "噪声时段")
            ]
        elif key == "daily_levels":
            out[key] = [rules.to_number(v, "每日 L_EX,8h") for v in value]
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out
