"""One judgement: the same inputs give the same figures through the stateless calculator
(``POST /api/v1/exposure/assess/``), a stored measurement (``actions.measurement_record``, read back
through ``GET /api/v1/measurements/{id}/``) and the import — every kind of factor, censored
``<LOD`` samples, grading and the hot-region setting included."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from ohsteward.api.testing import bearer_client
from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.models import Measurement
from ohsteward.monitoring.tests.factories import SAMPLED, make_report, record

pytestmark = pytest.mark.django_db

FIGURES = ("c_twa", "c_ste", "c_me", "peak_ratio", "l_ex_8h", "l_ex_w", "ratio", "exposure_level",
           "compliant", "grade")  # fmt: skip
LIMIT_KEYS = ("type", "value", "unit", "standard", "version", "verified")

CASES = [
    ("苯", {"samples": [{"value": 4, "minutes": 240}, {"value": "<0.5", "minutes": 240}],
           "short_samples": [{"value": 7, "minutes": 15}, {"value": "<0.2", "minutes": 10}]}),
    ("苯", {"c_twa": 2.0, "toxicity": "高度", "labour_intensity": "II"}),
    ("甲苯", {"samples": [{"value": 30, "minutes": 300}, {"value": 80, "minutes": 180}], "shift_hours": 10}),
    ("矽尘", {"samples": [{"value": 1.2, "minutes": 240}, {"value": 2.4, "minutes": 240}],
             "free_silica_percent": 25, "dust_fraction": "total", "labour_intensity": "II"}),
    ("噪声", {"noise_segments": [{"level": 92, "hours": 4}, {"level": 84, "hours": 4}]}),
    ("噪声", {"daily_levels": [88, 90, 86, 84, 85, 80], "days_per_week": 6}),
    ("高温", {"wbgt": 30.0, "time_ratio": 0.5, "labour_intensity": "II"}),
    ("振动", {"a_hw": 6, "vibration_hours": 2}),
    ("工频辐射", {"e_field": 6}),
    ("高气压", {"note": "未判定"}),
]  # fmt: skip


def _calculator(client, factor, inputs, region):
    response = client.post(
        "/api/v1/exposure/assess/",
        {"factor": factor, "on": SAMPLED.isoformat(), "region": region, **inputs},
        format="json",
    )
    assert response.status_code == 200, response.content.decode()
    return response.json()


def _same(calculated: dict, stored: dict, m: Measurement) -> None:
    for key in FIGURES:
        left, right = calculated[key], stored[key]
        if key == "exposure_level":
            right = right or None  # stored as "" when not applicable
        assert left == right, (key, left, right)
    assert [{k: x[k] for k in LIMIT_KEYS} for x in calculated["limit"]] == stored["limit"]
    assert [x["condition"] for x in calculated["limit"]] == [x["condition"] for x in m.limits]
    assert calculated["explanation"] == m.explanation
    assert calculated["verified"] is m.verified


@pytest.mark.parametrize("factor, inputs", CASES, ids=[f"{f}-{i}" for i, (f, _x) in enumerate(CASES)])
def test_the_calculator_and_a_stored_measurement_judge_alike(lab, factor, inputs):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    m = record(user, report, factor, inputs, post=f"岗位{factor}")
    api = bearer_client(user)
    stored = api.get(f"/api/v1/measurements/{m.pk}/").json()
    _same(_calculator(api, factor, inputs, employer.region_id), stored, m)


def test_the_hot_region_setting_is_the_same_for_both(lab, settings):
    # the employer is in 渝北 (500112): Chongqing's +1 ℃ by default; switched off by the setting
    user, institution, employer = lab
    inputs = {"wbgt": 30.0, "time_ratio": 0.5, "labour_intensity": "II"}
    api = bearer_client(user)
    hot = record(user, make_report(user, employer, institution), "高温", inputs)
    settings.OHSTEWARD_WBGT_HOT_REGION_PREFIXES = ()
    plain = record(user, make_report(user, employer, institution, number="JC-2"), "高温", inputs)
    assert hot.limits[0]["value"] == pytest.approx(plain.limits[0]["value"] + 1)
    assert any("地区+1℃修正的适用" in s for s in hot.explanation)
    stored = api.get(f"/api/v1/measurements/{plain.pk}/").json()
    _same(_calculator(api, "高温", inputs, employer.region_id), stored, plain)


def test_an_imported_measurement_judges_like_the_calculator(lab):
    user, _institution, employer = lab
    wb = Workbook()
    ws = wb.active
    ws.append(["报告编号", "报告类型", "用人单位统一社会信用代码", "采样日期", "车间", "岗位", "危害因素",
               "检测值", "采样时长(min)", "检出限"])  # fmt: skip
    for value, minutes, lod in ((4, 240, None), ("<LOD", 240, 0.5)):
        ws.append(["R-1", "定期检测", employer.uscc, SAMPLED.isoformat(), "喷漆车间", "喷漆工", "苯",
                   value, minutes, lod])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    done = MeasurementImporter().run(user=user, filename="lab.xlsx", content=buf.getvalue(), dry_run=False)
    assert done.applied, [str(e) for e in done.errors]
    m = Measurement.objects.get(factor__name="苯")
    assert m.inputs["samples"][1] == {"value": "<LOD", "lod": 0.5, "minutes": 240.0}  # censored as stored
    api = bearer_client(user)
    stored = api.get(f"/api/v1/measurements/{m.pk}/").json()
    calculated = _calculator(
        api,
        "苯",
        {"samples": [{"value": 4, "minutes": 240}, {"value": "<0.5", "minutes": 240}]},
        employer.region_id,
    )
    _same(calculated, stored, m)
    assert calculated["c_twa"] == pytest.approx(2.1)  # (4×4 + 0.25×4)/8 = 2.125, half the LOD (未核对)
    assert any("低于检出限结果按检出限的1/2计入" in s for s in m.explanation)
