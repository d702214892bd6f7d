"""Import of training records from .xlsx/.xls/.csv (template, dry run, row/column errors), on the
stewardship importers' runner: each row through ``actions.record_add`` in a savepoint."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ohsteward.core.cells import cell_text
from ohsteward.core.imports import ImportReport
from ohsteward.core.spreadsheets import TemplateColumn, template_xlsx
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.importers import RowProblem, _date, _run
from ohsteward.stewardship.training import actions, rules

COLUMNS = [
    ("统一社会信用代码", True, "须为您服务或管辖范围内的用人单位"),
    ("姓名", True, ""),
    ("人员类别", True, "主要负责人、职业卫生管理人员、接害劳动者或其他人员"),
    ("培训日期", True, "如 2025-03-15"),
    ("学时", True, "如 4 或 1.5"),
    ("培训/课程", True, "培训主题或课程名称"),
    ("上岗日期", False, "新人员的上岗（任职）日期；不填则为培训日期"),
    ("岗位", False, ""),
]
HEADERS = {
    "enterprise": "统一社会信用代码",
    "name": "姓名",
    "role": "人员类别",
    "trained_on": "培训日期",
    "hours": "学时",
    "course": "培训/课程",
    "started_on": "上岗日期",
}
BY_LABEL = {label: code for code, label in rules.ROLES}
# the word for 接害劳动者 (接触职业病危害的劳动者) is accepted as well
ROLE_ALIASES = {**BY_LABEL, "接触劳动者": "exposed", "接触职业病危害劳动者": "exposed"}


class RecordImporter:
    template_filename = "培训记录导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return template_xlsx(
            [
                TemplateColumn(
                    h + ("*" if req else ""), list(BY_LABEL) if h == "人员类别" else (), comment=c, width=20
                )
                for h, req, c in COLUMNS
            ],
            notes=[
                rules.hours_note(timezone.localdate()),
                "同一用人单位同名同类别的人员视为同一人；新人员自动加入培训对象名单。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            required=[h for h, req, _c in COLUMNS if req],
            unit="条",
            headers_of=HEADERS,
            apply_row=_record_row,
        )


def _employer(user, record: dict[str, Any]) -> Enterprise:
    uscc = cell_text(record.get("统一社会信用代码")).upper()
    employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
    enterprise = employers.filter(uscc=uscc).first()
    if enterprise is None:
        raise RowProblem("统一社会信用代码", "没有该统一社会信用代码的用人单位，或不在您的服务或管辖范围内")
    return enterprise


def _role(record: dict[str, Any]) -> str:
    label = cell_text(record.get("人员类别"))
    role = ROLE_ALIASES.get(label)
    if role is None:
        raise RowProblem("人员类别", f"应为 {' / '.join(BY_LABEL)}，实际为“{label}”")
    return role


def _record_row(user, record: dict[str, Any], report: ImportReport) -> None:
    enterprise = _employer(user, record)
    role = _role(record)
    trained_on = _date(record.get("培训日期"), "培训日期")
    if trained_on is None:
        raise RowProblem("培训日期", "不能为空")
    saved = actions.record_add(
        user=user,
        enterprise=enterprise,
        name=cell_text(record.get("姓名")),
        role=role,
        hours=cell_text(record.get("学时")).removesuffix("学时"),
        trained_on=trained_on,
        course=cell_text(record.get("培训/课程")),
        started_on=_date(record.get("上岗日期"), "上岗日期"),
        post=cell_text(record.get("岗位")),
    )
    report.created.append(f"{saved.trainee.name} · {enterprise.name} · {saved.hours}学时")


# --- the people register (培训对象名单) ------------------------------------------------------------

PEOPLE_COLUMNS = [
    ("统一社会信用代码", True, "须为您服务或管辖范围内的用人单位"),
    ("姓名", True, ""),
    ("人员类别", True, "主要负责人、职业卫生管理人员、接害劳动者（接触劳动者）或其他人员"),
    ("上岗日期", True, "上岗（任职）日期，如 2024-09-01：初次/上岗前培训从此算起"),
    ("岗位", False, ""),
    ("离岗日期", False, "已离岗的人员填写，自该日起不再计入培训率"),
]
PEOPLE_HEADERS = {
    "enterprise": "统一社会信用代码",
    "name": "姓名",
    "role": "人员类别",
    "started_on": "上岗日期",
    "post": "岗位",
    "left_on": "离岗日期",
}


class PeopleImporter:
    """The people an employer must train, without training records (issue 10 "imports … training
    records": the register on its own). Same person = employer + name + category: updated."""

    template_filename = "培训对象导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return template_xlsx(
            [
                TemplateColumn(
                    h + ("*" if req else ""), list(BY_LABEL) if h == "人员类别" else (), comment=c, width=20
                )
                for h, req, c in PEOPLE_COLUMNS
            ],
            notes=[
                rules.hours_note(timezone.localdate()),
                "同一用人单位同名同类别的人员视为同一人：再次导入时更新其上岗日期、岗位和离岗日期。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            required=[h for h, req, _c in PEOPLE_COLUMNS if req],
            unit="人",
            headers_of=PEOPLE_HEADERS,
            apply_row=_person_row,
        )


def _person_row(user, record: dict[str, Any], report: ImportReport) -> None:
    enterprise = _employer(user, record)
    role = _role(record)
    started_on = _date(record.get("上岗日期"), "上岗日期")
    if started_on is None:
        raise RowProblem("上岗日期", "不能为空")
    trainee, created = actions.trainee_save(
        user=user,
        enterprise=enterprise,
        name=cell_text(record.get("姓名")),
        role=role,
        started_on=started_on,
        post=cell_text(record.get("岗位")),
        left_on=_date(record.get("离岗日期"), "离岗日期"),
    )
    line = f"{trainee.name}（{trainee.get_role_display()}）· {enterprise.name}"
    (report.created if created else report.updated).append(line)
