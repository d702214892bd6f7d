"""Import of a checklist version: template, dry run, Chinese row/column errors, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.supervision.importers import ChecklistImporter
from ohsteward.supervision.models import ChecklistVersion

pytestmark = pytest.mark.django_db
HEADERS = ["版本号", "名称", "章节", "编号", "自查内容", "分值", "否决项", "可引用记录", "已核对"]


def xlsx(rows) -> bytes:
    return write_xlsx([(h, h) for h in HEADERS], rows)


GOOD = [
    ["official-2022", "官方自查表", "责任制", "1.1", "设置管理机构", 60, "是", "", "是"],
    ["official-2022", "官方自查表", "申报", "2.1", "按时申报", 40, "否", "declaration", "是"],
]


def test_template_has_the_columns(cast):
    wb = openpyxl.load_workbook(io.BytesIO(ChecklistImporter().template(user=cast["city"])))
    assert [c.value for c in wb.worksheets[0][1]][:4] == ["版本号*", "名称*", "章节*", "编号*"]


def test_dry_run_writes_nothing_then_apply_creates_an_active_verified_version(cast):
    importer = ChecklistImporter()
    report = importer.run(user=cast["city"], filename="a.xlsx", content=xlsx(GOOD), dry_run=True)
    assert not report.errors and len(report.created) == 2
    assert not ChecklistVersion.objects.filter(code="official-2022").exists()
    report = importer.run(user=cast["city"], filename="a.xlsx", content=xlsx(GOOD), dry_run=False)
    assert report.applied
    version = ChecklistVersion.objects.get(code="official-2022")
    assert version.active and version.verified and version.items.filter(veto=True).count() == 1


def test_row_errors_name_row_and_column_and_nothing_is_written(cast):
    bad = [
        ["v2", "表", "责任制", "1.1", "设置管理机构", "六十", "也许", "", "否"],
        ["v2", "表", "申报", "1.1", "", 40, "否", "photos", "否"],
    ]
    report = ChecklistImporter().run(user=cast["city"], filename="b.xlsx", content=xlsx(bad), dry_run=False)
    messages = [str(e) for e in report.errors]
    assert "第2行 分值: 应为不小于0的数字，实际为“六十”" in messages
    assert any(m.startswith("第2行 否决项") for m in messages)
    assert any(m.startswith("第3行 编号: 与第2行重复") for m in messages)
    assert any(m.startswith("第3行 自查内容") for m in messages)
    assert any(m.startswith("第3行 可引用记录") for m in messages)
    assert not report.applied and not ChecklistVersion.objects.filter(code="v2").exists()


def test_the_training_hints_split_by_role_are_accepted(cast):
    rows = [
        ["v3", "表", "培训", "1", "负责人培训", 50, "否", "training_managers", "否"],
        ["v3", "表", "培训", "2", "劳动者培训", 50, "否", "training_workers", "否"],
    ]
    report = ChecklistImporter().run(user=cast["city"], filename="d.xlsx", content=xlsx(rows), dry_run=False)
    assert report.applied, report.errors
    hints = list(ChecklistVersion.objects.get(code="v3").items.values_list("evidence_hint", flat=True))
    assert hints == ["training_managers", "training_workers"]


def test_points_must_total_100(cast):
    rows = [r[:5] + [30] + r[6:] for r in GOOD]
    report = ChecklistImporter().run(user=cast["city"], filename="c.xlsx", content=xlsx(rows), dry_run=True)
    assert any("合计应为100分" in str(e) for e in report.errors)


def test_the_import_page_for_the_city_and_not_for_a_district(cast):
    c = Client()
    assert c.login(username="city", password=PASSWORD)
    assert c.get(reverse("supervision:checklist_import_template")).status_code == 200
    preview = c.post(
        reverse("supervision:checklist_import"), {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD))}
    )
    assert preview.status_code == 200
    assert not ChecklistVersion.objects.filter(code="official-2022").exists()
    c.post(reverse("supervision:checklist_import_confirm", args=[preview.context["token"]]))
    assert ChecklistVersion.objects.filter(code="official-2022", active=True).exists()
    d = Client()
    assert d.login(username="yubei", password=PASSWORD)
    assert d.get(reverse("supervision:checklist_import")).status_code == 403
