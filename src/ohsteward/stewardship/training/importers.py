"""Import of training records from .xlsx/.xls/.csv (template, dry run, row/column errors), on the
stewardship importers' runner: each row through ``actions.record_add`` in a savepoint."""

from __future__ import annotations

from typing import Any

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
                "学时要求（RULES.md §9，441号未核对）：主要负责人、职业卫生管理人员初次不少于16学时、"
                "每年不少于8学时；接害劳动者上岗前不少于8学时、每年不少于4学时。",
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


def _record_row(user, record: dict[str, Any], report: ImportReport) -> None:
    uscc = cell_text(record.get("统一社会信用代码")).upper()
    employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
    enterprise = employers.filter(uscc=uscc).first()
    if enterprise is None:
        raise RowProblem("统一社会信用代码", "没有该统一社会信用代码的用人单位，或不在您的服务或管辖范围内")
    label = cell_text(record.get("人员类别"))
    role = BY_LABEL.get(label)
    if role is None:
        raise RowProblem("人员类别", f"应为 {' / '.join(BY_LABEL)}，实际为“{label}”")
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
