"""Hazard reference endpoints: search, detail by code, exposure-limit filters; read-only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ohsteward.api.testing import bearer_client, use_fast_password_hashing
from ohsteward.hazards.models import ExposureLimit, HazardFactor


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    use_fast_password_hashing(settings)


@pytest.fixture
def client(cast):
    return bearer_client(cast["manager"])  # reference data is readable by every role


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_requires_authentication(db):
    assert APIClient().get("/api/v1/hazard-factors/").status_code == 401
    assert APIClient().get("/api/v1/exposure-limits/").status_code == 401


def test_hazard_factor_detail_by_code(client):
    factor = HazardFactor.objects.get(name="一氧化碳")
    body = client.get(f"/api/v1/hazard-factors/{factor.code}/").json()
    assert body["code"] == factor.code and body["name"] == "一氧化碳"
    assert body["category"] == factor.category and body["category_display"] == factor.get_category_display()
    assert isinstance(body["aliases"], list)
    assert client.get("/api/v1/hazard-factors/NOPE/").status_code == 404


def test_hazard_factor_search_by_name_and_code(client):
    factor = HazardFactor.objects.get(name="一氧化碳")
    assert factor.code in {r["code"] for r in results(client.get("/api/v1/hazard-factors/?q=一氧化"))}
    by_code = results(client.get(f"/api/v1/hazard-factors/?q={factor.code}&page_size=1000"))
    assert by_code and all(r["code"].startswith(factor.code) for r in by_code)


def test_hazard_factor_search_by_alias_and_cas(client):
    factor = HazardFactor.objects.get(name="一氧化碳")
    factor.aliases = "煤气、CO气体"
    factor.cas = "630-08-0"
    factor.save()
    assert [r["code"] for r in results(client.get("/api/v1/hazard-factors/?q=CO气体"))] == [factor.code]
    assert [r["code"] for r in results(client.get("/api/v1/hazard-factors/?q=630-08"))] == [factor.code]
    assert client.get(f"/api/v1/hazard-factors/{factor.code}/").json()["aliases"] == ["煤气", "CO气体"]


def test_hazard_factor_category_filter(client):
    dust = results(client.get("/api/v1/hazard-factors/?category=dust&page_size=1000"))
    assert len(dust) == HazardFactor.objects.filter(category="dust").count() > 0
    assert {r["category"] for r in dust} == {"dust"}


def test_exposure_limits_filter_by_hazard_factor_code(client):
    factor = HazardFactor.objects.get(name="一氧化碳")
    rows = results(client.get(f"/api/v1/exposure-limits/?hazard_factor={factor.code}"))
    assert rows and {r["hazard_factor"] for r in rows} == {factor.code}
    assert {r["limit_type"] for r in rows} == set(
        ExposureLimit.objects.filter(hazard_factor=factor).values_list("limit_type", flat=True)
    )


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("standard=GBZ+2.2", "standard", "GBZ 2.2"),
        ("limit_type=PC-STEL", "limit_type", "PC-STEL"),
        ("limit_type=MAC", "limit_type", "MAC"),
    ],
)
def test_exposure_limits_filters(client, query, field, value):
    rows = results(client.get(f"/api/v1/exposure-limits/?{query}&page_size=1000"))
    assert len(rows) == ExposureLimit.objects.filter(**{field: value}).count() > 0
    assert {r[field] for r in rows} == {value}


def test_exposure_limits_q(client):
    rows = results(client.get("/api/v1/exposure-limits/?q=甲苯&page_size=1000"))
    assert rows and all("甲苯" in r["agent_name"] or "甲苯" in (r["hazard_factor_name"] or "") for r in rows)
    silica = ExposureLimit.objects.filter(agent_name="矽尘").first()
    rows = results(client.get(f"/api/v1/exposure-limits/?q={silica.cas}&page_size=1000"))
    assert silica.pk in {r["id"] for r in rows}


def test_exposure_limit_representation(client):
    limit = ExposureLimit.objects.filter(hazard_factor__isnull=False, value__isnull=False).first()
    body = client.get(f"/api/v1/exposure-limits/{limit.pk}/").json()
    assert body["value"] == float(limit.value) and body["unit"] == limit.unit
    assert body["standard_version"] == limit.standard_version and body["source"] == limit.source
    assert body["hazard_factor"] == limit.hazard_factor.code


def test_occupational_diseases(client):
    rows = results(client.get("/api/v1/occupational-diseases/?edition=2024&q=尘肺&page_size=1000"))
    assert rows and {r["edition"] for r in rows} == {"2024"}
    assert all("尘肺" in r["name"] for r in rows)


def test_read_only(client):
    assert client.post("/api/v1/hazard-factors/", {"code": "X", "name": "x"}, format="json").status_code in {
        403,
        405,
    }
    assert client.delete(f"/api/v1/exposure-limits/{ExposureLimit.objects.first().pk}/").status_code in {
        403,
        405,
    }
    assert not HazardFactor.objects.filter(code="X").exists()
