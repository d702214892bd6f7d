"""Import of an employer's roster (.xlsx/.xls/.csv): one row per worker, optionally with the post
held now. Each row goes through the same actions as the form, inside a savepoint: a row that
fails reports "第N行 列名: 原因" and leaves nothing behind. A dry run rolls the whole file back.

The ID number never appears in full in a message, in the preview or in the errors file: the
rejected rows are kept with the number masked (issue 12 "Bad input")."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.registry.models import Enterprise, Post
from ohsteward.surveillance import actions, rules
from ohsteward.surveillance.choices import EmploymentType
from ohsteward.surveillance.models import Worker

ID_COLUMN = "身份证号"
COLUMNS = [
    ("统一社会信用代码", True, "用人单位的统一社会信用代码（须已在平台登记）"),
    ("姓名", True, ""),
    (ID_COLUMN, True, "18位居民身份证号码，末位可为X"),
    ("联系电话", False, ""),
    ("工号", False, ""),
    ("用工形式", False, "劳动合同、劳务派遣、非全日制、临时用工、实习、其他；默认劳动合同"),
    ("劳务派遣单位", False, "用工形式为劳务派遣时填写"),
    ("入职日期", True, "如 2023-05-01"),
    ("离职日期", False, ""),
    ("车间", False, "现岗位所在的车间/工作场所（须已在单位的岗位信息中登记）"),
    ("岗位", False, "现岗位/工种名称"),
    ("上岗日期", False, "默认为入职日期"),
]
HEADERS = {
    "enterprise": "统一社会信用代码",
    "name": "姓名",
    "id_number": ID_COLUMN,
    "phone": "联系电话",
    "employee_number": "工号",
    "employment_type": "用工形式",
    "dispatcher": "劳务派遣单位",
    "hire_date": "入职日期",
    "leave_date": "离职日期",
    "post": "岗位",
    "start_date": "上岗日期",
}


class _Rollback(Exception):
    pass


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


EMPLOYMENT = {_norm(str(label)): code for code, label in EmploymentType.choices} | {
    code: code for code, _ in EmploymentType.choices
}


def _date(record: dict[str, Any], column: str):
    try:
        return parse_date(record.get(column))
    except CellError as error:
        raise RowProblem(column, str(error)) from None


class WorkerImporter:
    template_filename = "劳动者花名册导入模板.xlsx"

    def template(self, user=None) -> bytes:
        choices = {"用工形式": [str(label) for _c, label in EmploymentType.choices]}
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), choices.get(h, ()), comment=c)
                for h, req, c in COLUMNS
            ],
            notes=[
                "每行一名劳动者。同一身份证号在本单位在职的劳动者将更新，其他新增；同一人在不同单位为同一身份。",
                "身份证号按 GB 11643 校验（校验位、出生日期），未满16周岁的不能导入；导入后只显示脱敏号码。",
                "填写车间和岗位的，记为该劳动者的现岗位，岗位的危害因素取自单位的岗位信息，用于计算体检周期。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        table = read_table(filename, content, required=[h for h, req, _c in COLUMNS if req])
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit="人", dry_run=dry_run
        )
        id_index = table.headers.index(ID_COLUMN) if ID_COLUMN in table.headers else None
        enterprises: dict[str, Enterprise | None] = {}
        try:
            with transaction.atomic():
                for row_no, values in table.rows:
                    masked = list(values)
                    if id_index is not None and id_index < len(masked):
                        masked[id_index] = rules.id_mask(cell_text(masked[id_index]))
                    report.raw_rows[row_no] = masked
                    record = dict(zip(table.headers, values, strict=False))
                    try:
                        with transaction.atomic():
                            _row(user, record, report, enterprises)
                    except RowProblem as problem:
                        report.errors.append(RowError(row_no, problem.column, problem.message))
                    except ValidationError as error:
                        for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
                            for message in messages:
                                report.errors.append(RowError(row_no, HEADERS.get(field, ""), message))
                    except PermissionDenied as error:
                        report.errors.append(RowError(row_no, "", str(error) or "您无权导入该行"))
                if dry_run or (all_or_nothing and report.errors):
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report


def _enterprise(user, uscc: str, cache: dict[str, Enterprise | None]) -> Enterprise:
    if uscc not in cache:
        cache[uscc] = (
            Enterprise.objects.for_user(user).filter(uscc=uscc).first()
            if user
            else (Enterprise.objects.filter(uscc=uscc).first())
        )
    found = cache[uscc]
    if found is None:
        raise RowProblem("统一社会信用代码", "未登记的用人单位或不在您的管辖范围内")
    return found


def _row(user, record: dict[str, Any], report: ImportReport, cache) -> None:
    uscc = cell_text(record.get("统一社会信用代码")).upper()
    if not uscc:
        raise RowProblem("统一社会信用代码", "不能为空")
    enterprise = _enterprise(user, uscc, cache)
    name = cell_text(record.get("姓名"))
    if not name:
        raise RowProblem("姓名", "不能为空")
    parsed, error = rules.id_parse(cell_text(record.get(ID_COLUMN)), on=timezone.localdate())
    if parsed is None:
        raise RowProblem(ID_COLUMN, error or "")
    hire_date = _date(record, "入职日期")
    if hire_date is None:
        raise RowProblem("入职日期", "不能为空")
    kind_text = _norm(cell_text(record.get("用工形式")))
    employment_type = EMPLOYMENT.get(kind_text) if kind_text else EmploymentType.CONTRACT
    if employment_type is None:
        raise RowProblem("用工形式", f"应为{'、'.join(str(lbl) for _c, lbl in EmploymentType.choices)}之一")
    data = {
        "name": name,
        "phone": cell_text(record.get("联系电话")),
        "employee_number": cell_text(record.get("工号")),
        "employment_type": employment_type,
        "dispatcher": cell_text(record.get("劳务派遣单位")),
        "hire_date": hire_date,
        "leave_date": _date(record, "离职日期"),
    }
    post = None
    workshop, post_name = cell_text(record.get("车间")), cell_text(record.get("岗位"))
    if workshop or post_name:
        if not (workshop and post_name):
            raise RowProblem("岗位" if workshop else "车间", "车间和岗位须同时填写")
        post = Post.objects.filter(
            workplace__enterprise=enterprise, workplace__name=workshop, name=post_name
        ).first()
        if post is None:
            raise RowProblem("岗位", f"该单位未登记车间“{workshop}”的岗位“{post_name}”")
    label = f"{name}（{rules.id_mask(parsed.number)}）· {enterprise.name}"
    existing = (
        Worker.objects.by_id_number(parsed.number)
        .filter(enterprise=enterprise, leave_date__isnull=True)
        .first()
    )
    if existing is None:
        worker = actions.worker_create(user=user, enterprise=enterprise, id_number=parsed.number, **data)
        report.created.append(label)
    else:
        access.require_in_scope(user, existing)
        changed = any(getattr(existing, k) != v for k, v in data.items())
        worker = actions.worker_update(user=user, worker=existing, **data) if changed else existing
        if changed:
            report.updated.append(label)
        else:
            report.unchanged += 1
    if post is not None:
        start = _date(record, "上岗日期") or hire_date
        held = worker.posts.filter(post=post, end_date__isnull=True).exists()
        if not held:
            actions.worker_post_add(user=user, worker=worker, post=post, start_date=start)
