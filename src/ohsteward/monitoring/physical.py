"""Physical agents (no Django imports): noise L_EX,8h / L_EX,W, heat WBGT, hand-arm vibration and
the 50 Hz electric field, judged against the GBZ 2.2-2007 rows in force on the measurement date
(RULES.md §3.2, §3.3). The shared judgement machinery is in ``monitoring.rules``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence

from ohsteward.monitoring.rules import (
    NO_LIMIT_TEXT,
    STANDARD_DAY_HOURS,
    Judgement,
    LimitRow,
    LimitUsed,
    MonitoringRuleError,
    NoLimitError,
    Number,
    check_against,
    explain_check,
    pick_limit,
    require_rows_in_force,
    to_number,
)

NOISE_LIMIT_DBA = 85.0  # GBZ 2.2-2007 11.2.1 (RULES.md §3.2); the rows carry it, grading needs it

# --------------------------------------------------------------------------------------------
# Noise (GBZ/T 189.8-2007 formulas [M, high]; limit GBZ 2.2-2007 11.2 [3P]; RULES.md §3.2–3.3)
# --------------------------------------------------------------------------------------------


def l_ex_8h(segments: Iterable[tuple[Number, Number]]) -> float:
    """L_EX,8h = 10·lg[(1/8) Σ Tᵢ·10^(0.1·L_Aeq,i)], Tᵢ in h (GBZ/T 189.8-2007; RULES.md §3.3).

    One segment is L_Aeq,Te + 10·lg(Te/8). Durations must be positive and sum to ≤ 24 h.
    """
    items = [(to_number(level, "L_Aeq(dB(A))"), to_number(hours, "接触时间(h)")) for level, hours in segments]
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
    levels = [to_number(v, "每日 L_EX,8h(dB(A))") for v in daily_levels]
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
        row = pick_limit(current, "LEX,40h")
    else:
        if l_ex_8h_value is None:
            raise MonitoringRuleError("噪声: 须给出 L_EX,8h 或噪声时段")
        value, measure = to_number(l_ex_8h_value, "L_EX,8h"), "L_EX,8h"
        row = pick_limit(current, "LEX,8h")
    if row is None:
        raise NoLimitError(f"噪声: 无 {measure} 现行限值，{NO_LIMIT_TEXT}")
    check = check_against(measure, round(value, 1), LimitUsed.of(row))  # dB reported to 0.1
    return Judgement("噪声", on, (check,), (explain_check(check),), (), {measure: value})


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
    x = to_number(n, "劳动强度指数")
    return "I" if x <= 15 else "II" if x <= 20 else "III" if x <= 25 else "IV"


def wbgt_row(rows: Iterable[LimitRow], *, time_ratio: Number, labour: str) -> tuple[LimitRow, float]:
    """The WBGT row for a 接触时间率 (0–1) and 体力劳动强度: the table lists 25/50/75/100 %; a ratio
    between them takes the next higher listed one (the stricter limit; our reading, [M])."""
    ratio = to_number(time_ratio, "接触时间率")
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
    check = check_against("WBGT", to_number(wbgt, "WBGT(℃)"), limit)
    unverified = []
    if abs(band - to_number(time_ratio, "接触时间率")) > 1e-9 and not TIME_RATIO_ROUNDING_VERIFIED:
        unverified.append("接触时间率档位取法")
    if hot_region:
        unverified.append("地区+1℃修正的适用")
    return Judgement(
        "高温", on, (check,), (explain_check(check), note), tuple(unverified), {"time_ratio_band": band}
    )


def is_heat_work(wbgt: Number) -> bool:
    """高温作业: workplace average WBGT ≥ 25 ℃ (GBZ 2.2-2007; RULES.md §3.2)."""
    return to_number(wbgt, "WBGT(℃)") >= 25


# --------------------------------------------------------------------------------------------
# Hand-arm vibration and the 50 Hz electric field (GBZ 2.2-2007 表11, 表3 [3P])
# --------------------------------------------------------------------------------------------


def a_hw4(a_hw_t: Number, hours: Number) -> float:
    """a_hw(4) = a_hw(T)·√(T/4): the 4-h energy-equivalent frequency-weighted acceleration
    (GBZ 2.2-2007 表11 "换算为相当于接振4h的值"; the square-root form is [M], unverified)."""
    a = to_number(a_hw_t, "振动加速度(m/s²)")
    t = to_number(hours, "日接振时间(h)")
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
    check = check_against(measure, to_number(value, measure), LimitUsed.of(numeric[0]))
    return Judgement(factor, on, (check,), (explain_check(check),))
