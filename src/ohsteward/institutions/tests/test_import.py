"""The register's .xlsx import: template, dry run, row/column errors in Chinese, upsert."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.institutions import actions
from ohsteward.institutions.importers import (
    COLUMNS,
    QC_COLUMNS,
    RESULT_COLUMNS,
    institution_import,
    institution_import_template,
    proficiency_result_import,
    qc_result_import,
)
from ohsteward.institutions.models import Institution, ProficiencyResult, QcInspection, Qualification
from ohsteward.institutions.tests.factories import InstitutionFactory, uscc

pytestmark = pytest.mark.django_db


def _file(rows: list[dict]) -> bytes:
    columns = [(c.key, c.header) for c in COLUMNS]
    return write_xlsx(columns, ([r.get(c.key, "") for c in COLUMNS] for r in rows))


GOOD = {
    "uscc": uscc(601),
    "name": "重庆丁职业卫生技术服务有限公司",
    "kinds": "职业卫生技术服务机构",
    "region": "渝北区",
    "q_kind": "资质证书",
    "q_number": "渝卫职技字(2024)01",
    "q_scope": "粉尘、噪声",
    "q_issued_on": "2024-01-01",
    "q_valid_until": "2029-01-01",
}


def test_the_template_has_every_column_and_the_kinds_in_its_notes():
    wb = openpyxl.load_workbook(io.BytesIO(institution_import_template()))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[0] == "统一社会信用代码*" and "有效期至" in headers
    notes = " ".join(str(r[0].value) for r in wb["填写说明"].iter_rows())
    assert "尘肺病康复站" in notes


def test_a_dry_run_reports_but_saves_nothing(cast):
    report = institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([GOOD]), dry_run=True)
    assert len(report.created) == 1 and not report.errors
    assert not Institution.objects.exists()


def test_errors_name_the_row_and_the_column_in_chinese(cast):
    bad_dates = {**GOOD, "uscc": uscc(602), "q_issued_on": "2025-01-01", "q_valid_until": "2024-01-01"}
    bad_kind = {**GOOD, "uscc": uscc(603), "kinds": "检测所"}
    local_qc = {**GOOD, "uscc": uscc(604), "qc_number": "CQ1", "qc_issued_on": "2025-01-01"}
    report = institution_import(
        user=cast["cdc"],
        filename="a.xlsx",
        content=_file([GOOD, bad_dates, bad_kind, local_qc]),
        dry_run=False,
    )
    messages = [str(e) for e in report.errors]
    assert "第3行 有效期至: 有效期至不能早于发证（备案）日期" in messages
    assert any(m.startswith("第4行 机构类别: 无法识别的机构类别“检测所”") for m in messages)
    assert "第5行 质量控制号: 本市机构无需领取质量控制号，仅外省来渝机构填写" in messages
    assert not report.applied and not Institution.objects.exists()  # all or nothing


def test_apply_upserts_and_a_second_qualification_row_adds_one(cast):
    second = {**GOOD, "q_kind": "备案", "q_number": "渝检备2"}
    report = institution_import(
        user=cast["cdc"], filename="a.xlsx", content=_file([GOOD, second]), dry_run=False
    )
    assert report.applied and not report.errors
    inst = Institution.objects.get()
    assert Qualification.objects.filter(institution=inst).count() == 2
    again = institution_import(
        user=cast["cdc"], filename="a.xlsx", content=_file([GOOD, second]), dry_run=False
    )
    assert not again.created and not again.updated and Qualification.objects.count() == 2


def test_a_reused_qc_number_is_a_row_error(cast):
    InstitutionFactory(province="四川省", region=None, qc_number="CQZK-5", qc_issued_on="2026-01-01")
    row = {**GOOD, "province": "湖南省", "region": "", "qc_number": "CQZK-5", "qc_issued_on": "2026-02-01"}
    report = institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([row]), dry_run=True)
    assert [str(e) for e in report.errors] == ["第2行 质量控制号: 该质量控制号已被其他机构使用"]


def test_districts_cannot_import(cast):
    report = institution_import(user=cast["yubei"], filename="a.xlsx", content=_file([GOOD]), dry_run=False)
    assert report.errors and not Institution.objects.exists()


def test_the_import_pages_run_the_dry_run(client, cast):
    client.force_login(cast["cdc"])
    assert client.get(reverse("institutions:import_template")).status_code == 200
    upload = io.BytesIO(_file([GOOD]))
    upload.name = "机构.xlsx"
    response = client.post(reverse("institutions:institution_import"), {"file": upload})
    assert response.status_code == 200 and "试导入" in response.content.decode()
    assert not Institution.objects.exists()


def test_an_update_row_changes_the_given_cells_and_keeps_the_empty_ones(cast):
    inst = InstitutionFactory(uscc=GOOD["uscc"], name="旧名称", address="旧地址")
    row = {"uscc": GOOD["uscc"], "name": "新名称", "kinds": "职业卫生技术服务机构"}
    report = institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([row]), dry_run=False)
    assert report.applied and len(report.updated) == 1
    inst.refresh_from_db()
    assert (inst.name, inst.address) == ("新名称", "旧地址")


def _results_file(rows: list[dict]) -> bytes:
    columns = [(c.key, c.header) for c in RESULT_COLUMNS]
    return write_xlsx(columns, ([r.get(c.key, "") for c in RESULT_COLUMNS] for r in rows))


def test_proficiency_results_import_refuses_institutions_not_in_the_round(cast):
    a, b = InstitutionFactory(), InstitutionFactory()
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "噪声"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[a])
    kind = "噪声检测与评价能力验证"
    rows = [
        {"year": 2026, "kind": kind, "uscc": a.uscc, "z_score": "2.4"},
        {"year": 2026, "kind": kind, "uscc": b.uscc, "outcome": "满意"},
        {"year": 2025, "kind": kind, "uscc": a.uscc, "outcome": "满意"},
        {"year": 2026, "kind": kind, "uscc": a.uscc, "outcome": "优秀"},
    ]
    report = proficiency_result_import(
        user=cast["cdc"], filename="r.xlsx", content=_results_file(rows), dry_run=False
    )
    assert [str(e) for e in report.errors] == [
        f"第3行 统一社会信用代码: {actions.NOT_IN_ROUND}",
        "第4行 类别: 该年度没有此类别的轮次",
        "第5行 结果: 应为：满意 / 可疑 / 不满意",
    ]
    assert not report.applied and not ProficiencyResult.objects.exclude(outcome="").exists()
    report = proficiency_result_import(
        user=cast["cdc"], filename="r.xlsx", content=_results_file(rows), dry_run=False, all_or_nothing=False
    )
    assert report.applied and ProficiencyResult.objects.get(institution=a).outcome == "questionable"


def test_the_results_import_page_offers_its_template(client, cast):
    client.force_login(cast["cdc"])
    assert client.get(reverse("institutions:proficiency_import_template")).status_code == 200
    assert "导入结果" in client.get(reverse("institutions:proficiencyresult_list")).content.decode()
    client.force_login(cast["institution"])
    assert client.get(reverse("institutions:proficiency_import")).status_code == 403


def _qc_file(rows: list[dict]) -> bytes:
    columns = [(c.key, c.header) for c in QC_COLUMNS]
    return write_xlsx(columns, ([r.get(c.key, "") for c in QC_COLUMNS] for r in rows))


def test_qc_results_import_records_planned_inspections_and_names_bad_cells(cast):
    a, b = InstitutionFactory(), InstitutionFactory()
    actions.qcinspection_add(user=cast["cdc"], institution=a, year=2025)
    rows = [
        {
            "year": 2025,
            "uscc": a.uscc,
            "inspected_on": "2025-04-01",
            "score": "78.5",
            "result": "不合格",
            "findings": "记录不全",
            "items": "体系文件；原始记录",
        },
        {"year": 2025, "uscc": b.uscc, "inspected_on": "2025-04-01", "score": "90", "result": "合格"},
        {"year": 2025, "uscc": a.uscc, "inspected_on": "2025-04-01", "score": "120", "result": "良好"},
    ]
    report = qc_result_import(user=cast["cdc"], filename="q.xlsx", content=_qc_file(rows), dry_run=True)
    assert [str(e) for e in report.errors] == [
        "第3行 统一社会信用代码: 该机构本年度没有质控检查记录，请先列入质控计划",
        "第4行 评分: 评分应为 0 到 100 之间的数字，实际为“120”",
        "第4行 结论: 应为：合格 / 不合格",
    ]
    report = qc_result_import(user=cast["cdc"], filename="q.xlsx", content=_qc_file(rows[:1]), dry_run=False)
    assert report.applied
    inspection = QcInspection.objects.get(institution=a)
    assert (inspection.status, inspection.result, str(inspection.score)) == ("recorded", "fail", "78.5")
    assert inspection.items == "体系文件\n原始记录"
    missing_findings = {**rows[0], "findings": ""}
    report = qc_result_import(
        user=cast["cdc"], filename="q.xlsx", content=_qc_file([missing_findings]), dry_run=True
    )
    assert [str(e) for e in report.errors] == ["第2行 发现的问题: 结论为不合格时请填写发现的问题"]


def test_the_guidance_duty_column_takes_yes_or_no_and_an_empty_cell_keeps_it(cast):
    duty = {**GOOD, "guidance_duty": "是"}
    wrong = {**GOOD, "uscc": uscc(611), "guidance_duty": "可能"}
    report = institution_import(
        user=cast["cdc"], filename="a.xlsx", content=_file([duty, wrong]), dry_run=True
    )
    assert [str(e) for e in report.errors] == ["第3行 承担技术指导任务: 应为：是 / 否"]
    institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([duty]), dry_run=False)
    assert Institution.objects.get(uscc=GOOD["uscc"]).guidance_duty is True
    institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([GOOD]), dry_run=False)
    assert Institution.objects.get(uscc=GOOD["uscc"]).guidance_duty is True  # empty cell: kept
    institution_import(
        user=cast["cdc"], filename="a.xlsx", content=_file([{**GOOD, "guidance_duty": "否"}]), dry_run=False
    )
    assert Institution.objects.get(uscc=GOOD["uscc"]).guidance_duty is False


def test_the_public_and_grade_a_columns_take_yes_or_no(cast):
    marked = {**GOOD, "public": "是", "primary_grade_a": "否"}
    wrong = {**GOOD, "uscc": uscc(612), "primary_grade_a": "甲级"}
    report = institution_import(
        user=cast["cdc"], filename="a.xlsx", content=_file([marked, wrong]), dry_run=True
    )
    assert [str(e) for e in report.errors] == ["第3行 甲级基层医疗卫生机构: 应为：是 / 否"]
    institution_import(user=cast["cdc"], filename="a.xlsx", content=_file([marked]), dry_run=False)
    saved = Institution.objects.get(uscc=GOOD["uscc"])
    assert (saved.public, saved.primary_grade_a) == (True, False)
