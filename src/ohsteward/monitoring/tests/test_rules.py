"""Table tests of the monitoring rules (rules.py, physical.py) and grading (grading.py). Every expected value names its source: a worked example in
RULES.md (§ given), a row of the shipped limit tables (src/ohsteward/refdata/data), or "computed"
with the arithmetic written out next to it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import pytest

from ohsteward.hazards.models import ExposureLimit
from ohsteward.monitoring import grading as gr
from ohsteward.monitoring import physical as ph
from ohsteward.monitoring import rules as r

D = dt.date
AFTER_2025 = D(2026, 3, 1)  # GBZ/T 229.1/.2/.3—2025 in force (from 2026-02-01, RULES.md §0)
BEFORE_2025 = D(2025, 6, 1)


@dataclass(frozen=True)
class Row:
    """A limit row with the attributes of hazards.ExposureLimit (r.LimitRow)."""

    agent_name: str
    limit_type: str
    value: Decimal | None
    unit: str = "mg/m3"
    condition: str = ""
    standard: str = "GBZ 2.1"
    standard_version: str = "GBZ 2.1-2019"
    effective_from: dt.date = D(2020, 4, 1)
    effective_to: dt.date | None = None
    verified: bool = False
    pk: object = None


# GBZ 2.1-2019 rows as shipped in gbz2_1_2019_core_oels.csv (toluene 50/100, formaldehyde MAC 0.5)
TOLUENE = [Row("甲苯", "PC-TWA", Decimal(50)), Row("甲苯", "PC-STEL", Decimal(100))]
FORMALDEHYDE = [Row("甲醛", "MAC", Decimal("0.5"))]
LEAD = [
    Row("铅", "PC-TWA", Decimal("0.05"), condition="铅尘"),
    Row("铅", "PC-TWA", Decimal("0.03"), condition="铅烟"),
]
# 矽尘 rows of gbz2_1_2019_core_oels.csv (conditions verbatim)
SILICA = [
    Row("矽尘", "PC-TWA", Decimal(1), condition="10%≤游离SiO2含量≤50%, 总尘"),
    Row("矽尘", "PC-TWA", Decimal("0.7"), condition="10%≤游离SiO2含量≤50%, 呼尘"),
    Row("矽尘", "PC-TWA", Decimal("0.7"), condition="50%＜游离SiO2含量≤80%, 总尘"),
    Row("矽尘", "PC-TWA", Decimal("0.3"), condition="50%＜游离SiO2含量≤80%, 呼尘"),
    Row("矽尘", "PC-TWA", Decimal("0.5"), condition="游离SiO2含量＞80%, 总尘"),
    Row("矽尘", "PC-TWA", Decimal("0.2"), condition="游离SiO2含量＞80%, 呼尘"),
]
GBZ22 = {"standard": "GBZ 2.2", "standard_version": "GBZ 2.2-2007", "effective_from": D(2007, 11, 1)}
NOISE = [
    Row("噪声", "LEX,8h", Decimal(85), unit="dB(A)", **GBZ22),
    Row("噪声", "LEX,40h", Decimal(85), unit="dB(A)", **GBZ22),
]
# GBZ 2.2-2007 表8 as in RULES.md §3.2 (rows 100/75/50/25 %, columns Ⅰ–Ⅳ)
WBGT_TABLE = {100: (30, 28, 26, 25), 75: (31, 29, 28, 26), 50: (32, 30, 29, 28), 25: (33, 32, 31, 30)}
HEAT = [
    Row("高温", "WBGT指数", Decimal(v), unit="℃", condition=f"接触时间率{p}%, 体力劳动强度{roman}级", **GBZ22)
    for p, values in WBGT_TABLE.items()
    for v, roman in zip(values, "ⅠⅡⅢⅣ", strict=True)
]


# --- readings and <LOD ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lod", "expected"),
    [
        ("0.3", None, r.Reading(0.3)),
        (Decimal("1.20"), None, r.Reading(1.2)),
        ("<0.05", None, r.Reading(None, True, 0.05)),
        ("＜0.05", None, r.Reading(None, True, 0.05)),  # full-width sign from lab exports
        ("<LOD", "0.02", r.Reading(None, True, 0.02)),
        ("<", 0.1, r.Reading(None, True, 0.1)),
    ],
)
def test_parse_reading_accepts_numbers_and_below_lod(text, lod, expected):
    assert r.parse_reading(text, lod=lod) == expected


def test_reading_without_its_number_is_refused():
    with pytest.raises(r.MonitoringRuleError, match="未给出检出限数值"):
        r.Reading(None, below_lod=True).as_number()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-0.1", "不能为负数"),
        ("abc", "不是数值"),
        ("<LOD", "未给出检出限"),
        ("<0", "须大于0"),
        ("nan", "不是有效数值"),
    ],
)
def test_parse_reading_refuses_bad_input_in_chinese(text, message):
    with pytest.raises(r.MonitoringRuleError, match=message):
        r.parse_reading(text, what="检测值")


@pytest.mark.parametrize(
    ("convention", "expected"),
    # computed: "<0.05" as half the LOD 0.025, as the LOD 0.05, as 0
    [(r.LodConvention.HALF_LOD, 0.025), (r.LodConvention.LOD, 0.05), (r.LodConvention.ZERO, 0.0)],
)
def test_below_lod_enters_by_the_chosen_convention(convention, expected):
    assert r.parse_reading("<0.05").as_number(convention) == pytest.approx(expected)


def test_default_lod_convention_is_half_and_flagged_unverified():
    # RULES.md gives no <LOD rule ([?]): the default must say so
    assert r.LOD_CONVENTION_DEFAULT is r.LodConvention.HALF_LOD
    assert r.LOD_CONVENTION_VERIFIED is False
    twa = r.c_twa([("<0.1", 240), (0.4, 240)])
    # computed: (0.05·4 + 0.4·4)/8 = 0.225
    assert twa.value == pytest.approx(0.225)
    assert twa.below_lod_count == 1 and twa.verified is False
    assert any("未核对" in n for n in twa.notes)
    assert r.c_twa([(0.4, 480)]).verified is True


# --- C_TWA -------------------------------------------------------------------------------------


def test_c_twa_worked_example_from_rules():
    # RULES.md §3.1: 1.2 mg/m³ 2 h, 0.6 mg/m³ 4 h, 0 for 2 h → (2.4 + 2.4 + 0)/8 = 0.60
    twa = r.c_twa([(1.2, 120), (0.6, 240), (0, 120)])
    assert twa.value == pytest.approx(0.60)
    assert r.fmt_sig(twa.value) == "0.60"
    assert twa.notes == ()


def test_c_twa_divisor_stays_8_hours_for_a_short_shift():
    # RULES.md §3.1 "the divisor stays 8 h even when the shift is shorter": 1.0 mg/m³ for a 4 h shift → 0.5
    twa = r.c_twa([(1.0, 240)], shift_hours=4)
    assert twa.value == pytest.approx(0.5)
    assert twa.notes == ()  # the samples cover the 4 h shift


def test_c_twa_durations_short_of_the_shift_count_the_rest_as_unexposed():
    # computed: 0.8 for 6 h in an 8 h shift → 0.8·6/8 = 0.6, the remaining 2 h noted as C = 0
    twa = r.c_twa([(0.8, 360)])
    assert twa.value == pytest.approx(0.6)
    assert twa.exposure_hours == pytest.approx(6) and "其余 2 h 按未接触" in twa.notes[0]


def test_c_twa_long_shift_keeps_divisor_8():
    # the formula as written (RULES.md §3.1): 10 h at 0.4 → 0.4·10/8 = 0.5
    assert r.c_twa([(0.4, 600)], shift_hours=10).value == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("samples", "shift", "message"),
    [
        ([(0.5, 0)], 8, "第1个采样时段: 采样时间须大于0"),
        ([(0.5, 300), (0.5, 240)], 8, "超过班次时长 8 h"),
        ([(0.5, 900), (0.5, 600)], 24, "超过24 h"),
        ([], 8, "至少需要一个采样时段"),
        ([(0.5, 60)], 0, "班次时长"),
        ([(0.5, -5)], 8, "不能为负数"),
    ],
)
def test_c_twa_refuses_impossible_durations(samples, shift, message):
    with pytest.raises(r.MonitoringRuleError, match=message):
        r.c_twa(samples, shift_hours=shift)


# --- C_STE, C_ME, peaks, RF ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes", "expected"),
    [(120, 15, 120.0), (90, 10, 60.0), ("<3", 15, 1.5)],  # computed: 90·10/15 = 60; <3 → 1.5 (half LOD)
)
def test_c_ste_is_referred_to_15_minutes(value, minutes, expected):
    assert r.c_ste(value, minutes) == pytest.approx(expected)


def test_c_ste_refuses_a_sample_longer_than_15_minutes():
    # issue 11 "Bad input": a short sample longer than 15 min counted as STEL
    with pytest.raises(r.MonitoringRuleError, match="超过15 min"):
        r.c_ste(50, 20)


def test_c_me_is_the_highest_value():
    assert r.c_me(["0.2", "<0.1", 0.45]) == pytest.approx(0.45)


@pytest.mark.parametrize(
    ("values", "compliant", "excursions"),
    [
        # PC-TWA 1 (矽尘, no PC-STEL); RULES.md §3.1 peak rule: >3× allowed ≤4 times ≤15 min, never >5×
        ([(2.5, 15), (3.5, 15)], True, 1),
        ([(3.5, 15), (4.0, 15), (4.9, 15), (3.1, 15)], True, 4),
        ([(3.5, 15), (4.0, 15), (4.9, 15), (3.1, 15), (3.2, 15)], False, 5),  # a 5th excursion
        ([(5.5, 15)], False, 1),  # above 5 × PC-TWA
        ([(3.5, 20)], False, 1),  # an excursion longer than 15 min
    ],
)
def test_peak_rule_for_agents_without_pc_stel(values, compliant, excursions):
    check = r.peak_check(values, 1.0)
    assert (check.compliant, check.excursions) == (compliant, excursions)


def test_peak_rule_says_the_one_hour_spacing_is_not_checked():
    check = r.peak_check([(3.5, 15), (4.0, 15)], 1.0)
    assert check.compliant and "未核查" in check.reasons[0]


@pytest.mark.parametrize(
    ("day", "week", "expected"),
    [
        (8, None, 1.0),
        (10, None, 0.7),  # RULES.md §3.1 [M]: (8/10)·(24−10)/16 = 0.8·0.875 = 0.7
        (12, None, 0.5),  # (8/12)·12/16 = 0.5
        (None, 48, 0.78125),  # (40/48)·(168−48)/128 = 0.8333·0.9375
        (10, 50, 0.7),  # the stricter of daily 0.7 and weekly (40/50)·118/128 = 0.7375
    ],
)
def test_long_shift_reduction_factor(day, week, expected):
    assert r.reduction_factor(hours_per_day=day, hours_per_week=week) == pytest.approx(expected)
    assert r.REDUCTION_FACTOR_VERIFIED is False


# --- 接触水平 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "level"),
    # GBZ 2.1-2019 表5 (RULES.md §3.1): ≤1 %, >1–10 %, >10–50 %, >50–100 %, >100 %
    [
        (0, "0"),
        (0.01, "0"),
        (0.0101, "I"),
        (0.10, "I"),
        (0.11, "II"),
        (0.50, "II"),
        (0.51, "III"),
        (1.0, "III"),
        (1.01, "IV"),
    ],
)
def test_exposure_level_boundaries_as_written_in_table_5(ratio, level):
    assert r.exposure_level(ratio)[0] == level


# --- limits by date ----------------------------------------------------------------------------

BENZENE = [
    Row("苯", "PC-TWA", Decimal(6), effective_to=None),  # GBZ 2.1-2019 text (RULES.md §3.1 [M])
    Row(
        "苯", "PC-TWA", Decimal(3), standard_version="GBZ 2.1-2019 第1号修改单", effective_from=D(2022, 11, 1)
    ),
]


def test_amendment_replaces_the_value_from_its_date():
    # RULES.md §0: 第1号修改单 benzene PC-TWA 3 instead of 6; loader dates it 2022-11-01 (hazards/refdata.py)
    (before,) = r.rows_in_force(BENZENE, D(2022, 10, 31))
    (after,) = r.rows_in_force(BENZENE, D(2022, 11, 1))
    assert (before.value, after.value) == (6, 3)


def test_effective_to_is_exclusive():
    rows = [Row("甲苯", "PC-TWA", Decimal(50), effective_to=D(2024, 1, 1))]
    assert r.rows_in_force(rows, D(2023, 12, 31)) and not r.rows_in_force(rows, D(2024, 1, 1))


def test_a_date_before_the_limit_came_into_force_is_a_clear_error():
    rows = [
        Row("乙草胺", "PC-TWA", Decimal("0.12"), effective_from=D(2025, 5, 1))
    ]  # 第2号修改单 (refdata.py)
    with pytest.raises(r.NoLimitError, match="早于限值施行日期 2025-05-01"):
        r.judge_chemical(rows, D(2024, 6, 1), twa=0.05)


def test_missing_limit_is_a_clear_error():
    with pytest.raises(r.NoLimitError, match="某物质: 无接触限值，未判定"):
        r.judge_chemical([], D(2024, 6, 1), factor="某物质", twa=0.05)


# --- chemical judgement -------------------------------------------------------------------------


def test_toluene_over_stel_is_noncompliant_and_explains_itself():
    # GBZ 2.1-2019 toluene PC-TWA 50 / PC-STEL 100 (shipped table); C_TWA 40, worst C_STE 120 → 不符合
    j = r.judge_chemical(TOLUENE, D(2024, 6, 1), twa=40, c_ste_values=[80, 120])
    assert j.compliant is False and j.label == "不符合"
    assert [(c.measure, c.compliant) for c in j.checks] == [("C_TWA", True), ("C_STE", False)]
    assert j.ratio == pytest.approx(1.2) and j.exposure_level == "IV"  # 120/100
    assert j.verified is False  # the shipped rows are third-party, verified=False
    assert "不符合（超标）" in j.explanation[1] and "限值未核对" in j.explanation[1]


def test_formaldehyde_against_mac():
    # GBZ 2.1-2019 formaldehyde MAC 0.5 (shipped table): C_ME 0.4 → 符合, ratio 0.8 → 接触水平 Ⅲ
    j = r.judge_chemical(FORMALDEHYDE, D(2024, 6, 1), c_me_value=0.4)
    assert (j.compliant, j.exposure_level) == (True, "III")
    assert j.ratio == pytest.approx(0.8)


def test_twa_object_carries_its_notes_and_lod_flag_into_the_judgement():
    twa = r.c_twa([("<2", 240), (30, 240)])  # computed: (1·4 + 30·4)/8 = 15.5
    j = r.judge_chemical(TOLUENE, D(2024, 6, 1), twa=twa)
    assert j.checks[0].exposure == pytest.approx(15.5)
    assert j.compliant and not j.verified and "低于检出限结果的计入方法" in j.unverified_inputs


def test_long_shift_compares_with_reduced_limit_and_is_flagged():
    # 10 h shift: RF 0.7 (RULES.md §3.1 [M]); toluene 50 × 0.7 = 35; C_TWA 40 → 不符合 though < 50
    j = r.judge_chemical(TOLUENE, D(2024, 6, 1), twa=40, rf=r.reduction_factor(hours_per_day=10))
    (check,) = j.checks
    assert check.limit.value == pytest.approx(35) and not check.compliant
    assert "长时间工作折减因子" in j.unverified_inputs


def test_dust_without_stel_is_judged_by_the_peak_rule():
    # 矽尘 25 % 总尘 PC-TWA 1, no PC-STEL → peak rule; a short value 5.5 > 5 × PC-TWA → 不符合
    rows = r.dust_rows(SILICA, fraction="total", free_silica_percent=25)
    j = r.judge_chemical(rows, D(2024, 6, 1), twa=0.6, short_samples=[(5.5, 15)])
    assert [(c.measure, c.compliant) for c in j.checks] == [("C_TWA", True), ("峰接触浓度", False)]
    assert j.extra["peak_ratio"] == pytest.approx(5.5)
    assert j.checks[1].limit.type == "5×PC-TWA" and j.checks[1].limit.value == 5  # the ceiling


def test_a_peak_under_the_ceiling_is_not_an_exceedance_of_the_oel():
    # PC-TWA 1: one 15-min value 4.0 (> 3×, ≤ 5×) is allowed → 符合, ratio 4/5 → 接触水平 Ⅲ, not Ⅳ
    rows = r.dust_rows(SILICA, fraction="total", free_silica_percent=25)
    j = r.judge_chemical(rows, D(2024, 6, 1), twa=0.3, short_samples=[(4.0, 15)])
    assert j.compliant and j.ratio == pytest.approx(0.8) and j.exposure_level == "III"


def test_short_values_of_an_agent_without_stel_go_to_the_peak_rule():
    # 矽尘 10–50 % 总尘 PC-TWA 1: C_STE values 3.5 and 4 → two excursions above 3×, none above 5× → 符合
    rows = r.dust_rows(SILICA, fraction="total", free_silica_percent=25)
    j = r.judge_chemical(rows, D(2024, 6, 1), twa=0.6, c_ste_values=[3.5, 4.0])
    assert j.checks[-1].measure == "峰接触浓度" and j.compliant
    assert "按峰接触浓度规则判定" in " ".join(j.explanation)


def test_two_rows_of_the_same_type_must_be_chosen_by_condition():
    with pytest.raises(r.MonitoringRuleError, match="请先按条件选定一条"):
        r.judge_chemical(LEAD, D(2024, 6, 1), twa=0.02)
    j = r.judge_chemical([x for x in LEAD if x.condition == "铅烟"], D(2024, 6, 1), twa=0.02)
    assert j.compliant and j.checks[0].limit.condition == "铅烟"


def test_inputs_matching_no_limit_type_are_not_judged():
    with pytest.raises(r.NoLimitError, match="无可比对的限值"):
        r.judge_chemical(FORMALDEHYDE, D(2024, 6, 1), twa=0.3)  # formaldehyde has MAC only


@pytest.mark.parametrize(
    ("parts", "total", "compliant"),
    # computed, Σ Cᵢ/Lᵢ ≤ 1 (RULES.md §3.1): 20/50 + 50/100 = 0.9; 30/50 + 50/100 = 1.1
    [
        ([("甲苯", 20, 50), ("二甲苯", 50, 100)], 0.9, True),
        ([("甲苯", 30, 50), ("二甲苯", 50, 100)], 1.1, False),
    ],
)
def test_mixture_rule(parts, total, compliant):
    assert r.judge_mixture(parts) == (pytest.approx(total), compliant)


# --- dust rows by free SiO₂ ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "inside", "outside"),
    [
        ("10%≤游离SiO2含量≤50%, 总尘", [10, 50], [9.99, 50.01]),
        ("50%＜游离SiO2含量≤80%, 呼尘", [50.01, 80], [50, 80.1]),
        ("游离SiO2含量＞80%, 总尘", [80.01, 100], [80]),
        ("游离SiO2含量<10%, 总尘", [0, 9.9], [10]),
    ],
)
def test_silica_band_read_from_the_condition_text(condition, inside, outside):
    band = r.silica_band(condition)
    assert band is not None
    assert all(band.contains(p) for p in inside) and not any(band.contains(p) for p in outside)


@pytest.mark.parametrize(
    ("percent", "fraction", "limit"),
    # GBZ 2.1-2019 表2 矽尘 rows (shipped table): the band boundaries as the conditions write them
    [
        (25, "total", 1),
        (50, "total", 1),
        (60, "respirable", "0.3"),
        (80, "total", "0.7"),
        (85, "respirable", "0.2"),
    ],
)
def test_dust_row_chosen_by_silica_band_and_fraction(percent, fraction, limit):
    (row,) = r.dust_rows(SILICA, fraction=fraction, free_silica_percent=percent)
    assert row.value == Decimal(limit)


@pytest.mark.parametrize(
    ("percent", "fraction", "error", "message"),
    [
        (5, "total", r.NoLimitError, "不在任何限值条件内"),
        (None, "total", r.MonitoringRuleError, "须填写游离SiO2含量"),
        (120, "total", r.MonitoringRuleError, "不能超过100"),
        (25, "inhalable", r.MonitoringRuleError, "应为总尘或呼尘"),
    ],
)
def test_dust_row_errors(percent, fraction, error, message):
    with pytest.raises(error, match=message):
        r.dust_rows(SILICA, fraction=fraction, free_silica_percent=percent)


# --- noise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        ([(92, 4)], 89.0),  # RULES.md §3.3: 92 + 10·lg(0.5) = 89.0
        ([(95, 2), (88, 3), (80, 3)], 90.3),  # RULES.md §3.3
        ([(85, 8)], 85.0),  # computed: a full shift at 85 is 85
    ],
)
def test_l_ex_8h_worked_examples(segments, expected):
    assert round(ph.l_ex_8h(segments), 1) == expected


def test_l_ex_w_worked_example_is_noncompliant():
    # RULES.md §3.3: week 86/84/88/85/83 → L_EX,W 85.6 dB(A) (> 85, non-compliant)
    j = ph.judge_noise(NOISE, D(2024, 6, 1), daily_levels=[86, 84, 88, 85, 83])
    (check,) = j.checks
    assert (check.measure, check.exposure, check.compliant) == ("L_EX,W", 85.6, False)
    assert check.limit.type == "LEX,40h" and "85.6 dB(A)" in j.explanation[0]


def test_a_four_day_week_uses_l_ex_w():
    # computed: 4 days at 87 → 87 + 10·lg(4/5) = 86.03 → 86.0 > 85 → 不符合
    j = ph.judge_noise(NOISE, D(2024, 6, 1), l_ex_8h_value=87, days_per_week=4)
    assert (j.checks[0].measure, j.checks[0].exposure, j.compliant) == ("L_EX,W", 86.0, False)
    # a six-day week at 84: 84 + 10·lg(6/5) = 84.79 → 84.8 → 符合
    assert ph.judge_noise(NOISE, D(2024, 6, 1), l_ex_8h_value=84, days_per_week=6).compliant


def test_five_day_week_judges_l_ex_8h_rounded_to_a_tenth():
    assert ph.judge_noise(NOISE, D(2024, 6, 1), l_ex_8h_value=85.04).compliant  # reported 85.0
    assert not ph.judge_noise(NOISE, D(2024, 6, 1), l_ex_8h_value=85.06).compliant  # reported 85.1


@pytest.mark.parametrize(
    ("segments", "message"),
    [([], "至少需要一个噪声时段"), ([(90, 0)], "须大于0"), ([(90, 20), (85, 5)], "超过24 h")],
)
def test_noise_segment_errors(segments, message):
    with pytest.raises(r.MonitoringRuleError, match=message):
        ph.l_ex_8h(segments)


def test_l_ex_w_needs_one_to_seven_days():
    with pytest.raises(r.MonitoringRuleError, match="1–7天"):
        ph.l_ex_w([85] * 8)


# --- heat --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "labour", "limit", "band"),
    [
        (1.0, "I", 30, 1.0),  # GBZ 2.2-2007 表8 (RULES.md §3.2): 100 % Ⅰ 30
        (1.0, "Ⅳ", 25, 1.0),  # 100 % Ⅳ 25
        (0.25, "II", 32, 0.25),  # 25 % Ⅱ 32
        (0.6, "II", 29, 0.75),  # 60 % → the 75 % row (our reading [M]): Ⅱ 29
        (0.1, "III", 31, 0.25),  # below 25 % → the 25 % row: Ⅲ 31
    ],
)
def test_wbgt_limit_from_the_table_rows(ratio, labour, limit, band):
    row, used = ph.wbgt_row(HEAT, time_ratio=ratio, labour=labour)
    assert (row.value, used) == (limit, band)


def test_heat_judgement_with_the_regional_adjustment():
    # 100 % Ⅱ limit 28 (表8); WBGT 28.5 → 不符合; where outdoor design temp ≥ 30 ℃ the limit is 29 → 符合
    assert not ph.judge_heat(HEAT, D(2024, 7, 1), wbgt=28.5, time_ratio=1, labour="II").compliant
    j = ph.judge_heat(HEAT, D(2024, 7, 1), wbgt=28.5, time_ratio=1, labour="II", hot_region=True)
    assert j.compliant and j.checks[0].limit.value == 29
    assert "地区+1℃修正的适用" in j.unverified_inputs


@pytest.mark.parametrize(("n", "cls"), [(15, "I"), (15.1, "II"), (20, "II"), (25, "III"), (25.5, "IV")])
def test_labour_class_from_index(n, cls):
    # GBZ 2.2-2007 表13 (RULES.md §3.2): Ⅰ ≤ 15, Ⅱ 15–20, Ⅲ 20–25, Ⅳ > 25
    assert ph.labour_class_from_index(n) == cls


def test_heat_input_errors():
    with pytest.raises(r.MonitoringRuleError, match="接触时间率"):
        ph.wbgt_row(HEAT, time_ratio=1.2, labour="I")
    with pytest.raises(r.MonitoringRuleError, match="体力劳动强度"):
        ph.wbgt_row(HEAT, time_ratio=0.5, labour="V")


def test_heat_work_starts_at_wbgt_25():
    assert ph.is_heat_work(25) and not ph.is_heat_work(24.9)  # RULES.md §3.2


# --- vibration and power-frequency field ---------------------------------------------------------

VIBRATION = [Row("手传振动", "4h等能量频率计权振动加速度", Decimal(5), unit="m/s²", **GBZ22)]
E_FIELD = [Row("工频电场", "电场强度", Decimal(5), unit="kV/m", **GBZ22)]


def test_hand_arm_vibration_converted_to_four_hours():
    # computed: a_hw(T)=6 m/s² for 2 h → 6·√(2/4) = 4.24 ≤ 5 → 符合; for 8 h → 6·√2 = 8.49 → 不符合
    assert ph.a_hw4(6, 2) == pytest.approx(4.2426, abs=1e-4)
    assert ph.judge_single_limit(
        VIBRATION, D(2024, 6, 1), factor="手传振动", measure="a_hw(4)", value=ph.a_hw4(6, 2)
    ).compliant
    j = ph.judge_single_limit(
        VIBRATION, D(2024, 6, 1), factor="手传振动", measure="a_hw(4)", value=ph.a_hw4(6, 8)
    )
    assert not j.compliant and j.ratio == pytest.approx(8.4853 / 5, abs=1e-4)


def test_power_frequency_field_against_5_kv_per_m():
    # GBZ 2.2-2007 表3 (RULES.md §3.2): 8 h ≤ 5 kV/m
    assert ph.judge_single_limit(E_FIELD, D(2024, 6, 1), factor="工频电场", measure="E", value=5).compliant
    assert not ph.judge_single_limit(
        E_FIELD, D(2024, 6, 1), factor="工频电场", measure="E", value="5.2"
    ).compliant


def test_single_limit_before_the_standard_is_refused():
    with pytest.raises(r.NoLimitError, match="早于限值施行日期 2007-11-01"):
        ph.judge_single_limit(E_FIELD, D(2007, 1, 1), factor="工频电场", measure="E", value=1)


# --- grading (GBZ/T 229) -------------------------------------------------------------------------


def test_chemical_grade_worked_example_from_rules():
    # RULES.md §4.1: benzene 高毒 → WD 8; C_TWA 4.5 vs 6 → B 0.75; labour Ⅱ 1.5 → G = 9 → Ⅱ级 中度危害
    b = gr.exposure_ratio_b(c_twa=4.5, pc_twa=6)
    g = gr.grade_chemical(AFTER_2025, b=b, toxicity="中度", labour="II", high_toxicity_list=True)
    assert b == pytest.approx(0.75)
    assert (g.level, g.label, g.score, g.version, g.verified) == (
        "II",
        "中度危害作业",
        pytest.approx(9),
        "GBZ/T 229.2—2025",
        False,
    )


@pytest.mark.parametrize(
    ("b", "toxicity", "labour", "level"),
    [
        (0.5, "极度", "IV", "0"),  # WB = 0 at B ≤ 0.5 (RULES.md §4.1)
        (0.6, "轻度", "I", "I"),  # G = 1·0.6·1 = 0.6
        (1.2, "轻度", "I", "II"),  # G = 1.2 → Ⅰ, but B > 1 is at least Ⅱ
        (0.8, "极度", "II", "II"),  # G = 8·0.8·1.5 = 9.6
        (2.0, "极度", "I", "II"),  # G = 16
        (2.0, "极度", "II", "II"),  # G = 8·2·1.5 = 24, the upper bound of Ⅱ
        (2.5, "极度", "II", "III"),  # G = 30 > 24 → Ⅲ
    ],
)
def test_chemical_grade_bands(b, toxicity, labour, level):
    assert gr.grade_chemical(AFTER_2025, b=b, toxicity=toxicity, labour=labour).level == level


def test_chemical_grade_before_2026_uses_the_2010_edition_and_says_what_is_missing():
    g = gr.grade_chemical(BEFORE_2025, b=0.75, toxicity="极度", labour="II")
    assert g.version == "GBZ/T 229.2-2010" and not g.verified and "2010版WB阈值未查到" in g.notes[-1]


def test_exposure_ratio_b_takes_the_largest_ratio():
    # RULES.md §4.1: B = max(C_TWA/PC-TWA, C_STE/PC-STEL, C_peak/(3·PC-TWA) without PC-STEL, C_ME/MAC)
    assert gr.exposure_ratio_b(c_twa=40, pc_twa=50, c_ste=90, pc_stel=100) == pytest.approx(0.9)
    assert gr.exposure_ratio_b(c_twa=0.5, pc_twa=1, c_peak=2.4) == pytest.approx(0.8)
    assert gr.exposure_ratio_b(c_twa=0.5, pc_twa=1, c_peak=2.4, pc_stel=3) == pytest.approx(
        0.5
    )  # peak ignored
    with pytest.raises(r.MonitoringRuleError, match="缺少检测值或限值"):
        gr.exposure_ratio_b(c_twa=1)


@pytest.mark.parametrize(
    ("percent", "weight"),
    [(5, 1), (10, 2), (50, 2), (50.5, 3), (80, 3), (85, 4)],  # RULES.md §4.2 WM
)
def test_silica_weight(percent, weight):
    assert gr.silica_weight(percent) == weight


@pytest.mark.parametrize(
    ("on", "b", "percent", "labour", "level"),
    [
        (AFTER_2025, 0.4, 25, "II", "0"),  # 2025 reading: B ≤ 0.5 → 0
        (AFTER_2025, 0.8, 25, "II", "I"),  # 0.5 < B ≤ 1 → Ⅰ 行动水平
        (AFTER_2025, 1.5, 25, "II", "II"),  # G = 2·1.5·1.5 = 4.5 ≤ 6 → Ⅱ
        (AFTER_2025, 2.0, 60, "II", "III"),  # G = 3·2·1.5 = 9 ≤ 16 → Ⅲ
        (AFTER_2025, 3.0, 85, "III", "IV"),  # G = 4·3·2 = 24 > 16 → Ⅳ
        (BEFORE_2025, 1.5, 25, "II", "I"),  # 2010 [M]: G = 4.5 ≤ 6 → Ⅰ 轻度
        (BEFORE_2025, 0.4, 25, "II", "0"),  # G = 0 → 0
        (BEFORE_2025, 3.0, 85, "III", "III"),  # G = 24 > 16 → Ⅲ 重度
    ],
)
def test_dust_grade_by_edition(on, b, percent, labour, level):
    g = gr.grade_dust(on, b=b, free_silica_percent=percent, labour=labour)
    assert g.level == level and g.verified is False


@pytest.mark.parametrize(
    ("wbgt", "ratio", "labour", "level"),
    # GBZ/T 229.3—2025 表1 as transcribed in RULES.md §4.3
    [
        (33.5, 0.2, "I", "I"),  # Ⅰ 0–25 %: column 33 → Ⅰ
        (36.0, 0.25, "I", "IV"),  # column 36 → Ⅳ
        (28.0, 0.9, "II", "I"),  # Ⅱ 75–100 %: column 28 → Ⅰ
        (30.9, 0.9, "II", "III"),  # column 30 → Ⅲ
        (32.0, 0.9, "II", ""),  # "*" beyond Ⅳ
        (29.0, 0.3, "II", "0"),  # Ⅱ 25–50 %: column 29 "—"
        (27.0, 1.0, "II", "0"),  # below the first column
        (28.0, 0.6, "III", "I"),  # Ⅲ 50–75 %: column 28 → Ⅰ
    ],
)
def test_heat_grade_2025_table(wbgt, ratio, labour, level):
    assert gr.grade_heat(AFTER_2025, wbgt=wbgt, time_ratio=ratio, labour=labour).level == level


def test_heat_grade_2010_is_not_graded():
    g = gr.grade_heat(BEFORE_2025, wbgt=33, time_ratio=0.5, labour="I")
    assert g.level == "" and "未取得" in g.label and not g.verified


@pytest.mark.parametrize(
    ("level_dba", "grade"),
    # GBZ/T 229.4-2012 (RULES.md §4.4 [M]); 89.0 → Ⅰ is the RULES.md example
    [
        (84.9, ""),
        (85.0, "I"),
        (89.0, "I"),
        (89.96, "II"),
        (90, "II"),
        (93.9, "II"),
        (94, "III"),
        (99.9, "III"),
        (100, "IV"),
    ],
)
def test_noise_grade_bands(level_dba, grade):
    assert gr.grade_noise(AFTER_2025, level_dba=level_dba).level == grade


def test_a_date_before_any_grading_edition_is_an_error():
    with pytest.raises(r.MonitoringRuleError, match="无适用的分级标准版本"):
        gr.grade_noise(D(2011, 1, 1), level_dba=90)


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"), [(0.6, "0.60"), (0.025, "0.025"), (4.5, "4.5"), (35.0, "35"), (0, "0")]
)
def test_fmt_sig_keeps_two_significant_digits(x, text):
    assert r.fmt_sig(x) == text


def test_round_sig():
    assert r.round_sig(0.01234) == 0.012 and r.round_sig(1234) == 1200 and math.isinf(r.round_sig(math.inf))


# --- the shipped limit rows (database) -------------------------------------------------------------


def limits(name: str):
    return ExposureLimit.objects.filter(agent_name=name)


@pytest.mark.django_db
def test_shipped_benzene_rows_judge_by_the_measurement_date():
    # 第1号修改单 (3 / 6) from 2022-11-01; before it the values as issued (6 / 10, from 2020-04-01,
    # refdata gbz2_1_2019_unamended_oels.csv); before 2020-04-01 nothing shipped (GBZ 2.1-2007 not loaded)
    j = r.judge_chemical(limits("苯"), D(2023, 6, 1), twa=4.5, c_ste_values=[5])
    assert [(c.limit.value, c.compliant) for c in j.checks] == [(3.0, False), (6.0, True)]
    assert j.checks[0].limit.row_id is not None and j.checks[0].limit.verified is False
    j = r.judge_chemical(limits("苯"), D(2021, 6, 1), twa=4.5, c_ste_values=[8])
    assert [(c.limit.value, c.limit.version, c.compliant) for c in j.checks] == [
        (6.0, "GBZ 2.1-2019", True),
        (10.0, "GBZ 2.1-2019", True),
    ]
    with pytest.raises(r.NoLimitError, match="早于限值施行日期 2020-04-01") as e:
        r.judge_chemical(limits("苯"), D(2019, 6, 1), twa=4.5)
    assert "最早的限值来自 GBZ 2.1-2019（2020-04-01 施行）" in str(e.value)
    assert "/hazards/limits/import/" in str(e.value)


@pytest.mark.django_db
def test_shipped_silica_rows_choose_by_band():
    (row,) = r.dust_rows(limits("矽尘"), fraction="respirable", free_silica_percent=60)
    assert row.value == Decimal("0.3")
    j = r.judge_chemical([row], D(2024, 6, 1), twa=0.25)
    assert j.compliant and j.exposure_level == "III"  # 0.25/0.3 = 0.83


@pytest.mark.django_db
def test_shipped_physical_rows_judge_noise_heat_vibration_and_field():
    on = D(2024, 6, 1)
    assert not ph.judge_noise(limits("噪声"), on, l_ex_8h_value=ph.l_ex_8h([(92, 4)]) + 1).compliant  # 90.0
    assert ph.judge_noise(limits("噪声"), on, daily_levels=[84, 84, 84, 84]).compliant
    heat = ph.judge_heat(limits("高温"), on, wbgt=29.5, time_ratio=0.75, labour="II")
    assert heat.checks[0].limit.value == 29 and not heat.compliant  # 表8 75 % Ⅱ 29
    assert ph.judge_single_limit(
        limits("手传振动"), on, factor="手传振动", measure="a_hw(4)", value=4.9
    ).compliant
    assert not ph.judge_single_limit(
        limits("工频电场"), on, factor="工频电场", measure="E", value=5.5
    ).compliant
