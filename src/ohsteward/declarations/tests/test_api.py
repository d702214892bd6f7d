"""``/api/v1/hazard-employers/`` (fields, filters, scope) and ``/api/v1/declarations/`` (CRUD)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ohsteward.api.testing import bearer_client
from ohsteward.declarations import actions
from ohsteward.declarations.filtersets import HazardListEntryFilterSet
from ohsteward.declarations.models import Declaration, HazardListEntry
from ohsteward.registry.models import Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/hazard-employers/"


@pytest.fixture
def listed(cast, enterprises):
    small = EnterpriseFactory(
        name="重庆渝北小微百货有限公司",
        region=Region.objects.get(code="500112"),
        industry=Industry.objects.get(code="5211"),
        employees=3,
        revenue=50,
        total_assets=20,
    )
    actions.declaration_import(
        user=None,
        enterprise=small,
        receipt_no="GJ-1",
        kind="initial",
        declared_on=dt.date(2025, 12, 1),
        employees=3,
        exposed_total=1,
        hazards=[(None, "噪声", 1)],
        principal="",
        hygiene_manager="",
    )
    actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 20))
    return small


def _names(response):
    return sorted(r["name"] for r in response.json()["results"])


def test_fields_and_pagination(cast, listed):
    r = bearer_client(cast["city"]).get(URL)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"count", "next", "previous", "results"} and body["count"] == 4
    row = next(x for x in body["results"] if x["name"] == listed.name)
    assert row["uscc"] == listed.uscc and row["region"] == "500112"
    assert row["reasons"] == ["declared_hazards"] and row["declared"] is True
    assert row["last_declared_on"] == "2025-12-01"
    other = next(x for x in body["results"] if x["name"] == "重庆万州示例化工有限责任公司")
    assert (
        other["reasons"] == ["industry_serious"]
        and other["declared"] is False
        and other["last_declared_on"] is None
    )
    r = bearer_client(cast["city"]).get(URL, {"page_size": 1})
    assert len(r.json()["results"]) == 1 and r.json()["next"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "500101"}, ["重庆万州示例化工有限责任公司"]),
        ({"reason": "declared_hazards"}, ["重庆渝北小微百货有限公司"]),
        (
            {"reason": "industry_serious", "region": "500112"},
            ["重庆渝北示例机械制造有限公司", "重庆渝北第二建材有限公司"],
        ),
        ({"industry_risk": "unlisted"}, ["重庆渝北小微百货有限公司"]),
        ({"declared": "true"}, ["重庆渝北小微百货有限公司"]),
        (
            {"declared": "false", "region": "500112"},
            ["重庆渝北示例机械制造有限公司", "重庆渝北第二建材有限公司"],
        ),
        ({"size_class": "micro"}, ["重庆渝北小微百货有限公司"]),
        ({"year": "2025"}, []),
    ],
)
def test_filters(cast, listed, params, expected):
    r = bearer_client(cast["city"]).get(URL, params)
    assert r.status_code == 200
    assert _names(r) == sorted(expected)


def test_scope_and_confirm(cast, listed, enterprises):
    client = bearer_client(cast["yubei"])
    r = client.get(URL)
    assert "重庆万州示例化工有限责任公司" not in _names(r)
    wanzhou = HazardListEntry.objects.get(enterprise=enterprises["wanzhou"])
    assert client.get(f"{URL}{wanzhou.pk}/").status_code == 404
    assert client.post(f"{URL}{wanzhou.pk}/confirm/", {"status": "hazards"}, format="json").status_code == 404
    own = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    r = client.post(f"{URL}{own.pk}/confirm/", {"status": "no_hazards", "note": "已停用焊接"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "no_hazards"
    assert client.post(f"{URL}{own.pk}/confirm/", {"status": "bogus"}, format="json").status_code == 400
    assert bearer_client(cast["manager"]).get(URL).status_code == 403
    r = client.get(f"{URL}export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_declarations_crud(cast, enterprises):
    manager = bearer_client(cast["manager"])
    payload = {
        "enterprise": enterprises["yubei"].uscc,
        "kind": "initial",
        "employees": 60,
        "exposed_total": 20,
        "principal": "张三",
        "hazards": [{"workplace": "打磨车间", "hazard_name": "噪声", "exposed_count": 20}],
    }
    r = manager.post("/api/v1/declarations/", payload, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["receipt_no"].startswith("渝职申-500112-") and body["hazards"][0]["hazard_name"] == "噪声"
    pk = body["id"]
    bad = manager.post(
        "/api/v1/declarations/", {**payload, "enterprise": enterprises["wanzhou"].uscc}, format="json"
    )
    assert bad.status_code == 400  # outside the manager's scope: not a valid choice
    bad = manager.post(
        "/api/v1/declarations/", {**payload, "hazards": [{"hazard_name": "月尘"}]}, format="json"
    )
    assert bad.status_code == 400 and "不在目录中" in str(bad.json())
    # Managers correct a declaration by a change declaration; officials may fix details.
    assert (
        manager.patch(f"/api/v1/declarations/{pk}/", {"principal": "王五"}, format="json").status_code == 403
    )
    r = bearer_client(cast["yubei"]).patch(
        f"/api/v1/declarations/{pk}/", {"principal": "王五"}, format="json"
    )
    assert r.status_code == 200 and r.json()["principal"] == "王五"
    assert manager.delete(f"/api/v1/declarations/{pk}/").status_code == 403  # managers cannot void
    assert bearer_client(cast["wanzhou"]).get(f"/api/v1/declarations/{pk}/").status_code == 404
    assert bearer_client(cast["yubei"]).delete(f"/api/v1/declarations/{pk}/").status_code == 204
    assert Declaration.objects.get(pk=pk).status == "void"


def test_tip_off_reasons_are_hidden_from_the_api_for_non_regulators(cast, listed, enterprises):

    assert HazardListEntryFilterSet.base_filters[
        "reason"
    ].field  # as the API schema does: a cached form field
    HazardListEntry.objects.filter(enterprise=enterprises["yubei"]).update(
        reasons=["industry_serious", "tip_off"]
    )
    for who in ("institution", "steward"):
        api = bearer_client(cast[who])
        rows = {r["uscc"]: r["reasons"] for r in api.get(URL).json()["results"]}
        assert rows[enterprises["yubei"].uscc] == ["industry_serious", "inspection"], who
        assert api.get(URL, {"reason": "tip_off"}).status_code == 400
        ws = load_workbook(io.BytesIO(api.get(URL + "export/").content)).active
        text = " ".join(str(cell.value) for row in ws.iter_rows() for cell in row)
        assert enterprises["yubei"].name in text and "有奖举报" not in text
    api = bearer_client(cast["cdc"])
    rows = {r["uscc"]: r["reasons"] for r in api.get(URL, {"reason": "tip_off"}).json()["results"]}
    assert rows == {enterprises["yubei"].uscc: ["industry_serious", "tip_off"]}
    # the export's Table is the viewer's: a regulator's file names the tip-off
    ws = load_workbook(io.BytesIO(api.get(URL + "export/").content)).active
    assert "有奖举报" in " ".join(str(cell.value) for row in ws.iter_rows() for cell in row)
