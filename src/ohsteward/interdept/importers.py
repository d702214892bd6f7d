"""Imports of the other departments' lists from .xlsx/.xls/.csv, on core's import machinery
(``core.imports``, ``core.spreadsheets``, ``core.views.ImportView``): template, dry run, errors
"第N行 列名: 原因", all or nothing unless the user asks for the valid rows only.

Each row names its employer by 统一社会信用代码, or by 用人单位名称 and 所在区县 (the lists other
departments send often have no code), looked up among the employers the user may see; the row is
written by the list's action (``actions.*_save``, an upsert) inside a savepoint. A dry run rolls
the whole file back, so the preview says exactly what the import would do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.cells import CellError, cell_text, parse_count, parse_date
from ohsteward.core.imports import Column, ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.interdept import actions, rules
from ohsteward.interdept.choices import PersonAwardKind, RecognitionLevel
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region

USCC, NAME, DISTRICT = "统一社会信用代码", "用人单位名称", "所在区县"
EMPLOYER_COLUMNS = [
    Column(USCC, "uscc", False, ("信用代码", "社会信用代码"), "18位；不填时按用人单位名称和所在区县查找"),
    Column(NAME, "name", False, ("单位名称", "企业名称", "用人单位"), "无信用代码时必填，须与登记名称一致"),
    Column(DISTRICT, "district", False, ("区县",), "无信用代码时必填：区县名称或6位代码"),
]
SOURCE_COLUMNS = [
    Column("数据来源", "source", True, ("来源部门", "提供部门"), "提供名单的部门，如 渝北区人力社保局"),
    Column("来源日期", "source_date", True, ("提供日期", "印发日期"), "名单提供或印发的日期，如 2025-06-30"),
]
# headers of personal data a recognition list may carry: never imported (only the name is kept)
PERSONAL_HEADERS = ("身份证号", "身份证号码", "证件号码", "手机号", "手机号码", "联系电话", "电话", "住址")
LEVEL_WORDS = {
    "国家级": RecognitionLevel.NATIONAL,
    "国家": RecognitionLevel.NATIONAL,
    "市级": RecognitionLevel.CITY,
    "重庆市级": RecognitionLevel.CITY,
    "省级": RecognitionLevel.CITY,
    "区县级": RecognitionLevel.DISTRICT,
    "区级": RecognitionLevel.DISTRICT,
    "县级": RecognitionLevel.DISTRICT,
}
KIND_WORDS = {str(label): value for value, label in PersonAwardKind.choices}


class _Rollback(Exception):
    """Ends the outer transaction of a dry run (or of an all-or-nothing import with errors)."""


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class _Context:
    user: Any
    today: dt.date
    report: ImportReport
    districts: dict[str, str]  # name or code → code
    seen: dict[tuple, int]  # a row's natural key → its first row number (duplicates in one file)


def _districts() -> dict[str, str]:
    out = {}
    for code, name in Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", "name"):
        out[code] = code
        out[name] = code
    return out


def employer_of(ctx: _Context, record: dict[str, Any]) -> Enterprise:
    """The row's employer among those the user may see: by credit code, else name and district."""
    employers = Enterprise.objects.for_user(ctx.user) if ctx.user is not None else Enterprise.objects.all()
    code = registry_rules.uscc_clean(cell_text(record.get(USCC)))
    if code:
        problem = registry_rules.uscc_error(code)
        if problem:
            raise RowProblem(USCC, problem)
        found = employers.filter(uscc=code).first()
        if found is None:
            raise RowProblem(USCC, "没有该统一社会信用代码的用人单位，或不在您的管辖范围内")
        return found
    name, district = cell_text(record.get(NAME)), cell_text(record.get(DISTRICT))
    if not name:
        raise RowProblem(NAME, "请填写统一社会信用代码，或填写用人单位名称和所在区县")
    if not district:
        raise RowProblem(DISTRICT, "未填统一社会信用代码时须填写所在区县")
    district_code = ctx.districts.get(district)
    if district_code is None:
        raise RowProblem(DISTRICT, f"无法识别的区县“{district}”，请填写区县名称或6位代码")
    matches = list(
        employers.filter(region_id=district_code, name_normalized=registry_rules.normalize_name(name))[:2]
    )
    if not matches:
        raise RowProblem(NAME, f"{district}没有名为“{name}”的用人单位，或不在您的管辖范围内")
    if len(matches) > 1:
        raise RowProblem(NAME, f"{district}有多家名为“{name}”的用人单位，请填写统一社会信用代码")
    return matches[0]


def _date(record: dict[str, Any], header: str, today: dt.date, *, required: bool = False) -> dt.date | None:
    try:
        value = parse_date(record.get(header), today=today)
    except CellError as error:
        raise RowProblem(header, str(error)) from None
    if value is None and required:
        raise RowProblem(header, f"请填写{header}")
    return value


def _count(record: dict[str, Any], header: str, *, required: bool = False) -> int | None:
    try:
        value = parse_count(record.get(header))
    except CellError as error:
        raise RowProblem(header, str(error)) from None
    if value is None and required:
        raise RowProblem(header, f"请填写{header}")
    return value


def _year(record: dict[str, Any], header: str, today: dt.date, *, required: bool = True) -> int | None:
    text = cell_text(record.get(header)).removesuffix("年").removesuffix("年度").strip()
    if not text:
        if required:
            raise RowProblem(header, f"请填写{header}")
        return None
    if not (text.isdigit() and len(text) == 4):
        raise RowProblem(header, f"应为四位年份，如 2025，实际为“{cell_text(record.get(header))}”")
    year = int(text)
    if year > today.year:
        raise RowProblem(header, "年度不能晚于今年")
    if year < 2000:
        raise RowProblem(header, "年度过早（应为2000年以后）")
    return year


def _text(record: dict[str, Any], header: str, limit: int, *, required: bool = False) -> str:
    text = cell_text(record.get(header))
    if required and not text:
        raise RowProblem(header, f"请填写{header}")
    if len(text) > limit:
        raise RowProblem(header, f"不能超过{limit}个字")
    return text


def _source(ctx: _Context, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": _text(record, "数据来源", 100, required=True),
        "source_date": _date(record, "来源日期", ctx.today, required=True),
    }


def _once(ctx: _Context, key: tuple, row_no: int, column: str) -> None:
    first = ctx.seen.setdefault(key, row_no)
    if first != row_no:
        raise RowProblem(column, f"与第{first}行重复（同一用人单位的同一条记录）")


def _note(ctx: _Context, outcome: str, label: str) -> None:
    if outcome == actions.CREATED:
        ctx.report.created.append(label)
    elif outcome == actions.UPDATED:
        ctx.report.updated.append(label)
    else:
        ctx.report.unchanged += 1


RowFn = Callable[[_Context, int, dict[str, Any]], None]


class _ListImporter:
    """The shared runner: template from ``columns``, rows through ``apply_row``."""

    template_filename = ""
    columns: list[Column] = []
    notes: list[str] = []
    unit = "条"
    examples: dict[str, Any] = {}
    choices: dict[str, list[str]] = {}
    # which import column a model field's validation error belongs to
    field_headers: dict[str, str] = {}

    def apply_row(self, ctx: _Context, row_no: int, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def template(self, user=None) -> bytes:
        choices = {
            DISTRICT: [r.name for r in access.writable_districts(user)] if user else [],
            **self.choices,
        }
        return template_xlsx(
            [
                TemplateColumn(
                    c.header + ("*" if c.required else ""),
                    choices.get(c.header, ()),
                    comment=c.comment,
                    width=30 if c.header in (NAME, "数据来源") else 18,
                    example=self.examples.get(c.header),
                )
                for c in self.columns
            ],
            notes=[
                "带 * 的列必须填写；第2行为示例（灰色），导入前请删除或覆盖。",
                "用人单位按统一社会信用代码查找；没有信用代码时按用人单位名称和所在区县查找（须与登记名称一致）。",
                "只能导入您管辖范围内已登记的用人单位；未登记的单位请先在“用人单位”中登记。",
                *self.notes,
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        required = [c.header for c in self.columns if c.required]
        aliases = {a: c.header for c in self.columns for a in c.aliases}
        table = read_table(filename, content, required=required, header_aliases=aliases)
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit=self.unit, dry_run=dry_run
        )
        ignored = [h for h in table.headers if h in PERSONAL_HEADERS]
        if ignored:
            report.notes.append(f"文件中的“{'、'.join(ignored)}”列不会导入（只保存姓名，不保存个人身份信息）")
        ctx = _Context(user, timezone.localdate(), report, _districts(), {})
        try:
            with transaction.atomic():
                for row_no, values in table.rows:
                    report.raw_rows[row_no] = values
                    record = dict(zip(table.headers, values, strict=False))
                    try:
                        with transaction.atomic():
                            self.apply_row(ctx, row_no, record)
                    except RowProblem as problem:
                        report.errors.append(RowError(row_no, problem.column, problem.message))
                    except ValidationError as error:
                        for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
                            for message in messages:
                                report.errors.append(
                                    RowError(row_no, self.field_headers.get(field, ""), message)
                                )
                    except PermissionDenied as error:
                        report.errors.append(RowError(row_no, "", str(error) or "您无权导入该行"))
                if dry_run or (all_or_nothing and report.errors):
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report


class InsuranceImporter(_ListImporter):
    """工伤保险参保名单 (人力社保部门): one row per employer and date; the same employer and date
    again updates the headcount."""

    template_filename = "工伤保险参保名单导入模板.xlsx"
    unit = "条"
    columns = [
        *EMPLOYER_COLUMNS,
        Column("年度", "year", False, ("参保年度",), "与参保数据日期二选一；只填年度时记为该年12月31日"),
        Column("参保数据日期", "as_of", False, ("统计日期", "截至日期"), "参保人数的统计日期，如 2025-06-30"),
        Column("参保人数", "insured", True, ("工伤保险参保人数",), "整数"),
        Column("应参保人数", "employees", False, ("从业人数", "职工人数"), "可不填；填写时不能小于参保人数"),
        *SOURCE_COLUMNS,
    ]
    examples = {
        USCC: "91500112MA5U000001",
        NAME: "重庆示例机械制造有限公司",
        DISTRICT: "渝北区",
        "年度": 2025,
        "参保人数": 120,
        "应参保人数": 126,
        "数据来源": "渝北区人力社保局",
        "来源日期": "2025-07-10",
    }
    notes = [
        "参保率按用人单位计：最近一次参保记录参保人数大于0的存在职业病危害的用人单位为已参保（指标库可改口径）。",
        "同一用人单位同一日期再次导入时更新参保人数。",
    ]
    field_headers = {"insured": "参保人数", "employees": "应参保人数", "as_of": "参保数据日期",
                     "source": "数据来源", "source_date": "来源日期"}  # fmt: skip

    def apply_row(self, ctx, row_no, record):
        enterprise = employer_of(ctx, record)
        year = _year(record, "年度", ctx.today, required=False)
        as_of = _date(record, "参保数据日期", ctx.today)
        if as_of is None and year is None:
            raise RowProblem("参保数据日期", "请填写年度或参保数据日期")
        if as_of is not None and year is not None and as_of.year != year:
            raise RowProblem("参保数据日期", f"参保数据日期不在所填年度（{year}年）内")
        as_of = as_of or rules.as_of_for_year(year, ctx.today)  # type: ignore[arg-type]
        insured = _count(record, "参保人数", required=True)
        employees = _count(record, "应参保人数")
        source = _source(ctx, record)
        _once(ctx, ("insurance", enterprise.pk, as_of), row_no, "参保数据日期")
        _obj, outcome = actions.insurance_record_save(
            user=ctx.user, enterprise=enterprise, as_of=as_of, insured=insured, employees=employees, **source
        )
        _note(ctx, outcome, f"{enterprise.name} {as_of:%Y-%m-%d} 参保{insured}人")


class HealthyEnterpriseImporter(_ListImporter):
    """健康企业 namings: one row per employer, level and year."""

    template_filename = "健康企业名单导入模板.xlsx"
    unit = "家"
    columns = [
        *EMPLOYER_COLUMNS,
        Column("命名级别", "level", True, ("级别",), "国家级 / 市级 / 区县级"),
        Column("命名年度", "year", True, ("年度",), "如 2024"),
        Column("命名文号", "document_number", False, ("文号",), "如 渝卫健康〔2024〕12号"),
        *SOURCE_COLUMNS,
    ]
    choices = {"命名级别": [str(label) for _, label in RecognitionLevel.choices]}
    examples = {
        USCC: "91500112MA5U000001",
        NAME: "重庆示例机械制造有限公司",
        DISTRICT: "渝北区",
        "命名级别": "区县级",
        "命名年度": 2024,
        "命名文号": "渝北卫健〔2024〕35号",
        "数据来源": "渝北区卫生健康委",
        "来源日期": "2024-11-20",
    }
    notes = ["同一用人单位同一年度同一级别再次导入时更新文号和来源。"]
    field_headers = {"year": "命名年度", "level": "命名级别", "document_number": "命名文号",
                     "source": "数据来源", "source_date": "来源日期"}  # fmt: skip

    def apply_row(self, ctx, row_no, record):
        enterprise = employer_of(ctx, record)
        level_text = cell_text(record.get("命名级别"))
        if not level_text:
            raise RowProblem("命名级别", "请填写命名级别")
        level = LEVEL_WORDS.get(level_text)
        if level is None:
            raise RowProblem("命名级别", f"无法识别的级别“{level_text}”，应为：国家级、市级、区县级")
        year = _year(record, "命名年度", ctx.today)
        number = _text(record, "命名文号", 100)
        source = _source(ctx, record)
        _once(ctx, ("healthy", enterprise.pk, level, year), row_no, "命名年度")
        _obj, outcome = actions.healthy_enterprise_save(
            user=ctx.user, enterprise=enterprise, level=level, year=year, document_number=number, **source
        )
        _note(ctx, outcome, f"{enterprise.name} {year}年{RecognitionLevel(level).label}健康企业")


class PersonAwardImporter(_ListImporter):
    """职业健康达人 / 安康之星: one row per person, employer, kind and year; the name only."""

    template_filename = "职业健康达人安康之星名单导入模板.xlsx"
    unit = "人"
    columns = [
        Column("姓名", "person_name", True, (), "只填姓名；不要填写身份证号、电话等个人信息"),
        *EMPLOYER_COLUMNS,
        Column("荣誉类别", "kind", True, ("类别", "荣誉"), "职业健康达人 / 安康之星"),
        Column("年度", "year", True, ("评选年度",), "如 2025"),
        Column("级别", "level", False, (), "国家级 / 市级 / 区县级，可不填"),
        Column("文号", "document_number", False, ("命名文号",), ""),
        *SOURCE_COLUMNS,
    ]
    choices = {
        "荣誉类别": list(KIND_WORDS),
        "级别": [str(label) for _, label in RecognitionLevel.choices],
    }
    examples = {
        "姓名": "张三",
        USCC: "91500112MA5U000001",
        NAME: "重庆示例机械制造有限公司",
        DISTRICT: "渝北区",
        "荣誉类别": "职业健康达人",
        "年度": 2025,
        "数据来源": "渝北区卫生健康委",
        "来源日期": "2025-10-15",
    }
    notes = ["只保存姓名、所在用人单位、荣誉类别、年度、级别和文号；身份证号、电话等列即使填写也不会导入。"]
    field_headers = {"person_name": "姓名", "kind": "荣誉类别", "year": "年度", "level": "级别",
                     "document_number": "文号", "source": "数据来源", "source_date": "来源日期"}  # fmt: skip

    def apply_row(self, ctx, row_no, record):
        name = _text(record, "姓名", 50, required=True)
        enterprise = employer_of(ctx, record)
        kind_text = cell_text(record.get("荣誉类别"))
        if not kind_text:
            raise RowProblem("荣誉类别", "请填写荣誉类别")
        kind = KIND_WORDS.get(kind_text)
        if kind is None:
            raise RowProblem("荣誉类别", f"无法识别的荣誉类别“{kind_text}”，应为：{'、'.join(KIND_WORDS)}")
        year = _year(record, "年度", ctx.today)
        level_text = cell_text(record.get("级别"))
        level = LEVEL_WORDS.get(level_text, "") if level_text else ""
        if level_text and not level:
            raise RowProblem("级别", f"无法识别的级别“{level_text}”，应为：国家级、市级、区县级")
        number = _text(record, "文号", 100)
        source = _source(ctx, record)
        _once(ctx, ("award", enterprise.pk, name, kind, year), row_no, "姓名")
        _obj, outcome = actions.person_award_save(
            user=ctx.user, enterprise=enterprise, person_name=name, kind=kind, year=year, level=level,
            document_number=number, **source,
        )  # fmt: skip
        _note(ctx, outcome, f"{name}（{enterprise.name}）{year}年{PersonAwardKind(kind).label}")
