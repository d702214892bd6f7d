"""Pure rules of workplace hazard monitoring (no Django imports).

What a detection result is compared with and how (RULES.md §3, §4, §1.2):

- chemical agents and dusts: C_TWA, C_STE, C_ME, the peak-exposure rule, the long-shift reduction
  factor, 接触水平 0–Ⅳ (GBZ 2.1-2019 and its 附录A; GBZ 159-2004);
- dusts: the limit row chosen by free-SiO₂ content and 总尘/呼尘 (GBZ 2.1-2019 表2 conditions);
- noise: L_EX,8h and L_EX,W (GBZ/T 189.8-2007) judged against 85 dB(A) (GBZ 2.2-2007 11.2);
- heat: WBGT limits by 接触时间率 × 体力劳动强度 (GBZ 2.2-2007 表8, read from the limit rows);
- hand-arm vibration a_hw(4) and the 50 Hz electric field (GBZ 2.2-2007 表11, 表3);
- 符合/不符合 against the limit rows **in force on the measurement date**;
- hazard grading: GBZ/T 229.1/.2/.3 (2010 and 2025 editions by date), GBZ/T 229.4-2012, and the
  分类监督执法 附件1 risk level.

Limit rows are passed in (any object with the attributes of ``hazards.models.ExposureLimit``, see
``LimitRow``): the caller queries the database, these functions only decide. Every number RULES.md
marks [M], [3P] or [?] is data carrying ``verified=False`` and shows up in the result as
``verified=False`` ("未核对"), never as a silent constant.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

Number = float | int | Decimal | str

UNVERIFIED = "未核对"
NO_LIMIT_TEXT = "无接触限值，未判定"
STANDARD_DAY_HOURS = 8.0  # GBZ 159-2004 / GBZ 2.1-2019 附录A: the C_TWA divisor
SHORT_TERM_MINUTES = 15.0  # GBZ 2.1-2019: PC-STEL and peak excursions refer to 15 min
NOISE_LIMIT_DBA = 85.0  # GBZ 2.2-2007 11.2.1 (RULES.md §3.2)


class MonitoringRuleError(ValueError):
    """Input that the rules cannot judge; the message is Chinese and names the field."""


class NoLimitError(MonitoringRuleError):
    """No exposure limit applies (none in force on the date, or no row fits the conditions)."""


# --------------------------------------------------------------------------------------------
# Limit rows and their choice by date (RULES.md "How to read": choose by the event date)
# --------------------------------------------------------------------------------------------


class LimitRow(Protocol):
    """The attributes of ``hazards.models.ExposureLimit`` the rules read."""

    @property
    def pk(self) -> object: ...
    @property
    def agent_name(self) -> str: ...
    @property
    def limit_type(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def condition(self) -> str: ...
    @property
    def standard(self) -> str: ...
    @property
    def standard_version(self) -> str: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def effective_to(self) -> dt.date | None: ...
    @property
    def verified(self) -> bool: ...


@dataclass(frozen=True)
class LimitUsed:
    """The limit a judgement was made against, as pages and the API show it."""

    type: str
    value: float
    unit: str
    standard: str
    version: str
    verified: bool
    condition: str = ""
    row_id: object = None
    note: str = ""

    @classmethod
    def of(cls, row: LimitRow, *, value: float | None = None, note: str = "") -> LimitUsed:
        if row.value is None:
            raise NoLimitError(f"{row.agent_name} {row.limit_type}: 限值为文本或公式，不能自动判定")
        return cls(
            type=row.limit_type,
            value=float(row.value) if value is None else value,
            unit=row.unit,
            standard=row.standard,
            version=row.standard_version,
            verified=bool(row.verified),
            condition=row.condition,
            row_id=row.pk,
            note=note,
        )


def rows_in_force(rows: Iterable[LimitRow], on: dt.date) -> list[LimitRow]:
    """The limit rows in force on ``on``: ``effective_from <= on < effective_to``.

    When several rows for the same agent, limit type and condition are in force (GBZ 2.1-2019 and
    a later 修改单 both without an end date), the one that came into force last wins: an amendment
    replaces the value it amends (RULES.md §0, GBZ 2.1-2019 第1号修改单).
    """
    best: dict[tuple[str, str, str], LimitRow] = {}
    for row in rows:
        if row.effective_from > on or (row.effective_to is not None and row.effective_to <= on):
            continue
        key = (row.agent_name, row.limit_type, row.condition)
        if key not in best or row.effective_from > best[key].effective_from:
            best[key] = row
    return list(best.values())


def require_rows_in_force(rows: Iterable[LimitRow], on: dt.date, *, factor: str = "") -> list[LimitRow]:
    """``rows_in_force`` that raises ``NoLimitError`` with the reason when nothing is in force."""
    rows = list(rows)
    current = rows_in_force(rows, on)
    if current:
        return current
    name = factor or (rows[0].agent_name if rows else "该因素")
    if not rows:
        raise NoLimitError(f"{name}: {NO_LIMIT_TEXT}")
    first = min(r.effective_from for r in rows)
    if on < first:
        raise NoLimitError(
            f"{name}: 检测日期 {on.isoformat()} 早于限值施行日期 {first.isoformat()}，{NO_LIMIT_TEXT}"
        )
    raise NoLimitError(f"{name}: 检测日期 {on.isoformat()} 无现行限值，{NO_LIMIT_TEXT}")


def _pick(rows: Sequence[LimitRow], limit_type: str) -> LimitRow | None:
    matches = [r for r in rows if r.limit_type == limit_type and r.value is not None]
    if len(matches) > 1:
        raise MonitoringRuleError(
            f"{matches[0].agent_name}: 同时有 {len(matches)} 条现行 {limit_type} 限值（条件："
            + "；".join(r.condition or "无" for r in matches)
            + "），请先按条件选定一条"
        )
    return matches[0] if matches else None


# --------------------------------------------------------------------------------------------
# Readings and values below the detection limit
# --------------------------------------------------------------------------------------------


class LodConvention(StrEnum):
    """How a result "<LOD" enters C_TWA / C_STE. RULES.md gives no rule ([?]); the default
    (half the LOD, a common Chinese laboratory convention) is therefore unverified."""

    HALF_LOD = "half"
    LOD = "lod"
    ZERO = "zero"


LOD_CONVENTION_DEFAULT = LodConvention.HALF_LOD
LOD_CONVENTION_VERIFIED = False  # RULES.md has no rule for <LOD in compliance figures


@dataclass(frozen=True)
class Reading:
    """One measured value; ``below_lod`` with ``lod`` for results entered as ``<LOD``."""

    value: float | None
    below_lod: bool = False
    lod: float | None = None

    def as_number(self, convention: LodConvention = LOD_CONVENTION_DEFAULT) -> float:
        if not self.below_lod:
            assert self.value is not None
            return self.value
        assert self.lod is not None
        return {LodConvention.HALF_LOD: self.lod / 2, LodConvention.LOD: self.lod, LodConvention.ZERO: 0.0}[
            convention
        ]


_LOD_TEXT = re.compile(
    r"^\s*(?:<|＜|小于|低于)\s*(?:LOD|检出限)?\s*[:：]?\s*([0-9.eE+-]*)\s*$", re.IGNORECASE
)


def _number(value: Number, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MonitoringRuleError(f"{what}: 不是数值（{value!r}）") from None
    if math.isnan(number) or math.isinf(number):
        raise MonitoringRuleError(f"{what}: 不是有效数值（{value!r}）")
    if number < 0:
        raise MonitoringRuleError(f"{what}: 不能为负数（{value}）")
    return number


def parse_reading(value: Number | Reading, *, lod: Number | None = None, what: str = "检测值") -> Reading:
    """A reading from what a form, a template cell or the API gives: ``0.3``, ``"<0.05"``,
    ``"<LOD"`` with ``lod=0.05``. Negative, non-numeric and ``<LOD`` without an LOD are errors."""
    if isinstance(value, Reading):
        return value
    if isinstance(value, str):
        match = _LOD_TEXT.match(value)
        if match:
            text = match.group(1)
            if text:
                limit = _number(text, what)
            elif lod is not None:
                limit = _number(lod, f"{what}的检出限")
            else:
                raise MonitoringRuleError(f"{what}: 填写了“<检出限”但未给出检出限数值")
            if limit <= 0:
                raise MonitoringRuleError(f"{what}: 检出限须大于0")
            return Reading(value=None, below_lod=True, lod=limit)
    return Reading(value=_number(value, what))


@dataclass(frozen=True)
class Sample:
    """One timed sample: a concentration over ``minutes`` (a C_TWA segment or a short sample)."""

    reading: Reading
    minutes: float

    @classmethod
    def of(cls, value: Number | Reading, minutes: Number, *, lod: Number | None = None) -> Sample:
        return cls(parse_reading(value, lod=lod), _number(minutes, "采样时间(min)"))


def _samples(items: Iterable[Sample | tuple[Number | Reading, Number]]) -> list[Sample]:
    out = []
    for item in items:
        out.append(item if isinstance(item, Sample) else Sample.of(item[0], item[1]))
    return out


# --------------------------------------------------------------------------------------------
# C_TWA, C_STE, C_ME, peaks (GBZ 2.1-2019 附录A, GBZ 159-2004; RULES.md §3.1)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Twa:
    """A C_TWA with what went into it (for "show the working")."""

    value: float
    exposure_hours: float
    shift_hours: float
    below_lod_count: int
    lod_convention: LodConvention
    notes: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        """False when a <LOD value was substituted (the convention is [?] in RULES.md)."""
        return self.below_lod_count == 0 or LOD_CONVENTION_VERIFIED


def c_twa(
    samples: Iterable[Sample | tuple[Number | Reading, Number]],
    *,
    shift_hours: Number = STANDARD_DAY_HOURS,
    lod_convention: LodConvention = LOD_CONVENTION_DEFAULT,
) -> Twa:
    """C_TWA = (C₁T₁ + C₂T₂ + … + CₙTₙ) / 8 (GBZ 2.1-2019 附录A, GBZ 159-2004; RULES.md §3.1).

    T is in hours (samples carry minutes); the divisor stays 8 h when the shift is shorter, and
    also when it is longer (the formula as written; the longer shift is judged with the reduction
    factor on the limit, ``reduction_factor``). Durations must be positive and may not sum past the
    shift or 24 h; a shorter total leaves the rest of the shift as unexposed (C = 0), which the
    notes say. ``<LOD`` values enter by ``lod_convention`` (default half the LOD, unverified).
    """
    items = _samples(samples)
    shift = _number(shift_hours, "班次时长(h)")
    if not items:
        raise MonitoringRuleError("C_TWA: 至少需要一个采样时段")
    if shift <= 0 or shift > 24:
        raise MonitoringRuleError(f"班次时长(h): 应大于0且不超过24（{shift:g}）")
    for i, s in enumerate(items, 1):
        if s.minutes <= 0:
            raise MonitoringRuleError(f"第{i}个采样时段: 采样时间须大于0")
    hours = sum(s.minutes for s in items) / 60
    if hours > 24 + 1e-9:
        raise MonitoringRuleError(f"采样时间合计 {hours:g} h，超过24 h")
    if hours > shift + 1e-9:
        raise MonitoringRuleError(f"采样时间合计 {hours:g} h，超过班次时长 {shift:g} h")
    notes = []
    if hours < shift - 1e-9:
        notes.append(
            f"采样时段合计 {hours:g} h，少于班次 {shift:g} h，其余 {shift - hours:g} h 按未接触（浓度0）计"
        )
    below = sum(1 for s in items if s.reading.below_lod)
    if below:
        notes.append(f"{below} 个结果低于检出限，按{_LOD_LABEL[lod_convention]}计入（约定{UNVERIFIED}）")
    total = sum(s.reading.as_number(lod_convention) * s.minutes / 60 for s in items)
    return Twa(total / STANDARD_DAY_HOURS, hours, shift, below, lod_convention, tuple(notes))


_LOD_LABEL = {LodConvention.HALF_LOD: "检出限的1/2", LodConvention.LOD: "检出限", LodConvention.ZERO: "0"}


def c_ste(
    value: Number | Reading,
    minutes: Number = SHORT_TERM_MINUTES,
    *,
    lod_convention: LodConvention = LOD_CONVENTION_DEFAULT,
) -> float:
    """C_STE of one short-time sample, referred to 15 min (GBZ 2.1-2019 附录A; RULES.md §3.1).

    A 15-min sample is its own C_STE. A shorter one is averaged over 15 min assuming no exposure
    for the rest (C·t/15; GBZ 159-2004 [M] — unverified). Longer than 15 min is not a short-time
    sample and is refused.
    """
    reading = parse_reading(value)
    t = _number(minutes, "短时间采样时间(min)")
    if t <= 0:
        raise MonitoringRuleError("短时间采样时间(min): 须大于0")
    if t > SHORT_TERM_MINUTES + 1e-9:
        raise MonitoringRuleError(f"短时间采样时间 {t:g} min 超过15 min，不能作为 C_STE")
    return reading.as_number(lod_convention) * t / SHORT_TERM_MINUTES


def c_me(
    values: Iterable[Number | Reading], *, lod_convention: LodConvention = LOD_CONVENTION_DEFAULT
) -> float:
    """C_ME: the highest measured concentration, judged against MAC (GBZ 2.1-2019; RULES.md §3.1)."""
    numbers = [parse_reading(v).as_number(lod_convention) for v in values]
    if not numbers:
        raise MonitoringRuleError("C_ME: 至少需要一个检测值")
    return max(numbers)


PEAK_EXCURSION_FACTOR = 3.0  # GBZ 2.1-2019 (RULES.md §3.1): excursions above 3 × PC-TWA …
PEAK_CEILING_FACTOR = 5.0  # … and never above 5 × PC-TWA
PEAK_MAX_EXCURSIONS = 4  # at most 4 per shift, each ≤ 15 min, ≥ 1 h apart


@dataclass(frozen=True)
class PeakCheck:
    """The peak-exposure rule for an agent with PC-TWA and no PC-STEL."""

    peak_ratio: float  # the highest short value / PC-TWA
    excursions: int  # short samples above 3 × PC-TWA
    compliant: bool
    reasons: tuple[str, ...]


def peak_check(
    short_samples: Iterable[Sample | tuple[Number | Reading, Number]],
    pc_twa: float,
    *,
    lod_convention: LodConvention = LOD_CONVENTION_DEFAULT,
) -> PeakCheck:
    """峰接触浓度 (GBZ 2.1-2019; RULES.md §3.1) for substances with PC-TWA but no PC-STEL (dusts too):
    excursions above 3 × PC-TWA may last ≤ 15 min each and happen ≤ 4 times per shift, and no value
    may exceed 5 × PC-TWA. The 1 h spacing needs sample start times, which the samples do not carry:
    it is not checked and the reasons say so when there are two or more excursions.
    """
    items = _samples(short_samples)
    if pc_twa <= 0:
        raise MonitoringRuleError("PC-TWA 须大于0")
    if not items:
        raise MonitoringRuleError("峰接触浓度: 至少需要一个短时间检测值")
    values = [(s.reading.as_number(lod_convention), s.minutes) for s in items]
    peak = max(v for v, _ in values)
    over = [(v, t) for v, t in values if v > PEAK_EXCURSION_FACTOR * pc_twa]
    reasons = []
    if peak > PEAK_CEILING_FACTOR * pc_twa:
        reasons.append(f"峰值 {peak:g} 超过 5 倍 PC-TWA（{PEAK_CEILING_FACTOR * pc_twa:g}）")
    if len(over) > PEAK_MAX_EXCURSIONS:
        reasons.append(f"超过 3 倍 PC-TWA 的次数为 {len(over)}，多于 4 次")
    if any(t > SHORT_TERM_MINUTES + 1e-9 for _, t in over):
        reasons.append("超过 3 倍 PC-TWA 的持续时间超过 15 min")
    compliant = not reasons
    if compliant and len(over) >= 2:
        reasons.append("两次超过 3 倍 PC-TWA 的间隔是否≥1 h 未核查（无采样起止时间）")
    return PeakCheck(peak / pc_twa, len(over), compliant, tuple(reasons))


def reduction_factor(*, hours_per_day: Number | None = None, hours_per_week: Number | None = None) -> float:
    """Long-shift reduction factor RF (Brief & Scala; RULES.md §3.1 [M] — unverified):
    daily RF = (8/h) × (24 − h)/16; weekly RF = (40/h) × (168 − h)/128. 1 for ≤ 8 h/d, ≤ 40 h/wk.
    The limit compared with C_TWA becomes PC-TWA × RF.
    """
    factors = [1.0]
    if hours_per_day is not None:
        h = _number(hours_per_day, "每日工作时间(h)")
        if h > 24:
            raise MonitoringRuleError("每日工作时间(h): 不能超过24")
        if h > 8:
            factors.append((8 / h) * (24 - h) / 16)
    if hours_per_week is not None:
        w = _number(hours_per_week, "每周工作时间(h)")
        if w > 168:
            raise MonitoringRuleError("每周工作时间(h): 不能超过168")
        if w > 40:
            factors.append((40 / w) * (168 - w) / 128)
    return min(factors)


REDUCTION_FACTOR_VERIFIED = False  # RULES.md §3.1 marks the RF formulas [M]


# --------------------------------------------------------------------------------------------
# 接触水平 (GBZ 2.1-2019 表5; RULES.md §3.1 [S])
# --------------------------------------------------------------------------------------------

EXPOSURE_LEVELS: tuple[tuple[float, str, str], ...] = (
    # (upper bound of exposure/OEL, inclusive; level; description) — boundaries as written in 表5
    (0.01, "0", "基本无接触"),
    (0.10, "I", "接触极低"),
    (0.50, "II", "有接触但无明显健康效应"),
    (1.00, "III", "显著接触，需采取行动"),
    (math.inf, "IV", "超过职业接触限值"),
)


def exposure_level(ratio: float) -> tuple[str, str]:
    """接触水平 0–Ⅳ by exposure/OEL: ≤1 %, >1–10 %, >10–50 %, >50–100 %, >100 % (GBZ 2.1-2019 表5)."""
    if ratio < 0:
        raise MonitoringRuleError("接触比值不能为负数")
    for upper, level, label in EXPOSURE_LEVELS:
        if ratio <= upper + 1e-12:
            return level, label
    raise AssertionError("unreachable")


ACTION_LEVEL_RATIO = 0.5  # GBZ 2.1-2019: 行动水平 normally 50 % of the OEL (RULES.md §3.1)


# --------------------------------------------------------------------------------------------
# The judgement
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One comparison: an exposure figure against one limit."""

    measure: str  # "C_TWA", "C_STE", "C_ME", "峰接触浓度", "L_EX,8h", "WBGT", …
    exposure: float
    limit: LimitUsed
    compliant: bool

    @property
    def ratio(self) -> float:
        return self.exposure / self.limit.value if self.limit.value else math.inf


@dataclass(frozen=True)
class Judgement:
    """符合/不符合 with the numbers used, the limit rows and their verified flags."""

    factor: str
    on: dt.date
    checks: tuple[Check, ...]
    explanation: tuple[str, ...] = ()
    unverified_inputs: tuple[str, ...] = ()  # conventions used that are [M]/[?]
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        return all(c.compliant for c in self.checks)

    @property
    def label(self) -> str:
        return "符合" if self.compliant else "不符合"

    @property
    def ratio(self) -> float:
        """Exposure / OEL, the largest that applies (the API's ``ratio``)."""
        return max(c.ratio for c in self.checks)

    @property
    def exposure_level(self) -> str:
        return exposure_level(self.ratio)[0]

    @property
    def verified(self) -> bool:
        return all(c.limit.verified for c in self.checks) and not self.unverified_inputs

    @property
    def limits(self) -> tuple[LimitUsed, ...]:
        return tuple(c.limit for c in self.checks)


def _check(measure: str, exposure: float, limit: LimitUsed) -> Check:
    return Check(measure, exposure, limit, exposure <= limit.value + 1e-12)


def _sentence(check: Check) -> str:
    verdict = "符合" if check.compliant else "不符合（超标）"
    flag = "" if check.limit.verified else f"（限值{UNVERIFIED}）"
    unit = check.limit.unit
    shown = (lambda x: f"{x:.1f}") if ("dB" in unit or "℃" in unit) else fmt_sig
    return (
        f"{check.measure} = {shown(check.exposure)} {unit}，{check.limit.type} 限值 "
        f"{shown(check.limit.value)} {unit}（{check.limit.version}）{flag}，{verdict}"
    )


def judge_chemical(
    rows: Iterable[LimitRow],
    on: dt.date,
    *,
    factor: str = "",
    twa: Twa | float | None = None,
    c_ste_values: Sequence[float] = (),
    c_me_value: float | None = None,
    short_samples: Sequence[Sample | tuple[Number | Reading, Number]] = (),
    rf: float = 1.0,
) -> Judgement:
    """Judge a chemical agent or dust against the GBZ 2.1 rows in force on ``on`` (RULES.md §3.1):

    MAC — C_ME ≤ MAC; PC-TWA — C_TWA ≤ PC-TWA (× RF for long shifts, [M]); PC-STEL — every C_STE ≤
    PC-STEL; no PC-STEL — the peak rule on ``short_samples`` (``peak_check``). ``rows`` are the
    factor's rows, already narrowed to one condition (``dust_rows`` does it for dusts). A factor
    with no row in force, or inputs that meet none of its limit types, raises ``NoLimitError``.
    """
    current = require_rows_in_force(rows, on, factor=factor)
    name = factor or current[0].agent_name
    mac, twa_row, stel = _pick(current, "MAC"), _pick(current, "PC-TWA"), _pick(current, "PC-STEL")
    checks: list[Check] = []
    explanation: list[str] = []
    unverified: list[str] = []
    extra: dict[str, float] = {}
    if isinstance(twa, Twa):
        explanation.append(f"C_TWA = Σ(Ci·Ti)/8 = {fmt_sig(twa.value)}")
        explanation.extend(twa.notes)
        if not twa.verified:
            unverified.append("低于检出限结果的计入方法")
        twa_value: float | None = twa.value
    else:
        twa_value = twa
    if mac is not None and c_me_value is not None:
        checks.append(_check("C_ME", c_me_value, LimitUsed.of(mac)))
    if twa_row is not None and twa_value is not None:
        limit = LimitUsed.of(twa_row)
        if rf < 1:
            limit = LimitUsed.of(
                twa_row,
                value=float(twa_row.value or 0) * rf,
                note=f"长时间工作折减因子 RF={rf:.3g}（{UNVERIFIED}）",
            )
            unverified.append("长时间工作折减因子")
            explanation.append(f"班次超过8 h，PC-TWA × RF = {fmt_sig(limit.value)}（折减因子{UNVERIFIED}）")
        checks.append(_check("C_TWA", twa_value, limit))
    if stel is not None and c_ste_values:
        worst = max(c_ste_values)
        checks.append(_check("C_STE", worst, LimitUsed.of(stel)))
    elif stel is None and twa_row is not None and (short_samples or c_ste_values):
        # no PC-STEL: short-time values are judged by the peak rule (GBZ 2.1-2019; RULES.md §3.1)
        if not short_samples:
            short_samples = [(v, SHORT_TERM_MINUTES) for v in c_ste_values]
            explanation.append("无 PC-STEL，短时间接触浓度按峰接触浓度规则判定")
        pc_twa = float(twa_row.value or 0)
        peak = peak_check(short_samples, pc_twa)
        extra["peak_ratio"] = peak.peak_ratio
        limit = LimitUsed.of(
            twa_row,
            value=PEAK_EXCURSION_FACTOR * pc_twa,
            note="峰接触浓度：3 倍 PC-TWA，15 min，≤4 次；不超过 5 倍",
        )
        checks.append(Check("峰接触浓度", peak.peak_ratio * pc_twa, limit, peak.compliant))
        explanation.extend(peak.reasons)
    if not checks:
        types = "、".join(sorted({r.limit_type for r in current}))
        raise NoLimitError(f"{name}: 现行限值类型为 {types}，所给检测结果无可比对的限值，{NO_LIMIT_TEXT}")
    explanation[:0] = [_sentence(c) for c in checks]
    return Judgement(name, on, tuple(checks), tuple(explanation), tuple(unverified), extra)


def judge_mixture(parts: Sequence[tuple[str, float, float]]) -> tuple[float, bool]:
    """Mixture of agents with the same target effect: Σ Cᵢ/Lᵢ ≤ 1 (GBZ 2.1-2019; RULES.md §3.1).

    ``parts`` are (name, exposure, limit of the same kind). Returns (Σ, compliant)."""
    if not parts:
        raise MonitoringRuleError("混合物: 至少需要一种成分")
    total = 0.0
    for name, exposure, limit in parts:
        if limit <= 0:
            raise MonitoringRuleError(f"{name}: 限值须大于0")
        total += exposure / limit
    return total, total <= 1 + 1e-12


# --------------------------------------------------------------------------------------------
# Dust: the row by free-SiO₂ content and fraction (GBZ 2.1-2019 表2 conditions)
# --------------------------------------------------------------------------------------------

DUST_FRACTIONS = {"total": "总尘", "respirable": "呼尘"}
_BOUND = r"([0-9.]+)\s*%"
_SILICA = r"游离\s*SiO\s*[2₂]\s*含量"
_LE = "≤<＜"
_GE = "≥>＞"


@dataclass(frozen=True)
class SilicaBand:
    """A free-SiO₂ band read from a limit row's condition text; percent bounds, None = open."""

    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool

    def contains(self, percent: float) -> bool:
        if self.low is not None and (percent < self.low or (percent == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (
            percent > self.high or (percent == self.high and not self.high_inclusive)
        ):
            return False
        return True


def silica_band(condition: str) -> SilicaBand | None:
    """The free-SiO₂ band in a GBZ 2.1 condition ("10%≤游离SiO2含量≤50%", "游离SiO2含量＞80%",
    "游离SiO2含量＜10%"); None when the condition does not mention free SiO₂."""
    m = re.search(
        _BOUND + r"\s*([" + _LE + r"])\s*" + _SILICA + r"\s*([" + _LE + r"])\s*" + _BOUND, condition
    )
    if m:
        return SilicaBand(float(m.group(1)), m.group(2) == "≤", float(m.group(4)), m.group(3) == "≤")
    m = re.search(_SILICA + r"\s*([" + _LE + _GE + r"])\s*" + _BOUND, condition)
    if m:
        op, bound = m.group(1), float(m.group(2))
        if op in _GE:
            return SilicaBand(bound, op == "≥", None, False)
        return SilicaBand(None, False, bound, op == "≤")
    return None


def dust_rows(
    rows: Iterable[LimitRow], *, fraction: str, free_silica_percent: Number | None
) -> list[LimitRow]:
    """The dust rows that fit the sample: 总尘 or 呼尘, and the free-SiO₂ band containing the
    content (GBZ 2.1-2019 表2, e.g. 矽尘 10–50 % 总尘 1 mg/m³, >80 % 呼尘 0.2 mg/m³).

    Rows without a band fit any content. A factor whose rows have bands needs the content; a
    content in no band raises ``NoLimitError`` (dust with ≥ 10 % free SiO₂ is judged as 矽尘).
    """
    if fraction not in DUST_FRACTIONS:
        raise MonitoringRuleError(f"粉尘类别: 应为总尘或呼尘（{fraction}）")
    label = DUST_FRACTIONS[fraction]
    rows = list(rows)
    fitting = [
        r for r in rows if label in r.condition or not any(v in r.condition for v in DUST_FRACTIONS.values())
    ]
    if not fitting:
        raise NoLimitError(f"{rows[0].agent_name if rows else '粉尘'}: 无{label}限值，{NO_LIMIT_TEXT}")
    banded = [(r, silica_band(r.condition)) for r in fitting]
    if not any(b for _, b in banded):
        return fitting
    if free_silica_percent is None:
        raise MonitoringRuleError(f"{fitting[0].agent_name}: 限值按游离SiO2含量分档，须填写游离SiO2含量(%)")
    percent = _number(free_silica_percent, "游离SiO2含量(%)")
    if percent > 100:
        raise MonitoringRuleError("游离SiO2含量(%): 不能超过100")
    chosen = [r for r, b in banded if b is None or b.contains(percent)]
    if not chosen:
        raise NoLimitError(
            f"{fitting[0].agent_name}: 游离SiO2含量 {percent:g}% 不在任何限值条件内"
            + ("（游离SiO2含量≥10%的粉尘按矽尘判定）" if percent >= 10 else "")
            + f"，{NO_LIMIT_TEXT}"
        )
    return chosen


# --------------------------------------------------------------------------------------------
# Noise (GBZ/T 189.8-2007 formulas [M, high]; limit GBZ 2.2-2007 11.2 [3P]; RULES.md §3.2–3.3)
# --------------------------------------------------------------------------------------------


def l_ex_8h(segments: Iterable[tuple[Number, Number]]) -> float:
    """L_EX,8h = 10·lg[(1/8) Σ Tᵢ·10^(0.1·L_Aeq,i)], Tᵢ in h (GBZ/T 189.8-2007; RULES.md §3.3).

    One segment is L_Aeq,Te + 10·lg(Te/8). Durations must be positive and sum to ≤ 24 h.
    """
    items = [(_number(level, "L_Aeq(dB(A))"), _number(hours, "接触时间(h)")) for level, hours in segments]
    if not items:
        raise MonitoringRuleError("L_EX,8h: 至少需要一个噪声时段")
    if any(h <= 0 for _, h in items):
        raise MonitoringRuleError("接触时间(h): 须大于0")
    if sum(h for _, h in items) > 24 + 1e-9:
        raise MonitoringRuleError("噪声接触时间合计超过24 h")
    return 10 * math.log10(sum(h * 10 ** (0.1 * level) for level, h in items) / STANDARD_DAY_HOURS)


def l_ex_w(daily_levels: Sequence[Number]) -> float:
    """L_EX,W = 10·lg[(1/5) Σᵢ 10^(0.1·(L_EX,8h)ᵢ)] over the days worked (GBZ/T 189.8-2007;
    RULES.md §3.3); GBZ 2.2-2007 uses it when the week is not 5 days (1–7 days)."""
    levels = [_number(v, "每日 L_EX,8h(dB(A))") for v in daily_levels]
    if not 1 <= len(levels) <= 7:
        raise MonitoringRuleError(f"L_EX,W: 一周工作天数应为1–7天（{len(levels)}）")
    return 10 * math.log10(sum(10 ** (0.1 * v) for v in levels) / 5)


def judge_noise(
    rows: Iterable[LimitRow],
    on: dt.date,
    *,
    l_ex_8h_value: float | None = None,
    daily_levels: Sequence[Number] = (),
    days_per_week: int = 5,
) -> Judgement:
    """Noise against 85 dB(A) (GBZ 2.2-2007 11.2.1, RULES.md §3.2): L_EX,8h for a 5-day week;
    L_EX,W (the ``LEX,40h`` row) when ``daily_levels`` are given or the week is not 5 days (each
    day then taken at ``l_ex_8h_value``)."""
    current = require_rows_in_force(rows, on, factor="噪声")
    if not daily_levels and days_per_week != 5:
        if l_ex_8h_value is None:
            raise MonitoringRuleError("每周工作不是5天: 须给出 L_EX,8h 或各工作日的 L_EX,8h")
        daily_levels = [l_ex_8h_value] * days_per_week
    if daily_levels:
        value, measure = l_ex_w(daily_levels), "L_EX,W"
        row = _pick(current, "LEX,40h")
    else:
        if l_ex_8h_value is None:
            raise MonitoringRuleError("噪声: 须给出 L_EX,8h 或噪声时段")
        value, measure = _number(l_ex_8h_value, "L_EX,8h"), "L_EX,8h"
        row = _pick(current, "LEX,8h")
    if row is None:
        raise NoLimitError(f"噪声: 无 {measure} 现行限值，{NO_LIMIT_TEXT}")
    check = _check(measure, round(value, 1), LimitUsed.of(row))  # dB reported to 0.1
    return Judgement("噪声", on, (check,), (_sentence(check),), (), {measure: value})


# --------------------------------------------------------------------------------------------
# Heat: WBGT (GBZ 2.2-2007 表8 [3P], 10.2.2 +1 ℃ [S]; RULES.md §3.2)
# --------------------------------------------------------------------------------------------

LABOUR_CLASSES = ("I", "II", "III", "IV")
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV"}
_HEAT_CONDITION = re.compile(r"接触时间率\s*([0-9.]+)\s*%.*?体力劳动强度\s*([ⅠⅡⅢⅣIV]+)\s*级")
HOT_REGION_ADJUSTMENT = 1.0  # 本地区室外通风设计温度 ≥ 30 ℃: every WBGT limit +1 ℃ (10.2.2 [S])
TIME_RATIO_ROUNDING_VERIFIED = False  # rounding up to the next listed 接触时间率 is our reading [M]


def labour_class(value: str) -> str:
    """``I``–``IV`` from ``Ⅰ``–``Ⅳ`` or ``I``–``IV`` (体力劳动强度, GBZ 2.2-2007 表13)."""
    v = _ROMAN.get(value.strip(), value.strip().upper())
    if v not in LABOUR_CLASSES:
        raise MonitoringRuleError(f"体力劳动强度: 应为Ⅰ–Ⅳ级（{value}）")
    return v


def labour_class_from_index(n: Number) -> str:
    """体力劳动强度 from the index n: Ⅰ ≤ 15, Ⅱ 15–20, Ⅲ 20–25, Ⅳ > 25 (GBZ 2.2-2007 表13 [3P])."""
    x = _number(n, "劳动强度指数")
    return "I" if x <= 15 else "II" if x <= 20 else "III" if x <= 25 else "IV"


def wbgt_row(rows: Iterable[LimitRow], *, time_ratio: Number, labour: str) -> tuple[LimitRow, float]:
    """The WBGT row for a 接触时间率 (0–1) and 体力劳动强度: the table lists 25/50/75/100 %; a ratio
    between them takes the next higher listed one (the stricter limit; our reading, [M])."""
    ratio = _number(time_ratio, "接触时间率")
    if ratio <= 0 or ratio > 1:
        raise MonitoringRuleError("接触时间率: 应大于0且不超过1（100%）")
    cls = labour_class(labour)
    table: dict[tuple[float, str], LimitRow] = {}
    for row in rows:
        m = _HEAT_CONDITION.search(row.condition)
        if m and row.value is not None:
            table[(float(m.group(1)) / 100, labour_class(m.group(2)))] = row
    listed = sorted({r for r, c in table if c == cls})
    if not listed:
        raise NoLimitError(f"高温: 无体力劳动强度{cls}级的 WBGT 限值，{NO_LIMIT_TEXT}")
    band = next((r for r in listed if r >= ratio - 1e-9), listed[-1])
    return table[(band, cls)], band


def judge_heat(
    rows: Iterable[LimitRow],
    on: dt.date,
    *,
    wbgt: Number,
    time_ratio: Number,
    labour: str,
    hot_region: bool = False,
) -> Judgement:
    """WBGT ≤ the GBZ 2.2-2007 表8 limit for the 接触时间率 band and 体力劳动强度, +1 ℃ where the
    local outdoor ventilation design temperature is ≥ 30 ℃ (``hot_region``; 10.2.2 [S]; whether
    Chongqing qualifies is [M], a per-region setting of the caller)."""
    current = require_rows_in_force(rows, on, factor="高温")
    row, band = wbgt_row(current, time_ratio=time_ratio, labour=labour)
    value = float(row.value or 0) + (HOT_REGION_ADJUSTMENT if hot_region else 0)
    note = f"接触时间率按 {band:.0%} 档" + ("；本地区室外通风设计温度≥30℃，限值+1℃" if hot_region else "")
    limit = LimitUsed.of(row, value=value, note=note)
    check = _check("WBGT", _number(wbgt, "WBGT(℃)"), limit)
    unverified = []
    if abs(band - _number(time_ratio, "接触时间率")) > 1e-9:
        unverified.append("接触时间率档位取法")
    if hot_region:
        unverified.append("地区+1℃修正的适用")
    return Judgement(
        "高温", on, (check,), (_sentence(check), note), tuple(unverified), {"time_ratio_band": band}
    )


def is_heat_work(wbgt: Number) -> bool:
    """高温作业: workplace average WBGT ≥ 25 ℃ (GBZ 2.2-2007; RULES.md §3.2)."""
    return _number(wbgt, "WBGT(℃)") >= 25


# --------------------------------------------------------------------------------------------
# Hand-arm vibration and the 50 Hz electric field (GBZ 2.2-2007 表11, 表3 [3P])
# --------------------------------------------------------------------------------------------


def a_hw4(a_hw_t: Number, hours: Number) -> float:
    """a_hw(4) = a_hw(T)·√(T/4): the 4-h energy-equivalent frequency-weighted acceleration
    (GBZ 2.2-2007 表11 "换算为相当于接振4h的值"; the square-root form is [M], unverified)."""
    a = _number(a_hw_t, "振动加速度(m/s²)")
    t = _number(hours, "日接振时间(h)")
    if t <= 0 or t > 24:
        raise MonitoringRuleError("日接振时间(h): 应大于0且不超过24")
    return a * math.sqrt(t / 4)


def judge_single_limit(
    rows: Iterable[LimitRow],
    on: dt.date,
    *,
    factor: str,
    measure: str,
    value: Number,
    limit_type: str | None = None,
) -> Judgement:
    """A measurement against the one limit row of a factor in force on ``on`` (手传振动 a_hw(4) ≤ 5
    m/s², 工频电场 ≤ 5 kV/m, GBZ 2.2-2007; RULES.md §3.2). ``limit_type`` narrows the rows."""
    current = require_rows_in_force(rows, on, factor=factor)
    if limit_type is not None:
        current = [r for r in current if r.limit_type == limit_type]
    numeric = [r for r in current if r.value is not None]
    if len(numeric) != 1:
        raise NoLimitError(f"{factor}: 现行限值{len(numeric)}条，无法确定唯一限值，{NO_LIMIT_TEXT}")
    check = _check(measure, _number(value, measure), LimitUsed.of(numeric[0]))
    return Judgement(factor, on, (check,), (_sentence(check),))


# --------------------------------------------------------------------------------------------
# Hazard grading (GBZ/T 229 series by date; RULES.md §4) — weight tables as versioned data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One edition of a grading standard, chosen by the measurement date."""

    standard: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    verified: bool
    provenance: str  # RULES.md tag and section


@dataclass(frozen=True)
class Grade:
    level: str  # "0", "I", "II", "III", "IV", or "" when not graded
    label: str
    standard: str
    version: str
    verified: bool
    score: float | None = None
    notes: tuple[str, ...] = ()


def edition_on(editions: Sequence[Edition], on: dt.date, *, what: str) -> Edition:
    """The edition in force on ``on``; ``MonitoringRuleError`` when none is."""
    for e in editions:
        if e.effective_from <= on and (e.effective_to is None or on < e.effective_to):
            return e
    raise MonitoringRuleError(f"{what}: {on.isoformat()} 无适用的分级标准版本")


CHEMICAL_GRADING = (
    Edition(
        "GBZ/T 229.2",
        "GBZ/T 229.2-2010",
        dt.date(2010, 1, 1),
        dt.date(2026, 2, 1),
        False,
        "RULES.md §4.1 [M]; WB threshold [?]",
    ),
    Edition("GBZ/T 229.2", "GBZ/T 229.2—2025", dt.date(2026, 2, 1), None, False, "RULES.md §4.1 [3P ×2]"),
)
DUST_GRADING = (
    Edition(
        "GBZ/T 229.1",
        "GBZ/T 229.1-2010",
        dt.date(2010, 1, 1),
        dt.date(2026, 2, 1),
        False,
        "RULES.md §4.2 [M, low]; WM/WB [?]",
    ),
    Edition(
        "GBZ/T 229.1",
        "GBZ/T 229.1—2025",
        dt.date(2026, 2, 1),
        None,
        False,
        "RULES.md §4.2 [3P, one repo, inconsistent]",
    ),
)
HEAT_GRADING = (
    Edition(
        "GBZ/T 229.3",
        "GBZ/T 229.3-2010",
        dt.date(2010, 1, 1),
        dt.date(2026, 2, 1),
        False,
        "RULES.md §4.3 [?] table not obtained",
    ),
    Edition("GBZ/T 229.3", "GBZ/T 229.3—2025", dt.date(2026, 2, 1), None, False, "RULES.md §4.3 [3P]"),
)
NOISE_GRADING = (
    Edition(
        "GBZ/T 229.4", "GBZ/T 229.4-2012", dt.date(2012, 1, 1), None, False, "RULES.md §4.4 [M, medium-high]"
    ),
)

#: WD by 毒物危害程度 (GBZ/T 230); a 高毒物品目录 substance counts as 极度 (RULES.md §4.1 [3P]).
TOXICITY_WEIGHTS = {"轻度": 1.0, "中度": 2.0, "高度": 4.0, "极度": 8.0}
#: WL by 体力劳动强度 (RULES.md §4.1 [3P]).
LABOUR_WEIGHTS = {"I": 1.0, "II": 1.5, "III": 2.0, "IV": 2.5}
#: WB = 0 when B ≤ this (2025 [3P]); the 2010 value is [?] and the same number is used, flagged.
WB_ZERO_AT_OR_BELOW = 0.5
CHEMICAL_GRADES = (
    (0.0, "0", "相对无害作业"),
    (6.0, "I", "轻度危害作业"),
    (24.0, "II", "中度危害作业"),
    (math.inf, "III", "重度危害作业"),
)


def exposure_ratio_b(
    *,
    c_twa: float | None = None,
    pc_twa: float | None = None,
    c_ste: float | None = None,
    pc_stel: float | None = None,
    c_peak: float | None = None,
    c_me: float | None = None,
    mac: float | None = None,
) -> float:
    """B = max(C_TWA/PC-TWA, C_STE/PC-STEL, C_peak/(3·PC-TWA) when no PC-STEL, C_ME/MAC)
    (GBZ/T 229.2—2025 as read by two third-party implementations; RULES.md §4.1 [3P])."""
    ratios = []
    if c_twa is not None and pc_twa:
        ratios.append(c_twa / pc_twa)
    if c_ste is not None and pc_stel:
        ratios.append(c_ste / pc_stel)
    if c_peak is not None and pc_twa and not pc_stel:
        ratios.append(c_peak / (PEAK_EXCURSION_FACTOR * pc_twa))
    if c_me is not None and mac:
        ratios.append(c_me / mac)
    if not ratios:
        raise MonitoringRuleError("接触比值B: 缺少检测值或限值")
    return max(ratios)


def grade_chemical(
    on: dt.date, *, b: float, toxicity: str, labour: str, high_toxicity_list: bool = False
) -> Grade:
    """化学物作业分级 G = WD × WB × WL (GBZ/T 229.2; RULES.md §4.1): WB = 0 if B ≤ 0.5 else B;
    0 (G = 0) / Ⅰ (≤ 6) / Ⅱ (≤ 24) / Ⅲ (> 24); B > 1 is at least Ⅱ. Unverified in both editions."""
    edition = edition_on(CHEMICAL_GRADING, on, what="化学物作业分级")
    wd = TOXICITY_WEIGHTS[_known(toxicity, TOXICITY_WEIGHTS, "毒物危害程度")]
    if high_toxicity_list:
        wd = TOXICITY_WEIGHTS["极度"]
    wl = LABOUR_WEIGHTS[labour_class(labour)]
    wb = 0.0 if b <= WB_ZERO_AT_OR_BELOW + 1e-12 else b
    g = wd * wb * wl
    level, label = _band(g, CHEMICAL_GRADES)
    notes = [f"G = WD({wd:g}) × WB({wb:.3g}) × WL({wl:g}) = {g:.3g}"]
    if b > 1 and level in ("0", "I"):
        level, label = "II", "中度危害作业"
        notes.append("接触比值B>1，至少为Ⅱ级")
    if edition.version.endswith("2010"):
        notes.append("2010版WB阈值未查到，沿用0.5")
    return Grade(level, label, edition.standard, edition.version, edition.verified, g, tuple(notes))


#: WM by free-SiO₂ content (GBZ/T 229.1—2025 [3P, one repo]); used for 2010 too, flagged.
SILICA_WEIGHTS = ((10.0, 1.0), (50.0, 2.0), (80.0, 3.0), (math.inf, 4.0))


def silica_weight(free_silica_percent: Number) -> float:
    """WM: < 10 % → 1, 10–50 % → 2, 50–80 % → 3, > 80 % → 4 (RULES.md §4.2 [3P])."""
    p = _number(free_silica_percent, "游离SiO2含量(%)")
    if p < 10:
        return 1.0
    return next(w for upper, w in SILICA_WEIGHTS[1:] if p <= upper)


def grade_dust(on: dt.date, *, b: float, free_silica_percent: Number, labour: str) -> Grade:
    """粉尘作业分级 (GBZ/T 229.1; RULES.md §4.2), G = WM × WB × WL.

    2025 [3P, internally inconsistent, our reading]: B ≤ 0.5 → 0 相对无害; 0.5 < B ≤ 1 → Ⅰ 行动水平;
    B > 1 → Ⅱ 轻度 (G ≤ 6) / Ⅲ 中度 (G ≤ 16) / Ⅳ 高度 (G > 16).
    2010 [M, low]: 0 相对无害 (G = 0) / Ⅰ 轻度 (≤ 6) / Ⅱ 中度 (≤ 16) / Ⅲ 重度 (> 16).
    """
    edition = edition_on(DUST_GRADING, on, what="粉尘作业分级")
    wm = silica_weight(free_silica_percent)
    wl = LABOUR_WEIGHTS[labour_class(labour)]
    wb = 0.0 if b <= WB_ZERO_AT_OR_BELOW + 1e-12 else b
    g = wm * wb * wl
    notes = [f"G = WM({wm:g}) × WB({wb:.3g}) × WL({wl:g}) = {g:.3g}"]
    if edition.version.endswith("2025"):
        if b <= WB_ZERO_AT_OR_BELOW + 1e-12:
            level, label = "0", "相对无害作业"
        elif b <= 1 + 1e-12:
            level, label = "I", "行动水平作业"
        else:
            level, label = _band(
                g,
                (
                    (6.0, "II", "轻度危害作业"),
                    (16.0, "III", "中度危害作业"),
                    (math.inf, "IV", "高度危害作业"),
                ),
            )
    else:
        level, label = _band(
            g,
            (
                (0.0, "0", "相对无害作业"),
                (6.0, "I", "轻度危害作业"),
                (16.0, "II", "中度危害作业"),
                (math.inf, "III", "重度危害作业"),
            ),
        )
    return Grade(level, label, edition.standard, edition.version, edition.verified, g, tuple(notes))


#: GBZ/T 229.3—2025 表1 [3P]: per (强度, 时间率 band upper bound), the level from WBGT 28 … 36 ℃;
#: "-" below Ⅰ, "*" beyond Ⅳ (special heat-stress assessment). RULES.md §4.3, transcribed.
HEAT_WBGT_COLUMNS = (28, 29, 30, 31, 32, 33, 34, 35, 36)
HEAT_TABLE_2025: dict[tuple[str, float], str] = {
    ("I", 0.25): "-----1234",
    ("I", 0.50): "----1234*",
    ("I", 0.75): "---1234**",
    ("I", 1.00): "--1234***",
    ("II", 0.25): "----1234*",
    ("II", 0.50): "--1234***",
    ("II", 0.75): "-1234****",
    ("II", 1.00): "1234*****",
    ("III", 0.25): "---1234**",
    ("III", 0.50): "-1234****",
    ("III", 0.75): "1234*****",
    ("III", 1.00): "*********",
    ("IV", 0.25): "--1234***",
    ("IV", 0.50): "1234*****",
    ("IV", 0.75): "*********",
    ("IV", 1.00): "*********",
}
_HEAT_LEVEL = {
    "1": ("I", "轻度危害作业"),
    "2": ("II", "中度危害作业"),
    "3": ("III", "重度危害作业"),
    "4": ("IV", "极重度危害作业"),
}


def grade_heat(on: dt.date, *, wbgt: Number, time_ratio: Number, labour: str) -> Grade:
    """高温作业分级 (GBZ/T 229.3—2025 表1 [3P]; RULES.md §4.3): the column is the largest WBGT ≤ the
    value; the time-ratio band is 0–25 / 25–50 / 50–75 / 75–100 % (upper bound inclusive, our
    reading). Before 2026-02-01 (2010 edition) the table was not obtained: not graded, flagged."""
    edition = edition_on(HEAT_GRADING, on, what="高温作业分级")
    if edition.version.endswith("2010"):
        return Grade("", "未分级（2010版分级表未取得）", edition.standard, edition.version, False)
    w = _number(wbgt, "WBGT(℃)")
    ratio = _number(time_ratio, "接触时间率")
    if ratio <= 0 or ratio > 1:
        raise MonitoringRuleError("接触时间率: 应大于0且不超过1（100%）")
    band = next(b for b in (0.25, 0.50, 0.75, 1.00) if ratio <= b + 1e-9)
    row = HEAT_TABLE_2025[(labour_class(labour), band)]
    columns = [i for i, c in enumerate(HEAT_WBGT_COLUMNS) if c <= w]
    if not columns:
        return Grade("0", "低于Ⅰ级", edition.standard, edition.version, edition.verified)
    cell = row[columns[-1]]
    if cell == "-":
        return Grade("0", "低于Ⅰ级", edition.standard, edition.version, edition.verified)
    if cell == "*":
        return Grade("", "超出Ⅳ级，需专项热应激评估", edition.standard, edition.version, edition.verified)
    level, label = _HEAT_LEVEL[cell]
    return Grade(level, label, edition.standard, edition.version, edition.verified)


NOISE_GRADES = (
    (90.0, "I", "轻度危害"),
    (94.0, "II", "中度危害"),
    (100.0, "III", "重度危害"),
    (math.inf, "IV", "极重危害"),
)


def grade_noise(on: dt.date, *, level_dba: Number) -> Grade:
    """噪声作业分级 on L_EX,8h or L_EX,W (GBZ/T 229.4-2012; RULES.md §4.4 [M]): Ⅰ 85–<90, Ⅱ 90–<94,
    Ⅲ 94–<100, Ⅳ ≥ 100; below 85 dB(A) not graded. Levels are rounded to 0.1 dB first."""
    edition = edition_on(NOISE_GRADING, on, what="噪声作业分级")
    level = round(_number(level_dba, "噪声级(dB(A))"), 1)
    if level < NOISE_LIMIT_DBA:
        return Grade("", "未达分级下限（<85 dB(A)）", edition.standard, edition.version, edition.verified)
    grade, label = next((g, lbl) for upper, g, lbl in NOISE_GRADES if level < upper)
    return Grade(grade, label, edition.standard, edition.version, edition.verified)


# --------------------------------------------------------------------------------------------
# 分类监督执法 附件1: serious factors and the risk level (RULES.md §1.2 [S])
# --------------------------------------------------------------------------------------------


def is_serious_factor(
    *,
    notes: str = "",
    free_silica_percent: Number | None = None,
    asbestos: bool = False,
    high_toxicity_list: bool = False,
) -> bool:
    """严重职业病危害因素 (附件1 (a), RULES.md §1.2): a 高毒物品目录 substance, asbestos dust, dust
    with free SiO₂ ≥ 10 %, or a GBZ 2.1 "G1" carcinogen (``notes`` of the limit row). Ionising
    radiation and authority designations are decided by the caller (``high_toxicity_list``)."""
    if high_toxicity_list or asbestos:
        return True
    if free_silica_percent is not None and _number(free_silica_percent, "游离SiO2含量(%)") >= 10:
        return True
    return re.search(r"G1(?![0-9])", notes) is not None


NO_DETECTION_AS_NONCOMPLIANT = True  # 附件1 open point (iii): conservative default, [M] unverified
RISK_MATRIX_ANNEX1 = {
    # (serious, compliant) → level per headcount band (≤9, 10–49, ≥50); 附表1-1 [S + inference]
    (False, True): ("I", "I", "I"),
    (False, False): ("II", "II", "III"),
    (True, True): ("II", "II", "III"),
    (True, False): ("III", "III", "III"),
}


def headcount_band(exposed: int) -> int:
    """接触人数 band index: 0 for ≤ 9, 1 for 10–49, 2 for ≥ 50 (附件1 (c))."""
    if exposed < 0:
        raise MonitoringRuleError("接触人数不能为负数")
    return 0 if exposed <= 9 else 1 if exposed <= 49 else 2


def risk_level_annex1(*, serious: bool, compliant: bool | None, exposed: int) -> tuple[str, bool]:
    """Hazard risk level Ⅰ/Ⅱ/Ⅲ (国疾控综监督二函〔2022〕50号 附件1 附表1-1; RULES.md §1.2 [S]).

    ``compliant=None`` (no detection) counts as 不符合 (open point (iii), [M]). Returns (level,
    verified): verified is False when that default was used."""
    if compliant is None:
        compliant, verified = not NO_DETECTION_AS_NONCOMPLIANT, False
    else:
        verified = True
    return RISK_MATRIX_ANNEX1[(serious, compliant)][headcount_band(exposed)], verified


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _known(value: str, table: dict[str, float], what: str) -> str:
    if value not in table:
        raise MonitoringRuleError(f"{what}: 应为{'、'.join(table)}之一（{value}）")
    return value


def _band(x: float, bands: Sequence[tuple[float, str, str]]) -> tuple[str, str]:
    for upper, level, label in bands:
        if x <= upper + 1e-12:
            return level, label
    raise AssertionError("unreachable")


def round_sig(x: float, digits: int = 2) -> float:
    """``x`` to ``digits`` significant digits (concentrations are reported to at least two)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def fmt_sig(x: float, digits: int = 2) -> str:
    """``x`` for a sentence with at least ``digits`` significant digits kept (0.6 → "0.60")."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"
