"""Hazard grading of monitoring results (no Django imports): GBZ/T 229.1/.2/.3 (2010 and 2025
editions, chosen by the measurement date), GBZ/T 229.4-2012 noise, and the 分类监督执法 附件1
serious-factor test and risk level (RULES.md §4, §1.2).

The weight tables and editions are versioned data below; every edition is ``verified=False``
("未核对") because RULES.md has them only as [3P], [M] or [?]. Exposure figures come from
``monitoring.rules``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ohsteward.monitoring.physical import NOISE_LIMIT_DBA, labour_class
from ohsteward.monitoring.rules import (
    PEAK_EXCURSION_FACTOR,
    MonitoringRuleError,
    Number,
    to_number,
)

# --------------------------------------------------------------------------------------------
# Hazard grading (GBZ/T 229 series by date; RULES.md §4) — weight tables as versioned data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One edition of a grading standard, chosen by the measurement date. The start dates of the
    2010/2012 editions are placeholders (the year of the standard; the exact dates are not in
    RULES.md); what matters is the 2026-02-01 change-over to the 2025 editions (RULES.md §0)."""

    standard: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    verified: bool
    provenance: str  # RULES.md tag and section


@dataclass(frozen=True)
class Grade:
    """A hazard grade as pages and the API show it (``grade``: level, label, standard, verified)."""

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
    p = to_number(free_silica_percent, "游离SiO2含量(%)")
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
    w = to_number(wbgt, "WBGT(℃)")
    ratio = to_number(time_ratio, "接触时间率")
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
    level = round(to_number(level_dba, "噪声级(dB(A))"), 1)
    if level < NOISE_LIMIT_DBA:
        return Grade("", "未达分级下限（<85 dB(A)）", edition.standard, edition.version, edition.verified)
    grade, label = next((g, lbl) for upper, g, lbl in NOISE_GRADES if level < upper)
    return Grade(grade, label, edition.standard, edition.version, edition.verified)


# 分类监督执法 附件1 (serious factors, the 附表1-1 risk level) lives once, in supervision/rules.py and
# its data; monitoring only supplies the judged 符合/不符合 it reads.


def _known(value: str, table: dict[str, float], what: str) -> str:
    if value not in table:
        raise MonitoringRuleError(f"{what}: 应为{'、'.join(table)}之一（{value}）")
    return value


def _band(x: float, bands: Sequence[tuple[float, str, str]]) -> tuple[str, str]:
    for upper, level, label in bands:
        if x <= upper + 1e-12:
            return level, label
    raise AssertionError("unreachable")
