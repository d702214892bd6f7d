"""Imports of teams and agreements: template, dry run, row errors, all-or-nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ohsteward.accounts.testing import PASSWORD
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.stewardship.importers import AgreementImporter, TeamImporter
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam, TeamMember
from ohsteward.stewardship.tests.factories import make_team

pytestmark = pytest.mark.django_db

TEAM_HEADERS = [
    "团队名称",
    "服务区县",
    "团队层级",
    "牵头机构信用代码",
    "联系电话",
    "成员姓名",
    "资质类别",
    "证书编号",
    "证书有效期至",
]
AGREEMENT_HEADERS = [
    "服务团队",
    "用人单位统一社会信用代码",
    "开始日期",
    "结束日期",
    "服务内容",
    "服务费用（元）",
    "筹资渠道",
    "是否签订",
]


def xlsx(headers, rows) -> bytes:
    return write_xlsx([(h, h) for h in headers], rows)


def test_team_template_has_the_columns_and_choices(cast):
    wb = openpyxl.load_workbook(io.BytesIO(TeamImporter().template(user=cast["yubei"])))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:2] == ["团队名称*", "服务区县*"]
    choices = [c.value for c in wb["选项"]["B"] if c.value]
    assert choices == ["渝北区"]  # a district officer's own district only


def test_team_import_dry_run_changes_nothing_and_apply_creates_team_and_members(cast):
    content = xlsx(
        TEAM_HEADERS,
        [
            ["渝北导入团队", "渝北区", "区县级", "", "", "张医生", "职业病诊断医师", "Z1", "2030-01-01"],
            ["渝北导入团队", "500112", "", "", "", "李营养", "营养师", "Y1", "2030-01-01"],
        ],
    )
    report = TeamImporter().run(user=cast["yubei"], filename="t.xlsx", content=content, dry_run=True)
    assert not report.errors and len(report.created) == 3 and not report.applied
    assert not StewardTeam.objects.filter(name="渝北导入团队").exists()
    report = TeamImporter().run(user=cast["yubei"], filename="t.xlsx", content=content, dry_run=False)
    assert report.applied
    team = StewardTeam.objects.get(name="渝北导入团队")
    assert set(team.members.values_list("qualification", flat=True)) == {
        "occupational_physician",
        "nutritionist",
    }
    again = TeamImporter().run(user=cast["yubei"], filename="t.xlsx", content=content, dry_run=False)
    assert again.unchanged == 2 and TeamMember.objects.filter(team=team).count() == 2


def test_team_import_row_errors_name_row_and_column_and_nothing_is_written(cast):
    content = xlsx(
        TEAM_HEADERS,
        [
            ["好团队", "渝北区", "", "", "", "甲", "营养师", "", ""],
            ["坏团队", "火星区", "", "", "", "", "", "", ""],
            ["好团队", "渝北区", "", "", "", "乙", "厨师", "", ""],
            ["越界团队", "万州区", "", "", "", "", "", "", ""],
        ],
    )
    report = TeamImporter().run(user=cast["yubei"], filename="t.xlsx", content=content, dry_run=False)
    messages = [str(e) for e in report.errors]
    assert "第3行 服务区县: 未知的区县“火星区”" in messages
    assert "第4行 资质类别: 未知的资质类别“厨师”" in messages
    assert any(m.startswith("第5行 服务区县") and "只能在您管辖的区县" in m for m in messages)
    assert not report.applied and not StewardTeam.objects.exists()


def test_agreement_import_signs_and_rejects_overlaps_within_the_file(cast, enterprises):
    make_team()
    content = xlsx(
        AGREEMENT_HEADERS,
        [
            ["渝北区第一管家团队", enterprises["yubei"].uscc, "2026-01-01", "", "检测2；培训:2；职业健康监护30", "20000", "企业自筹15000；政府购买服务5000", "是"],
            ["渝北区第一管家团队", enterprises["yubei"].uscc, "2026-06-01", "", "培训1", "", "", ""],
            ["渝北区第一管家团队", enterprises["wanzhou"].uscc, "2026-01-01", "", "培训1", "", "", ""],
            ["渝北区第一管家团队", enterprises["yubei2"].uscc, "2026-03-01", "2026-02-01", "培训1", "", "", ""],
            ["渝北区第一管家团队", enterprises["yubei2"].uscc, "2026-03-01", "", "按摩3", "", "", ""],
        ],
    )  # fmt: skip
    report = AgreementImporter().run(user=cast["yubei"], filename="a.xlsx", content=content, dry_run=True)
    messages = [str(e) for e in report.errors]
    assert len(report.created) == 1
    assert any(m.startswith("第3行 开始日期") and "只能有一份生效" in m for m in messages)
    assert any(m.startswith("第4行 用人单位统一社会信用代码") for m in messages)
    assert any(m.startswith("第5行 结束日期") and "早于开始日期" in m for m in messages)
    assert "第6行 服务内容: 无法识别“按摩3”" in messages
    assert not ServiceAgreement.objects.exists()  # a dry run writes nothing
    applied = AgreementImporter().run(
        user=cast["yubei"], filename="a.xlsx", content=content, dry_run=False, all_or_nothing=False
    )
    assert applied.applied
    a = ServiceAgreement.objects.get()
    assert a.content_quantities() == {"detection": 2, "training": 2, "surveillance": 30}
    assert {f.channel for f in a.funding.all()} == {"enterprise", "government_purchase"}
    assert a.status == "active" and a.visits.count() == 5


def test_import_pages_template_preview_and_confirm(cast, enterprises):
    make_team()
    c = Client()
    assert c.login(username="yubei", password=PASSWORD)
    template = c.get(reverse("stewardship:agreement_import_template"))
    assert template.status_code == 200
    content = xlsx(
        AGREEMENT_HEADERS,
        [["渝北区第一管家团队", enterprises["yubei"].uscc, "2026-01-01", "", "培训2", "", "", ""]],
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = c.post(reverse("stewardship:agreement_import"), {"file": SimpleUploadedFile("a.xlsx", content)})
    assert preview.status_code == 200 and "试导入" in preview.content.decode()
    token = preview.context["token"]
    assert not ServiceAgreement.objects.exists()
    done = c.post(reverse("stewardship:agreement_import_confirm", args=[token]))
    assert done.status_code == 200
    assert ServiceAgreement.objects.count() == 1
