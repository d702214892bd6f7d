"""The employer import: good file, bad rows, dry run, idempotency, scope, limits."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.registry.importers import enterprise_import, enterprise_import_template
from ohsteward.registry.models import Enterprise
from ohsteward.registry.tests.factories import make_uscc

HEADERS = [
    "统一社会信用代码",
    "用人单位名称",
    "所属区县",
    "所属乡镇街道",
    "行业代码",
    "从业人员数",
    "接害人数",
    "营业收入(万元)",
    "资产总额(万元)",
    "经营状态",
    "状态日期",
    "地址",
]
TODAY = dt.date(2026, 11, 20)


def xlsx(rows, headers=HEADERS, sheet="导入数据") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_rows():
    return [
        [
            make_uscc("500112"),
            "重庆甲机械制造有限公司",
            "渝北区",
            "双龙湖街道",
            "3311",
            120,
            30,
            5600,
            4200,
            "在业",
            None,
            "渝北区某路1号",
        ],
        [
            make_uscc("500112"),
            "重庆乙建材有限责任公司",
            "500112",
            None,
            "C3021",
            15,
            5,
            800,
            300,
            "停产停业",
            "2026-06-01",
            "",
        ],
        [
            make_uscc("500101"),
            "重庆丙化工有限公司",
            "万州",
            None,
            "2614",
            400,
            100,
            3000,
            9000,
            "在业",
            None,
            "",
        ],
    ]


def run(content, user=None, name="list.xlsx", **kw):
    kw.setdefault("dry_run", False)
    return enterprise_import(user=user, filename=name, content=content, today=TODAY, **kw)


@pytest.mark.django_db
def test_good_file_creates_with_derived_fields_and_audit():
    rows = good_rows()
    report = run(xlsx(rows))
    assert report.applied and not report.errors
    assert len(report.created) == 3
    a = Enterprise.objects.get(uscc=rows[0][0])
    assert a.region_id == "500112" and a.town.name == "双龙湖街道"
    assert a.size_class == "small" and a.industry_risk == "serious"  # C331 严重
    b = Enterprise.objects.get(uscc=rows[1][0])
    assert b.status == "suspended" and b.suspended_on == dt.date(2026, 6, 1)
    assert b.size_class == "micro"
    assert Enterprise.objects.get(uscc=rows[2][0]).region_id == "500101"
    assert AuditLog.objects.filter(action="create", source="import").count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_dry_run_writes_nothing_and_reimport_is_idempotent():
    content = xlsx(good_rows())
    preview = run(content, dry_run=True)
    assert len(preview.created) == 3 and not preview.applied
    assert Enterprise.objects.count() == 0
    run(content)
    again = run(content)
    assert again.unchanged == 3 and not again.created and not again.updated
    assert AuditLog.objects.count() == 3


@pytest.mark.django_db
def test_update_reports_old_and_new_and_keeps_former_name():
    rows = good_rows()
    run(xlsx(rows))
    rows[0][1] = "重庆甲智能装备有限公司"
    rows[0][5] = 350
    report = run(xlsx(rows[:1]))
    assert len(report.updated) == 1
    changes = report.updated[0].changes
    assert changes["name"] == ["重庆甲机械制造有限公司", "重庆甲智能装备有限公司"]
    assert changes["employees"] == [120, 350]
    e = Enterprise.objects.get(uscc=rows[0][0])
    assert e.former_names == ["重庆甲机械制造有限公司"]
    log = AuditLog.objects.filter(action="update").get()
    assert log.changes["employees"] == [120, 350]


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_bad_rows_are_reported_per_row_and_column_in_chinese():
    bad_code = make_uscc("500112")[:17] + "0"
    from ohsteward.registry.rules import uscc_check_char

    expected = uscc_check_char(bad_code[:17])
    if expected == "0":
        bad_code = bad_code[:17] + "1"
    rows = good_rows()
    rows.append([bad_code, "重庆丁公司", "渝北区", None, "3311", 10, 1, 1, 1, "在业", None, ""])
    rows.append([make_uscc("500112"), "", "火星区", None, "9999", -5, 1, "abc", 1, "在业", None, ""])
    rows.append(
        [
            make_uscc("500112"),
            "重庆戊公司",
            "渝北区",
            "万州街道",
            "3311",
            10,
            20,
            1,
            1,
            "停产停业",
            "2030-01-01",
            "",
        ]
    )
    report = run(xlsx(rows))
    messages = [str(e) for e in report.errors]
    assert f"第5行 统一社会信用代码: 校验位错误，应为 {expected}" in messages
    assert "第6行 用人单位名称: 不能为空" in messages
    assert "第6行 所属区县: 未知的区县“火星区”" in messages
    assert "第6行 从业人员数: 不能为负数" in messages
    assert "第6行 营业收入(万元): 应为数字（万元），实际为“abc”" in messages
    assert any(m.startswith("第7行 所属乡镇街道") for m in messages)
    assert "第7行 状态日期: 停产停业日期不能晚于今天（2026-11-20）" in messages
    assert "第7行 接害人数: 接害人数不能大于从业人员数" in messages
    # all or nothing by default
    assert not report.applied and Enterprise.objects.count() == 0
    # the rejected rows come back as a spreadsheet with reasons
    wb = CalamineWorkbook.from_filelike(io.BytesIO(report.errors_xlsx()))
    data = wb.get_sheet_by_index(0).to_python()
    assert data[0][:2] == ["原行号", "错误原因"] and len(data) == 4
    # import valid rows only
    partial = run(xlsx(rows), all_or_nothing=False)
    assert partial.applied and len(partial.created) == 3 and Enterprise.objects.count() == 3


@pytest.mark.django_db
def test_duplicate_codes_in_one_file_are_rejected():
    rows = good_rows()
    rows.append(list(rows[0]))
    report = run(xlsx(rows), dry_run=True)
    assert "第5行 统一社会信用代码: 与第2行重复" in [str(e) for e in report.errors]


@pytest.mark.django_db
def test_rows_outside_jurisdiction_are_rejected(cast):
    report = run(xlsx(good_rows()), user=cast["yubei"], all_or_nothing=False)
    assert [str(e) for e in report.errors] == [
        "第4行 统一社会信用代码: 该统一社会信用代码无法由您登记，请联系市级管理员处理"
    ]
    assert len(report.created) == 2


@pytest.mark.django_db
def test_enterprise_manager_cannot_create_or_touch_others(cast, enterprises):
    rows = good_rows()
    report = run(xlsx(rows[:1]), user=cast["manager"], dry_run=True)
    assert report.errors and "无法由您登记" in report.errors[0].message


@pytest.mark.django_db
def test_csv_with_aliases_and_gbk_encoding():
    code = make_uscc("500112")
    text = "社会信用代码,企业名称,区县,行业代码,从业人员数\n" + f"{code},重庆己公司,渝北区,3311,30\n"
    report = run(text.encode("gb18030"), name="list.csv")
    assert not report.errors and Enterprise.objects.get(uscc=code).name == "重庆己公司"


@pytest.mark.django_db
def test_unusable_files_raise_clear_messages(settings):
    with pytest.raises(SpreadsheetError, match="缺少必需的列：所属区县"):
        run(xlsx([["x", "y"]], headers=["统一社会信用代码", "用人单位名称"]))
    with pytest.raises(SpreadsheetError, match="不支持的文件类型"):
        run(b"hello", name="list.pdf")
    with pytest.raises(SpreadsheetError, match="文件内容不是 Excel 格式"):
        run(b"not a zip file at all", name="list.xlsx")
    settings.OHSTEWARD_MAX_UPLOAD_MB = 0
    with pytest.raises(SpreadsheetError, match="文件过大"):
        run(xlsx(good_rows()))


@pytest.mark.django_db
def test_row_limit(settings):
    settings.OHSTEWARD_MAX_IMPORT_ROWS = 2
    with pytest.raises(SpreadsheetError, match="行数超过上限 2 行"):
        run(xlsx(good_rows()))


@pytest.mark.django_db
def test_template_has_headers_and_dropdowns():
    content = enterprise_import_template()
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["导入数据"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["统一社会信用代码*", "用人单位名称*", "所属区县*"]
    sources = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("选项" in s for s in sources) and len(sources) >= 4
    assert "渝北区" in [c.value for c in wb["选项"]["C"]]
    # the template (headers with *) is accepted back by the importer
    report = run(content, dry_run=True)
    assert report.total_rows == 1  # the grey sample row is read and validated


@pytest.mark.django_db
def test_the_templates_example_row_left_in_is_skipped_and_said_so(cast):
    """Issue 8 item 3: the grey example row is not imported as 重庆示例机械制造有限公司."""
    wb = openpyxl.load_workbook(io.BytesIO(enterprise_import_template()))
    ws = wb.worksheets[0]
    headers = [c.value.rstrip("*") for c in ws[1]]
    real = {
        "统一社会信用代码": make_uscc("500112"),
        "用人单位名称": "重庆真实填写机械有限公司",
        "所属区县": "渝北区",
    }
    ws.append([real.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    report = enterprise_import(
        user=cast["yubei"], filename="模板.xlsx", content=buf.getvalue(), dry_run=True, today=TODAY
    )
    assert report.notes == ["第2行是模板示例，已跳过"] and not report.errors
    assert [r.name for r in report.created] == ["重庆真实填写机械有限公司"]
    report = enterprise_import(
        user=cast["yubei"], filename="模板.xlsx", content=buf.getvalue(), dry_run=False, today=TODAY
    )
    assert report.applied and not Enterprise.objects.filter(name="重庆示例机械制造有限公司").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_two_simultaneous_imports_of_one_file_write_each_employer_once(monkeypatch):
    """The other confirm commits the same new codes between this one's plan and its write."""
    from ohsteward.registry import importers

    content = xlsx(good_rows())
    real_apply = importers._apply
    raced = []

    def apply_after_the_other_request(report, user, *args):
        if not raced:
            raced.append(True)
            run(content)  # the other request, planned and committed first
        real_apply(report, user, *args)

    monkeypatch.setattr(importers, "_apply", apply_after_the_other_request)
    report = run(content)
    assert report.applied and not report.errors and report.unchanged == 3 and not report.created
    assert Enterprise.objects.count() == 3


@pytest.mark.django_db
def test_import_refuses_a_zone_that_does_not_contain_the_town():
    headers = ["统一社会信用代码", "用人单位名称", "所属区县", "乡镇街道", "功能区", "行业代码", "从业人员数"]
    inside, outside = make_uscc("500112"), make_uscc("500112")
    report = run(
        xlsx(
            [
                [inside, "重庆两江内公司", "渝北区", "人和街道", "两江新区", "3311", 20],
                [outside, "重庆两江外公司", "渝北区", "双龙湖街道", "两江新区", "3311", 20],
            ],
            headers=headers,
        ),
        all_or_nothing=False,
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "功能区", "所选乡镇街道不在该功能区范围内")
    ]
    assert (
        Enterprise.objects.get(uscc=inside).zone_id == "Z5001"
        and not Enterprise.objects.filter(uscc=outside).exists()
    )


@pytest.mark.django_db
def test_import_refuses_names_of_invisible_characters():
    report = run(
        xlsx(
            [
                [
                    make_uscc("500112"),
                    "\u200b\u200b",
                    "渝北区",
                    "双龙湖街道",
                    "3311",
                    5,
                    1,
                    1,
                    1,
                    "在业",
                    None,
                    "",
                ]
            ]
        ),
        all_or_nothing=False,
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "用人单位名称", "不能只由空白或不可见字符组成")
    ]


@pytest.mark.django_db
def test_import_says_the_same_of_a_code_registered_elsewhere_and_of_a_new_employer_elsewhere(
    cast, enterprises
):
    wanzhou = enterprises["wanzhou"]
    rows = [
        [wanzhou.uscc, "重庆渝北冒名有限公司", "渝北区", None, "3311", 5, 1, 1, 1, "在业", None, ""],
        [make_uscc("500101"), "重庆万州新公司", "万州区", None, "3311", 5, 1, 1, 1, "在业", None, ""],
    ]
    report = run(xlsx(rows), user=cast["yubei"], all_or_nothing=False)
    assert [(e.column, e.message) for e in report.errors] == [
        ("统一社会信用代码", "该统一社会信用代码无法由您登记，请联系市级管理员处理")
    ] * 2
