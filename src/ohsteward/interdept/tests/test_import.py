"""The imports of the other departments' lists: template, dry run, apply, and every bad input's
message naming row, column and reason in Chinese."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from ohsteward.core.spreadsheets import SpreadsheetError, write_xlsx
from ohsteward.interdept.importers import HealthyEnterpriseImporter, InsuranceImporter, PersonAwardImporter
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.registry.models import Enterprise

pytestmark = pytest.mark.django_db
INSURANCE = [
    "统一社会信用代码",
    "用人单位名称",
    "所在区县",
    "年度",
    "参保数据日期",
    "参保人数",
    "应参保人数",
    "数据来源",
    "来源日期",
]
HEALTHY = [
    "统一社会信用代码",
    "用人单位名称",
    "所在区县",
    "命名级别",
    "命名年度",
    "命名文号",
    "数据来源",
    "来源日期",
]
AWARDS = [
    "姓名",
    "统一社会信用代码",
    "用人单位名称",
    "所在区县",
    "荣誉类别",
    "年度",
    "级别",
    "文号",
    "数据来源",
    "来源日期",
    "身份证号",
]


def xlsx(headers, rows) -> bytes:
    return write_xlsx([(h, h) for h in headers], rows)


def _errors(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_the_templates_have_the_columns_notes_and_the_users_districts(cast):
    for importer, first in ((InsuranceImporter(), "统一社会信用代码"), (HealthyEnterpriseImporter(), "统一社会信用代码"),
                            (PersonAwardImporter(), "姓名*")):  # fmt: skip
        wb = openpyxl.load_workbook(io.BytesIO(importer.template(user=cast["yubei"])))
        headers = [c.value for c in wb.worksheets[0][1]]
        assert headers[0] == first and "数据来源*" in headers and "来源日期*" in headers
        assert "填写说明" in wb.sheetnames
        district = headers.index("所在区县")
        assert [c.value for c in wb["选项"][chr(ord("A") + district)] if c.value] == ["渝北区"]


def test_an_insurance_list_dry_run_changes_nothing_and_the_import_writes_by_code_or_name(cast, enterprises):
    yubei, yubei2 = enterprises["yubei"], enterprises["yubei2"]
    year = timezone.localdate().year - 1
    content = xlsx(INSURANCE, [
        [yubei.uscc, "", "", year, "", 40, 45, "渝北区人力社保局", f"{year}-12-20"],
        ["", yubei2.name, "渝北区", "", f"{year}-06-30", "0", "", "渝北区人力社保局", f"{year}-07-01"],
    ])  # fmt: skip
    dry = InsuranceImporter().run(user=cast["yubei"], filename="参保.xlsx", content=content, dry_run=True)
    assert dry.errors == [] and len(dry.created) == 2 and not dry.applied
    assert not InsuranceRecord.objects.filter(enterprise__in=[yubei, yubei2]).exists()
    done = InsuranceImporter().run(user=cast["yubei"], filename="参保.xlsx", content=content, dry_run=False)
    assert done.applied and len(done.created) == 2
    record = InsuranceRecord.objects.get(enterprise=yubei)
    assert (record.as_of, record.insured, record.employees) == (dt.date(year, 12, 31), 40, 45)
    assert record.source == "渝北区人力社保局" and record.source_date == dt.date(year, 12, 20)
    again = InsuranceImporter().run(user=cast["yubei"], filename="参保.xlsx", content=content, dry_run=False)
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 2)
    # the change is audited with the employer's district
    from ohsteward.core.models import AuditLog  # local: only this test reads the trail

    assert AuditLog.objects.filter(object_id=str(record.pk), district_code=yubei.region_id).exists()


def test_every_bad_insurance_row_is_named_by_row_column_and_reason(cast, enterprises):
    today = timezone.localdate()
    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    Enterprise.objects.create(
        name=yubei.name, name_normalized=yubei.name_normalized, region_id=yubei.region_id
    )
    future = (today + dt.timedelta(days=3)).isoformat()
    rows = [
        ["91500112MA5U00000X", "", "", 2025, "", 1, "", "人社", "2025-07-01"],  # 2: bad check digit
        [wanzhou.uscc, "", "", 2025, "", 1, "", "人社", "2025-07-01"],  # 3: outside 渝北
        ["", "", "", 2025, "", 1, "", "人社", "2025-07-01"],  # 4: no employer
        ["", "无此单位", "渝北区", 2025, "", 1, "", "人社", "2025-07-01"],  # 5: unknown name
        ["", yubei.name, "渝北区", 2025, "", 1, "", "人社", "2025-07-01"],  # 6: two namesakes
        ["", "某单位", "火星区", 2025, "", 1, "", "人社", "2025-07-01"],  # 7: unknown district
        [yubei.uscc, "", "", "", "", 1, "", "人社", "2025-07-01"],  # 8: neither year nor date
        [yubei.uscc, "", "", "二五", "", 1, "", "人社", "2025-07-01"],  # 9: bad year
        [yubei.uscc, "", "", 2024, "2025-03-01", 1, "", "人社", "2025-07-01"],  # 10: date not in year
        [yubei.uscc, "", "", "", future, 1, "", "人社", "2025-07-01"],  # 11: future date
        [yubei.uscc, "", "", 2025, "", "十二", "", "人社", "2025-07-01"],  # 12: not a count
        [yubei.uscc, "", "", 2025, "", "", "", "人社", "2025-07-01"],  # 13: no count
        [yubei.uscc, "", "", 2025, "", 50, 40, "人社", "2025-07-01"],  # 14: insured > employees
        [yubei.uscc, "", "", 2025, "", 5, "", "", "2025-07-01"],  # 15: no source
        [yubei.uscc, "", "", 2025, "", 5, "", "人社", ""],  # 16: no source date
        [yubei.uscc, "", "", 2024, "", 5, "", "人社", "2025-07-01"],  # 17: fine
        [yubei.uscc, "", "", 2024, "", 6, "", "人社", "2025-07-01"],  # 18: duplicate of 17
    ]
    report = InsuranceImporter().run(
        user=cast["yubei"], filename="参保.xlsx", content=xlsx(INSURANCE, rows), dry_run=False
    )
    got = _errors(report)
    expected = [
        "第2行 统一社会信用代码: ",
        "第3行 统一社会信用代码: 没有该统一社会信用代码的用人单位，或不在您的管辖范围内",
        "第4行 用人单位名称: 请填写统一社会信用代码，或填写用人单位名称和所在区县",
        "第5行 用人单位名称: 渝北区没有名为“无此单位”的用人单位，或不在您的管辖范围内",
        f"第6行 用人单位名称: 渝北区有多家名为“{yubei.name}”的用人单位，请填写统一社会信用代码",
        "第7行 所在区县: 无法识别的区县“火星区”，请填写区县名称或6位代码",
        "第8行 参保数据日期: 请填写年度或参保数据日期",
        "第9行 年度: 应为四位年份，如 2025，实际为“二五”",
        "第10行 参保数据日期: 参保数据日期不在所填年度（2024年）内",
        "第11行 参保数据日期: 日期不能晚于今天",
        "第12行 参保人数: 应为整数，实际为“十二”",
        "第13行 参保人数: 请填写参保人数",
        "第14行 参保人数: 参保人数不能大于应参保（从业）人数",
        "第15行 数据来源: 请填写数据来源",
        "第16行 来源日期: 请填写来源日期",
        "第18行 参保数据日期: 与第17行重复（同一用人单位的同一条记录）",
    ]
    assert len(got) == len(expected)
    for line, start in zip(got, expected, strict=True):
        assert line.startswith(start), line
    assert (
        not report.applied and not InsuranceRecord.objects.filter(enterprise=yubei).exists()
    )  # all or nothing
    partial = InsuranceImporter().run(
        user=cast["yubei"],
        filename="参保.xlsx",
        content=xlsx(INSURANCE, rows),
        dry_run=False,
        all_or_nothing=False,
    )
    assert partial.applied and InsuranceRecord.objects.filter(enterprise=yubei).count() == 1


def test_a_file_without_the_required_columns_is_refused_as_a_whole(cast):
    with pytest.raises(SpreadsheetError, match="缺少必需的列：参保人数"):
        InsuranceImporter().run(
            user=cast["yubei"], filename="x.xlsx", content=xlsx(["统一社会信用代码"], [["x"]])
        )


def test_a_reader_cannot_import(cast, enterprises):
    content = xlsx(INSURANCE, [[enterprises["yubei"].uscc, "", "", 2024, "", 5, "", "人社", "2025-01-05"]])
    report = InsuranceImporter().run(user=cast["manager"], filename="x.xlsx", content=content, dry_run=False)
    assert _errors(report) == ["第2行: 您无权登记该名单"]


def test_healthy_enterprises_import_with_level_year_and_document_number_and_bad_inputs(cast, enterprises):
    yubei = enterprises["yubei"]
    year = timezone.localdate().year
    rows = [
        [yubei.uscc, "", "", "区县级", year, "渝北卫健〔2025〕3号", "渝北区卫生健康委", "2025-11-01"],
        [yubei.uscc, "", "", "市级", year, "", "市卫生健康委", "2025-11-01"],
        [yubei.uscc, "", "", "省部级", year, "", "市卫生健康委", "2025-11-01"],  # 4: bad level
        [yubei.uscc, "", "", "", year, "", "市卫生健康委", "2025-11-01"],  # 5: no level
        [yubei.uscc, "", "", "市级", year + 1, "", "市卫生健康委", "2025-11-01"],  # 6: next year
        [yubei.uscc, "", "", "市级", "", "", "市卫生健康委", "2025-11-01"],  # 7: no year
    ]
    report = HealthyEnterpriseImporter().run(
        user=cast["yubei"],
        filename="健康企业.xlsx",
        content=xlsx(HEALTHY, rows),
        dry_run=False,
        all_or_nothing=False,
    )
    assert _errors(report) == [
        "第4行 命名级别: 无法识别的级别“省部级”，应为：国家级、市级、区县级",
        "第5行 命名级别: 请填写命名级别",
        "第6行 命名年度: 年度不能晚于今年",
        "第7行 命名年度: 请填写命名年度",
    ]
    assert sorted(HealthyEnterprise.objects.filter(enterprise=yubei).values_list("level", flat=True)) == [
        "city", "district"
    ]  # fmt: skip
    assert (
        HealthyEnterprise.objects.get(enterprise=yubei, level="district").document_number
        == "渝北卫健〔2025〕3号"
    )


def test_person_awards_keep_the_name_only_and_say_the_identity_column_is_ignored(cast, enterprises):
    yubei = enterprises["yubei"]
    rows = [
        [
            "张三",
            yubei.uscc,
            "",
            "",
            "职业健康达人",
            2024,
            "区县级",
            "",
            "渝北区卫生健康委",
            "2024-10-01",
            "500112199001011234",
        ],
        ["", yubei.uscc, "", "", "安康之星", 2024, "", "", "区总工会", "2024-10-01", ""],  # 3: no name
        ["李四", yubei.uscc, "", "", "劳动模范", 2024, "", "", "区总工会", "2024-10-01", ""],  # 4: bad kind
        [
            "王五",
            yubei.uscc,
            "",
            "",
            "安康之星",
            2024,
            "乡级",
            "",
            "区总工会",
            "2024-10-01",
            "",
        ],  # 5: bad level
    ]
    report = PersonAwardImporter().run(
        user=cast["yubei"],
        filename="达人.xlsx",
        content=xlsx(AWARDS, rows),
        dry_run=False,
        all_or_nothing=False,
    )
    assert _errors(report) == [
        "第3行 姓名: 请填写姓名",
        "第4行 荣誉类别: 无法识别的荣誉类别“劳动模范”，应为：职业健康达人、安康之星",
        "第5行 级别: 无法识别的级别“乡级”，应为：国家级、市级、区县级",
    ]
    assert any("身份证号" in n for n in report.notes)
    award = PersonAward.objects.get(enterprise=yubei)
    assert (award.person_name, award.kind, award.year, award.level) == (
        "张三",
        "health_expert",
        2024,
        "district",
    )
    assert "500112199001011234" not in str([getattr(award, f.attname) for f in PersonAward._meta.fields])
