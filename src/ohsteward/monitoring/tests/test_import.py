"""Import of measurements: the template, a lab export with title rows, one row per sample, row and
column errors in Chinese, dry run, and a second import of the same file changing nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.models import DetectionReport, Measurement

pytestmark = pytest.mark.django_db

HEAD = ["报告编号", "报告类型", "用人单位统一社会信用代码", "采样日期", "车间", "岗位", "危害因素",
        "检测值", "采样时长(min)", "检出限", "L_EX,8h(dB(A))"]  # fmt: skip


def xlsx(rows, title_rows=()):
    wb = Workbook()
    ws = wb.active
    for r in title_rows:
        ws.append(r)
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows(uscc):
    return [
        ["R-1", "定期检测", uscc, "2026-03-10", "喷漆车间", "喷漆工", "苯", 4, 240, None, None],
        ["R-1", "定期检测", uscc, "2026-03-10", "喷漆车间", "喷漆工", "苯", 5, 240, None, None],
        ["R-1", "定期检测", uscc, "2026-03-10", "冲压车间", "冲压工", "噪声", None, None, None, 88.2],
        ["R-1", "定期检测", uscc, "2026-03-10", "调漆间", "调漆工", "甲苯", "<LOD", 480, 0.5, None],
    ]


def test_the_template_has_the_chinese_headers():
    sheet = load_workbook(io.BytesIO(MeasurementImporter().template())).active
    headers = [c.value for c in sheet[1]]
    assert "报告编号*" in headers and "危害因素*" in headers and "检出限" in headers


def test_a_lab_export_with_title_rows_imports_rows_per_sample_and_again_changes_nothing(lab):
    user, _institution, employer = lab
    content = xlsx(
        rows(employer.uscc), title_rows=[["某某检测公司检测结果汇总表"], ["报告日期：2026-03-20"], []]
    )
    dry = MeasurementImporter().run(user=user, filename="lab.xlsx", content=content, dry_run=True)
    assert not dry.errors, [str(e) for e in dry.errors]
    assert len(dry.created) == 3
    assert not Measurement.objects.exists()
    done = MeasurementImporter().run(user=user, filename="lab.xlsx", content=content, dry_run=False)
    assert done.applied and len(done.created) == 3
    benzene = Measurement.objects.get(factor__name="苯")
    assert benzene.c_twa == pytest.approx(4.5) and benzene.compliant is False
    toluene = Measurement.objects.get(factor__name="甲苯")
    assert toluene.inputs["samples"] == [{"value": "<LOD", "lod": 0.5, "minutes": 480.0}]
    again = MeasurementImporter().run(user=user, filename="lab.xlsx", content=content, dry_run=False)
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 3)
    assert Measurement.objects.count() == 3 and DetectionReport.objects.count() == 1


@pytest.mark.parametrize(
    "row, column, reason",
    [
        (
            ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", -1, 480, None, None],
            "检测值",
            "负数",
        ),
        (
            ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", "abc", 480, None, None],
            "检测值",
            "不是数值",
        ),
        (
            ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", "<LOD", 480, None, None],
            "检出限",
            "检出限",
        ),
        (
            ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "甲笨", 1, 480, None, None],
            "危害因素",
            "甲苯",
        ),
        (["R-9", "定期检测", None, "2099-03-10", "一车间", "工", "苯", 1, 480, None, None], "采样日期", ""),
        (
            ["R-9", "定期检测", None, "2026-03-10", "一车间", "工", "苯", 1, 1600, None, None],
            "检测值",
            "24 h",
        ),
    ],
)
def test_bad_rows_are_refused_naming_row_and_column(lab, row, column, reason):
    user, _institution, employer = lab
    row = [employer.uscc if v is None and i == 2 else v for i, v in enumerate(row)]
    report = MeasurementImporter().run(user=user, filename="x.xlsx", content=xlsx([row]), dry_run=False)
    assert report.errors and not report.applied
    error = str(report.errors[0])
    assert error.startswith("第2行 ") and column in error and reason in error
    assert not Measurement.objects.exists()


def test_an_employer_outside_the_institutions_clients_is_refused(lab, enterprises):
    user, _institution, _employer = lab
    row = [
        "R-9",
        "定期检测",
        enterprises["wanzhou"].uscc,
        "2026-03-10",
        "一车间",
        "工",
        "苯",
        1,
        480,
        None,
        None,
    ]
    report = MeasurementImporter().run(user=user, filename="x.xlsx", content=xlsx([row]), dry_run=False)
    assert "不在您的服务或管辖范围内" in str(report.errors[0])


def test_a_report_number_reused_for_another_employer_is_refused(lab, enterprises):
    user, institution, employer = lab
    first = ["R-1", "定期检测", employer.uscc, "2026-03-10", "一车间", "工", "苯", 1, 480, None, None]
    MeasurementImporter().run(
        user=None, filename="x.xlsx", content=_with_institution([first], institution), dry_run=False
    )
    other = [
        "R-1",
        "定期检测",
        enterprises["yubei2"].uscc,
        "2026-03-10",
        "一车间",
        "工",
        "苯",
        1,
        480,
        None,
        None,
    ]
    report = MeasurementImporter().run(
        user=None, filename="x.xlsx", content=_with_institution([other], institution), dry_run=False
    )
    assert "已用于另一用人单位" in str(report.errors[0]) and "报告编号" in str(report.errors[0])


def _with_institution(data, institution):
    wb = Workbook()
    ws = wb.active
    ws.append([*HEAD, "检测机构信用代码"])
    for r in data:
        ws.append([*r, institution.uscc])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_cli_imports_with_dry_run(lab, tmp_path, capsys):
    _user, institution, employer = lab
    path = tmp_path / "m.xlsx"
    path.write_bytes(_with_institution(rows(employer.uscc), institution))
    call_command("import_measurements", str(path), "--dry-run")
    assert "将新增3条" in capsys.readouterr().out
    assert not Measurement.objects.exists()
    call_command("import_measurements", str(path))
    assert Measurement.objects.count() == 3


def test_the_cli_imports_the_good_rows_unless_all_or_nothing_and_exits_non_zero_on_a_refused_row(
    lab, tmp_path
):
    _user, institution, employer = lab
    data = rows(employer.uscc)
    data.append(
        [
            "R-1",
            "定期检测",
            employer.uscc,
            "2026-03-10",
            "焊接车间",
            "焊工",
            "不存在的因素",
            1,
            480,
            None,
            None,
        ]
    )
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_with_institution(data, institution))
    with pytest.raises(SystemExit) as stopped:
        call_command("import_measurements", str(path), "--all-or-nothing")
    assert stopped.value.code == 1 and not Measurement.objects.exists()
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "import_measurements", str(path)
        )  # the default (ImportCommand, all_or_nothing_by_default False)
    assert stopped.value.code == 1 and Measurement.objects.count() == 3


def test_the_import_page_previews_then_confirms(client, lab):
    from django.core.files.uploadedfile import SimpleUploadedFile  # local: only this test uploads
    from django.urls import reverse  # local: only this test opens pages

    user, _institution, employer = lab
    client.force_login(user)
    assert client.get(reverse("monitoring:measurement_import_template")).status_code == 200
    bad = ["R-1", "定期检测", employer.uscc, "2026-03-10", "一车间", "工", "苯", -3, 480, None, None]
    preview = client.post(
        reverse("monitoring:measurement_import"),
        {"file": SimpleUploadedFile("结果.xlsx", xlsx([*rows(employer.uscc), bad]))},
    )
    body = preview.content.decode()
    assert preview.status_code == 200 and "第6行 检测值" in body
    assert not Measurement.objects.exists()
    done = client.post(
        reverse("monitoring:measurement_import_confirm", args=[preview.context["token"]]), {"partial": "on"}
    )
    assert done.status_code == 200
    assert Measurement.objects.count() == 3
