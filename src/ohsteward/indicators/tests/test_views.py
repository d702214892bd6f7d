"""The pages: a region's table, the ranking, the drill-down, the library, their .xlsx; scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI

pytestmark = pytest.mark.django_db


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"indicators:{name}", args=args), params)


def test_a_district_table_shows_every_indicator_with_lights_and_no_data_reasons(client, world):
    r = _get(client, world["yubei"], "table", period="2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert "职业病危害项目申报率" in html and "50.0%" in html
    other = _get(client, world["wanzhou"], "table", period="2025").content.decode()
    assert "无数据：本期尚未填报（月调度）；未导入人力社保部门参保名单（本期）" in other
    assert 'class="light red"' in html
    assert "双龙湖街道" in html  # its towns are listed


def test_the_city_ranking_lists_the_districts_with_targets_and_the_map(client, world):
    r = _get(client, world["city"], "ranking", indicator="declaration-rate", period="2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert "渝北区" in html and "万州区" in html
    assert "chart-map" in html and "chart-data" in html


def test_the_drilldown_lists_the_undeclared_employer_with_a_link(client, world, enterprises):
    r = _get(
        client, world["yubei"], "drilldown", "declaration-rate", region=YUBEI, period="2025", part="missing"
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert enterprises["yubei2"].name in html and enterprises["yubei"].name not in html
    assert "/declarations/entries/" in html


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("table", (), {"period": "2025"}),
        ("ranking", (), {"period": "2025", "indicator": "qc-coverage"}),
        ("drilldown", ("declaration-rate",), {"period": "2025", "part": "denominator", "region": YUBEI}),
    ],
)
def test_every_table_exports_to_xlsx(client, world, name, args, params):
    r = _get(client, world["city"], name, *args, format="xlsx", **params)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    assert sheet.max_row >= 2


def test_another_districts_figures_are_not_found(client, world):
    assert _get(client, world["yubei"], "table", region=WANZHOU).status_code == 404
    assert _get(client, world["yubei"], "ranking", region=WANZHOU).status_code == 404
    assert _get(client, world["yubei"], "drilldown", "declaration-rate", region=WANZHOU).status_code == 404
    assert _get(client, world["yubei"], "table", region="500000").status_code == 404


def test_roles_without_the_permission_are_refused(client, world):
    for user in ("manager", "steward", "institution"):
        assert _get(client, world[user], "table").status_code == 403


def test_the_library_page_lists_definitions_and_targets(client, world):
    r = _get(client, world["city"], "library")
    assert r.status_code == 200
    assert "质控覆盖率" in r.content.decode() and "500112" in r.content.decode()


def test_a_bad_period_is_not_found(client, world):
    assert _get(client, world["city"], "table", period="2025Q9").status_code == 404
