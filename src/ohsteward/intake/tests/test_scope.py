"""Scope of source rows (issue 6 item 1): a row never shows anything of an employer outside the
viewer's scope — not through the API rows, the batch page, its .xlsx export or the review queue —
and a row matching another district's employer is referred to that district and the city."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ohsteward.accounts.tests.scope import REGULATORS_ONLY, ScopeCase, ScopeSuite
from ohsteward.api.testing import bearer_client
from ohsteward.conftest import PASSWORD
from ohsteward.declarations.actions import _source_evidence
from ohsteward.intake.actions import row_link
from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.models import OUTSIDE_DECIDED, OUTSIDE_REFERRED, SourceBatch, SourceRow
from ohsteward.intake.queries import rows_seen_by
from ohsteward.intake.tests.factories import SourceBatchFactory, SourceRowFactory, xlsx_bytes
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
REGISTRY = ["统一社会信用代码", "用人单位名称", "所属区县", "从业人员数", "地址"]


@pytest.fixture
def wanzhou(enterprises):
    """The 万州 employer with register details that must not leak."""
    e = enterprises["wanzhou"]
    Enterprise.objects.filter(pk=e.pk).update(
        address="万州区高笋塘街道秘密路88号",
        employees=4321,
        revenue=Decimal("98765.43"),
        total_assets=Decimal("55555.55"),
        industry=Industry.objects.get(code="2614"),
    )
    e.refresh_from_db()
    return e


def _linked_row(world, employer) -> SourceRow:
    """A row of its own batch, located where the employer is and linked to it."""
    return SourceRowFactory(
        batch=SourceBatchFactory(),
        enterprise=employer,
        district_id=employer.region_id,
        town_id=employer.town_id,
        zone_id=employer.zone_id,
        status=RowStatus.LINKED,
    )


class TestIntakeScope(ScopeSuite):
    """Source rows and batches are seen by the regulators of the place (never by employers,
    institutions or teams); a batch is seen wherever one of its rows is."""

    cases = [
        ScopeCase(SourceRow, make=_linked_row, visible=REGULATORS_ONLY, api="/api/v1/intake/rows/"),
        ScopeCase(
            SourceBatch,
            make=lambda world, employer: _linked_row(world, employer).batch,
            visible=REGULATORS_ONLY,
            page="/intake/batches/{obj.pk}/",
            api="/api/v1/intake/batches/",
        ),
    ]


def secrets_of(e: Enterprise) -> list[str]:
    """What the 渝北 uploader must never read about the 万州 employer (its district is checked
    field by field: pages list every district in their filters)."""
    return [e.name, e.address, "4321", "98765", "55555", e.industry.name]


def outcome(api, response) -> dict:
    """Uploads answer 202 with a job; the intake's outcome is the job's result."""
    assert response.status_code == 202, response.json()
    job = api.get(response.json()["status_url"]).json()
    assert job["status"] == "succeeded", job
    return job["result"]


def upload_guess(cast, wanzhou, name="重庆渝北猜测有限公司"):
    """The 渝北 officer uploads a registry list whose 渝北 row carries the 万州 employer's code."""
    api = bearer_client(cast["yubei"])
    content = xlsx_bytes(REGISTRY, [[wanzhou.uscc, name, "渝北区", 12, "渝北区某路1号"]])
    response = api.post(
        "/api/v1/intake/batches/",
        {"kind": SourceKind.REGISTRY, "file": SimpleUploadedFile("名录.xlsx", content)},
        format="multipart",
    )
    assert response.status_code == 202, response.json()  # the upload is a job; its result is the outcome
    job = api.get(response.json()["status_url"]).json()
    assert job["status"] == "succeeded", job
    return api, job["result"]


def assert_nothing_of(e: Enterprise, text: str) -> None:
    for secret in secrets_of(e):
        assert secret not in text, secret


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_row_with_another_districts_code_shows_the_uploader_nothing_of_that_employer_in_the_api(
    cast, wanzhou
):
    api, body = upload_guess(cast, wanzhou)
    assert_nothing_of(wanzhou, json.dumps(body, ensure_ascii=False))
    assert body["counts"]["referred"] == 1 and body["counts"]["uscc"] == 0
    rows = api.get(f"/api/v1/intake/rows/?batch={body['batch']}").json()["results"]
    text = json.dumps(rows, ensure_ascii=False)
    assert_nothing_of(wanzhou, text)
    (row,) = rows
    assert row["enterprise"] is None and row["enterprise_name"] is None and row["candidates"] == []
    assert row["link_score"] is None and "differences" not in row["data"]
    assert row["review_reason"] == OUTSIDE_REFERRED
    detail = api.get(f"/api/v1/intake/rows/{row['id']}/").json()
    assert detail["candidates"] == [] and detail["enterprise"] is None
    assert str(wanzhou.pk) not in json.dumps(detail["candidates"])
    # the uploader's review queue does not offer the row (it is decided by 万州 or the city)
    assert api.get("/api/v1/intake/review/").json()["count"] == 0
    assert api.post(f"/api/v1/intake/review/{row['id']}/link/", {"enterprise": wanzhou.pk}).status_code == 404


def test_the_batch_page_export_and_review_queue_show_the_uploader_nothing_of_that_employer(
    client, cast, wanzhou
):
    _api, body = upload_guess(cast, wanzhou)
    batch_id = body["batch"]
    login(client, cast["yubei"])
    page = client.get(f"/intake/batches/{batch_id}/").content.decode()
    assert_nothing_of(wanzhou, page)
    assert OUTSIDE_REFERRED in page
    export = client.get(f"/intake/batches/{batch_id}/?format=xlsx").content
    cells = CalamineWorkbook.from_filelike(io.BytesIO(export)).get_sheet_by_index(0).to_python()
    assert_nothing_of(wanzhou, json.dumps(cells, ensure_ascii=False, default=str))
    queue = client.get("/intake/review/").content.decode()
    assert_nothing_of(wanzhou, queue)
    queue_export = client.get("/intake/review/?format=xlsx").content
    cells = CalamineWorkbook.from_filelike(io.BytesIO(queue_export)).get_sheet_by_index(0).to_python()
    assert_nothing_of(wanzhou, json.dumps(cells, ensure_ascii=False, default=str))


def test_the_city_and_the_employers_district_see_the_referred_row_in_their_review_queue(
    client, cast, wanzhou
):
    _api, body = upload_guess(cast, wanzhou)
    row = SourceRow.objects.get(batch_id=body["batch"])
    assert row.status == RowStatus.REVIEW and row.referred_to_id == "500101"
    for who in ("city", "wanzhou"):
        queue = bearer_client(cast[who]).get("/api/v1/intake/review/").json()
        (item,) = queue["results"]
        assert item["id"] == row.pk and [c["id"] for c in item["candidate_details"]] == [wanzhou.pk]
        client.logout()
        login(client, cast[who])
        assert wanzhou.name in client.get("/intake/review/").content.decode()
    # 万州 decides: the row is linked; the uploader is told it was decided elsewhere, and nothing more
    row_link(user=cast["wanzhou"], row=row, enterprise=wanzhou)
    shown = bearer_client(cast["yubei"]).get(f"/api/v1/intake/rows/{row.pk}/").json()
    assert shown["status"] == RowStatus.LINKED and shown["enterprise"] is None
    assert shown["review_reason"] == OUTSIDE_DECIDED and shown["link_method"] == ""
    assert_nothing_of(wanzhou, json.dumps(shown, ensure_ascii=False))
    client.logout()
    login(client, cast["yubei"])
    assert_nothing_of(wanzhou, client.get(f"/intake/batches/{row.batch_id}/").content.decode())


def test_differences_are_not_computed_against_an_employer_the_linking_city_sees_and_the_uploader_does_not(
    cast, wanzhou
):
    """The city links the referred registry row: differences are stored for the city, hidden from 渝北."""
    _api, body = upload_guess(cast, wanzhou)
    row = SourceRow.objects.get(batch_id=body["batch"])
    row_link(user=cast["city"], row=row, enterprise=wanzhou)
    row.refresh_from_db()
    assert row.data["differences"]["address"] == [wanzhou.address, "渝北区某路1号"]
    city = bearer_client(cast["city"]).get(f"/api/v1/intake/rows/{row.pk}/").json()
    assert city["data"]["differences"] and city["enterprise"] == wanzhou.pk
    yubei = bearer_client(cast["yubei"]).get(f"/api/v1/intake/rows/{row.pk}/").json()
    assert "differences" not in yubei["data"]
    assert_nothing_of(wanzhou, json.dumps(yubei, ensure_ascii=False))


def test_a_list_of_guessed_codes_harvests_nothing(cast, wanzhou):
    others = [
        EnterpriseFactory(region=Region.objects.get(code="500101"), address=f"万州区某街{i}号")
        for i in range(5)
    ]
    codes = [wanzhou.uscc, *[e.uscc for e in others], make_uscc()]
    api = bearer_client(cast["yubei"])
    content = xlsx_bytes(
        REGISTRY, [[code, f"重庆猜测{i}有限公司", "渝北区", "", ""] for i, code in enumerate(codes)]
    )
    body = outcome(
        api,
        api.post(
            "/api/v1/intake/batches/",
            {
                "kind": SourceKind.REGISTRY,
                "valid_rows_only": True,
                "file": SimpleUploadedFile("猜.xlsx", content),
            },
            format="multipart",
        ),
    )
    rows = api.get(f"/api/v1/intake/rows/?batch={body['batch']}").json()["results"]
    text = json.dumps([body, rows], ensure_ascii=False)
    for e in [wanzhou, *others]:
        assert e.name not in text and e.address not in text and f'"enterprise": {e.pk}' not in text
    assert body["counts"]["referred"] == 6 and body["counts"]["created"] == 1
    assert all(r["enterprise"] is None and r["candidates"] == [] for r in rows[:6])


def test_a_row_referred_elsewhere_is_no_evidence_for_the_hazard_list_until_its_district_links_it(
    cast, wanzhou
):
    api = bearer_client(cast["yubei"])
    content = xlsx_bytes(
        ["用人单位名称", "统一社会信用代码", "所属区县", "来源", "发现日期"],
        [["重庆渝北举报甲公司", wanzhou.uscc, "渝北区", "有奖举报", YESTERDAY]],
    )
    body = outcome(
        api,
        api.post(
            "/api/v1/intake/batches/",
            {"kind": SourceKind.INSPECTION, "file": SimpleUploadedFile("线索.xlsx", content)},
            format="multipart",
        ),
    )
    assert wanzhou.pk not in _source_evidence(timezone.localdate())
    assert not SourceRow.objects.evidence().filter(enterprise=wanzhou).exists()
    row = SourceRow.objects.get(batch_id=body["batch"])
    row_link(user=cast["wanzhou"], row=row, enterprise=wanzhou)
    assert wanzhou.pk in _source_evidence(timezone.localdate())


def test_rows_in_another_district_and_their_candidates_stay_out_of_scope(cast, enterprises):
    """Row scope: district, referral, uploader; a 万州 candidate id on a 渝北 row is hidden."""
    batch = SourceBatchFactory(uploaded_by=cast["city"])
    mixed = SourceRowFactory(
        batch=batch,
        district_id="500112",
        candidates=[[enterprises["wanzhou"].pk, 0.9], [enterprises["yubei"].pk, 0.8]],
    )
    referred = SourceRowFactory(batch=batch, district_id="500112", referred_to_id="500101")
    elsewhere = SourceRowFactory(batch=batch, district_id="500104")
    assert set(SourceRow.objects.for_user(cast["wanzhou"])) == {referred}
    assert set(SourceRow.objects.for_user(cast["yubei"])) == {mixed, referred}
    assert elsewhere not in set(SourceRow.objects.for_user(cast["yubei"]))
    shown = bearer_client(cast["yubei"]).get(f"/api/v1/intake/rows/{mixed.pk}/").json()
    assert shown["candidates"] == [[enterprises["yubei"].pk, 0.8]]
    with pytest.raises(RuntimeError):
        rows_seen_by(cast["yubei"], [SourceRow.objects.get(pk=mixed.pk)])[0].save()


def test_a_district_sees_the_counts_of_its_own_rows_of_a_city_wide_batch(client, cast, enterprises):
    """Issue 6 item 12: counts over the rows the viewer may see (page, list, API)."""
    city = bearer_client(cast["city"])
    content = xlsx_bytes(
        ["用人单位名称", "所属区县", "体检日期"],
        [
            [enterprises["yubei"].name, "渝北区", YESTERDAY],
            ["重庆三峡船舶修造有限公司", "万州区", YESTERDAY],
            ["万州平湖纺织服装厂", "万州区", YESTERDAY],
        ],
    )
    body = outcome(
        city,
        city.post(
            "/api/v1/intake/batches/",
            {"kind": SourceKind.EXAM, "file": SimpleUploadedFile("体检.xlsx", content)},
            format="multipart",
        ),
    )
    batch_id = body["batch"]
    assert body["counts"]["rows"] == 3 and body["counts"]["created"] == 2
    yubei = bearer_client(cast["yubei"])
    counts = yubei.get(f"/api/v1/intake/batches/{batch_id}/").json()["counts"]
    assert counts["rows"] == 1 and counts["name_exact"] == 1 and counts["created"] == 0
    assert yubei.get("/api/v1/intake/batches/").json()["results"][0]["counts"]["rows"] == 1
    assert city.get(f"/api/v1/intake/batches/{batch_id}/").json()["counts"]["rows"] == 3
    login(client, cast["yubei"])
    page = client.get(f"/intake/batches/{batch_id}/")
    assert page.context["counts"]["rows"] == 1 and page.context["counts"]["created"] == 0
    listing = client.get("/intake/")
    assert [b.seen_counts["rows"] for b in listing.context["page"].object_list] == [1]
    export = client.get("/intake/?format=xlsx").content
    cells = CalamineWorkbook.from_filelike(io.BytesIO(export)).get_sheet_by_index(0).to_python()
    assert cells[1][8] == 1  # 行数


def test_filtering_rows_by_another_districts_employer_id_finds_nothing(cast, wanzhou):
    _api, body = upload_guess(cast, wanzhou)
    row = SourceRow.objects.get(batch_id=body["batch"])
    row_link(user=cast["wanzhou"], row=row, enterprise=wanzhou)
    assert (
        bearer_client(cast["yubei"]).get(f"/api/v1/intake/rows/?enterprise={wanzhou.pk}").json()["count"] == 0
    )
    assert (
        bearer_client(cast["wanzhou"]).get(f"/api/v1/intake/rows/?enterprise={wanzhou.pk}").json()["count"]
        == 1
    )


def test_links_made_across_districts_before_the_fix_are_referred_by_the_migration(cast, enterprises):
    migration = importlib.import_module("ohsteward.intake.migrations.0004_refer_out_of_scope_links")
    batch = SourceBatchFactory(uploaded_by=cast["yubei"], kind=SourceKind.INSPECTION)
    leaked = SourceRowFactory(
        batch=batch,
        status=RowStatus.LINKED,
        link_method="uscc",
        link_score=1.0,
        enterprise=enterprises["wanzhou"],
        data={"differences": {"address": ["甲", "乙"]}},
    )
    own = SourceRowFactory(
        batch=batch, status=RowStatus.LINKED, link_method="uscc", enterprise=enterprises["yubei"]
    )
    city = SourceRowFactory(
        batch=SourceBatchFactory(uploaded_by=cast["city"]),
        status=RowStatus.LINKED,
        link_method="uscc",
        enterprise=enterprises["wanzhou"],
    )
    assert SourceRow.objects.evidence().filter(pk=leaked.pk).exists()
    migration.refer(apps, None)
    leaked.refresh_from_db()
    assert (leaked.status, leaked.enterprise_id, leaked.referred_to_id) == (RowStatus.REVIEW, None, "500101")
    assert leaked.candidates == [[enterprises["wanzhou"].pk, 1.0]] and "differences" not in leaked.data
    assert not SourceRow.objects.evidence().filter(pk=leaked.pk).exists()
    own.refresh_from_db()
    city.refresh_from_db()
    assert own.status == city.status == RowStatus.LINKED


def test_the_api_exports_of_rows_and_batches_show_the_uploader_nothing_of_that_employer(cast, wanzhou):
    """Every list API gained ``export/`` (issue 7 item 3): the intake exports pass rows through the
    same filter as the pages, so a row the city linked to the 万州 employer shows 渝北 nothing of it."""
    api, body = upload_guess(cast, wanzhou)
    row = SourceRow.objects.get(batch_id=body["batch"])
    row_link(user=cast["city"], row=row, enterprise=wanzhou)
    for url in (f"/api/v1/intake/rows/export/?batch={row.batch_id}", "/api/v1/intake/batches/export/"):
        response = api.get(url)
        assert response.status_code == 200, url
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        text = json.dumps(book.get_sheet_by_index(0).to_python(), ensure_ascii=False, default=str)
        assert "重庆渝北猜测有限公司" in text or "名录.xlsx" in text
        assert_nothing_of(wanzhou, text)
    city = bearer_client(cast["city"]).get(f"/api/v1/intake/rows/export/?batch={row.batch_id}")
    assert wanzhou.name in json.dumps(
        CalamineWorkbook.from_filelike(io.BytesIO(city.content)).get_sheet_by_index(0).to_python(),
        ensure_ascii=False,
        default=str,
    )
