"""The stored judgement's path (``calculator.service.assess_factor`` → ``assess.assess``, as
``actions.measurement_judge`` calls it) on the shipped limit rows: which rule each kind of factor
goes to, what is stored, and the flags (hot region, no limit, chemical conditions). Expected values
are computed by hand. (Formerly tests of ``monitoring.judging``, merged into ``assess``.)"""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.hazards.models import HazardFactor
from ohsteward.monitoring import assess
from ohsteward.monitoring.calculator import service
from ohsteward.monitoring.rules import MonitoringRuleError

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


def judge(name, inputs, region="500112"):
    factor = HazardFactor.objects.get(name=name)
    kind = assess.kind_for(factor.category, factor.name)
    stored = assess.normalize_inputs(inputs)
    return kind, service.assess_factor(service.factor_match(factor), stored, on=ON, region=region)


def test_silica_dust_by_band_and_fraction_with_its_grade():
    # 10–50 % free SiO₂, 总尘: PC-TWA 1 mg/m³; 1.8/1 = 1.8 → Ⅳ; grade 2025: B > 1, G = 2 × 1.8 × 1.5 = 5.4 → Ⅱ
    kind, out = judge(
        "矽尘", {"c_twa": 1.8, "free_silica_percent": 25, "dust_fraction": "total", "labour_intensity": "II"}
    )
    assert kind == "dust"
    assert out.compliant is False and out.ratio == pytest.approx(1.8) and out.exposure_level == "IV"
    assert out.limits[0].condition.startswith("10%≤游离SiO2含量≤50%")
    assert out.grade is not None and out.grade.level == "II"


def test_respirable_silica_over_80_percent_uses_the_02_limit():
    _kind, out = judge("矽尘", {"c_twa": 0.1, "free_silica_percent": 85, "dust_fraction": "respirable"})
    assert out.limits[0].value == pytest.approx(0.2) and out.ratio == pytest.approx(0.5)
    assert out.exposure_level == "II" and out.grade is None  # no labour class: not graded, said why
    assert any("未分级" in s for s in out.explanation)


def test_heat_in_chongqing_gets_the_flagged_plus_one_degree():
    # 表8: 接触时间率 50 %, Ⅱ级 → WBGT limit as shipped, +1 ℃ for the hot region (未核对)
    _kind, here = judge("高温", {"wbgt": 30.0, "time_ratio": 0.5, "labour_intensity": "II"})
    _kind, elsewhere = judge(
        "高温", {"wbgt": 30.0, "time_ratio": 0.5, "labour_intensity": "II"}, region="110101"
    )
    assert here.limits[0].value == pytest.approx(elsewhere.limits[0].value + 1)
    assert any("地区+1℃修正" in s for s in here.explanation)


def test_vibration_from_acceleration_and_hours():
    # a_hw(4) = 6 × √(2/4) = 4.24 ≤ 5 m/s²
    kind, out = judge("振动", {"a_hw": 6, "vibration_hours": 2})
    assert kind == "vibration" and out.compliant is True
    assert out.judgement.checks[0].exposure == pytest.approx(4.2426, rel=1e-3)


def test_power_frequency_field():
    kind, out = judge("工频辐射", {"e_field": 6})
    assert kind == "efield" and out.compliant is False and out.ratio == pytest.approx(1.2)


def test_a_chemical_with_two_conditions_needs_one():
    with pytest.raises(MonitoringRuleError) as e:
        judge("铅及其无机化合物（按Pb 计）", {"c_twa": 0.02})
    assert "铅尘" in str(e.value) and "铅烟" in str(e.value)
    _kind, out = judge("铅及其无机化合物（按Pb 计）", {"c_twa": 0.04, "condition": "铅烟"})
    assert out.compliant is False and out.limits[0].value == pytest.approx(0.03)


def test_a_benzene_peak_without_stel_is_not_used_stel_is():
    # benzene has PC-STEL 6: a 15-min 7 mg/m³ sample fails C_STE
    _kind, out = judge("苯", {"c_twa": 1, "short_samples": [{"value": 7, "minutes": 15}]})
    assert out.c_ste == pytest.approx(7) and out.compliant is False
    assert {x.type for x in out.limits} == {"PC-TWA", "PC-STEL"}


def test_a_physical_factor_without_a_rule_is_not_judged():
    kind, out = judge("高气压", {})
    assert kind == "other" and out.compliant is None and out.ratio is None


def test_normalize_keeps_below_lod_censored():
    out = assess.normalize_inputs(
        {"samples": [{"value": "<0.05", "minutes": "240"}, {"value": "0.3", "minutes": 240}]}
    )
    assert out["samples"] == [
        {"value": "<LOD", "lod": 0.05, "minutes": 240.0},
        {"value": 0.3, "minutes": 240.0},
    ]
