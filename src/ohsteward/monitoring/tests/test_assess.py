"""monitoring.assess: the one entry point from raw inputs to an Assessment (pure; rows passed in).

Worked examples with their arithmetic; every bad input names its field in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from ohsteward.monitoring import assess as a
from ohsteward.monitoring.tests.test_rules import FORMALDEHYDE, LEAD, NOISE, SILICA, TOLUENE, Row

D = dt.date
ON = D(2024, 6, 1)
DUST_NO_STEL = [Row("其他粉尘", "PC-TWA", Decimal(8), condition="总尘")]


def run(rows, factor, category="chemical", **kwargs):
    return a.assess(
        a.ExposureInputs(on=kwargs.pop("on", ON), **kwargs), rows, factor=factor, category=category
    )


def test_rules_worked_example_c_twa_060():
    # RULES.md §3.1: 1.2 mg/m³ 2 h, 0.6 mg/m³ 4 h, 0 for 2 h → (2.4 + 2.4 + 0)/8 = 0.60
    res = run(TOLUENE, "甲苯", samples=[(1.2, 120), (0.6, 240), (0, 120)])
    assert res.c_twa == 0.6 and res.compliant is True
    assert res.ratio == 0.012 and res.exposure_level == "I"  # 0.6/50 = 1.2 % → >1–10 %
    assert res.working[0].inputs == "(1.2×2 + 0.6×4 + 0×2) / 8"
    assert res.limits[0].type == "PC-TWA" and res.limits[0].verified is False
    assert any(u.startswith("限值（GBZ 2.1-2019）") for u in res.unverified)


def test_stel_the_largest_ratio_wins():
    # C_TWA 30/50 = 0.6; C_STE 90/100 = 0.9 → ratio 0.9, level III (>50–100 %)
    res = run(TOLUENE, "甲苯", c_twa=30, short_samples=[(90, 15), (60, 15)])
    assert (res.c_twa, res.c_ste, res.ratio, res.exposure_level) == (30, 90, 0.9, "III")
    assert res.compliant is True and res.verdict == "符合"


def test_short_sample_under_15_min_is_scaled_and_flagged():
    # 120 mg/m³ for 10 min → C_STE = 120·10/15 = 80 (GBZ 159 [M])
    res = run(TOLUENE, "甲苯", c_twa=10, short_samples=[(120, 10)])
    assert res.c_ste == 80 and "不足15 min短时间采样按 C·t/15 折算" in res.unverified


def test_mac_with_c_me():
    res = run(FORMALDEHYDE, "甲醛", short_samples=[(0.3, 15), (0.62, 15)])
    assert res.c_me == 0.62 and res.compliant is False and res.exposure_level == "IV"


def test_mac_from_full_shift_segments_reports_c_me():
    # only MAC 0.5: C_ME = the highest value 0.45 ≤ 0.5; C_TWA (0.2·4 + 0.45·4)/8 = 0.325 → 0.32 (half to even)
    res = run(FORMALDEHYDE, "甲醛", samples=[(0.2, 240), (0.45, 240)])
    assert (res.c_me, res.c_twa, res.compliant) == (0.45, 0.32, True)
    assert [lim.type for lim in res.limits] == ["MAC"]


def test_peak_rule_without_stel():
    # PC-TWA 8, no PC-STEL: 30 is > 3× (24) but ≤ 5× (40): one excursion allowed; peak ratio 30/8 = 3.75
    res = run(DUST_NO_STEL, "其他粉尘", "dust", c_twa=4, short_samples=[(30, 15)], dust_fraction="total")
    assert res.peak_ratio == 3.75 and res.compliant is True
    over = run(DUST_NO_STEL, "其他粉尘", "dust", c_twa=4, short_samples=[(45, 15)], dust_fraction="total")
    assert over.compliant is False  # 45 > 5 × 8


def test_long_shift_reduction_factor_is_unverified():
    # 12 h: RF = (8/12)·(24−12)/16 = 0.5 → PC-TWA 50 × 0.5 = 25; C_TWA 30 > 25
    res = run(TOLUENE, "甲苯", c_twa=30, shift_hours=12)
    assert res.compliant is False and res.limits[0].value == 25
    assert "长时间工作折减因子" in res.unverified


def test_lod_half_convention_is_flagged():
    res = run(TOLUENE, "甲苯", samples=[("<0.5", 480)])
    assert res.c_twa == 0.25 and "低于检出限结果按检出限的1/2计入" in res.unverified


def test_dust_row_by_band_and_grade():
    res = run(
        SILICA,
        "矽尘",
        "dust",
        c_twa=0.25,
        dust_fraction="respirable",
        free_silica_percent=60,
        labour_intensity="II",
    )
    assert res.limits[0].value == 0.3 and res.exposure_level == "III"
    assert res.grade is not None and res.grade.version == "GBZ/T 229.1-2010"  # measured 2024


def test_no_limit_never_compliant():
    res = run(TOLUENE, "甲苯", c_twa=1, on=D(2019, 1, 1))
    assert res.compliant is None and res.verdict == "无接触限值，未判定" and res.limits == ()
    assert res.c_twa == 1


def test_noise_examples():
    # RULES.md §3.3: 92 dB(A) for 4 h → 92 + 10·lg(4/8) = 89.0
    res = run(NOISE, "噪声", "physical", noise_segments=[(92, 4)])
    assert res.l_ex_8h == 89.0 and res.compliant is False and res.grade.level == "I"
    # a 4-day week at 89.0: L_EX,W = 89.0 + 10·lg(4/5) = 88.0
    week = run(NOISE, "噪声", "physical", l_ex_8h=89.0, days_per_week=4)
    assert week.l_ex_w == 88.0


def test_lead_two_conditions_need_a_choice():
    with pytest.raises(a.InputError, match="限值按条件区分（铅尘、铅烟），请填写条件") as err:
        run(LEAD, "铅", c_twa=0.01)
    assert err.value.field == "condition"
    fume = run(LEAD, "铅", c_twa=0.04, condition="铅烟")
    assert fume.compliant is False and fume.limits[0].value == 0.03 and fume.limits[0].condition == "铅烟"
    with pytest.raises(a.InputError, match="可选：铅尘、铅烟") as err:
        run(LEAD, "铅", c_twa=0.01, condition="铅蒸气")


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"samples": [(-1, 60)]}, "samples", "第1个采样时段 浓度: 不能为负数"),
        ({"samples": [("x", 60)]}, "samples", "不是数值"),
        ({"samples": [(1, 0)]}, "samples", "采样时间(min): 须大于0"),
        ({"samples": [("<LOD", 60)]}, "samples", "未给出检出限"),
        ({"samples": [(1, 1000), (1, 500)]}, "samples", "超过24 h"),
        ({"short_samples": [(1, 16)]}, "short_samples", "超过15 min"),
        ({"c_twa": -2}, "c_twa", "不能为负数"),
        ({"c_twa": 1, "samples": [(1, 60)]}, "c_twa", "不能再直接给出"),
        ({}, "samples", "须填写"),
        ({"c_twa": 1, "shift_hours": 30}, "shift_hours", "不超过24"),
        ({"c_twa": 1, "days_per_week": 9}, "days_per_week", "1–7"),
    ],
)
def test_bad_chemical_input(kwargs, field, text):
    with pytest.raises(a.InputError, match=re.escape(text)) as err:
        run(TOLUENE, "甲苯", **kwargs)
    assert err.value.field == field


def test_dust_needs_fraction_and_silica():
    with pytest.raises(a.InputError) as err:
        run(SILICA, "矽尘", "dust", c_twa=0.1)
    assert err.value.field == "dust_fraction"
    with pytest.raises(a.InputError) as err:
        run(SILICA, "矽尘", "dust", c_twa=0.1, dust_fraction="total")
    assert err.value.field == "free_silica_percent"


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [(2.13125, 3, 2.13), (0.0625, 2, 0.062), (0.0635, 2, 0.064), (1234.5, 3, 1230.0), (0.6, 3, 0.6)],
)
def test_round_concentration_half_to_even(x, digits, expected):
    # GB/T 8170 修约: 0.0625 → 0.062 (5 after an even digit), 0.0635 → 0.064
    assert a.round_concentration(x, digits) == expected


def test_round_db():
    assert a.round_db(89.05) == 89.0 and a.round_db(89.15) == 89.2 and a.round_db(None) is None


def test_factor_without_gbz_limits_is_not_judged():
    res = run([], "布鲁氏菌", "biological", c_twa=1)
    assert res.compliant is None and res.explanation == ("布鲁氏菌: 无接触限值，未判定",)
    other = run([], "高气压", "physical", c_twa=1)  # was 手传振动, which assess now judges
    assert other.compliant is None and "未判定" in other.explanation[0]
