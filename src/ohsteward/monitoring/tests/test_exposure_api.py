"""POST /api/v1/exposure/assess/ and /exposure/statistics/: stateless, any authenticated user,
the issue's field names, Chinese 400s, limits chosen by the measurement date."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ohsteward.api.testing import bearer_client
from ohsteward.core.models import AuditLog
from ohsteward.hazards.models import ExposureLimit, HazardFactor

ASSESS = "/api/v1/exposure/assess/"
STATS = "/api/v1/exposure/statistics/"
RESPONSE_FIELDS = {
    "c_twa",
    "c_ste",
    "c_me",
    "peak_ratio",
    "l_ex_8h",
    "l_ex_w",
    "limit",
    "ratio",
    "exposure_level",
    "compliant",
    "grade",
    "explanation",
}


@pytest.fixture
def client(cast):
    return bearer_client(cast["manager"])  # any authenticated role may use the calculator


def post(client, body, url=ASSESS):
    return client.post(url, body, format="json")


def ok(response) -> dict:
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_requires_authentication(db):
    assert APIClient().post(ASSESS, {"factor": "苯"}, format="json").status_code == 401
    assert APIClient().post(STATS, {"values": [1, 2]}, format="json").status_code == 401


@pytest.mark.parametrize("role", ["city", "yubei", "cdc", "institution", "steward", "manager"])
def test_every_role_may_assess(cast, role):
    body = ok(post(bearer_client(cast[role]), {"factor": "苯", "on": "2024-06-01", "c_twa": 1}))
    assert body["compliant"] is True


def test_benzene_three_segments_with_lod_and_short_sample(client):
    before = AuditLog.objects.count()
    body = ok(
        post(
            client,
            {
                "factor": "苯",
                "on": "2024-06-01",
                "samples": [
                    {"value": 4.5, "minutes": 120},
                    {"value": 2, "minutes": 240},
                    {"value": "<0.05", "minutes": 120},
                ],
                "short_samples": [{"value": 5, "minutes": 15}],
            },
        )
    )
    assert RESPONSE_FIELDS <= set(body)
    # (4.5×2 + 2×4 + 0.025×2)/8 = 17.05/8 = 2.13125 → 2.1 (2 significant digits, as the sentences)
    assert body["c_twa"] == 2.1 and body["c_ste"] == 5.0
    assert [(x["type"], x["value"], x["verified"]) for x in body["limit"]] == [
        ("PC-TWA", 3.0, False),
        ("PC-STEL", 6.0, False),
    ]
    assert body["limit"][0]["version"] == "GBZ 2.1-2019 第1号修改单"
    assert body["ratio"] == 0.833 and body["exposure_level"] == "III"  # 5/6 is the largest
    assert body["compliant"] is True and body["grade"] is None
    assert any("未核对" in s for s in body["explanation"])
    assert AuditLog.objects.count() == before  # nothing saved


def test_factor_by_cas_and_cdc_code(client):
    benzene = HazardFactor.objects.get(name="苯")
    for text in ("71-43-2", benzene.code):
        assert ok(post(client, {"factor": text, "on": "2024-06-01", "c_twa": 4}))["compliant"] is False


def test_limit_edition_by_date_before_the_amendment_uses_the_values_as_issued(client):
    # 苯 6 / 10 (GBZ 2.1-2019 as issued) until the 第1号修改单 (3 / 6) on 2022-11-01
    body = ok(post(client, {"factor": "苯", "on": "2021-06-01", "c_twa": 4}))
    assert body["compliant"] is True and body["limit"][0]["value"] == 6.0
    assert body["limit"][0]["version"] == "GBZ 2.1-2019" and body["limit"][0]["verified"] is False
    body = ok(post(client, {"factor": "苯", "on": "2022-11-01", "c_twa": 4}))
    assert body["compliant"] is False and body["limit"][0]["value"] == 3.0


def test_a_date_before_every_edition_says_no_limit_and_what_is_missing(client):
    body = ok(post(client, {"factor": "苯", "on": "2019-06-01", "c_twa": 4}))
    assert body["compliant"] is None and body["limit"] == []
    assert "无接触限值，未判定" in body["explanation"][0]
    assert "早于限值施行日期 2020-04-01" in body["explanation"][0] and "导入该版本" in body["explanation"][0]


def test_silica_dust_band_and_grade(client):
    body = ok(
        post(
            client,
            {
                "factor": "矽尘",
                "on": "2026-03-01",
                "c_twa": 0.25,
                "dust_fraction": "respirable",
                "free_silica_percent": 60,
                "labour_intensity": "II",
            },
        )
    )
    assert body["limit"][0]["value"] == 0.3 and body["exposure_level"] == "III"
    # 2025 edition: 0.5 < B = 0.833 ≤ 1 → Ⅰ 行动水平
    assert body["grade"] == {
        "level": "I",
        "label": "行动水平作业",
        "standard": "GBZ/T 229.1—2025",
        "verified": False,
    }


def test_noise_segments_and_week(client):
    body = ok(
        post(client, {"factor": "噪声", "on": "2024-06-01", "noise_segments": [{"level": 92, "hours": 4}]})
    )
    assert body["l_ex_8h"] == 89.0 and body["compliant"] is False  # RULES.md §3.3 example
    assert body["grade"]["level"] == "I" and body["exposure_level"] is None
    week = ok(post(client, {"factor": "噪声", "on": "2024-06-01", "daily_levels": [88, 88, 88, 84, 84, 84]}))
    # 10·lg[(3·10^8.8 + 3·10^8.4)/5] = 10·lg(5.293e8) = 87.24 → 87.2
    assert week["l_ex_w"] == 87.2 and week["compliant"] is False


def test_heat_with_regional_adjustment(client):
    base = {"factor": "高温", "on": "2024-06-01", "wbgt": 29.5, "time_ratio": 0.75, "labour_intensity": "II"}
    assert ok(post(client, base))["compliant"] is False  # 表8 75 % Ⅱ 29 ℃
    hot = ok(post(client, {**base, "region": "500112"}))
    assert hot["compliant"] is True and hot["limit"][0]["value"] == 30.0
    assert "地区+1℃修正的适用" in hot["unverified"]


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"factor": "苯", "samples": [{"value": -1, "minutes": 60}]}, "samples", "不能为负数"),
        ({"factor": "苯", "samples": [{"value": "abc", "minutes": 60}]}, "samples", "不是数值"),
        ({"factor": "苯", "samples": [{"value": "<LOD", "minutes": 60}]}, "samples", "未给出检出限"),
        (
            {"factor": "苯", "samples": [{"value": 1, "minutes": 900}, {"value": 1, "minutes": 600}]},
            "samples",
            "超过24 h",
        ),
        ({"factor": "苯", "short_samples": [{"value": 1, "minutes": 20}]}, "short_samples", "超过15 min"),
        (
            {"factor": "噪声", "noise_segments": [{"level": 90, "hours": 20}, {"level": 90, "hours": 5}]},
            "noise_segments",
            "超过24 h",
        ),
        ({"factor": "苯乙稀", "c_twa": 1}, "factor", "是否为：苯乙烯"),
        ({"factor": "苯", "c_twa": 1, "on": "2999-01-01"}, "on", "晚于今天"),
        ({"factor": "苯", "c_twa": 1, "region": "12"}, "region", "6位"),
        (
            {"factor": "矽尘", "c_twa": 1, "dust_fraction": "respirable"},
            "free_silica_percent",
            "游离SiO2含量",
        ),
    ],
)
def test_bad_input_is_400_in_chinese(client, body, field, text):
    response = post(client, {"on": "2024-06-01", **body})
    assert response.status_code == 400, response.content.decode()
    assert text in " ".join(response.json()[field])


def test_unknown_factor_suggests_nearest_names(client):
    message = post(client, {"factor": "甲笨", "c_twa": 1}).json()["factor"][0]
    assert "甲苯" in message


def test_statistics_censored(client):
    body = ok(
        post(
            client,
            {"values": [0.12, "<0.05", 0.31, 0.08, "<LOD", 0.22, 0.5], "lod": 0.05, "limit": 0.5},
            STATS,
        )
    )
    assert body["n"] == 7 and body["n_censored"] == 2 and body["method"] == "censored_mle"
    assert body["p95_ucl70"] >= body["p95"] > body["gm"]
    assert 0 <= body["exceedance_low"] <= body["exceedance"] <= body["exceedance_high"] <= 1
    assert body["category"] in (3, 4)


def test_statistics_bad_input(client):
    response = post(client, {"values": [0.1, "<LOD"], "limit": 1}, STATS)
    assert response.status_code == 400 and "未给出检出限" in response.json()["values"][0]
    assert post(client, {"values": [0.1, 0]}, STATS).status_code == 400


def test_unverified_flag_follows_the_edition(client):
    row = ExposureLimit.objects.filter(agent_name="苯").first()
    assert row is not None and row.edition is not None and row.edition.verified is False
