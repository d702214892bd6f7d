"""Pure rules of workplace hazard monitoring (no Django imports).

What a detection result is compared with and how (RULES.md §3, §4, §1.2):

- chemical agents and dusts: C_TWA, C_STE, C_ME, the peak-exposure rule, the long-shift reduction
  factor, 接触水平 0–Ⅳ (GBZ 2.1-2019 and its 附录A; GBZ 159-2004);
- dusts: the limit row chosen by free-SiO₂ content and 总尘/呼尘 (GBZ 2.1-2019 表2 conditions);
- 符合/不符合 against the limit rows **in force on the measurement date**.

Physical agents (noise L_EX,8h/L_EX,W, heat WBGT, hand-arm vibration a_hw(4), the 50 Hz electric
field; GBZ 2.2-2007) are in ``monitoring.physical``, on the same judgement; hazard grading (GBZ/T 229
series, 附件1 risk level) is in ``monitoring.grading``.

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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

Number = float | int | Decimal | str

UNVERIFIED = "未核对"
NO_LIMIT_TEXT = "无接触限值，未判定"
STANDARD_DAY_HOURS = 8.0  # GBZ 159-2004 / GBZ 2.1-2019 附录A: the C_TWA divisor
SHORT_TERM_MINUTES = 15.0  # GBZ 2.1-2019: PC-STEL and peak excursions refer to 15 min


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


#: What a user does when a measurement predates every limit row of its factor (the editions are data:
#: the hazards app's limit import, ``/hazards/limits/import/``, creates a dated edition).
MISSING_EDITION_HINT = (
    "如需按当时施行的标准判定，请疾控或市级用户在“接触限值 → 导入”（/hazards/limits/import/，"
    "或 ohsteward import limits）导入该版本（填写标准、版本、施行日期），"
    "然后重新判定已存的检测结果（ohsteward rejudge_measurements）"
)


def require_rows_in_force(rows: Iterable[LimitRow], on: dt.date, *, factor: str = "") -> list[LimitRow]:
    """``rows_in_force`` that raises ``NoLimitError`` with the reason when nothing is in force."""
    rows = list(rows)
    current = rows_in_force(rows, on)
    if current:
        return current
    name = factor or (rows[0].agent_name if rows else "该因素")
    if not rows:
        raise NoLimitError(f"{name}: {NO_LIMIT_TEXT}")
    earliest = min(rows, key=lambda r: r.effective_from)
    first = earliest.effective_from
    if on < first:
        raise NoLimitError(
            f"{name}: 检测日期 {on.isoformat()} 早于限值施行日期 {first.isoformat()}，{NO_LIMIT_TEXT}。"
            f"系统中该因素最早的限值来自 {earliest.standard_version}（{first.isoformat()} 施行），"
            f"没有该日期适用的{earliest.standard}版本；{MISSING_EDITION_HINT}"
        )
    raise NoLimitError(f"{name}: 检测日期 {on.isoformat()} 无现行限值，{NO_LIMIT_TEXT}")


def pick_limit(rows: Sequence[LimitRow], limit_type: str) -> LimitRow | None:
    """The one row of ``limit_type`` among rows in force; two with different conditions is an error."""
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
            if self.value is None:
                raise MonitoringRuleError("检测值: 缺少数值")
            return self.value
        if self.lod is None:
            raise MonitoringRuleError("检测值: 低于检出限但未给出检出限数值")
        return {LodConvention.HALF_LOD: self.lod / 2, LodConvention.LOD: self.lod, LodConvention.ZERO: 0.0}[
            convention
        ]


_LOD_TEXT = re.compile(
    r"^\s*(?:<|＜|小于|低于)\s*(?:LOD|检出限)?\s*[:：]?\s*([0-9.eE+-]*)\s*$", re.IGNORECASE
)


def to_number(value: Number, what: str) -> float:
    """A non-negative finite number from a form/API value; a Chinese error naming ``what`` otherwise."""
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
                limit = to_number(text, what)
            elif lod is not None:
                limit = to_number(lod, f"{what}的检出限")
            else:
                raise MonitoringRuleError(f"{what}: 填写了“<检出限”但未给出检出限数值")
            if limit <= 0:
                raise MonitoringRuleError(f"{what}: 检出限须大于0")
            return Reading(value=None, below_lod=True, lod=limit)
    return Reading(value=to_number(value, what))


@dataclass(frozen=True)
class Sample:
    """One timed sample: a concentration over ``minutes`` (a C_TWA segment or a short sample)."""

    reading: Reading
    minutes: float

    @classmethod
    def of(cls, value: Number | Reading, minutes: Number, *, lod: Number | None = None) -> Sample:
        return cls(parse_reading(value, lod=lod), to_number(minutes, "采样时间(min)"))


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
    shift = to_number(shift_hours, "班次时长(h)")
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


def lod_convention_text(convention: LodConvention = LOD_CONVENTION_DEFAULT) -> str:
    """What a judgement says (under 未核对) when a ``<LOD`` result entered C_TWA, C_STE or C_ME. The
    one place the convention is named; exposure statistics never substitute (``monitoring.stats``
    treats ``<LOD`` as censored)."""
    return f"低于检出限结果按{_LOD_LABEL[convention]}计入"


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
    t = to_number(minutes, "短时间采样时间(min)")
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
        h = to_number(hours_per_day, "每日工作时间(h)")
        if h > 24:
            raise MonitoringRuleError("每日工作时间(h): 不能超过24")
        if h > 8:
            factors.append((8 / h) * (24 - h) / 16)
    if hours_per_week is not None:
        w = to_number(hours_per_week, "每周工作时间(h)")
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


def check_against(measure: str, exposure: float, limit: LimitUsed) -> Check:
    """One comparison: compliant when the exposure does not exceed the limit value (≤)."""
    return Check(measure, exposure, limit, exposure <= limit.value + 1e-12)


def explain_check(check: Check) -> str:
    """The Chinese sentence a page shows for one check, with the limit's version and 未核对 flag."""
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
    mac, twa_row, stel = (
        pick_limit(current, "MAC"),
        pick_limit(current, "PC-TWA"),
        pick_limit(current, "PC-STEL"),
    )
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
        checks.append(check_against("C_ME", c_me_value, LimitUsed.of(mac)))
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
        checks.append(check_against("C_TWA", twa_value, limit))
    if stel is not None and c_ste_values:
        worst = max(c_ste_values)
        checks.append(check_against("C_STE", worst, LimitUsed.of(stel)))
    elif stel is None and twa_row is not None and (short_samples or c_ste_values):
        # no PC-STEL: short-time values are judged by the peak rule (GBZ 2.1-2019; RULES.md §3.1)
        if not short_samples:
            short_samples = [(v, SHORT_TERM_MINUTES) for v in c_ste_values]
            explanation.append("无 PC-STEL，短时间接触浓度按峰接触浓度规则判定")
        pc_twa = float(twa_row.value or 0)
        peak = peak_check(short_samples, pc_twa)
        extra["peak_ratio"] = peak.peak_ratio
        # the check compares the peak with the 5 × ceiling; the 3 × excursions (count, duration)
        # decide too, so a peak under the ceiling can still fail (the reasons say why)
        limit = replace(
            LimitUsed.of(
                twa_row,
                value=PEAK_CEILING_FACTOR * pc_twa,
                note="峰接触浓度：超过 3 倍 PC-TWA 每次≤15 min、≤4 次、间隔≥1 h；任何时候不超过 5 倍",
            ),
            type="5×PC-TWA",
        )
        checks.append(Check("峰接触浓度", peak.peak_ratio * pc_twa, limit, peak.compliant))
        explanation.extend(peak.reasons)
    if not checks:
        types = "、".join(sorted({r.limit_type for r in current}))
        raise NoLimitError(f"{name}: 现行限值类型为 {types}，所给检测结果无可比对的限值，{NO_LIMIT_TEXT}")
    explanation[:0] = [explain_check(c) for c in checks]
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
    percent = to_number(free_silica_percent, "游离SiO2含量(%)")
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
# Helpers
# --------------------------------------------------------------------------------------------


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
