"""One Table per model: list page and .xlsx export share the columns. The ID number is shown
masked in both (issue 12 item 2)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html

from ohsteward.core.tables import Column, Table
from ohsteward.surveillance.choices import DueState


def due_state(worker) -> str:
    """已逾期 / 30日内到期 / 从未体检 / 按期 / "" (no exam required)."""
    if worker.next_exam_due is None:
        return ""
    today = timezone.localdate()
    if worker.next_exam_due < today:
        return str(DueState.OVERDUE.label)
    if (worker.next_exam_due - today).days <= 30:
        return str(DueState.NEXT_30_DAYS.label)
    if worker.last_exam_on is None:
        return str(DueState.NEVER.label)
    return "按期"


def _due_badge(worker) -> str:
    state = due_state(worker)
    css = {"已逾期": "serious", "30日内到期": "suspended", "从未体检": "unlisted"}.get(state, "active")
    return format_html('<span class="badge {}">{}</span>', css, state) if state else ""


class WorkerTable(Table):
    html_id = "worker-table"
    select_related = ("person", "enterprise__region")
    default_sort = "name"
    list_columns = (
        "name",
        "id_number_masked",
        "enterprise",
        "employment_type",
        "hire_date",
        "next_exam_kind",
        "next_exam_due",
        "due_state",
    )
    columns = [
        Column("姓名", "name", link="surveillance:worker_detail", sortable="name"),
        Column("身份证号", "id_number_masked", key="id_number_masked"),
        Column("性别", "person.get_sex_display", key="sex"),
        Column("出生日期", "person.birth_date", key="birth_date"),
        Column("联系电话", "phone"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("所属区县", "enterprise.region.name", key="region"),
        Column("用工形式", "get_employment_type_display", key="employment_type"),
        Column("入职日期", "hire_date", sortable="hire_date"),
        Column("离职日期", "leave_date", sortable="leave_date"),
        Column("最近体检日期", "last_exam_on", sortable="last_exam_on"),
        Column("应检类别", "get_next_exam_kind_display", key="next_exam_kind"),
        Column("应检日期", "next_exam_due", sortable="next_exam_due"),
        Column("体检状态", due_state, key="due_state", html=_due_badge),
        Column("周期依据", "schedule_note"),
        Column("编号", "pk", key="id"),
    ]
