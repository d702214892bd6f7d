"""The import pages and the API's import and filters of the other departments' lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from ohsteward.accounts.testing import PASSWORD
from ohsteward.interdept.models import InsuranceRecord
from ohsteward.interdept.tests.test_import import INSURANCE, xlsx

pytestmark = pytest.mark.django_db


def _web(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_the_import_page_previews_then_imports_and_offers_the_template(cast, enterprises):
    web = _web("yubei")
    assert web.get("/lists/insurance/import/template/").content[:2] == b"PK"
    content = xlsx(INSURANCE, [[enterprises["yubei"].uscc, "", "", 2024, "", 8, "", "人社", "2025-01-05"]])
    preview = web.post("/lists/insurance/import/", {"file": SimpleUploadedFile("参保.xlsx", content)})
    assert preview.status_code == 200 and "试导入" in preview.content.decode()
    assert not InsuranceRecord.objects.exists()
    token = preview.context["token"]
    done = web.post(f"/lists/insurance/import/{token}/confirm/")
    assert done.status_code in (200, 302) and InsuranceRecord.objects.get().insured == 8
    assert "导入名单" in web.get("/lists/insurance/").content.decode()
    assert (
        "导入名单" not in _web("manager").get("/lists/insurance/").content.decode()
    )  # readers do not import
    assert _web("manager").get("/lists/insurance/import/").status_code == 403


def test_the_api_imports_with_a_dry_run_and_answers_the_row_errors(cast, enterprises):
    api = APIClient()
    api.force_authenticate(cast["yubei"])
    content = xlsx(INSURANCE, [
        [enterprises["yubei"].uscc, "", "", 2024, "", 8, "", "人社", "2025-01-05"],
        [enterprises["wanzhou"].uscc, "", "", 2024, "", 8, "", "人社", "2025-01-05"],
    ])  # fmt: skip
    r = api.post(
        "/api/v1/work-injury-insurance/import/",
        {"file": SimpleUploadedFile("a.xlsx", content)},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["applied"] is False and body["created"] == 1
    assert body["errors"] == [{"row": 3, "column": "统一社会信用代码",
                               "message": "没有该统一社会信用代码的用人单位，或不在您的管辖范围内"}]  # fmt: skip
    r = api.post(
        "/api/v1/work-injury-insurance/import/",
        {"file": SimpleUploadedFile("a.xlsx", content), "dry_run": "false", "partial": "true"},
        format="multipart",
    )
    assert r.json()["applied"] is True
    rows = api.get("/api/v1/work-injury-insurance/", {"year": 2024}).json()["results"]
    assert [(x["enterprise"], x["insured"], x["source"]) for x in rows] == [
        (enterprises["yubei"].uscc, 8, "人社")
    ]
    manager = APIClient()
    manager.force_authenticate(cast["manager"])
    assert manager.post("/api/v1/work-injury-insurance/import/", {"file": SimpleUploadedFile("a.xlsx", content)},
                        format="multipart").status_code == 403  # fmt: skip
