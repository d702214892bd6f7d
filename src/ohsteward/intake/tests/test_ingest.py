"""Ingesting source files: every format, aliases, bad rows, checksum, modes, scope."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ohsteward.accounts.actions import user_create
from ohsteward.conftest import PASSWORD
from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import SpreadsheetError, template_xlsx
from ohsteward.declarations.actions import declaration_import
from ohsteward.declarations.models import Declaration
from ohsteward.hazards.models import HazardFactor
from ohsteward.intake.actions import batch_ingest, row_link
from ohsteward.intake.choices import BatchStatus, LinkMethod, Origin, RowStatus, SourceKind
from ohsteward.intake.formats import FORMATS, template_columns
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.parsing import CELL_CHARS, EXTRA_CHARS, EXTRA_COLUMNS
from ohsteward.intake.tests.factories import csv_bytes
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import RegistrationState
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.refdata import zone_towns
from ohsteward.registry.tests.factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _tomorrow():  # read when a test runs, not at import: a run may cross midnight
    return timezone.localdate() + dt.timedelta(days=1)


EXAM = [
    "用人单位名称",
    "统一社会信用代码",
    "所属区县",
    "体检日期",
    "检查类别",
    "危害因素",
    "体检机构",
    "人数",
]


def test_exam_rows_link_by_code_and_name_and_create(ingest, enterprises):
    yubei = enterprises["yubei"]
    rows = [
        ["某某公司", yubei.uscc, "渝北区", YESTERDAY, "在岗期间", "矽尘(12)、噪声(30)", "市职防院", 42],
        ["重庆渝北第二建材有限责任公司", "", "渝北", YESTERDAY, "在岗期间", "噪声", "市职防院", 5],
        ["重庆全新发现制品有限公司", "", "500112", YESTERDAY, "上岗前", "苯", "市职防院", 3],
        ["重庆全新发现制品有限公司", "", "渝北区", YESTERDAY, "在岗期间", "苯", "市职防院", 4],
    ]
    result = ingest(SourceKind.EXAM, EXAM, rows)
    c = result.counts
    assert (c["rows"], c["uscc"], c["name_exact"], c["created"], c["rejected"]) == (4, 1, 2, 1, 0)
    batch = result.batch
    assert batch.status == BatchStatus.DONE and batch.progress == 100
    r2, r3, r4, r5 = SourceRow.objects.filter(batch=batch).order_by("row_number")
    assert (r2.enterprise, r2.link_method, r2.link_score) == (yubei, LinkMethod.USCC, 1.0)
    assert r2.hazards == [
        {"name": "矽尘", "factor_id": HazardFactor.objects.get(name="矽尘").pk, "count": 12},
        {"name": "噪声", "factor_id": HazardFactor.objects.get(name="噪声").pk, "count": 30},
    ]
    assert (r2.headcount, r2.institution, r2.category, r2.event_date) == (
        42,
        "市职防院",
        "在岗期间",
        YESTERDAY,
    )
    assert r3.enterprise == enterprises["yubei2"] and r3.link_method == LinkMethod.NAME_EXACT
    assert r4.status == RowStatus.CREATED and r4.enterprise.registration == RegistrationState.CANDIDATE
    assert r4.enterprise.region_id == "500112"
    # the later row of the same batch links to the employer the earlier row created
    assert r5.status == RowStatus.LINKED and r5.enterprise_id == r4.enterprise_id
    assert AuditLog.objects.filter(object_id=str(r4.enterprise_id), action="create").exists()


def test_declaration_export_parses_every_column(ingest, enterprises):
    headers = [
        "申报回执编号",
        "统一社会信用代码",
        "用人单位名称",
        "所属区县",
        "申报类型",
        "申报日期",
        "行业代码",
        "从业人员数",
        "接害总人数",
        "危害因素",
        "主要负责人",
        "职业卫生管理人员",
    ]
    e = enterprises["wanzhou"]
    rows = [
        [
            "SB2024001",
            e.uscc,
            e.name,
            "万州区",
            "初次申报",
            YESTERDAY,
            "C2614",
            120,
            40,
            "矽尘(12)；噪声(30)",
            "张三",
            "李四",
        ]
    ]
    result = ingest(SourceKind.DECLARATION, headers, rows)
    row = SourceRow.objects.get(batch=result.batch)
    assert (row.reference_no, row.category, row.industry_id, row.employees, row.exposed_total) == (
        "SB2024001",
        "initial",
        "2614",
        120,
        40,
    )
    assert row.data["principal"] == "张三" and row.data["hygiene_manager"] == "李四"
    assert [h["count"] for h in row.hazards] == [12, 30]

    declaration = Declaration.objects.get(receipt_no="SB2024001")
    assert declaration.enterprise == e and declaration.source_row_id == row.pk
    assert result.counts["declarations"] == 1


def test_detection_and_inspection_formats(ingest, enterprises):
    headers = [
        "报告编号",
        "用人单位名称",
        "统一社会信用代码",
        "所属区县",
        "检测机构",
        "检测日期",
        "检测类型",
        "危害因素",
        "检测点数",
        "超标点数",
    ]
    result = ingest(
        SourceKind.DETECTION,
        headers,
        [
            [
                "JC-1",
                enterprises["yubei"].name,
                "",
                "渝北区",
                "某检测公司",
                YESTERDAY,
                "定期检测",
                "噪声",
                10,
                2,
            ]
        ],
    )
    row = SourceRow.objects.get(batch=result.batch)
    assert (row.reference_no, row.points, row.over_limit_points, row.enterprise) == (
        "JC-1",
        10,
        2,
        enterprises["yubei"],
    )
    headers = ["用人单位名称", "统一社会信用代码", "所属区县", "来源", "发现日期", "危害因素", "备注"]
    result = ingest(
        SourceKind.INSPECTION,
        headers,
        [[enterprises["yubei"].name, "", "渝北区", "有奖举报", YESTERDAY, "", "车间粉尘大"]],
    )
    row = SourceRow.objects.get(batch=result.batch)
    assert (row.origin, row.remark, row.hazards) == (Origin.TIPOFF, "车间粉尘大", [])
    assert SourceRow.objects.evidence().filter(enterprise=enterprises["yubei"]).count() == 2


def test_aliases_and_csv_gb18030(db, enterprises):
    headers = [
        "企业名称",
        "信用代码",
        "区县",
        "检查日期",
        "体检类别",
        "职业病危害因素",
        "检查机构",
        "体检人数",
    ]
    content = csv_bytes(
        headers,
        [
            [
                enterprises["yubei"].name,
                "",
                "渝北",
                YESTERDAY.isoformat(),
                "在岗期间",
                "噪声",
                "市职防院",
                "8人",
            ]
        ],
        encoding="gb18030",
    )
    result = batch_ingest(user=None, kind=SourceKind.EXAM, filename="exam.csv", content=content)
    row = SourceRow.objects.get(batch=result.batch)
    assert (row.enterprise, row.headcount, row.institution) == (enterprises["yubei"], 8, "市职防院")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"体检日期": _tomorrow}, "第2行 体检日期: 日期不能晚于今天"),
        ({"体检日期": "2024-02-30"}, "第2行 体检日期: 日期不存在“2024-02-30”"),
        ({"体检日期": "去年"}, "第2行 体检日期: 无法识别的日期“去年”，请写成 2024-03-05"),
        ({"体检日期": ""}, "第2行 体检日期: 不能为空"),
        ({"所属区县": "渝南区"}, "第2行 所属区县: 未知的区县“渝南区”（请填写区县名称或6位区划代码）"),
        ({"用人单位名称": "  "}, "第2行 用人单位名称: 不能为空"),
        ({"人数": "-3"}, "第2行 人数: 不能为负数"),
        ({"人数": "三人"}, "第2行 人数: 应为整数，实际为“三人”"),
    ],
)
def test_bad_cells_have_exact_messages(ingest, enterprises, cells, message):
    row = dict(
        zip(EXAM, ["重庆甲公司", "", "渝北区", YESTERDAY, "在岗期间", "噪声", "市职防院", 3], strict=True)
    )
    row.update({k: v() if callable(v) else v for k, v in cells.items()})  # dates read as the test runs
    result = ingest(SourceKind.EXAM, EXAM, [list(row.values())])
    assert result.errors == [message]
    assert result.refused


def test_unknown_hazard_suggests_catalogue_names(ingest, enterprises):
    result = ingest(
        SourceKind.EXAM, EXAM, [["重庆甲公司", "", "渝北区", YESTERDAY, "在岗期间", "矽沉(3)", "", 3]]
    )
    assert len(result.errors) == 1
    assert result.errors[0].startswith("第2行 危害因素: 未知危害因素“矽沉”，是否为：矽尘")


def test_all_or_nothing_refuses_the_file_and_keeps_rejected_rows(ingest, enterprises):
    rows = [
        ["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3],
        ["重庆乙公司", "", "渝北区", _tomorrow(), "", "噪声", "", 3],
    ]
    before = Enterprise.objects.count()
    result = ingest(SourceKind.EXAM, EXAM, rows)
    assert result.refused and result.batch.status == BatchStatus.REJECTED
    assert Enterprise.objects.count() == before
    assert list(result.batch.rows.values_list("row_number", "status")) == [(3, RowStatus.REJECTED)]
    assert result.batch.rows.get().error == "第3行 体检日期: 日期不能晚于今天"


def test_valid_rows_only_imports_the_good_rows(ingest, enterprises):
    rows = [
        ["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3],
        ["重庆乙公司", "", "渝北区", _tomorrow(), "", "噪声", "", 3],
    ]
    result = ingest(SourceKind.EXAM, EXAM, rows, valid_rows_only=True)
    assert not result.refused and result.batch.status == BatchStatus.DONE
    assert dict(result.batch.rows.values_list("row_number", "status")) == {
        2: RowStatus.CREATED,
        3: RowStatus.REJECTED,
    }
    assert result.counts["rejected"] == 1 and result.counts["created"] == 1


def test_same_file_again_changes_nothing(ingest, enterprises):
    rows = [["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3]]
    first = ingest(SourceKind.EXAM, EXAM, rows)
    enterprises_before, rows_before = Enterprise.objects.count(), SourceRow.objects.count()
    again = ingest(SourceKind.EXAM, EXAM, rows)
    assert again.duplicate and again.batch == first.batch
    assert (Enterprise.objects.count(), SourceRow.objects.count()) == (enterprises_before, rows_before)
    assert SourceBatch.objects.count() == 1


def test_refused_file_may_be_uploaded_again_with_valid_rows_only(ingest, enterprises):
    rows = [
        ["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3],
        ["重庆乙公司", "", "渝北区", _tomorrow(), "", "噪声", "", 3],
    ]
    assert ingest(SourceKind.EXAM, EXAM, rows).refused
    again = ingest(SourceKind.EXAM, EXAM, rows, valid_rows_only=True)
    assert not again.duplicate and again.batch.status == BatchStatus.DONE
    assert SourceBatch.objects.count() == 1


def test_dry_run_writes_nothing(ingest, enterprises):
    before = (Enterprise.objects.count(), SourceRow.objects.count(), SourceBatch.objects.count())
    result = ingest(
        SourceKind.EXAM, EXAM, [["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3]], dry_run=True
    )
    assert result.counts["created"] == 1 and result.batch is None
    assert (Enterprise.objects.count(), SourceRow.objects.count(), SourceBatch.objects.count()) == before


def test_district_officer_cannot_upload_another_districts_row(ingest, cast):
    rows = [
        ["重庆甲公司", "", "渝北区", YESTERDAY, "", "噪声", "", 3],
        ["重庆万州某厂", "", "万州区", YESTERDAY, "", "噪声", "", 3],
    ]
    result = ingest(SourceKind.EXAM, EXAM, rows, user=cast["yubei"], valid_rows_only=True)
    assert result.errors == ["第3行 所属区县: “万州区”不在您的管辖范围内"]
    assert result.counts["created"] == 1
    # the city may upload anything
    rows[0][-1] = 4  # another file (the same file again would be a no-op)
    result = ingest(SourceKind.EXAM, EXAM, rows, user=cast["city"], filename="b.xlsx", received_on=YESTERDAY)
    assert not result.duplicate and result.counts["rejected"] == 0


def test_row_without_district_takes_the_officers_district(ingest, cast):
    result = ingest(
        SourceKind.EXAM, EXAM, [["重庆甲公司", "", "", YESTERDAY, "", "噪声", "", 3]], user=cast["yubei"]
    )
    assert result.batch.rows.get().district_id == "500112"


def test_new_row_without_district_goes_to_review(ingest, enterprises):
    result = ingest(SourceKind.EXAM, EXAM, [["重庆无区县公司", "", "", YESTERDAY, "", "噪声", "", 3]])
    row = result.batch.rows.get()
    assert row.status == RowStatus.REVIEW and "所属区县" in row.data["review_reason"]


def test_missing_required_column_refuses_the_file(ingest, enterprises):
    with pytest.raises(SpreadsheetError, match="缺少必需的列：体检日期"):
        ingest(SourceKind.EXAM, ["用人单位名称", "所属区县"], [["重庆甲公司", "渝北区"]])
    assert SourceBatch.objects.count() == 0


def test_column_map_from_the_upload_page(ingest, enterprises):
    result = ingest(
        SourceKind.EXAM,
        ["单位全称", "检查时间点", "所属区县"],
        [[enterprises["yubei"].name, YESTERDAY, "渝北区"]],
        column_map={"单位全称": "用人单位名称", "检查时间点": "体检日期"},
    )
    assert result.batch.rows.get().enterprise == enterprises["yubei"]


REGISTRY = [
    "统一社会信用代码",
    "用人单位名称",
    "所属区县",
    "所属乡镇街道",
    "行业代码",
    "从业人员数",
    "营业收入(万元)",
    "资产总额(万元)",
    "经营状态",
    "状态日期",
    "地址",
    "曾用名",
]


def test_registry_fills_empty_fields_records_differences_and_creates(ingest, enterprises):
    e = enterprises["yubei2"]
    Enterprise.objects.filter(pk=e.pk).update(address="", employees=None)
    code = make_uscc("500112")
    rows = [
        [
            e.uscc,
            e.name,
            "渝北区",
            "",
            "C3311",
            80,
            900,
            700,
            "停产停业",
            "2024-01-05",
            "渝北区龙溪街道1号",
            "老名字厂",
        ],
        [code, "重庆新登记材料有限公司", "渝北区", "龙溪街道", "3311", 12, 100, 100, "在业", "", "", ""],
    ]
    result = ingest(SourceKind.REGISTRY, REGISTRY, rows)
    assert result.counts["updated"] == 1 and result.counts["created"] == 1
    e.refresh_from_db()
    assert (e.address, e.employees) == ("渝北区龙溪街道1号", 80)
    assert "老名字厂" in e.former_names
    assert e.status == "active"  # never overwritten
    linked = result.batch.rows.get(row_number=2)
    assert linked.data["differences"]["status"] == ["active", "suspended"]
    assert linked.data["differences"]["revenue"] == ["1000.00", "900.00"]
    new = Enterprise.objects.get(uscc=code)
    assert new.registration == RegistrationState.REGISTERED and new.town.name == "龙溪街道"
    assert AuditLog.objects.filter(object_id=str(e.pk), action="update", source="import").exists()


def test_registry_list_does_not_fill_employers_outside_the_uploaders_jurisdiction(ingest, cast, enterprises):
    e = enterprises["wanzhou"]
    Enterprise.objects.filter(pk=e.pk).update(address="")
    rows = [[e.uscc, e.name, "渝北区", "", "", "", "", "", "", "", "渝北区某路9号", ""]]
    result = ingest(SourceKind.REGISTRY, REGISTRY, rows, user=cast["yubei"])
    row = result.batch.rows.get()
    # issue 6 item 1: the row is referred to 万州 and the city, not linked, and not compared
    assert row.enterprise_id is None and row.status == RowStatus.REVIEW and result.counts["updated"] == 0
    assert row.referred_to_id == "500101" and result.counts["referred"] == 1
    e.refresh_from_db()
    assert e.address == ""
    assert "differences" not in row.data


def test_review_reasons_are_told_in_chinese(ingest, enterprises):
    EnterpriseFactory(name="重庆同名示例有限公司")
    EnterpriseFactory(name="重庆同名示例有限公司", region=Region.objects.get(code="500101"))
    result = ingest(SourceKind.EXAM, EXAM, [["重庆同名示例有限公司", "", "", YESTERDAY, "", "", "", 1]])
    row = result.batch.rows.get()
    assert row.status == RowStatus.REVIEW and row.data["review_reason"] == "名录中有多家同名单位"


def test_declaration_rows_of_other_districts_do_not_fail_the_list(ingest, cast, enterprises):
    """A 渝北 officer's export naming a 万州 employer records the 渝北 one and notes the other (review M1)."""

    headers = ["申报回执编号", "统一社会信用代码", "用人单位名称", "所属区县", "申报类型", "申报日期"]
    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    rows = [
        ["SB-Y-1", yubei.uscc, yubei.name, "渝北区", "初次申报", YESTERDAY],
        ["SB-W-1", wanzhou.uscc, wanzhou.name, "渝北区", "初次申报", YESTERDAY],
    ]
    result = ingest(SourceKind.DECLARATION, headers, rows, user=cast["yubei"], valid_rows_only=True)
    assert result.batch.status == BatchStatus.DONE
    assert list(Declaration.objects.values_list("receipt_no", flat=True)) == ["SB-Y-1"]
    other = SourceRow.objects.get(batch=result.batch, reference_no="SB-W-1")
    # issue 6 item 1: referred to 万州 (and the city), who record it by linking it in their queue
    assert (
        other.status == RowStatus.REVIEW and other.enterprise_id is None and other.referred_to_id == "500101"
    )

    row_link(user=cast["wanzhou"], row=other, enterprise=wanzhou)
    assert set(Declaration.objects.values_list("receipt_no", flat=True)) == {"SB-Y-1", "SB-W-1"}


def test_receipt_number_of_another_employer_is_refused(enterprises):
    args = {
        "user": None,
        "kind": "initial",
        "declared_on": YESTERDAY,
        "employees": 1,
        "exposed_total": 1,
        "hazards": [],
        "principal": "",
        "hygiene_manager": "",
    }
    declaration_import(enterprise=enterprises["yubei"], receipt_no="R-9", **args)
    with pytest.raises(ValidationError, match="已属于其他用人单位"):
        declaration_import(enterprise=enterprises["wanzhou"], receipt_no="R-9", **args)


# -------------------------------------------------------------- issue 6 item 13: town and zone officers

AREA_REGISTRY = ["用人单位名称", "所属区县", "所属乡镇街道"]
AREA_INSPECTION = ["用人单位名称", "所属区县", "来源", "发现日期"]


def officer(username: str, region: Region):
    return user_create(
        username=username,
        password=PASSWORD,
        role="district_admin",
        region_code=region.code,
        check_password=False,
    )


@pytest.fixture
def towns(db):
    first, second = Region.objects.filter(parent_id="500112", level="town").order_by("code")[:2]
    return first, second


def test_a_town_officer_uploads_rows_of_its_town_attributed_to_the_town(ingest, towns):
    town, other_town = towns
    user = officer("town", town)
    result = ingest(
        SourceKind.INSPECTION,
        AREA_INSPECTION,
        [
            ["重庆镇街巡查甲有限公司", "", "协管巡查", YESTERDAY],
            ["两路空港物流仓储中心", "渝北区", "协管巡查", YESTERDAY],
        ],
        user=user,
    )
    assert not result.errors and result.counts["created"] == 2
    rows = list(result.batch.rows.order_by("row_number"))
    assert {(r.district_id, r.town_id, r.status) for r in rows} == {("500112", town.code, RowStatus.CREATED)}
    assert set(
        Enterprise.objects.filter(pk__in=[r.enterprise_id for r in rows]).values_list("region_id", "town_id")
    ) == {("500112", town.code)}


def test_a_town_officers_rows_outside_its_town_are_row_errors_in_chinese(ingest, towns):
    town, other_town = towns
    user = officer("town", town)
    result = ingest(
        SourceKind.REGISTRY,
        AREA_REGISTRY,
        [["重庆镇街登记甲有限公司", "万州区", ""], ["两路空港物流仓储中心", "渝北区", other_town.name]],
        user=user,
    )
    assert result.refused
    assert result.errors == [
        "第2行 所属区县: “万州区”不在您的管辖范围内",
        f"第3行 所属区县: “渝北区{other_town.name}”不在您的管辖范围内",
    ]


def test_a_zone_officers_rows_are_attributed_to_its_zone(ingest):
    zone = Region.objects.filter(level="zone").order_by("code").first()
    # a zone officer writes employers in the zone's towns only (issue 6 item 4)
    town = (
        Region.objects.filter(code__in=zone_towns()[zone.code], parent_id="500112").order_by("code").first()
    )
    user = officer("zone", zone)
    result = ingest(
        SourceKind.REGISTRY, AREA_REGISTRY, [["重庆功能区登记甲有限公司", "渝北区", town.name]], user=user
    )
    assert not result.errors and result.counts["created"] == 1
    row = result.batch.rows.get()
    assert row.zone_id == zone.code and Enterprise.objects.get(pk=row.enterprise_id).zone_id == zone.code

    assert SourceRow.objects.for_user(user).filter(pk=row.pk).exists()


# -------------------------------------------------------------- issue 8 item 2: codes that fail the check digit


def test_a_code_with_a_wrong_check_digit_is_kept_told_and_counted(ingest, cast):
    expected = registry_rules.uscc_check_char("91500112MA61EEEE0")
    result = ingest(
        SourceKind.EXAM,
        ["用人单位名称", "统一社会信用代码", "所属区县", "体检日期"],
        [["重庆校验位错误示例有限公司", "91500112MA61EEEE00", "渝北区", YESTERDAY]],
        user=cast["yubei"],
    )
    row = result.batch.rows.get()
    assert row.uscc == "91500112MA61EEEE00" and row.status == RowStatus.CREATED
    assert row.data["uscc_warning"] == f"统一社会信用代码校验位错误，应为 {expected}，已按名称匹配"
    assert row.data["uscc_warning"] in row.note
    assert result.counts["invalid_uscc"] == 1 and result.batch.counts["invalid_uscc"] == 1
    assert result.warnings == [f"第2行 统一社会信用代码: 校验位错误，应为 {expected}，已按名称匹配"]
    assert Enterprise.objects.get(pk=row.enterprise_id).uscc is None


# -------------------------------------------------------------- issue 6 item 8: what a row keeps of its file


def test_a_source_row_stores_the_used_columns_and_a_bounded_remainder(ingest, cast):
    huge = "长" * 100_000
    headers = ["用人单位名称", "所属区县", "来源", "发现日期", "备注"] + [
        f"附加列{i}" for i in range(EXTRA_COLUMNS + 5)
    ]
    good = ["重庆存储上限示例有限公司", "渝北区", "协管巡查", YESTERDAY, "短备注"] + [huge] * (
        EXTRA_COLUMNS + 5
    )
    bad = ["重庆存储上限另一有限公司", "渝北区", "协管巡查", YESTERDAY, huge]
    result = ingest(SourceKind.INSPECTION, headers, [good, bad], user=cast["yubei"], valid_rows_only=True)
    assert result.errors == [f"第3行 备注: 不能超过{CELL_CHARS}个字"]
    kept = result.batch.rows.get(row_number=2)
    extra = [k for k in kept.raw if k.startswith("附加列")]
    assert len(extra) == EXTRA_COLUMNS and all(len(kept.raw[k]) == EXTRA_CHARS for k in extra)
    rejected = result.batch.rows.get(row_number=3)
    assert len(rejected.raw["备注"]) == CELL_CHARS and rejected.remark == ""
    for row in (kept, rejected):
        stored = sum(len(str(v)) for v in row.raw.values()) + len(row.remark) + len(str(row.data))
        assert stored <= 5 * CELL_CHARS + EXTRA_COLUMNS * EXTRA_CHARS


# -------------------------------------------------------------- issue 8 items 3 and 5: template example, dry runs


def test_the_template_example_row_left_in_is_skipped_and_said_so(cast):
    content = template_xlsx(template_columns(SourceKind.EXAM, ["渝北区"]))

    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    values = {
        "用人单位名称": "重庆真实体检单位有限公司",
        "所属区县": "渝北区",
        "体检日期": YESTERDAY.isoformat(),
    }
    ws.append([values.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)

    assert list(FORMATS[SourceKind.EXAM]) == headers
    result = batch_ingest(
        user=cast["yubei"], kind=SourceKind.EXAM, filename="模板.xlsx", content=buf.getvalue()
    )
    assert not result.refused and result.warnings == ["第2行是模板示例，已跳过"]
    assert [r.name for r in result.batch.rows.all()] == ["重庆真实体检单位有限公司"]
    assert not Enterprise.objects.filter(name="重庆示例机械制造有限公司").exists()


def test_an_all_or_nothing_dry_run_shows_what_would_happen_to_the_good_rows(ingest, cast, enterprises):
    rows = [
        [enterprises["yubei"].name, "", "渝北区", YESTERDAY, "", "", "", 1],
        ["重庆试运行新建有限公司", "", "渝北区", YESTERDAY, "", "", "", 1],
        ["重庆试运行错误有限公司", "", "万州区", YESTERDAY, "", "", "", 1],
    ]
    before = Enterprise.objects.count()
    result = ingest(SourceKind.EXAM, EXAM, rows, user=cast["yubei"], dry_run=True)
    assert result.refused and result.dry_run and result.batch is None
    assert (
        result.counts["name_exact"] == 1 and result.counts["created"] == 1 and result.counts["rejected"] == 1
    )
    assert Enterprise.objects.count() == before and not SourceBatch.objects.exists()


def test_registry_row_with_a_new_valid_code_and_a_similar_name_creates_the_employer(ingest, enterprises):
    """Two different valid codes are two legal persons: a market-supervision row whose valid code
    is not in the register creates the employer, however alike the names (issue 7 item 8: 15 of
    610 such rows went to review). The same row from an exam list, where the code is typed by
    hand and the name is exactly a register employer's, is still reviewed."""
    known = EnterpriseFactory(
        name="重庆市沙坪坝区华鑫瑞纸制品厂",
        uscc=make_uscc("500106"),
        region=Region.objects.get(code="500106"),
    )
    similar, same_name = make_uscc("500106"), make_uscc("500106")
    rows = [
        [similar, "重庆市沙坪坝区华鑫瑞纸制品有限公司", "沙坪坝区", "", "", "", "", "", "", "", "", ""],
        [same_name, known.name, "沙坪坝区", "", "", "", "", "", "", "", "", ""],
    ]
    result = ingest(SourceKind.REGISTRY, REGISTRY, rows)
    assert result.counts["created"] == 2 and result.counts["review"] == 0
    assert Enterprise.objects.filter(uscc__in=[similar, same_name]).count() == 2

    exam = ingest(
        SourceKind.EXAM, EXAM, [[known.name, make_uscc("500106"), "沙坪坝区", YESTERDAY, "", "", "", 1]]
    )
    assert exam.batch.rows.get().status == RowStatus.REVIEW


def test_a_row_whose_name_is_only_invisible_characters_is_rejected(ingest, enterprises):
    rows = [["\u200b\u200b", "", "渝北区", YESTERDAY, "在岗期间", "苯", "市职防院", 3]]
    result = ingest(SourceKind.EXAM, EXAM, rows, valid_rows_only=True)
    assert result.errors == ["第2行 用人单位名称: 不能只由空白或不可见字符组成"]
    assert result.counts["created"] == 0
