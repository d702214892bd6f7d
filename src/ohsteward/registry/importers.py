"""Import employers from the .xlsx/.csv lists officials already keep.

Flow (STYLE.md): read rows (calamine/csv) → resolve natural keys (credit code, district and town
by code or name, industry by code) → validate every row in Python with the same rules as the
forms (``registry.rules``, ``Enterprise.clean``) → a dry run reports what would be created,
updated or left unchanged and every error as "第N行 列名: 原因" → applying writes everything in
one transaction (PostgreSQL COPY for new rows) with one audit entry per changed employer.

Idempotent: an upsert keyed by the credit code; a row equal to what is stored changes nothing.
An empty optional cell means "not given" and keeps the stored value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit, bulk, cells, jobs
from ohsteward.core.imports import Column, ImportReport, RowError
from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.registry import rules
from ohsteward.registry.actions import CANNOT_REGISTER
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RegionLevel
from ohsteward.registry.models import Enterprise, Industry, Region, sync_district_copies
from ohsteward.registry.refdata import zone_towns

MAX_TEXT = {"name": 200, "address": 200, "legal_representative": 50, "contact_name": 50, "contact_phone": 30}

STATUS_WORDS = {
    "在业": "active",
    "存续": "active",
    "开业": "active",
    "正常": "active",
    "在营": "active",
    "停产停业": "suspended",
    "停产": "suspended",
    "停业": "suspended",
    "歇业": "suspended",
    "停产停业中": "suspended",
    "注销": "cancelled",
    "已注销": "cancelled",
    "吊销": "cancelled",
    "吊销未注销": "cancelled",
}
ECON_WORDS = {label: value for value, label in EconomicType.choices}


COLUMNS = [
    Column(
        "统一社会信用代码",
        "uscc",
        True,
        ("社会信用代码", "信用代码", "统一代码", "USCC"),
        "18位，GB 32100 校验",
    ),
    Column("用人单位名称", "name", True, ("单位名称", "企业名称", "名称")),
    Column(
        "所属区县", "region", True, ("区县", "所在区县", "区县名称"), "区县名称或6位代码，如 渝北区 / 500112"
    ),
    Column("所属乡镇街道", "town", False, ("乡镇街道", "街道", "乡镇", "所在乡镇街道")),
    Column("功能区", "zone", False, ("所属功能区",)),
    Column("地址", "address", False, ("注册地址", "经营地址", "单位地址")),
    Column(
        "行业代码",
        "industry",
        False,
        ("行业", "国民经济行业代码", "行业分类代码"),
        "GB/T 4754-2017 小类4位代码，如 3311",
    ),
    Column("经济类型", "economic_type", False, ("企业类型", "登记注册类型")),
    Column("从业人员数", "employees", False, ("职工人数", "从业人数", "职工总数")),
    Column("接害人数", "exposed_workers", False, ("接害总人数", "接触职业病危害人数")),
    Column("营业收入(万元)", "revenue", False, ("营业收入", "主营业务收入(万元)")),
    Column("资产总额(万元)", "total_assets", False, ("资产总额",)),
    Column("经营状态", "status", False, ("状态", "登记状态"), "在业 / 停产停业 / 注销"),
    Column(
        "状态日期", "status_date", False, ("停产停业日期", "注销日期"), "停产停业或注销的日期，不能晚于今天"
    ),
    Column("法定代表人", "legal_representative", False, ("法人代表", "法人")),
    Column("联系人", "contact_name", False, ()),
    Column("联系电话", "contact_phone", False, ("电话", "手机")),
    Column("曾用名", "former_names", False, (), "多个曾用名用；分隔"),
]
HEADER_OF = {c.key: c.header for c in COLUMNS}
ALIASES = {alias: c.header for c in COLUMNS for alias in c.aliases}
REQUIRED = [c.header for c in COLUMNS if c.required]
COMPARED = [
    "name",
    "region_id",
    "town_id",
    "zone_id",
    "address",
    "industry_id",
    "economic_type",
    "employees",
    "exposed_workers",
    "revenue",
    "total_assets",
    "status",
    "suspended_on",
    "cancelled_on",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "former_names",
    "size_class",
    "industry_risk",
]


@dataclass
class PlannedRow:
    row: int
    uscc: str
    name: str
    values: dict[str, Any]
    changes: dict[str, list[Any]] = field(default_factory=dict)
    pk: int | None = None


# The grey example row of the template (row 2). A row identical to it is skipped by the import and
# said so in the preview (issue 8 item 3): left in, it would register 重庆示例机械制造有限公司.
TEMPLATE_EXAMPLE: dict[str, Any] = {
    "uscc": "91500112MA5U7K3L0K",
    "name": "重庆示例机械制造有限公司",
    "region": "渝北区",
    "town": "双龙湖街道",
    "industry": "3311 金属结构制造",
    "employees": 120,
    "exposed_workers": 35,
    "revenue": 5600,
    "total_assets": 4200,
    "status": "在业",
}


def is_template_example(row: dict[str, Any]) -> bool:
    """Whether a row (column key → cell) is the template's example row, unchanged."""
    return all(_text(row.get(c.key)) == _text(TEMPLATE_EXAMPLE.get(c.key)) for c in COLUMNS)


def enterprise_import_template(*, user=None) -> bytes:
    """The .xlsx template with drop-downs for district, zone, industry, economic type and status.

    The district drop-down offers only the districts ``user`` may write (``None``: the system, all).
    """
    districts = list(access.writable_districts(user).values_list("name", flat=True))
    zones = list(
        Region.objects.filter(level=RegionLevel.ZONE).order_by("code").values_list("name", flat=True)
    )
    industries = [
        f"{c} {n}"
        for c, n in Industry.objects.filter(level="class").order_by("code").values_list("code", "name")
    ]
    choices: dict[str, list[str]] = {
        "region": districts,
        "zone": zones,
        "industry": industries,
        "economic_type": [label for _, label in EconomicType.choices],
        "status": ["在业", "停产停业", "注销"],
    }
    examples = TEMPLATE_EXAMPLE
    cols = [
        TemplateColumn(
            header=c.header + ("*" if c.required else ""),
            choices=choices.get(c.key, ()),
            comment=c.comment,
            width=30 if c.key in {"name", "address", "industry"} else 16,
            example=examples.get(c.key),
        )
        for c in COLUMNS
    ]
    notes = [
        "带 * 的列必须填写；第2行为示例（灰色），导入前请删除或覆盖。",
        "统一社会信用代码为18位，系统会校验第18位校验码（GB 32100-2015）。",
        "按统一社会信用代码更新：已存在的单位会被更新，不存在的会新增；重复导入同一文件不会产生变化。",
        "留空的非必填单元格表示“不修改”，不会清空系统中已有的值。",
        "经营状态为停产停业或注销时，须填写状态日期，且不能晚于今天。",
        "企业规模按《统计上大中小微型企业划分办法(2017)》自动计算，行业风险分类按2021版目录自动判定，无需填写。",
    ]
    return template_xlsx(cols, notes=notes)


# ---------------------------------------------------------------------------------------------
# cell parsers: return a value, None for "not given", or raise ValueError(Chinese message)
# ---------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return cells.cell_text(value)


# core.cells parsers raise CellError (a ValueError) with the Chinese reason
_int = cells.parse_count
_decimal = cells.parse_amount
_date = cells.parse_date


class _Lookups:
    """Natural-key lookups preloaded once per import (no per-row queries)."""

    def __init__(self) -> None:
        self.districts: dict[str, str] = {}
        self.towns: dict[tuple[str, str], str] = {}
        self.town_codes: dict[str, str] = {}
        self.zones: dict[str, str] = {}
        for code, name, level, parent in Region.objects.values_list("code", "name", "level", "parent_id"):
            if level == RegionLevel.DISTRICT:
                self.districts[code] = code
                self.districts[name] = code
                short = re.sub(r"(土家族苗族自治县|苗族土家族自治县|土家族自治县|自治县|区|县)$", "", name)
                self.districts.setdefault(short, code)
            elif level == RegionLevel.TOWN:
                self.towns[(parent, name)] = code
                self.town_codes[code] = parent
            elif level == RegionLevel.ZONE:
                self.zones[name] = code
                self.zones[code] = code
        self.industries: dict[str, tuple[str, str, str]] = {}
        self.industry_names: dict[str, str] = {}
        for code, name, section, risk in Industry.objects.filter(level="class").values_list(
            "code", "name", "section", "risk_class"
        ):
            self.industries[code] = (section, risk, name)
            self.industry_names[name] = code


def _resolve_industry(text: str, lk: _Lookups) -> str:
    m = re.match(r"^\s*([A-Ta-t]?)(\d{4})\b", text)
    if m and m[2] in lk.industries:
        return m[2]
    if text in lk.industry_names:
        return lk.industry_names[text]
    if m:
        raise ValueError(f"未知的行业代码“{m[1]}{m[2]}”（应为 GB/T 4754-2017 小类4位代码）")
    raise ValueError(f"未知的行业“{text}”（请填写 GB/T 4754-2017 小类4位代码）")


def _parse_row(
    cells: dict[str, Any], lk: _Lookups, today: dt.date, errors: list[tuple[str, str]]
) -> dict[str, Any]:
    """Turn one row's cells into model values; problems go to ``errors`` as (column, message)."""
    out: dict[str, Any] = {}

    def run(key: str, fn: Callable[[Any], Any]) -> None:
        if key not in cells:
            return
        try:
            value = fn(cells[key])
        except ValueError as exc:
            errors.append((HEADER_OF[key], str(exc)))
            return
        if value is not None and value != "":
            out[key] = value

    uscc = rules.uscc_clean(_text(cells.get("uscc")))
    message = rules.uscc_error(uscc)
    if message:
        errors.append((HEADER_OF["uscc"], message))
    out["uscc"] = uscc
    raw_name = _text(cells.get("name"))
    name = rules.clean_name(raw_name)
    if rules.name_error(raw_name):
        errors.append((HEADER_OF["name"], rules.name_error(raw_name)))
    elif len(name) > MAX_TEXT["name"]:
        errors.append((HEADER_OF["name"], f"过长（{len(name)}字），最多{MAX_TEXT['name']}字"))
    out["name"] = name

    region_text = _text(cells.get("region"))
    if not region_text:
        errors.append((HEADER_OF["region"], "不能为空"))
    elif region_text not in lk.districts:
        errors.append((HEADER_OF["region"], f"未知的区县“{region_text}”"))
    else:
        out["region_id"] = lk.districts[region_text]
    town_text = _text(cells.get("town"))
    if town_text:
        code = lk.town_codes.get(town_text) and town_text
        if code is None and "region_id" in out:
            code = lk.towns.get((out["region_id"], town_text))
        if code is None:
            errors.append((HEADER_OF["town"], f"“{town_text}”不是{region_text or '该区县'}的乡镇街道"))
        elif "region_id" in out and lk.town_codes[code] != out["region_id"]:
            errors.append((HEADER_OF["town"], f"“{town_text}”不属于{region_text}"))
        else:
            out["town_id"] = code
    zone_text = _text(cells.get("zone"))
    if zone_text:
        if zone_text not in lk.zones:
            errors.append(
                (
                    HEADER_OF["zone"],
                    f"未知的功能区“{zone_text}”（可选：两江新区、西部科学城重庆高新区、万盛经开区）",
                )
            )
        else:
            out["zone_id"] = lk.zones[zone_text]
    industry_text = _text(cells.get("industry"))
    if industry_text:
        try:
            out["industry_id"] = _resolve_industry(industry_text, lk)
        except ValueError as exc:
            errors.append((HEADER_OF["industry"], str(exc)))
    econ = _text(cells.get("economic_type"))
    if econ:
        if econ in ECON_WORDS:
            out["economic_type"] = ECON_WORDS[econ]
        elif econ in EconomicType.values:
            out["economic_type"] = econ
        else:
            errors.append((HEADER_OF["economic_type"], f"未知的经济类型“{econ}”"))
    run("employees", _int)
    run("exposed_workers", _int)
    run("revenue", _decimal)
    run("total_assets", _decimal)
    for key in ("address", "legal_representative", "contact_name", "contact_phone"):
        text = _text(cells.get(key))
        if len(text) > MAX_TEXT[key]:
            errors.append((HEADER_OF[key], f"过长（{len(text)}字），最多{MAX_TEXT[key]}字"))
        elif text:
            out[key] = text
    former = _text(cells.get("former_names"))
    if former:
        out["former_names"] = [n.strip() for n in re.split(r"[；;、,，]", former) if n.strip()]
    status_text = _text(cells.get("status"))
    if status_text:
        status = STATUS_WORDS.get(status_text) or (
            status_text if status_text in EnterpriseStatus.values else None
        )
        if status is None:
            errors.append(
                (HEADER_OF["status"], f"未知的经营状态“{status_text}”（可选：在业、停产停业、注销）")
            )
        else:
            out["status"] = status
            try:
                status_date = _date(cells.get("status_date"))
            except ValueError as exc:
                errors.append((HEADER_OF["status_date"], str(exc)))
                status_date = None
            if status != "active":
                word = "停产停业" if status == "suspended" else "注销"
                if status_date is None and not any(c == HEADER_OF["status_date"] for c, _ in errors):
                    errors.append((HEADER_OF["status_date"], f"经营状态为{word}时须填写日期"))
                elif status_date is not None and status_date > today:
                    errors.append((HEADER_OF["status_date"], f"{word}日期不能晚于今天（{today:%Y-%m-%d}）"))
                elif status_date is not None:
                    out["suspended_on" if status == "suspended" else "cancelled_on"] = status_date
    if (
        out.get("employees") is not None
        and out.get("exposed_workers") is not None
        and out["exposed_workers"] > out["employees"]
    ):
        errors.append((HEADER_OF["exposed_workers"], "接害人数不能大于从业人员数"))
    return out


def _derive(values: dict[str, Any], lk: _Lookups) -> None:
    industry = lk.industries.get(values.get("industry_id") or "")
    section, code = (industry[0], values["industry_id"]) if industry else ("", "")
    size = rules.size_class(
        section,
        code,
        employees=values.get("employees"),
        revenue=values.get("revenue"),
        total_assets=values.get("total_assets"),
    )
    values["size_class"] = size or ""
    values["industry_risk"] = industry[1] if industry else "unlisted"
    values["name_normalized"] = rules.normalize_name(values["name"])
    if values.get("status", "active") == "active":
        values["suspended_on"] = None
        values["cancelled_on"] = None
    elif values["status"] == "suspended":
        values["cancelled_on"] = None
    else:
        values["suspended_on"] = None


def _jsonable(v: Any) -> Any:
    """JSON-ready value for audit entries (the types an import produces; no recursion needed)."""
    if v is None or isinstance(v, str | int | float | list):
        return v
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return audit._jsonable(v)


def _no_progress(percent: float, stage: str = "", **counts: Any) -> None:
    return None


def enterprise_import(
    *,
    user,
    filename: str,
    content: bytes,
    dry_run: bool = True,
    all_or_nothing: bool = True,
    today: dt.date | None = None,
    progress: Callable[..., None] = _no_progress,
) -> ImportReport:
    """Validate an employer list and (unless ``dry_run``) upsert it by credit code.

    ``all_or_nothing``: any rejected row means nothing is written; otherwise the valid rows are
    written and the rejected ones reported. Rows about employers outside the user's jurisdiction
    are rejected with a reason. Raises ``SpreadsheetError`` for a file that cannot be used at all.

    Two imports that create the same codes at once (the same confirm sent twice, two officials
    with one list): the later write fails on the unique credit code and is rolled back; the file
    is then planned again against the register as it now is, so the codes the other import created
    become updates (or unchanged rows) instead of a 500 (issue 6 item 9).

    ``progress(percent, stage, **counts)`` is told how far it got (a background job's page).
    """
    try:
        return _enterprise_import(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            today=today,
            progress=progress,
        )
    except IntegrityError:
        if dry_run:
            raise
        return _enterprise_import(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            today=today,
            progress=progress,
        )


def _enterprise_import(
    *,
    user,
    filename: str,
    content: bytes,
    dry_run: bool,
    all_or_nothing: bool,
    today: dt.date | None,
    progress: Callable[..., None] = _no_progress,
) -> ImportReport:
    today = today or timezone.localdate()
    progress(5, "读取文件")
    table = read_table(filename, content, required=REQUIRED, header_aliases=ALIASES)
    total = len(table.rows)
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers)
    key_of = {c.header: c.key for c in COLUMNS}
    index = [(i, key_of[h]) for i, h in enumerate(table.headers) if h in key_of]
    lk = _Lookups()

    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for done, (row_no, cells_list) in enumerate(table.rows):
        if done % 5000 == 0:
            progress(10 + 50 * done // max(total, 1), "检查", 已检查行数=done, 总行数=total)
        row_cells = {key: cells_list[i] if i < len(cells_list) else None for i, key in index}
        if is_template_example(row_cells):
            report.notes.append(f"第{row_no}行是模板示例，已跳过")
            continue
        row_errors: list[tuple[str, str]] = []
        values = _parse_row(row_cells, lk, today, row_errors)
        uscc = values.get("uscc")
        if uscc and uscc in seen and not rules.uscc_error(uscc):
            row_errors.append((HEADER_OF["uscc"], f"与第{seen[uscc]}行重复"))
        elif uscc:
            seen[uscc] = row_no
        if row_errors:
            report.errors.extend(RowError(row_no, col, msg) for col, msg in row_errors)
            report.raw_rows[row_no] = cells_list
        else:
            parsed.append((row_no, values))

    # existing employers for the codes in the file, with the values an update compares
    progress(60, "比对名录", 已检查行数=total, 总行数=total)
    codes = [v["uscc"] for _, v in parsed]
    existing: dict[str, dict[str, Any]] = {}
    columns = ["id", "uscc", *COMPARED]
    for rec in bulk.by_values(Enterprise, "uscc", codes, columns):
        existing[rec[1]] = dict(zip(columns, rec, strict=True))
    everything = user is None or access.sees_everything(user)  # None: the system (CLI, jobs)
    own = access.own_enterprise_id(user)
    allowed_ids = {own} if own else None

    def in_scope(values: dict[str, Any], pk: int | None) -> bool:
        if everything:
            return True
        if allowed_ids is not None:
            return pk in allowed_ids
        return access.can_write_enterprise(
            user,
            region_code=values.get("region_id"),
            town_code=values.get("town_id"),
            zone_code=values.get("zone_id"),
            enterprise_id=pk,
        )

    for row_no, values in parsed:
        old = existing.get(values["uscc"])
        if old is None:
            if allowed_ids is not None:
                report.errors.append(RowError(row_no, HEADER_OF["uscc"], CANNOT_REGISTER))
                continue
            values.setdefault("status", "active")
            values.setdefault("former_names", [])
            _derive(values, lk)
            zone_error = rules.zone_town_error(values.get("zone_id"), values.get("town_id"), zone_towns())
            if zone_error:
                report.errors.append(RowError(row_no, HEADER_OF["zone"], zone_error))
                continue
            if not in_scope(values, None):
                report.errors.append(RowError(row_no, HEADER_OF["uscc"], CANNOT_REGISTER))
                continue
            report.created.append(PlannedRow(row_no, values["uscc"], values["name"], values))
            continue
        merged = {k: old[k] for k in COMPARED}
        merged.update({k: v for k, v in values.items() if k != "uscc"})
        if "former_names" in values:  # former names accumulate
            merged["former_names"] = list(
                dict.fromkeys([*(old["former_names"] or []), *values["former_names"]])
            )
        if old["name"] != merged["name"] and old["name"] not in merged["former_names"]:
            merged["former_names"] = [*merged["former_names"], old["name"]]
        _derive(merged, lk)
        zone_error = rules.zone_town_error(merged.get("zone_id"), merged.get("town_id"), zone_towns())
        if zone_error:
            report.errors.append(RowError(row_no, HEADER_OF["zone"], zone_error))
            continue
        if not in_scope(old, old["id"]):
            # registered outside the user's jurisdiction: said exactly as for a new employer filed
            # outside it, so a list of guessed codes tells nothing (issue 6 item 17)
            report.errors.append(RowError(row_no, HEADER_OF["uscc"], CANNOT_REGISTER))
            continue
        if not in_scope(merged, old["id"]):
            report.errors.append(RowError(row_no, HEADER_OF["region"], "不能把用人单位移出您的管辖范围"))
            continue
        changes = {
            k: [_jsonable(old[k]), _jsonable(merged[k])]
            for k in COMPARED
            if old[k] != merged[k]
            and not (
                isinstance(old[k], Decimal)
                and merged[k] is not None
                and Decimal(old[k]) == Decimal(merged[k])
            )
        }
        if not changes:
            report.unchanged += 1
            continue
        report.updated.append(PlannedRow(row_no, values["uscc"], merged["name"], merged, changes, old["id"]))
    for row_no in report.rejected_rows:
        report.raw_rows.setdefault(row_no, next(r for n, r in table.rows if n == row_no))

    if dry_run or (all_or_nothing and report.errors):
        return report
    progress(80, "写入", 新增=len(report.created), 更新=len(report.updated))
    _apply(report, user, progress)
    report.applied = True
    return report


CREATE_FIELDS = [
    "uscc",
    "name",
    "name_normalized",
    "former_names",
    "region_id",
    "town_id",
    "zone_id",
    "address",
    "industry_id",
    "industry_risk",
    "economic_type",
    "employees",
    "exposed_workers",
    "revenue",
    "total_assets",
    "size_class",
    "status",
    "suspended_on",
    "cancelled_on",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "registration",
    "created_at",
    "updated_at",
]
TEXT_DEFAULTS = {
    "address",
    "economic_type",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "size_class",
}


@transaction.atomic
def _apply(report: ImportReport, user, progress: Callable[..., None] = _no_progress) -> None:
    """All of an import in one transaction: a worker killed here leaves the register as before."""
    now = timezone.now()
    rows = []
    for p in report.created:
        v = p.values
        v.update(registration="registered", created_at=now, updated_at=now)
        rows.append(
            [v.get(f) if v.get(f) is not None or f not in TEXT_DEFAULTS else "" for f in CREATE_FIELDS]
        )
    bulk.insert_rows(Enterprise, CREATE_FIELDS, rows)
    if report.created:
        ids = dict(bulk.by_values(Enterprise, "uscc", [p.uscc for p in report.created], ["uscc", "id"]))
        for p in report.created:
            p.pk = ids[p.uscc]
    progress(90, "写入")
    if report.updated:
        fields = [f for f in COMPARED] + ["name_normalized"]
        objs = []
        for p in report.updated:
            obj = Enterprise(pk=p.pk, uscc=p.uscc, **{f: p.values.get(f) for f in fields})
            for f in TEXT_DEFAULTS:
                if getattr(obj, f) is None:
                    setattr(obj, f, "")
            obj.updated_at = now
            objs.append(obj)
        Enterprise.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=1000)
        if "region_id" in fields:  # a bulk update bypasses Enterprise.save: the district copies follow
            sync_district_copies([o.pk for o in objs])
    progress(95, "写入审计日志")
    _audit(report, user, now)


def import_stash_dir() -> Path:
    """Where the import page keeps an uploaded file between the preview and the confirmation."""
    return Path(settings.DATA_DIR) / "uploads"


def expire_import_stashes() -> int:
    """Delete import uploads never confirmed within ``OHSTEWARD_UPLOAD_TTL_HOURS`` (they may hold ID numbers)."""
    return jobs.expire_files(import_stash_dir(), "*.bin")


def _audit(report: ImportReport, user, now) -> None:
    ct = ContentType.objects.get_for_model(Enterprise)
    actor = user if getattr(user, "pk", None) else None
    user_repr = actor.get_username() if actor else "系统"
    fields = list(audit.ENTRY_FIELDS)  # the rows below are built in this order
    rows = []
    for p, action in [*((p, "create") for p in report.created), *((p, "update") for p in report.updated)]:
        v = p.values
        if action == "update":
            changes = p.changes
        else:
            changes = {}
            for k in COMPARED:
                value = v.get(k)
                if value is not None and value != "" and value != []:
                    changes[k] = [None, _jsonable(value)]
        rows.append(
            [
                now,
                actor.pk if actor else None,
                user_repr,
                action,
                ct.pk,
                str(p.pk),
                p.name[:200],
                changes,
                v.get("region_id") or "",
                v.get("zone_id") or "",
                p.pk,
                "import",
            ]
        )
    bulk.insert_rows(AuditLog, fields, rows)
