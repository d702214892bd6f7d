"""The API: the library, the values with the contract's field names, the records behind one."""

from __future__ import annotations

import pytest

from ohsteward.api.testing import bearer_client
from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI

pytestmark = pytest.mark.django_db
ROW_FIELDS = {"indicator", "region", "period", "numerator", "denominator", "value", "target", "met"}


def test_the_library_lists_indicators_with_their_targets(world):
    r = bearer_client(world["city"]).get("/api/v1/indicators/")
    assert r.status_code == 200
    rows = r.json()["results"] if isinstance(r.json(), dict) else r.json()
    by_code = {row["code"]: row for row in rows}
    assert by_code["declaration-rate"]["numerator"] == "declaration_done"
    assert any(t["region"] == YUBEI for t in by_code["workplace-compliance-rate"]["targets"])


def test_values_of_a_district_carry_exactly_the_contract_fields(world):
    r = bearer_client(world["yubei"]).get("/api/v1/indicator-values/", {"region": YUBEI, "period": "2025"})
    assert r.status_code == 200
    rows = {row["indicator"]: row for row in r.json()}
    assert ROW_FIELDS <= set(rows["declaration-rate"])
    row = rows["declaration-rate"]
    assert (row["region"], row["period"], row["numerator"], row["denominator"]) == (YUBEI, "2025", 1, 2)
    assert (row["value"], row["target"], row["met"]) == ("50.0", "100.0", False)
    assert rows["work-injury-insurance-rate"]["value"] == "50.0"  # from the imported list
    other = bearer_client(world["wanzhou"]).get(
        "/api/v1/indicator-values/", {"region": WANZHOU, "period": "2025"}
    )
    insurance = {row["indicator"]: row for row in other.json()}["work-injury-insurance-rate"]
    assert insurance["value"] is None and "未导入人力社保部门参保名单" in insurance["no_data"]  # never 0


def test_level_district_gives_the_city_one_row_per_district(world):
    r = bearer_client(world["city"]).get(
        "/api/v1/indicator-values/", {"period": "2025", "level": "district", "indicator": "declaration-rate"}
    )
    assert r.status_code == 200
    regions = [row["region"] for row in r.json()]
    assert len(regions) >= 38 and YUBEI in regions and WANZHOU in regions


def test_level_district_gives_a_district_officer_only_the_own_district(world):
    r = bearer_client(world["yubei"]).get(
        "/api/v1/indicator-values/", {"period": "2025", "level": "district", "indicator": "qc-coverage"}
    )
    assert [row["region"] for row in r.json()] == [YUBEI]


def test_the_records_behind_a_figure_are_as_many_as_the_figure(world):
    client = bearer_client(world["city"])
    r = client.get("/api/v1/indicator-values/declaration-rate/records/", {"region": YUBEI, "period": "2025"})
    assert r.status_code == 200
    assert r.json()["count"] == 1
    missing = client.get(
        "/api/v1/indicator-values/declaration-rate/records/",
        {"region": YUBEI, "period": "2025", "part": "missing"},
    ).json()
    assert missing["count"] == 1 and missing["results"][0]["url"].startswith("/declarations/entries/")


def test_another_district_is_not_found_through_the_api(world):
    client = bearer_client(world["yubei"])
    assert client.get("/api/v1/indicator-values/", {"region": WANZHOU}).status_code == 404
    assert client.get("/api/v1/indicator-values/qc-coverage/records/", {"region": WANZHOU}).status_code == 404


def test_roles_without_the_permission_are_refused_by_the_api(world):
    assert bearer_client(world["manager"]).get("/api/v1/indicator-values/").status_code == 403
    assert bearer_client(world["manager"]).get("/api/v1/indicators/").status_code == 403


def test_the_values_and_the_library_export_to_xlsx(world):
    client = bearer_client(world["yubei"])
    r = client.get("/api/v1/indicator-values/export/", {"region": YUBEI, "period": "2025"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/api/v1/indicators/export/").status_code == 200


def test_dispatches_list_each_districts_entries_in_scope(world):
    import datetime as dt  # local: only this test builds dates

    from ohsteward.indicators import actions  # local: only this test writes a dispatch

    actions.dispatch_save(
        user=world["yubei"], district=YUBEI, month="2025-03", problems="缺人",
        inputs={"work-injury-insurance-rate": {"numerator": 8, "denominator": 10, "source": "区人社局",
                                               "source_date": dt.date(2025, 3, 20)}},
    )  # fmt: skip
    r = bearer_client(world["yubei"]).get("/api/v1/dispatches/", {"period": "2025"})
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [(x["region"], x["period"], x["problems"]) for x in rows] == [(YUBEI, "2025-03", "缺人")]
    assert rows[0]["inputs"][0]["indicator"] == "work-injury-insurance-rate"
    assert bearer_client(world["wanzhou"]).get("/api/v1/dispatches/").json()["results"] == []


def test_reports_start_a_job_for_city_users_only(world):
    r = bearer_client(world["city"]).post(
        "/api/v1/reports/", {"period": "2025", "format": "xlsx"}, format="json"
    )
    assert r.status_code == 202 and r.json()["status_url"].startswith("/api/v1/jobs/")
    r = bearer_client(world["yubei"]).post(
        "/api/v1/reports/", {"period": "2025", "format": "xlsx"}, format="json"
    )
    assert r.status_code == 403
    r = bearer_client(world["city"]).post(
        "/api/v1/reports/", {"period": "20x5", "format": "xlsx"}, format="json"
    )
    assert r.status_code == 400
