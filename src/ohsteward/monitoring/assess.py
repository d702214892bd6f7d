"""One exposure assessment from raw inputs (no Django imports): the single entry point that the
stateless calculator (page and ``POST /api/v1/exposure/assess/``) and a stored measurement
judgement call, so that both show the same numbers, limits and sentences.

``assess(inputs, rows, factor=…, category=…)`` takes what a hygienist enters (``ExposureInputs``:
the API's field names) and the factor's limit rows (``rules.LimitRow``; the caller fetches them,
e.g. ``hazards.lookup.limit_rows``), and returns an ``Assessment``: C_TWA, C_STE, C_ME, the peak
ratio, L_EX,8h / L_EX,W, the limits used, ratio, 接触水平, 符合/不符合 (``None`` when no limit
applies: "无接触限值，未判定", never 合格), the hazard grade, the Chinese explanation, and the working
(formula, inputs, result per step) for pages. Formulas and their sources are in ``monitoring.rules``,
``monitoring.physical`` and ``monitoring.grading``; this module only routes inputs to them, checks
the inputs with Chinese messages naming the field (``InputError``) and rounds as reports do.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from ohsteward.monitoring import grading, physical
from ohsteward.monitoring import rules as r
from ohsteward.monitoring.rules import LimitRow, LimitUsed, MonitoringRuleError, NoLimitError, Number

CATEGORIES = ("chemical", "dust", "physical")
MAX_SAMPLES = 200  # one post × factor on one day; more is a data error, not a shift


# Which catalogue factors are judged by which rule, and under which agent name the GBZ 2.2 rows are
# stored (the CDC code list names 振动 and 工频辐射; GBZ 2.2-2007 names 手传振动 and 工频电场).
PHYSICAL_AGENTS = {"noise": "噪声", "heat": "高温", "vibration": "手传振动", "efield": "工频电场"}
PHYSICAL_BY_FACTOR_NAME = {"噪声": "noise", "高温": "heat", "振动": "vibration", "手传振动": "vibration",
                           "工频辐射": "efield", "工频电场": "efield"}  # fmt: skip

# GBZ 2.2-2007 10.2.2: +1 ℃ on every WBGT limit where the local outdoor ventilation design
# temperature is ≥ 30 ℃. Whether a region qualifies is [M] (RULES.md §3.2): a per-region setting
# (the caller passes the installation's prefixes, Django setting ``OHSTEWARD_WBGT_HOT_REGION_PREFIXES``),
# on for Chongqing (province code 50) by default, shown as 未核对 in every judgement that uses it.
HOT_REGION_PREFIXES_DEFAULT: tuple[str, ...] = ("50",)
HOT_REGION_VERIFIED = False
HOT_REGION_UNVERIFIED = "地区+1℃修正的适用"


def kind_for(category: str, name: str) -> str:
    """The judgement kind of a catalogue factor (``HazardCategory`` code and name): chemical, dust,
    noise, heat, vibration, efield, or other (not judged automatically)."""
    if category in ("chemical", "dust"):
        return category
    if category == "physical":
        return PHYSICAL_BY_FACTOR_NAME.get(name, "other")
    return "other"


def is_hot_region(code: str | None, prefixes: Sequence[str] = HOT_REGION_PREFIXES_DEFAULT) -> bool:
    """Whether the region (6-digit code) gets the WBGT +1 ℃ adjustment ([M], 未核对)."""
    return bool(code) and any(str(code).startswith(p) for p in prefixes)


class InputError(MonitoringRuleError):
    """Bad input for one field of the assessment (the API answers 400 under ``field``)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class ExposureInputs:
    """What a hygienist enters, with the API's field names (issue 11 "API")."""

    on: dt.date
    samples: Sequence[tuple[Number | r.Reading, Number]] = ()  # (value, minutes); value may be "<0.05"
    short_samples: Sequence[tuple[Number | r.Reading, Number]] = ()
    c_twa: Number | None = None
    c_me: Number | None = None  # given directly (a MAC substance measured by its highest value)
    free_silica_percent: Number | None = None
    dust_fraction: str | None = None  # "total" / "respirable"
    shift_hours: Number | None = None
    days_per_week: Number | None = None
    noise_segments: Sequence[tuple[Number, Number]] = ()  # (level dB(A), hours)
    l_ex_8h: Number | None = None
    daily_levels: Sequence[Number] = ()
    wbgt: Number | None = None
    time_ratio: Number | None = None
    labour_intensity: str | None = None
    hot_region: bool = False  # the region's +1 ℃ WBGT adjustment (a per-region setting, [M])
    region: str | None = None  # the 6-digit code the adjustment was decided for (None: not given)
    condition: str | None = None  # narrows rows by their condition (铅烟 / 铅尘, 可溶性 …); not for dusts
    toxicity: str | None = None  # 毒物危害程度 (GBZ 230) for grading a chemical: 轻度/中度/高度/极度
    a_hw: Number | None = None  # hand-arm vibration: a_hw(T) in m/s² with its daily hours …
    vibration_hours: Number | None = None
    a_hw4: Number | None = None  # … or a_hw(4) given directly
    e_field: Number | None = None  # 50 Hz electric field, kV/m


@dataclass(frozen=True)
class Step:
    """One line of "the working": what was computed, how, from what, with what result."""

    label: str
    formula: str
    inputs: str
    result: str


@dataclass(frozen=True)
class Assessment:
    """The result the calculator shows and a stored judgement keeps (rounded as reported)."""

    factor: str
    on: dt.date
    c_twa: float | None = None
    c_ste: float | None = None
    c_me: float | None = None
    peak_ratio: float | None = None
    l_ex_8h: float | None = None
    l_ex_w: float | None = None
    limits: tuple[LimitUsed, ...] = ()
    ratio: float | None = None
    exposure_level: str | None = None
    compliant: bool | None = None
    grade: grading.Grade | None = None
    explanation: tuple[str, ...] = ()
    working: tuple[Step, ...] = ()
    unverified: tuple[str, ...] = ()  # what was used that is 未核对 (limits, conventions, grading)
    judgement: r.Judgement | None = None
    unit: str = ""

    @property
    def verdict(self) -> str:
        if self.compliant is None:
            return r.NO_LIMIT_TEXT
        return "符合" if self.compliant else "不符合"

    @property
    def verified(self) -> bool:
        return not self.unverified


# --------------------------------------------------------------------------------------------
# Rounding as reports do (GB/T 8170 修约: round half to even, on the decimal value)
# --------------------------------------------------------------------------------------------

#: "concentrations to 2 significant digits at least" (issue 11): 2, as the rules' sentences show them
#: (``rules.fmt_sig``: 0.60, 2.1), so that the figures and the explanation agree
CONCENTRATION_DIGITS = 2
RATIO_DIGITS = 3


def round_concentration(x: float | None, digits: int = CONCENTRATION_DIGITS) -> float | None:
    """``x`` to ``digits`` significant digits, half to even on its decimal form (GB/T 8170)."""
    if x is None or x == 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(abs(x))) - digits + 1
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN))


def round_db(x: float | None) -> float | None:
    """dB(A) and ℃ to 0.1 (half to even, GB/T 8170)."""
    if x is None:
        return None
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


# --------------------------------------------------------------------------------------------
# Input checks (Chinese messages naming the field)
# --------------------------------------------------------------------------------------------


def _number(value: Number | None, field_name: str, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return r.to_number(value, what)
    except MonitoringRuleError as exc:
        raise InputError(field_name, str(exc)) from None


def _timed(
    items: Sequence[tuple[Number | r.Reading, Number]], field_name: str, what: str, *, short: bool = False
) -> list[r.Sample]:
    if len(items) > MAX_SAMPLES:
        raise InputError(field_name, f"{what}: 最多{MAX_SAMPLES}个")
    out = []
    for i, (value, minutes) in enumerate(items, 1):
        try:
            reading = r.parse_reading(value, what="浓度")
        except MonitoringRuleError as exc:
            raise InputError(field_name, f"第{i}个{what} {exc}") from None
        t = _number(minutes, field_name, f"第{i}个{what} 采样时间(min)")
        if t is None or t <= 0:
            raise InputError(field_name, f"第{i}个{what} 采样时间(min): 须大于0")
        if short and t > r.SHORT_TERM_MINUTES + 1e-9:
            raise InputError(
                field_name,
                f"第{i}个{what} 采样时间 {t:g} min 超过15 min，不能作为短时间接触浓度(C_STE)；"
                "请作为全班次采样时段(samples)填写",
            )
        out.append(r.Sample(reading, t))
    total_hours = sum(s.minutes for s in out) / 60
    if total_hours > 24 + 1e-9:
        raise InputError(field_name, f"{what}采样时间合计 {total_hours:g} h，超过24 h")
    return out


def _call(field_name: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202 - a thin error adapter
    try:
        return fn(*args, **kwargs)
    except NoLimitError:
        raise
    except InputError:
        raise
    except MonitoringRuleError as exc:
        raise InputError(field_name, str(exc)) from None


# --------------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------------


def assess(inputs: ExposureInputs, rows: Sequence[LimitRow], *, factor: str, category: str) -> Assessment:
    """Assess one post × factor from raw inputs against ``rows`` (the factor's limit rows of every
    edition; the ones in force on ``inputs.on`` are chosen here, ``rules.rows_in_force``).

    ``category`` is the factor's category (``chemical``, ``dust``, ``physical``); physical factors
    go by name (噪声 → noise, 高温 → heat). Raises ``InputError`` (field, Chinese message) for bad
    input; a factor without a limit in force gives ``compliant=None`` and "无接触限值，未判定".
    """
    if category not in CATEGORIES:  # biological, radiation …: GBZ 2.1/2.2 give them no limit here
        return Assessment(factor, inputs.on, explanation=(f"{factor}: {r.NO_LIMIT_TEXT}",))
    kind = kind_for(category, factor)
    if kind == "noise":
        return _assess_noise(inputs, rows, factor)
    if kind == "heat":
        return _assess_heat(inputs, rows, factor)
    if kind in ("vibration", "efield"):
        return _assess_single(inputs, rows, factor, kind)
    if kind == "other":
        return Assessment(
            factor, inputs.on, explanation=(f"{factor}: 本系统不自动判定该类物理因素，{r.NO_LIMIT_TEXT}",)
        )
    return _assess_chemical(inputs, rows, factor, category)


def _no_limit(
    factor: str, on: dt.date, exc: NoLimitError, working: list[Step], **values: float | None
) -> Assessment:
    return Assessment(
        factor,
        on,
        explanation=(str(exc),),
        working=tuple(working),
        **values,  # type: ignore[arg-type]
    )


def _assess_chemical(
    inputs: ExposureInputs, rows: Sequence[LimitRow], factor: str, category: str
) -> Assessment:
    on = inputs.on
    samples = _timed(inputs.samples, "samples", "采样时段")
    shorts = _timed(inputs.short_samples, "short_samples", "短时间采样", short=True)
    given_twa = _number(inputs.c_twa, "c_twa", "C_TWA")
    given_me = _number(inputs.c_me, "c_me", "C_ME")
    if samples and given_twa is not None:
        raise InputError("c_twa", "C_TWA: 已填写采样时段(samples)时不能再直接给出 C_TWA")
    if not samples and given_twa is None and not shorts and given_me is None:
        raise InputError("samples", "须填写采样时段(samples)、C_TWA(c_twa)或短时间采样(short_samples)之一")
    shift = _number(inputs.shift_hours, "shift_hours", "班次时长(h)")
    if shift is not None and (shift <= 0 or shift > 24):
        raise InputError("shift_hours", f"班次时长(h): 应大于0且不超过24（{shift:g}）")
    days = _number(inputs.days_per_week, "days_per_week", "每周工作天数")
    if days is not None and (days < 1 or days > 7):
        raise InputError("days_per_week", f"每周工作天数: 应为1–7（{days:g}）")
    working: list[Step] = []
    unverified: list[str] = []
    explanation: list[str] = []

    twa: r.Twa | float | None = None
    if samples:
        twa = _call("samples", r.c_twa, samples, shift_hours=shift or r.STANDARD_DAY_HOURS)
        assert isinstance(twa, r.Twa)
        terms = " + ".join(
            f"{s.reading.as_number():g}×{s.minutes / 60:g}" + ("(<LOD)" if s.reading.below_lod else "")
            for s in samples
        )
        working.append(
            Step("C_TWA", "C_TWA = (C₁T₁ + C₂T₂ + … + CₙTₙ) / 8", f"({terms}) / 8", r.fmt_sig(twa.value))
        )
    elif given_twa is not None:
        twa = given_twa
        working.append(Step("C_TWA", "直接给出", "", r.fmt_sig(given_twa)))
    c_ste_values = [r.c_ste(s.reading, s.minutes) for s in shorts]
    for i, (s, v) in enumerate(zip(shorts, c_ste_values, strict=True), 1):
        formula = "C_STE = C" if s.minutes >= r.SHORT_TERM_MINUTES - 1e-9 else "C_STE = C·t/15"
        working.append(
            Step(
                f"C_STE（第{i}个）",
                formula,
                f"C={s.reading.as_number():g}, t={s.minutes:g} min",
                r.fmt_sig(v),
            )
        )
    if any(s.minutes < r.SHORT_TERM_MINUTES - 1e-9 for s in shorts):
        unverified.append("不足15 min短时间采样按 C·t/15 折算")
    readings = [s.reading for s in shorts] or [s.reading for s in samples]
    c_me_value = given_me if given_me is not None else (r.c_me(readings) if readings else None)
    if any(s.reading.below_lod for s in [*samples, *shorts]) and not r.LOD_CONVENTION_VERIFIED:
        unverified.append(r.lod_convention_text())

    rf = 1.0
    if shift is not None:
        week = shift * days if days is not None else None
        rf = _call("shift_hours", r.reduction_factor, hours_per_day=shift, hours_per_week=week)
        if rf < 1:
            working.append(
                Step(
                    "长时间工作折减因子 RF",
                    "RF = (8/h)×(24−h)/16；周 RF = (40/h)×(168−h)/128，取较小者",
                    f"h={shift:g}" + (f"，每周 {week:g} h" if week is not None else ""),
                    f"{rf:.3g}（{r.UNVERIFIED}）",
                )
            )

    values = {
        "c_twa": round_concentration(twa.value if isinstance(twa, r.Twa) else twa),
        "c_ste": round_concentration(max(c_ste_values)) if c_ste_values else None,
        "c_me": round_concentration(c_me_value)
        if (c_me_value is not None and (shorts or given_me))
        else None,
    }
    try:
        chosen: Sequence[LimitRow] = _condition_rows(rows, inputs.condition)
        if category == "dust" or inputs.dust_fraction or inputs.free_silica_percent is not None:
            chosen = _dust_rows(chosen, inputs, on)
        else:
            _require_one_condition(chosen, on, factor)
        judgement = _call(
            "samples",
            r.judge_chemical,
            chosen,
            on,
            factor=factor,
            twa=twa,
            c_ste_values=c_ste_values,
            c_me_value=c_me_value,
            short_samples=shorts,
            rf=rf,
        )
    except NoLimitError as exc:
        return _no_limit(factor, on, exc, working, **values)
    if isinstance(twa, r.Twa):
        explanation.extend(n for n in twa.notes)
    explanation[:0] = [s for s in judgement.explanation if s not in explanation]
    unverified.extend(u for u in judgement.unverified_inputs if u not in unverified)
    peak = judgement.extra.get("peak_ratio")
    checks = {c.measure: c for c in judgement.checks}
    # C_ME is reported where it was judged (a MAC row), from the short samples or else the segments
    values["c_me"] = round_concentration(checks["C_ME"].exposure) if "C_ME" in checks else None
    b = judgement.ratio
    grade = _grade_chemical(category, on, b_ratio(judgement), inputs, explanation)
    if grade is not None and not grade.verified:
        unverified.append(f"危害分级（{grade.version}）")
    return _result(
        factor,
        on,
        judgement,
        values,
        peak_ratio=round_concentration(peak, RATIO_DIGITS) if peak is not None else None,
        ratio=round_concentration(b, RATIO_DIGITS),
        level=r.exposure_level(b)[0],
        grade=grade,
        explanation=explanation,
        working=working,
        unverified=unverified,
    )


def _condition_rows(rows: Sequence[LimitRow], condition: str | None) -> Sequence[LimitRow]:
    """The rows whose condition contains ``condition`` (e.g. "铅烟"); all rows when none is given."""
    if not condition:
        return rows
    chosen = [row for row in rows if condition.strip() in row.condition]
    if not chosen:
        known = "、".join(sorted({row.condition for row in rows if row.condition})) or "无"
        raise InputError("condition", f"条件“{condition}”不符合该因素的任何限值条件（可选：{known}）")
    return chosen


def _require_one_condition(rows: Sequence[LimitRow], on: dt.date, factor: str) -> None:
    """Chemicals whose limits differ by condition (铅尘/铅烟) need ``condition`` to choose one."""
    current = r.rows_in_force(rows, on)
    conditions = sorted({row.condition for row in current if row.value is not None})
    by_type: dict[str, set[str]] = {}
    for row in current:
        by_type.setdefault(row.limit_type, set()).add(row.condition)
    if any(len(c) > 1 for c in by_type.values()):
        raise InputError(
            "condition",
            f"{factor}: 限值按条件区分（{'、'.join(c or '无' for c in conditions)}），请填写条件(condition)",
        )


def _dust_rows(rows: Sequence[LimitRow], inputs: ExposureInputs, on: dt.date) -> list[LimitRow]:
    current = r.require_rows_in_force(rows, on)
    fraction = inputs.dust_fraction
    if not fraction:
        if any(label in row.condition for row in current for label in r.DUST_FRACTIONS.values()):
            raise InputError("dust_fraction", "粉尘类别: 须选择总尘(total)或呼尘(respirable)")
        return list(current)
    if fraction not in r.DUST_FRACTIONS:
        raise InputError("dust_fraction", f"粉尘类别: 应为 total（总尘）或 respirable（呼尘）（{fraction}）")
    if inputs.free_silica_percent is not None:
        _number(inputs.free_silica_percent, "free_silica_percent", "游离SiO2含量(%)")
    try:
        return r.dust_rows(current, fraction=fraction, free_silica_percent=inputs.free_silica_percent)
    except NoLimitError:
        raise
    except MonitoringRuleError as exc:
        raise InputError("free_silica_percent", str(exc)) from None


def _grade_chemical(
    category: str, on: dt.date, b: float, inputs: ExposureInputs, explanation: list[str]
) -> grading.Grade | None:
    if category == "dust":
        if inputs.labour_intensity and inputs.free_silica_percent is not None:
            return _call(
                "labour_intensity",
                grading.grade_dust,
                on,
                b=b,
                free_silica_percent=inputs.free_silica_percent,
                labour=inputs.labour_intensity,
            )
        explanation.append("粉尘作业分级需游离SiO2含量和体力劳动强度，未分级")
        return None
    if inputs.toxicity and inputs.labour_intensity:
        return _call(
            "toxicity",
            grading.grade_chemical,
            on,
            b=b,
            toxicity=inputs.toxicity.strip(),
            labour=inputs.labour_intensity,
        )
    explanation.append("化学物作业分级需毒物危害程度（GBZ 230）和体力劳动强度，未分级")
    return None


def b_ratio(judgement: r.Judgement) -> float:
    """B for GBZ/T 229 grading: as the judgement's ratio, but a peak counts against 3 × PC-TWA
    (``grading.exposure_ratio_b``), not against the 5 × ceiling the compliance check uses."""
    ratios = []
    for c in judgement.checks:
        if c.measure == "峰接触浓度":
            ratios.append(c.exposure / (c.limit.value * r.PEAK_EXCURSION_FACTOR / r.PEAK_CEILING_FACTOR))
        else:
            ratios.append(c.ratio)
    return max(ratios)


def _result(
    factor: str,
    on: dt.date,
    judgement: r.Judgement,
    values: dict[str, float | None],
    *,
    peak_ratio: float | None = None,
    ratio: float | None,
    level: str | None,
    grade: grading.Grade | None,
    explanation: list[str],
    working: list[Step],
    unverified: list[str],
) -> Assessment:
    limits = judgement.limits
    for limit in limits:
        if not limit.verified and f"限值（{limit.version}）" not in unverified:
            unverified.insert(0, f"限值（{limit.version}）")
    if unverified:
        explanation = [*explanation, f"{r.UNVERIFIED}：{'、'.join(unverified)}"]
    return Assessment(
        factor,
        on,
        peak_ratio=peak_ratio,
        limits=limits,
        ratio=ratio,
        exposure_level=level,
        compliant=judgement.compliant,
        grade=grade,
        explanation=tuple(explanation),
        working=tuple(working),
        unverified=tuple(unverified),
        judgement=judgement,
        unit=limits[0].unit if limits else "",
        **values,
    )


def _assess_noise(inputs: ExposureInputs, rows: Sequence[LimitRow], factor: str) -> Assessment:
    on = inputs.on
    working: list[Step] = []
    given = _number(inputs.l_ex_8h, "l_ex_8h", "L_EX,8h(dB(A))")
    if inputs.noise_segments and given is not None:
        raise InputError("l_ex_8h", "L_EX,8h: 已填写噪声时段(noise_segments)时不能再直接给出")
    level: float | None = given
    if inputs.noise_segments:
        for i, (lvl, hours) in enumerate(inputs.noise_segments, 1):
            _number(lvl, "noise_segments", f"第{i}个噪声时段 L_Aeq(dB(A))")
            _number(hours, "noise_segments", f"第{i}个噪声时段 接触时间(h)")
        level = _call("noise_segments", physical.l_ex_8h, inputs.noise_segments)
        terms = " + ".join(f"{h}×10^(0.1×{lv})" for lv, h in inputs.noise_segments)
        working.append(
            Step(
                "L_EX,8h",
                "L_EX,8h = 10·lg[(1/8) Σ Tᵢ·10^(0.1·L_Aeq,i)]",
                f"10·lg[({terms}) / 8]",
                f"{round_db(level)} dB(A)",
            )
        )
    daily = list(inputs.daily_levels)
    for i, v in enumerate(daily, 1):
        _number(v, "daily_levels", f"第{i}天 L_EX,8h(dB(A))")
    days = _number(inputs.days_per_week, "days_per_week", "每周工作天数")
    if days is not None and (days < 1 or days > 7 or days != int(days)):
        raise InputError("days_per_week", f"每周工作天数: 应为1–7的整数（{days:g}）")
    if level is None and not daily:
        raise InputError(
            "noise_segments", "噪声: 须填写噪声时段(noise_segments)、L_EX,8h 或每日 L_EX,8h(daily_levels)"
        )
    try:
        judgement = _call(
            "daily_levels",
            physical.judge_noise,
            rows,
            on,
            l_ex_8h_value=level,
            daily_levels=daily,
            days_per_week=int(days) if days is not None else 5,
        )
    except NoLimitError as exc:
        return _no_limit(factor, on, exc, working, l_ex_8h=round_db(level))
    lex_w = judgement.extra.get("L_EX,W")
    if lex_w is not None:
        shown: list[Number] = daily or [level or 0.0] * int(days or 5)
        working.append(
            Step(
                "L_EX,W",
                "L_EX,W = 10·lg[(1/5) Σ 10^(0.1·L_EX,8h,i)]",
                "每日 L_EX,8h: " + "、".join(f"{v:g}" for v in shown),
                f"{round_db(lex_w)} dB(A)",
            )
        )
    graded_on = lex_w if lex_w is not None else level
    grade = _call("l_ex_8h", grading.grade_noise, on, level_dba=graded_on) if graded_on is not None else None
    unverified = [f"危害分级（{grade.version}）"] if grade is not None and not grade.verified else []
    explanation = list(judgement.explanation)
    if grade is not None:
        explanation.append(f"噪声作业分级：{grade.label}（{grade.version}）")
    return _result(
        factor,
        on,
        judgement,
        {"l_ex_8h": round_db(level), "l_ex_w": round_db(lex_w)},
        ratio=None,
        level=None,
        grade=grade,
        explanation=explanation,
        working=working,
        unverified=unverified,
    )


def _assess_heat(inputs: ExposureInputs, rows: Sequence[LimitRow], factor: str) -> Assessment:
    on = inputs.on
    wbgt = _number(inputs.wbgt, "wbgt", "WBGT(℃)")
    ratio = _number(inputs.time_ratio, "time_ratio", "接触时间率")
    if wbgt is None:
        raise InputError("wbgt", "高温: 须填写 WBGT(℃)")
    if ratio is None or ratio <= 0 or ratio > 1:
        raise InputError("time_ratio", "接触时间率: 须填写，应大于0且不超过1（100%）")
    if not inputs.labour_intensity:
        raise InputError("labour_intensity", "体力劳动强度: 须填写 I–IV")
    labour = _call("labour_intensity", physical.labour_class, inputs.labour_intensity)
    try:
        judgement = _call(
            "time_ratio",
            physical.judge_heat,
            rows,
            on,
            wbgt=wbgt,
            time_ratio=ratio,
            labour=labour,
            hot_region=inputs.hot_region,
        )
    except NoLimitError as exc:
        return _no_limit(factor, on, exc, [])
    grade = grading.grade_heat(on, wbgt=wbgt, time_ratio=ratio, labour=labour)
    unverified = list(judgement.unverified_inputs)
    if inputs.hot_region and HOT_REGION_UNVERIFIED not in unverified and not HOT_REGION_VERIFIED:
        unverified.append(HOT_REGION_UNVERIFIED)
    if not grade.verified:
        unverified.append(f"危害分级（{grade.version}）")
    explanation = [*judgement.explanation, f"高温作业分级：{grade.label}（{grade.version}）"]
    if not inputs.region:
        explanation.append("未填写地区(region)，WBGT 限值未作地区+1℃修正")
    working = [
        Step(
            "WBGT 限值",
            "GBZ 2.2-2007 表8：按接触时间率档位 × 体力劳动强度"
            + ("，地区 +1 ℃" if inputs.hot_region else ""),
            f"接触时间率 {ratio:.0%}，体力劳动强度 {labour} 级",
            f"{judgement.checks[0].limit.value:g} ℃",
        )
    ]
    return _result(
        factor,
        on,
        judgement,
        {},
        ratio=None,
        level=None,
        grade=grade,
        explanation=explanation,
        working=working,
        unverified=unverified,
    )


def _assess_single(inputs: ExposureInputs, rows: Sequence[LimitRow], factor: str, kind: str) -> Assessment:
    """Hand-arm vibration a_hw(4) ≤ 5 m/s² and the 50 Hz electric field ≤ 5 kV/m (one limit row)."""
    on = inputs.on
    working: list[Step] = []
    unverified: list[str] = []
    if kind == "vibration":
        a4 = _number(inputs.a_hw4, "a_hw4", "a_hw(4)(m/s²)")
        if a4 is None:
            a = _number(inputs.a_hw, "a_hw", "振动加速度(m/s²)")
            hours = _number(inputs.vibration_hours, "vibration_hours", "日接振时间(h)")
            if a is None or hours is None:
                raise InputError("a_hw", "手传振动: 须填写 a_hw(4)，或振动加速度和日接振时间")
            a4 = _call("vibration_hours", physical.a_hw4, a, hours)
            working.append(
                Step("a_hw(4)", "a_hw(4) = a_hw(T)·√(T/4)", f"{a:g}×√({hours:g}/4)", f"{r.fmt_sig(a4)} m/s²")
            )
            unverified.append("a_hw(4) 按 √(T/4) 换算")
        agent, measure, value = PHYSICAL_AGENTS["vibration"], "a_hw(4)", a4
    else:
        e = _number(inputs.e_field, "e_field", "电场强度(kV/m)")
        if e is None:
            raise InputError("e_field", "电场强度(kV/m): 必填")
        agent, measure, value = PHYSICAL_AGENTS["efield"], "电场强度", e
    try:
        judgement = _call(
            "a_hw4" if kind == "vibration" else "e_field",
            physical.judge_single_limit,
            rows,
            on,
            factor=agent,
            measure=measure,
            value=value,
        )
    except NoLimitError as exc:
        return _no_limit(factor, on, exc, working)
    return _result(
        factor,
        on,
        judgement,
        {},
        ratio=round_concentration(judgement.ratio, RATIO_DIGITS),
        level=None,
        grade=None,
        explanation=[*judgement.explanation, "物理因素不划分接触水平，未作危害分级"],
        working=working,
        unverified=unverified,
    )


# --------------------------------------------------------------------------------------------
# Inputs as JSON (the API's field names): what a form, an import row or the API gives, and what a
# stored measurement keeps
# --------------------------------------------------------------------------------------------

#: numeric inputs and their Chinese names (for messages naming the field)
NUMERIC_INPUTS = {
    "c_twa": "C_TWA", "c_me": "C_ME", "shift_hours": "班次时长(h)", "free_silica_percent": "游离SiO2含量(%)",
    "l_ex_8h": "L_EX,8h", "days_per_week": "每周工作天数", "wbgt": "WBGT(℃)", "time_ratio": "接触时间率",
    "a_hw": "振动加速度(m/s²)", "vibration_hours": "日接振时间(h)", "a_hw4": "a_hw(4)", "e_field": "电场强度(kV/m)",
}  # fmt: skip
_TEXT_INPUTS = ("dust_fraction", "labour_intensity", "condition", "toxicity")


def _items(data: Mapping[str, Any], key: str, a: str, b: str) -> list[Mapping[str, Any]]:
    items = data.get(key)
    if items in (None, ""):
        return []
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise InputError(key, f"{key}: 应为列表")
    for i, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or a not in item or b not in item:
            raise InputError(key, f"第{i}项: 须包含 {a} 和 {b}")
    return list(items)


def _reading(item: Mapping[str, Any], key: str, i: int) -> Number | r.Reading:
    """A sample's value; a censored one (``"<LOD"`` with ``lod``, as stored) as a ``rules.Reading``."""
    if item.get("lod") in (None, ""):
        return item["value"]
    try:
        return r.parse_reading(item["value"], lod=item["lod"], what="浓度")
    except MonitoringRuleError as exc:
        what = "采样时段" if key == "samples" else "短时间采样"
        raise InputError(key, f"第{i}个{what} {exc}") from None


def inputs_from(
    data: Mapping[str, Any], *, on: dt.date, hot: bool = False, region: str | None = None
) -> ExposureInputs:
    """``ExposureInputs`` from JSON with the API's field names: the stateless calculator's request
    and a stored measurement's ``inputs`` (``normalize_inputs``) alike, so both are judged alike."""

    def pairs(key: str, a: str, b: str) -> list[tuple[Any, Any]]:
        items = _items(data, key, a, b)
        if key in ("samples", "short_samples"):
            return [(_reading(item, key, i), item[b]) for i, item in enumerate(items, 1)]
        return [(item[a], item[b]) for item in items]

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value).strip() or None if value not in (None, "") else None

    return ExposureInputs(
        on=on,
        samples=pairs("samples", "value", "minutes"),
        short_samples=pairs("short_samples", "value", "minutes"),
        noise_segments=pairs("noise_segments", "level", "hours"),
        daily_levels=list(data.get("daily_levels") or []),
        hot_region=hot,
        region=region or None,
        **{key: data.get(key) for key in NUMERIC_INPUTS},
        **{key: text(key) for key in _TEXT_INPUTS},
    )


#: the post's exposed headcount for this factor (接触人数) as the detection report gives it: stored
#: with the inputs, not used by the judgement; declarations compares it with the declared headcount
HEADCOUNT_INPUT = "exposed_workers"


def normalize_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as a measurement stores them: numbers as numbers, and every sample ``{value,
    minutes}`` below the detection limit kept **censored**, ``{"value": "<LOD", "lod": 0.05, …}``
    — never a substituted number (the compliance figures substitute by ``rules.LodConvention`` when
    judging, flagged 未核对; ``monitoring.stats`` treats them as censored). Bad values raise
    ``InputError`` naming the field and the item."""
    out: dict[str, Any] = {}
    for key, value in inputs.items():
        if value in (None, "", []):
            continue
        if key in NUMERIC_INPUTS:
            out[key] = _number(value, key, NUMERIC_INPUTS[key])
        elif key in ("samples", "short_samples"):
            what = "采样时段" if key == "samples" else "短时间采样"
            rows = []
            for i, item in enumerate(_items(inputs, key, "value", "minutes"), 1):
                try:
                    reading = r.parse_reading(_reading(item, key, i), what="浓度")
                except MonitoringRuleError as exc:
                    raise InputError(key, f"第{i}个{what} {exc}") from None
                minutes = _number(item["minutes"], key, f"第{i}个{what} 采样时间(min)")
                if minutes is None or minutes <= 0:
                    raise InputError(key, f"第{i}个{what} 采样时间(min): 须大于0")
                if reading.below_lod:
                    rows.append({"value": "<LOD", "lod": reading.lod, "minutes": minutes})
                else:
                    rows.append({"value": reading.value, "minutes": minutes})
            out[key] = rows
        elif key == "noise_segments":
            out[key] = [
                {
                    "level": _number(item["level"], key, f"第{i}个噪声时段 L_Aeq(dB(A))"),
                    "hours": _number(item["hours"], key, f"第{i}个噪声时段 接触时间(h)"),
                }
                for i, item in enumerate(_items(inputs, key, "level", "hours"), 1)
            ]
        elif key == "daily_levels":
            out[key] = [_number(v, key, f"第{i}天 L_EX,8h") for i, v in enumerate(value, 1)]
        elif key == HEADCOUNT_INPUT:
            count = _number(value, key, "接触人数")
            if count is None or count < 0 or count != int(count):
                raise InputError(key, "接触人数: 须为不小于0的整数")
            out[key] = int(count)
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def statistics_values(inputs: Mapping[str, Any]) -> list[Number]:
    """A stored measurement's results for exposure statistics (``monitoring.stats``): each
    full-shift sample as entered, a censored one as ``"<0.05"`` (censored at its LOD — never a
    substituted number); a measurement without samples contributes its given C_TWA. Short-time
    samples are not pooled with full-shift ones."""
    samples = inputs.get("samples") or []
    if not samples:
        given = inputs.get("c_twa")
        return [given] if given not in (None, "") else []
    out: list[Number] = []
    for item in samples:
        if item.get("lod") not in (None, "") and str(item.get("value", "")).startswith("<"):
            out.append(f"<{float(item['lod'])!r}")
        else:
            out.append(item["value"])
    return out


# --------------------------------------------------------------------------------------------
# The mixture rule: factors with the same target effect measured together (联合作用, 相加作用)
# --------------------------------------------------------------------------------------------

#: which limit types are summed (the PC-TWA ones with C_TWA, PC-STEL with C_STE, MAC with C_ME); the
#: peak rule's 5 × PC-TWA ceiling is not a limit of its own and is not summed
MIXTURE_LIMIT_TYPES = ("PC-TWA", "PC-STEL", "MAC")
MIXTURE_DIR = Path(__file__).resolve().parent / "data"
#: the editions of the group configuration, each with its ``effective_from`` (chosen by the
#: measurement date like the other rule data; ``mixture_groups(on=…)``)
MIXTURE_FILES = ("mixture_groups_v1.json", "mixture_groups_v2.json")
MIXTURE_DATA = MIXTURE_DIR / MIXTURE_FILES[0]


@dataclass(frozen=True)
class MixtureGroup:
    """A configured group of factors whose effects add (versioned data, ``data/mixture_groups_*.json``)."""

    key: str
    name: str
    effect: str
    codes: tuple[str, ...]  # CDC hazard factor codes (2020)
    names: tuple[str, ...]  # catalogue names, for factors without a code
    version: str
    verified: bool

    def includes(self, code: str, name: str) -> bool:
        return code in self.codes or name in self.names


def _groups_of(raw: Mapping[str, Any]) -> tuple[MixtureGroup, ...]:
    return tuple(
        MixtureGroup(
            key=g["key"],
            name=g["name"],
            effect=g["effect"],
            codes=tuple(g.get("codes", ())),
            names=tuple(g.get("names", ())),
            version=raw["version"],
            verified=bool(raw.get("verified", False)) and bool(g.get("verified", True)),
        )
        for g in raw["groups"]
    )


@functools.lru_cache(maxsize=8)
def _mixture_editions(directory: Path = MIXTURE_DIR) -> tuple[tuple[dt.date, tuple[MixtureGroup, ...]], ...]:
    """Every shipped edition as (effective_from, groups), oldest first (read once per process)."""
    editions = []
    for name in MIXTURE_FILES:
        raw = json.loads((directory / name).read_text(encoding="utf-8"))
        editions.append((dt.date.fromisoformat(raw["effective_from"]), _groups_of(raw)))
    return tuple(sorted(editions, key=lambda e: e[0]))


def mixture_groups(path: Path | None = None, *, on: dt.date | None = None) -> tuple[MixtureGroup, ...]:
    """The configured groups in force on the measurement date ``on`` (the latest edition whose
    ``effective_from`` ≤ ``on``; a date before every edition takes the first — the same rule in
    GBZ 2.1-2007, whose text is not shipped; ``on=None``: the latest edition). Which factors
    combine is our configuration, 未核对: see the files. ``path``: one file (tests)."""
    if path is not None:
        return _groups_of(json.loads(path.read_text(encoding="utf-8")))
    editions = _mixture_editions()
    if on is None:
        return editions[-1][1]
    chosen = editions[0][1]
    for start, groups in editions:
        if start <= on:
            chosen = groups
    return chosen


def is_over_limit(compliant: bool | None, mixture: Mapping[str, Any] | None) -> bool:
    """超标: the factor's own judgement is 不符合, or a configured group it belongs to was judged
    together on the same post and date and Σ Cᵢ/OELᵢ > 1 (GBZ 2.1-2019 联合作用; RULES.md §3.1
    "Mixture (same target effect): Σ Cᵢ / Lᵢ ≤ 1") — the stored ``Measurement.over_limit`` that the
    over-limit list, the rectification action, the re-test and the facts read."""
    if compliant is False:
        return True
    if not mixture:
        return False
    return mixture.get("compliant") is False or any(
        o.get("compliant") is False for o in mixture.get("also", ())
    )


def mixture_for_member(results: Sequence[MixtureAssessment]) -> dict[str, Any]:
    """What one member stores when it is in several groups judged together: the failing group
    with the largest Σ first (``mixture``), the others under ``also``; ``{}`` when none."""
    if not results:
        return {}
    ordered = sorted(results, key=lambda x: (x.compliant, -x.ratio, x.group.key))
    out = ordered[0].as_json()
    if len(ordered) > 1:
        out["also"] = [x.as_json() for x in ordered[1:]]
    return out


@dataclass(frozen=True)
class MixturePart:
    """One member's judged figures: (limit type, exposure, limit value, limit verified) per check."""

    factor: str
    checks: Sequence[tuple[str, float, float, bool]]


@dataclass(frozen=True)
class MixtureAssessment:
    """Σ Cᵢ/OELᵢ per limit type over the members measured together, and the verdict."""

    group: MixtureGroup
    sums: tuple[tuple[str, float, tuple[str, ...]], ...]  # (limit type, Σ, factors summed)
    compliant: bool
    ratio: float  # the largest Σ
    factors: tuple[str, ...]
    explanation: tuple[str, ...]
    unverified: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.unverified

    def as_json(self) -> dict[str, Any]:
        """What a stored measurement keeps (``Measurement.mixture``) and the API shows."""
        return {
            "group": self.group.name,
            "key": self.group.key,
            "effect": self.group.effect,
            "version": self.group.version,
            "factors": list(self.factors),
            "sums": [{"type": t, "sum": round(s, RATIO_DIGITS), "factors": list(f)} for t, s, f in self.sums],
            "ratio": round(self.ratio, RATIO_DIGITS),
            "compliant": self.compliant,
            "verified": self.verified,
            "explanation": list(self.explanation),
        }


def assess_mixture(group: MixtureGroup, parts: Sequence[MixturePart]) -> MixtureAssessment | None:
    """The additive-effect judgement of one group's members measured on one post on one date
    (GBZ 2.1-2019 联合作用; RULES.md §3.1 "Mixture (same target effect): Σ Cᵢ/Lᵢ ≤ 1"), per limit type
    that at least two members were judged against; ``None`` when no limit type has two members
    (nothing to combine). Compliant when every Σ ≤ 1. Which factors form a group is configuration
    (``mixture_groups``), shown as 未核对 while unverified."""
    sums = []
    explanation = []
    unverified = [] if group.verified else [f"联合作用分组（{group.version}）"]
    for limit_type in MIXTURE_LIMIT_TYPES:
        terms = [
            (p.factor, exposure, value, verified)
            for p in parts
            for t, exposure, value, verified in p.checks
            if t == limit_type and value
        ]
        if len({f for f, *_ in terms}) < 2:
            continue
        total, ok = r.judge_mixture([(f, e, v) for f, e, v, _ in terms])
        names = tuple(f for f, *_ in terms)
        sums.append((limit_type, total, names))
        measure = {"PC-TWA": "C_TWA", "PC-STEL": "C_STE", "MAC": "C_ME"}[limit_type]
        working = " + ".join(f"{f} {r.fmt_sig(e)}/{r.fmt_sig(v)}" for f, e, v, _ in terms)
        verdict = "≤ 1，符合" if ok else "> 1，不符合（超标）"
        explanation.append(
            f"{group.name}（{group.effect}）联合作用，{measure}/{limit_type}: {working} = {total:.2f} {verdict}"
        )
        if any(not v for *_, v in terms) and "限值" not in unverified:
            unverified.append("限值")
    if not sums:
        return None
    compliant = all(total <= 1 + 1e-12 for _, total, _ in sums)
    if unverified:
        explanation.append(f"{r.UNVERIFIED}：{'、'.join(unverified)}")
    factors = tuple(dict.fromkeys(f for _, _, names in sums for f in names))
    return MixtureAssessment(
        group,
        tuple(sums),
        compliant,
        max(total for _, total, _ in sums),
        factors,
        tuple(explanation),
        tuple(unverified),
    )


def mixture_part(result: Assessment) -> MixturePart:
    """A member from a fresh assessment (the stateless calculator), as ``mixture_parts_of`` does
    from a stored snapshot: the same (type, exposure, limit value, verified) per check."""
    checks = result.judgement.checks if result.judgement is not None else ()
    return MixturePart(
        result.factor,
        tuple(
            (c.limit.type, float(c.exposure), float(c.limit.value), bool(c.limit.verified))
            for c in checks
            if c.limit.type in MIXTURE_LIMIT_TYPES and c.limit.value
        ),
    )


def mixture_parts_of(limits: Sequence[Mapping[str, Any]], factor: str) -> MixturePart:
    """A member from a stored judgement's limit snapshot (``Measurement.limits``: type, value,
    exposure, verified per check)."""
    return MixturePart(
        factor,
        tuple(
            (c["type"], float(c["exposure"]), float(c["value"]), bool(c.get("verified")))
            for c in limits
            if c.get("type") in MIXTURE_LIMIT_TYPES and c.get("value") and c.get("exposure") is not None
        ),
    )
