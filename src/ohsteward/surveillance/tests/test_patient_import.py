"""Pneumoconiosis patients imported from the CDC system (issue 12 item 6): template, dry run, rows
matched to the worker's identity by the keyed hash, errors naming row and column in Chinese, the
ID number masked everywhere, the upload page in the patients area, the CLI, the audit trail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.surveillance.exams.models import PneumoconiosisPatient
from ohsteward.surveillance.exams.patient_importer import PatientImporter
from ohsteward.surveillance.tests.exam_helpers import TODAY, make_worker, set_today
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db
D = dt.date
HEADS = ["身份证号", "姓名", "职业病名称", "期别", "诊断日期", "居住区县", "居住乡镇/街道", "状态"]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def _file(rows) -> bytes:
    return write_xlsx([(h, h) for h in HEADS], rows)


def test_a_cdc_row_joins_the_workers_identity_after_a_dry_run(cast, enterprises):
    worker = make_worker(enterprises["yubei"], name="尘肺工")
    content = _file([[worker.id_number, "尘肺工", "矽肺", "贰期", "2024-06-18", "渝北区", "双龙湖街道", ""]])
    preview = PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=content, dry_run=True)
    assert not preview.errors and len(preview.created) == 1 and not PneumoconiosisPatient.objects.exists()
    assert worker.id_number not in " ".join(preview.created)
    done = PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=content, dry_run=False)
    assert done.applied
    patient = PneumoconiosisPatient.objects.get()
    assert patient.person_id == worker.person_id  # matched on the keyed hash, not a second identity
    assert (patient.source, patient.stage, patient.town_id) == ("import", "贰期", "500112002")
    assert patient.next_follow_up is not None


def test_a_second_import_updates_the_registered_patient(cast):
    number = make_id_number(D(1960, 3, 1))
    first = _file([[number, "老矿工", "煤工尘肺", "壹期", "2020-05-01", "500112", "", "存活"]])
    PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=first, dry_run=False)
    again = _file([[number, "老矿工", "煤工尘肺", "叁期", "2020-05-01", "500112", "", "死亡"]])
    report = PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=again, dry_run=False)
    assert (len(report.created), len(report.updated)) == (0, 1)
    patient = PneumoconiosisPatient.objects.get()
    assert (patient.stage, patient.status, patient.next_follow_up) == ("叁期", "deceased", None)
    same = PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=again, dry_run=False)
    assert same.unchanged == 1


def test_bad_rows_name_row_and_column_in_chinese_and_never_the_number(cast):
    good = make_id_number(D(1970, 1, 1))
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        [good, "甲", "矽肺", "贰期", "2024-06-18", "渝北区", "", ""],
        [wrong_check, "乙", "矽肺", "", "2024-06-18", "渝北区", "", ""],
        [make_id_number(D(1971, 1, 1)), "丙", "噪声聋", "", "2024-06-18", "渝北区", "", ""],
        [make_id_number(D(1972, 1, 1)), "丁", "矽肺", "肆期", "2024-06-18", "渝北区", "", ""],
        [make_id_number(D(1973, 1, 1)), "戊", "矽肺", "", "2024-06-18", "渝北区", "不存在街道", ""],
        [make_id_number(D(1974, 1, 1)), "己", "矽肺", "", "2099-01-01", "渝北区", "", ""],
    ]
    report = PatientImporter().run(user=cast["cdc"], filename="p.xlsx", content=_file(rows), dry_run=False)
    assert not report.applied and not PneumoconiosisPatient.objects.exists()  # all or nothing
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("第3行 身份证号") and "校验位" in m for m in messages)
    assert any(m.startswith("第4行 职业病名称") and "不是尘肺病" in m for m in messages)
    assert any(m.startswith("第5行 期别") for m in messages)
    assert any(m.startswith("第6行 居住乡镇/街道") for m in messages)
    assert any(m.startswith("第7行 诊断日期") for m in messages)
    assert not any(m.startswith("第2行") for m in messages)
    assert all(good not in m and wrong_check not in m for m in messages)
    assert good.encode() not in report.errors_xlsx() and wrong_check.encode() not in report.errors_xlsx()


def test_a_district_imports_only_patients_living_in_it(cast):
    content = _file([[make_id_number(D(1965, 1, 1)), "甲", "矽肺", "", "2024-06-18", "万州区", "", ""]])
    report = PatientImporter().run(user=cast["yubei"], filename="p.xlsx", content=content, dry_run=False)
    assert [str(e) for e in report.errors] == ["第2行: 只能登记本辖区居住的患者"]


def test_the_upload_page_in_the_patients_area_previews_confirms_and_audits(client, cast):
    number = make_id_number(D(1962, 2, 2))
    client.force_login(cast["cdc"])
    assert "导入疾控系统患者" in client.get("/surveillance/pneumoconiosis/").content.decode()
    template = client.get("/surveillance/pneumoconiosis/import/template/")
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value.startswith("身份证号")
    content = _file([[number, "页面导入", "矽肺", "壹期", "2023-01-05", "渝北区", "", ""]])
    preview = client.post(
        "/surveillance/pneumoconiosis/import/", {"file": SimpleUploadedFile("患者.xlsx", content)}
    ).content.decode()
    assert 'id="n-created">1<' in preview and number not in preview
    token = preview.split("/surveillance/pneumoconiosis/import/")[1].split("/confirm/")[0]
    client.post(f"/surveillance/pneumoconiosis/import/{token}/confirm/")
    patient = PneumoconiosisPatient.objects.get()
    entry = AuditLog.objects.filter(content_type__model="pneumoconiosispatient").get()
    assert entry.user == cast["cdc"] and entry.object_id == str(patient.pk)
    trail = " ".join(str(e.changes) + e.object_repr for e in AuditLog.objects.all())
    assert number not in trail


def test_the_cli_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "患者.xlsx"
    path.write_bytes(
        _file([[make_id_number(D(1961, 1, 1)), "命令行", "矽肺", "", "2022-01-01", "渝北区", "", ""]])
    )
    call_command("import_patients", str(path), "--dry-run")
    assert "将新增1人" in capsys.readouterr().out and not PneumoconiosisPatient.objects.exists()
    call_command("import_patients", str(path))
    assert PneumoconiosisPatient.objects.get().person.name == "命令行"
