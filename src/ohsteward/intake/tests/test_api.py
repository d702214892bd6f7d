"""API: upload a batch, list and detail, rejected rows, the review queue and its decisions, merge."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ohsteward.api.testing import bearer_client
from ohsteward.core.tests import hostile
from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.models import SourceRow
from ohsteward.intake.tests.factories import SourceRowFactory, xlsx_bytes
from ohsteward.registry.models import Enterprise

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _job_result(api, response) -> dict:
    """Uploads answer 202 with the job; the intake's outcome is the job's result."""
    assert response.status_code == 202, response.json()
    job = api.get(response.json()["status_url"]).json()
    assert job["status"] == "succeeded", job
    return job["result"]


def test_upload_list_detail_and_duplicate(cast, enterprises):
    api = bearer_client(cast["cdc"])
    content = xlsx_bytes(
        ["用人单位名称", "所属区县", "体检日期", "危害因素"],
        [
            [enterprises["yubei"].name, "渝北区", YESTERDAY, "噪声(3)"],
            ["重庆接口新建有限公司", "万州区", YESTERDAY, "苯"],
        ],
    )
    response = api.post(
        "/api/v1/intake/batches/",
        {"kind": SourceKind.EXAM, "department": "市职防院", "file": SimpleUploadedFile("exam.xlsx", content)},
        format="multipart",
    )
    body = _job_result(api, response)
    assert body["counts"]["name_exact"] == 1 and body["counts"]["created"] == 1 and not body["duplicate"]
    batch_id = body["batch"]
    listing = api.get("/api/v1/intake/batches/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == batch_id
    assert api.get(f"/api/v1/intake/batches/{batch_id}/").json()["counts"]["rows"] == 2
    rows = api.get(f"/api/v1/intake/rows/?batch={batch_id}").json()["results"]
    assert [r["status"] for r in rows] == ["linked", "created"]
    again = api.post(
        "/api/v1/intake/batches/",
        {"kind": SourceKind.EXAM, "file": SimpleUploadedFile("e.xlsx", content)},
        format="multipart",
    )
    assert _job_result(api, again)["duplicate"]
    # the 渝北 officer sees the batch (a row in 渝北) but only the 渝北 row
    yubei = bearer_client(cast["yubei"])
    assert [r["name"] for r in yubei.get(f"/api/v1/intake/rows/?batch={batch_id}").json()["results"]] == [
        enterprises["yubei"].name
    ]


def test_upload_errors_and_rejected_rows(cast, enterprises):
    api = bearer_client(cast["yubei"])
    content = xlsx_bytes(["用人单位名称", "所属区县", "体检日期"], [["重庆甲公司", "万州区", YESTERDAY]])
    response = api.post(
        "/api/v1/intake/batches/",
        {"kind": "exam", "file": SimpleUploadedFile("x.xlsx", content)},
        format="multipart",
    )
    body = _job_result(api, response)
    assert body["refused"] and body["errors"] == ["第2行 所属区县: “万州区”不在您的管辖范围内"]
    rejected = api.get(f"/api/v1/intake/batches/{body['batch']}/rejected/")
    assert rejected.status_code == 200 and rejected["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    bad = api.post(
        "/api/v1/intake/batches/",
        {"kind": "exam", "file": SimpleUploadedFile("x.txt", b"abc")},
        format="multipart",
    )
    assert bad.status_code == 400 and "不支持的文件类型" in bad.json()["file"][0]


def test_review_queue_and_decisions(cast, enterprises):
    api = bearer_client(cast["yubei"])
    e = enterprises["yubei"]
    a = SourceRowFactory(candidates=[[e.pk, 0.85]])
    b = SourceRowFactory()
    c = SourceRowFactory()
    SourceRowFactory(district_id="500101")  # another district: not in the officer's queue
    queue = api.get("/api/v1/intake/review/").json()
    assert queue["count"] == 3
    first = next(r for r in queue["results"] if r["id"] == a.pk)
    assert first["candidate_details"] == [
        {"id": e.pk, "name": e.name, "uscc": e.uscc, "region": "渝北区", "score": 0.85}
    ]
    linked = api.post(f"/api/v1/intake/review/{a.pk}/link/", {"enterprise": e.pk}, format="json")
    assert linked.status_code == 200 and linked.json()["status"] == "linked"
    created = api.post(f"/api/v1/intake/review/{b.pk}/create-enterprise/", {}, format="json")
    assert created.json()["status"] == "created"
    rejected = api.post(f"/api/v1/intake/review/{c.pk}/reject/", {"reason": "重复"}, format="json")
    assert rejected.json()["error"] == "人工驳回：重复"
    assert (
        api.post(f"/api/v1/intake/review/{c.pk}/reject/", {}, format="json").status_code == 404
    )  # left the queue
    unlinked = api.post(f"/api/v1/intake/rows/{a.pk}/unlink/", format="json")
    assert unlinked.json()["status"] == RowStatus.REVIEW
    other = api.post(
        f"/api/v1/intake/review/{a.pk}/link/", {"enterprise": enterprises["wanzhou"].pk}, format="json"
    )
    assert other.status_code == 404


def test_roles_without_permission(cast):
    assert bearer_client(cast["institution"]).get("/api/v1/intake/review/").status_code == 403
    assert bearer_client(cast["manager"]).get("/api/v1/intake/batches/").status_code == 403


def test_merge(cast, enterprises):
    api = bearer_client(cast["city"])
    keep, dup = enterprises["yubei"], enterprises["yubei2"]
    SourceRowFactory(enterprise=dup, status=RowStatus.LINKED)
    response = api.post("/api/v1/intake/merge/", {"keep": keep.pk, "merge": dup.pk}, format="json")
    assert response.status_code == 200 and response.json()["moved"]["intake.sourcerow"] == 1
    assert not Enterprise.objects.filter(pk=dup.pk).exists()
    assert SourceRow.objects.get().enterprise == keep
    yubei = bearer_client(cast["yubei"])
    assert (
        yubei.post(
            "/api/v1/intake/merge/", {"keep": keep.pk, "merge": enterprises["wanzhou"].pk}, format="json"
        ).status_code
        == 404
    )


def test_upload_refuses_a_sheet_whose_range_would_exhaust_memory(cast):
    api = bearer_client(cast["cdc"])
    content = hostile.far_cell_xlsx(["用人单位名称", "所属区县", "体检日期", "危害因素"], [])
    response = api.post(
        "/api/v1/intake/batches/",
        {"kind": "exam", "file": SimpleUploadedFile("x.xlsx", content)},
        format="multipart",
    )
    assert response.status_code == 400 and "范围过大" in response.json()["file"][0]


def test_every_intake_list_api_exports_with_the_same_filters(cast, enterprises):
    """``export/`` beside each list (batches, rows, review queue), filtered like the list and
    written by the same Table as the pages."""
    exam = SourceRowFactory(name="接口导出甲", batch__kind=SourceKind.EXAM).batch
    SourceRowFactory(name="接口导出乙", batch=exam, status=RowStatus.LINKED, enterprise=enterprises["yubei"])
    SourceRowFactory(name="接口登记丙", batch__kind=SourceKind.REGISTRY)
    SourceRowFactory(name="接口万州丁", district_id="500101")
    api = bearer_client(cast["yubei"])

    def names(url, column=1):
        response = api.get(url)
        assert response.status_code == 200, url
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
        return sorted(r[column] for r in rows[1:])

    listed = api.get("/api/v1/intake/batches/?kind=exam").json()["results"]
    assert names("/api/v1/intake/batches/export/?kind=exam", column=0) == [b["id"] for b in listed]
    assert names(f"/api/v1/intake/rows/export/?batch={exam.pk}&status=linked") == ["接口导出乙"]
    assert names("/api/v1/intake/review/export/?kind=exam") == ["接口导出甲"]
    assert names("/api/v1/intake/review/export/") == ["接口导出甲", "接口登记丙"]  # not 万州's row
    assert api.get("/api/v1/intake/batches/export/?status=nonsense").status_code == 400
