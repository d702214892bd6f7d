"""The calculator pages: any logged-in user, the working and the limit row shown, 未核对 flags,
field errors in Chinese, HTMX answers with the partial, nothing saved."""

from __future__ import annotations

import pytest

from ohsteward.core.models import AuditLog

BENZENE = {
    "factor": "苯",
    "on": "2024-06-01",
    "samples": "4.5 120\n2 240\n<0.05 120",
    "short_samples": "5 15",
}


@pytest.fixture
def page(client, cast):
    client.force_login(cast["manager"])
    return client


def test_login_required(client, db):
    assert client.get("/exposure/calculator/").status_code == 302
    assert client.get("/exposure/statistics/").status_code == 302


def test_form_shows_for_any_role(page):
    body = page.get("/exposure/calculator/").content.decode()
    assert "接触评价计算器" in body and 'name="samples"' in body


def test_result_shows_working_limit_row_and_unverified(page):
    before = AuditLog.objects.count()
    body = page.post("/exposure/calculator/", BENZENE).content.decode()
    assert "C_TWA = (C₁T₁ + C₂T₂ + … + CₙTₙ) / 8" in body
    assert "(4.5×2 + 2×4 + 0.025×2(&lt;LOD)) / 8" in body  # <LOD entered at half the LOD
    assert 'id="limits-used"' in body and "GBZ 2.1-2019 第1号修改单" in body
    assert "未核对" in body and "符合" in body
    assert AuditLog.objects.count() == before


def test_htmx_answers_with_the_partial(page):
    body = page.post(
        "/exposure/calculator/", BENZENE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calc"
    ).content.decode()
    assert "<html" not in body and 'id="calc-result"' in body


def test_field_error_in_chinese(page):
    body = page.post("/exposure/calculator/", {**BENZENE, "short_samples": "5 20"}).content.decode()
    assert "超过15 min" in body and 'id="calc-result"' not in body
    body = page.post("/exposure/calculator/", {**BENZENE, "samples": "4.5"}).content.decode()
    assert "第1行" in body


def test_no_limit_says_so_never_compliant(page):
    # before GBZ 2.1-2019 came into force (2020-04-01) no shipped edition applies
    body = page.post("/exposure/calculator/", {**BENZENE, "on": "2019-06-01"}).content.decode()
    assert "无接触限值，未判定" in body and "badge active" not in body
    assert "/hazards/limits/import/" in body  # what is missing and how to import it


def test_statistics_page_shows_values_and_chart_data(page):
    body = page.post(
        "/exposure/statistics/",
        {"values": "0.12 <0.05 0.31 0.08 <LOD 0.22 0.5", "lod": "0.05", "limit": "0.5"},
    ).content.decode()
    assert "删失数据最大似然估计" in body and 'id="stats-chart-data"' in body
    assert "AIHA 接触分类" in body and "超限比例" in body


def test_statistics_error(page):
    body = page.post("/exposure/statistics/", {"values": "0.1 <LOD"}).content.decode()
    assert "未给出检出限" in body
