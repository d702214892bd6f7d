"""Tables of monitoring: each is a list page and its .xlsx export."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html

from ohsteward.core.tables import Column, Table
from ohsteward.monitoring import queries
from ohsteward.monitoring.rules import UNVERIFIED, fmt_sig


def _num(value):
    return None if value is None else float(fmt_sig(value, 3)) if abs(value) < 1000 else round(value, 1)


def _verdict_html(m) -> str:
    css = {True: "active", False: "serious", None: "unlisted"}[m.compliant]
    flag = "" if m.verified or m.compliant is None else f"（{UNVERIFIED}）"
    badge = format_html('<span class="badge {}">{}</span>{}', css, m.verdict, flag)
    if m.mixture_failed:  # 符合 alone, 不符合 with its group (or both)
        badge = format_html('{} <span class="badge serious">联合作用超标</span>', badge)
    return badge


def _limit(m) -> str:
    if not m.limits:
        return ""
    return "；".join(
        f"{x['type']} {fmt_sig(x['value'])} {x['unit']}（{x['version']}{'' if x['verified'] else '，' + UNVERIFIED}）"
        for x in m.limits
    )


class DetectionReportTable(Table):
    html_id = "report-table"
    select_related = ("enterprise__region", "institution")
    default_sort = "-sampling_start"
    columns = [
        Column("报告编号", "number", link="monitoring:report_detail", sortable="number"),
        Column("报告类型", "get_kind_display", key="kind"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "enterprise.region.name", key="region"),
        Column("检测机构", "institution.name", key="institution"),
        Column("采样日期", "sampling_start", sortable="sampling_start"),
        Column("报告日期", "issued_on"),
    ]  # fmt: skip


class MeasurementTable(Table):
    html_id = "measurement-table"
    select_related = ("enterprise__region", "post__workplace", "factor", "report__institution")
    defer = ("inputs", "explanation")  # the working of the judgement: shown on the detail page only
    default_sort = "-measured_on"
    columns = [
        Column("编号", "pk", key="id", link="monitoring:measurement_detail"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("区县", "enterprise.region.name", key="region"),
        Column("车间", "post.workplace.name", key="workplace"),
        Column("岗位", "post.name", key="post"),
        Column("危害因素", "factor.name", key="factor", sortable="factor__name"),
        Column("检测日期", "measured_on", sortable="measured_on"),
        Column("判定值", "value", format=_num, css="num"),
        Column("单位", "unit"),
        Column("接触比值", "ratio", format=_num, css="num", sortable="ratio"),
        Column("接触水平", "exposure_level"),
        Column("判定", "verdict", html=_verdict_html, key="compliant"),
        Column("超标原因", "over_limit_reason", key="over_limit_reason", export=True),
        Column("作业分级", lambda m: f"{m.grade_level} {m.grade_label}".strip(), key="grade"),
        Column("所用限值", _limit, key="limit", export=True),
        Column("检测机构", "report.institution.name", key="institution"),
        Column("报告编号", "report.number", key="report"),
    ]  # fmt: skip
    list_columns = (
        "id",
        "enterprise",
        "post",
        "factor",
        "measured_on",
        "value",
        "unit",
        "ratio",
        "compliant",
    )


def _task_state(task) -> str:
    if task.status == "closed":
        return "已复测合格" if task.visit_finding_id is None else "已整改"
    return "已逾期" if task.deadline < timezone.localdate() else "整改中"


def _task_factor(task) -> str:
    """The factor of a task; a task that also covers a failing mixture group says so (its members
    may pass alone: the list must not read as if 苯 itself were over its limit)."""
    if task.factor is None:
        return "—"
    return f"{task.factor.name}（联合作用组）" if task.mixture_group else task.factor.name


class RectificationTaskTable(Table):
    html_id = "task-table"
    select_related = ("enterprise__region", "post__workplace", "factor", "closed_by")
    default_sort = "deadline"
    columns = [
        Column("编号", "pk", key="id", link="monitoring:task_detail"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("区县", "enterprise.region.name", key="region"),
        Column("岗位", lambda t: f"{t.post.workplace.name} / {t.post.name}" if t.post else "（管家服务发现）", key="post"),
        Column("危害因素", _task_factor, key="factor"),
        Column("问题", "finding"),
        Column("整改措施", "measure_labels", key="measures"),
        Column("整改期限", "deadline", sortable="deadline"),
        Column("状态", _task_state, key="status"),
        Column("关闭日期", "closed_on"),
    ]  # fmt: skip
    list_columns = ("id", "enterprise", "region", "post", "factor", "deadline", "status")


class DetectionDueTable(Table):
    html_id = "due-table"
    select_related = ("region", "industry")
    default_sort = "name"
    columns = [
        Column("用人单位", "name", sortable="name"),
        Column("统一社会信用代码", "uscc", key="uscc"),
        Column("区县", "region.name", key="region"),
        Column("行业风险分类", "get_industry_risk_display", key="industry_risk"),
        Column("上次定期检测", "last_periodic_on", key="last_periodic_on", sortable="last_periodic_on"),
        Column("检测周期", lambda e: queries.due_of(e, timezone.localdate()).label, key="interval"),
        Column("下次应检日期", lambda e: queries.due_of(e, timezone.localdate()).next_due or "应立即检测", key="next_due"),
        Column("是否逾期", lambda e: "是" if queries.due_of(e, timezone.localdate()).overdue(timezone.localdate()) else "否", key="overdue"),
    ]  # fmt: skip
