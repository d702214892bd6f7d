"""The roster import: template, dry run, Chinese row/column errors, no full ID number anywhere
in the report or the errors file, one identity across employers, the CLI."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.surveillance.importers import WorkerImporter
from ohsteward.surveillance.models import Person, Worker
from ohsteward.surveillance.tests.factories import make_id_number, make_post

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "姓名", "身份证号", "联系电话", "用工形式", "入职日期", "车间", "岗位"]


def xlsx(rows) -> bytes:
    return write_xlsx([(h, h) for h in HEADERS], rows)


def test_the_template_has_the_required_columns_marked(cast):
    wb = openpyxl.load_workbook(io.BytesIO(WorkerImporter().template(user=cast["manager"])))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["统一社会信用代码*", "姓名*", "身份证号*"]
    assert "入职日期*" in headers


def test_dry_run_writes_nothing_and_apply_creates_workers_with_their_post(cast, enterprises):
    e = enterprises["yubei"]
    make_post(e, "3008", workplace="冲压车间", name="冲压工")
    rows = [
        [e.uscc, "张一", make_id_number(), "13900000001", "劳务派遣", "2023-05-01", "冲压车间", "冲压工"],
        [e.uscc, "张二", make_id_number(), "", "", "2023-06-01", "", ""],
    ]
    report = WorkerImporter().run(user=cast["manager"], filename="r.xlsx", content=xlsx(rows), dry_run=True)
    assert report.errors == [] and len(report.created) == 2
    assert not Worker.objects.exists()
    report = WorkerImporter().run(user=cast["manager"], filename="r.xlsx", content=xlsx(rows), dry_run=False)
    assert report.applied
    first = Worker.objects.get(name="张一")
    assert first.employment_type == "dispatch"
    assert first.posts.get().post.name == "冲压工"
    assert first.next_exam_kind == "pre"  # exposed to noise, never examined
    assert Worker.objects.get(name="张二").next_exam_due is None  # no exposure recorded


def test_row_errors_name_row_and_column_in_chinese_and_never_the_number(cast, enterprises):
    e = enterprises["yubei"]
    good = make_id_number()
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    rows = [
        [e.uscc, "错一", bad, "", "", "2023-05-01", "", ""],
        [e.uscc, "错二", make_id_number(), "", "合同工", "2023-05-01", "", ""],
        [e.uscc, "错三", make_id_number(), "", "", "2023-05-01", "无此车间", "无此岗位"],
        [enterprises["yubei2"].uscc, "错四", make_id_number(), "", "", "2023-05-01", "", ""],
        [e.uscc, "对五", make_id_number(), "", "", "2023-05-01", "", ""],
    ]
    report = WorkerImporter().run(user=cast["manager"], filename="r.xlsx", content=xlsx(rows), dry_run=False)
    messages = [str(err) for err in report.errors]
    assert messages[0].startswith("第2行 身份证号: 身份证号校验位错误，应为")
    assert messages[1].startswith("第3行 用工形式: 应为劳动合同、劳务派遣")
    assert messages[2] == "第4行 岗位: 该单位未登记车间“无此车间”的岗位“无此岗位”"
    assert messages[3] == "第5行 统一社会信用代码: 未登记的用人单位或不在您的管辖范围内"
    assert not report.applied and not Worker.objects.exists()  # all or nothing by default
    errors_file = openpyxl.load_workbook(io.BytesIO(report.errors_xlsx())).active
    text = " ".join(str(c) for row in errors_file.iter_rows(values_only=True) for c in row if c is not None)
    assert bad not in text and bad[:6] + "********" + bad[-4:] in text
    for row in rows:
        assert row[2] not in " ".join(messages)


def test_the_same_number_at_a_second_employer_is_the_same_person(cast, enterprises):
    number = make_id_number()
    for e in (enterprises["yubei"], enterprises["yubei2"]):
        content = xlsx([[e.uscc, "调动工", number, "", "", "2023-05-01", "", ""]])
        assert (
            WorkerImporter()
            .run(user=cast["yubei"], filename="r.xlsx", content=content, dry_run=False)
            .applied
        )
    assert Worker.objects.count() == 2 and Person.objects.count() == 1


def test_reimporting_the_same_row_updates_nothing(cast, enterprises):
    e = enterprises["yubei"]
    content = xlsx([[e.uscc, "重复工", make_id_number(), "139", "", "2023-05-01", "", ""]])
    WorkerImporter().run(user=cast["manager"], filename="r.xlsx", content=content, dry_run=False)
    report = WorkerImporter().run(user=cast["manager"], filename="r.xlsx", content=content, dry_run=False)
    assert (len(report.created), len(report.updated), report.unchanged) == (0, 0, 1)


def test_the_cli_import_with_dry_run(cast, enterprises, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        xlsx([[enterprises["yubei"].uscc, "命令行工", make_id_number(), "", "", "2023-05-01", "", ""]])
    )
    call_command("import_workers", str(path), "--dry-run")
    assert "将新增1人" in capsys.readouterr().out
    assert not Worker.objects.exists()
    call_command("import_workers", str(path))
    assert Worker.objects.filter(name="命令行工").exists()


def test_the_upload_page_previews_with_masked_numbers(cast, enterprises):
    number = make_id_number()
    client = Client()
    client.login(username="manager", password=PASSWORD)
    upload = io.BytesIO(xlsx([[enterprises["yubei"].uscc, "页面工", number, "", "", "2023-05-01", "", ""]]))
    upload.name = "roster.xlsx"
    response = client.post("/surveillance/workers/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "页面工" in page and number not in page and number[:6] + "********" + number[-4:] in page
