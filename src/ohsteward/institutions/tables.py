"""One Table per model: the list page and the .xlsx export."""

from __future__ import annotations

import functools

from django.db.models import OuterRef, Subquery
from django.utils.html import format_html

from ohsteward.core.tables import Column, Table
from ohsteward.institutions import rules
from ohsteward.institutions.choices import Colour
from ohsteward.institutions.models import InstitutionGrade


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


BADGE = {"red": "serious", "yellow": "general", "green": "active"}  # the app's existing badge colours


COLOUR_LABEL = dict(Colour.choices)


def _badge(colour: str | None) -> str:
    if not colour:
        return "未评定"
    return format_html(
        '<span class="badge {}">{}</span>', BADGE.get(colour, ""), COLOUR_LABEL.get(colour, colour)
    )


def _colour_badge(grade) -> str:
    return _badge(grade.colour)


@functools.cache
def version_label(version: str) -> str:
    """ "v1（未核对）" while the grading rules of that version are not verified."""
    verified = rules.load_grading_rules(version).verified
    return version if verified else f"{version}（未核对）"


class InstitutionTable(Table):
    html_id = "institution-table"
    select_related = ("region",)
    prefetch_related = ("qualifications",)
    default_sort = "name"
    columns = [
        Column("机构名称", "name", link="institutions:institution_detail", link_arg="uscc", sortable="name"),
        Column("统一社会信用代码", "uscc", sortable="uscc", css="mono"),
        Column("机构类别", lambda i: i.kind_labels(), key="kinds"),
        Column("所在省份", "province", sortable="province"),
        Column("所在区县", "region.name", key="region", sortable="region_id"),
        Column("质量控制号", "qc_number", sortable="qc_number", css="mono"),
        Column("质量控制号发放日期", "qc_issued_on", format=_date, export=True),
        Column("能力确认方式", "get_capability_mode_display", key="capability_mode"),
        Column("能力确认日期", "capability_confirmed_on", format=_date),
        Column(
            "资质（备案）",
            lambda i: "；".join(
                f"{q.get_kind_display()} {q.number}"
                + (f"（至{q.valid_until:%Y-%m-%d}）" if q.valid_until else "")
                for q in i.qualifications.all()
            ),
            key="qualifications",
        ),
        Column(
            "最近三色等级",
            lambda i: COLOUR_LABEL.get(i.latest_colour, "未评定"),
            key="colour",
            html=lambda i: _badge(i.latest_colour),
        ),
        Column("评定年度", "latest_grade_year", key="grade_year"),
    ]
    list_columns = ["name", "uscc", "kinds", "province", "region", "qc_number", "capability_mode", "colour"]

    @classmethod
    def queryset(cls, queryset):
        """The latest grade's colour and year, as two subqueries (no query per row)."""
        latest = InstitutionGrade.objects.filter(institution=OuterRef("pk")).order_by("-year")
        return (
            super()
            .queryset(queryset)
            .annotate(
                latest_colour=Subquery(latest.values("colour")[:1]),
                latest_grade_year=Subquery(latest.values("year")[:1]),
            )
        )


class QcInspectionTable(Table):
    html_id = "qcinspection-table"
    select_related = ("institution", "plan")
    default_sort = "-year"
    columns = [
        Column("年度", "year", sortable="year", link="institutions:qcinspection_detail"),
        Column(
            "机构",
            "institution.name",
            key="institution",
            link="institutions:institution_detail",
            link_arg="institution.uscc",
            sortable="institution__name",
        ),
        Column("统一社会信用代码", "institution.uscc", key="uscc", css="mono"),
        Column("质控计划", "plan.name", key="plan"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("检查日期", "inspected_on", format=_date, sortable="inspected_on"),
        Column("评分", "score", css="num", sortable="score"),
        Column("结论", "get_result_display", key="result", sortable="result"),
        Column("发现的问题", "findings", export=True),
    ]
    list_columns = ["year", "institution", "plan", "status", "inspected_on", "score", "result"]


class RectificationTable(Table):
    html_id = "rectification-table"
    select_related = ("inspection__institution",)
    default_sort = "deadline"
    columns = [
        Column(
            "机构",
            "inspection.institution.name",
            key="institution",
            link="institutions:qcinspection_detail",
            link_arg="inspection_id",
        ),
        Column("年度", "inspection.year", key="year"),
        Column("整改要求", "demand"),
        Column("下达日期", "issued_on", format=_date, sortable="issued_on"),
        Column("整改期限", "deadline", format=_date, sortable="deadline"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("验收日期", "closed_on", format=_date),
        Column("验收意见", "closing_note"),
    ]


class ProficiencyResultTable(Table):
    html_id = "proficiencyresult-table"
    select_related = ("institution", "round")
    columns = [
        Column("年度", "round.year", key="year", sortable="round__year"),
        Column(
            "轮次",
            "round.name",
            key="round",
            link="institutions:proficiencyround_detail",
            link_arg="round_id",
        ),
        Column("类别", "round.get_kind_display", key="kind"),
        Column(
            "机构",
            "institution.name",
            key="institution",
            link="institutions:institution_detail",
            link_arg="institution.uscc",
            sortable="institution__name",
        ),
        Column("统一社会信用代码", "institution.uscc", key="uscc", css="mono"),
        Column("结果", lambda r: r.get_outcome_display() or "未录入", key="outcome", sortable="outcome"),
        Column("z 比分数", "z_score", css="num"),
        Column("录入日期", "recorded_on", format=_date),
    ]


class InstitutionGradeTable(Table):
    html_id = "grade-table"
    select_related = ("institution",)
    default_sort = "score"
    columns = [
        Column("年度", "year", sortable="year", link="institutions:grade_detail"),
        Column(
            "机构",
            "institution.name",
            key="institution",
            link="institutions:institution_detail",
            link_arg="institution.uscc",
            sortable="institution__name",
        ),
        Column("统一社会信用代码", "institution.uscc", key="uscc", css="mono"),
        Column("颜色", "get_colour_display", key="colour", html=_colour_badge, sortable="colour"),
        Column("得分", "score", css="num", sortable="score"),
        Column("规则版本", lambda g: version_label(g.rules_version), key="rules_version"),
    ]


@functools.cache
def checklist_label(version: str) -> str:
    """ "v1（未核对）" while the performance checklist of that version is not verified."""
    return version if rules.load_checklist(version).verified else f"{version}（未核对）"


def _item_score(code: str):
    def cell(evaluation) -> str:
        for row in evaluation.scores or []:
            if row.get("code") == code:
                return "" if row.get("score") is None else f"{row['score']:g}"
        return ""

    return cell


class PerformanceEvaluationTable(Table):
    html_id = "evaluation-table"
    select_related = ("institution",)
    default_sort = "-year"
    columns = [
        Column("年度", "year", sortable="year", link="institutions:evaluation_detail"),
        Column(
            "机构",
            "institution.name",
            key="institution",
            link="institutions:institution_detail",
            link_arg="institution.uscc",
            sortable="institution__name",
        ),
        Column("统一社会信用代码", "institution.uscc", key="uscc", css="mono"),
        Column("评估日期", "evaluated_on", format=_date, sortable="evaluated_on"),
        Column("总分", "total", css="num", sortable="total"),
        *[
            Column(f"{i.code} 得分", _item_score(i.code), key=f"score_{i.code}", export=True)
            for i in rules.load_checklist().items
        ],
        Column("评分表版本", lambda e: checklist_label(e.checklist_version), key="checklist_version"),
        Column("评估说明", "note", export=True),
    ]
    list_columns = ["year", "institution", "uscc", "evaluated_on", "total", "checklist_version"]


class ReferralTable(Table):
    html_id = "referral-table"
    select_related = ("institution", "district", "inspection")
    default_sort = "-handed_on"
    columns = [
        Column("编号", "pk", key="id", link="institutions:referral_detail", sortable="pk"),
        Column("移交方向", "get_direction_display", key="direction", sortable="direction"),
        Column(
            "机构",
            "institution.name",
            key="institution",
            link="institutions:institution_detail",
            link_arg="institution.uscc",
            sortable="institution__name",
        ),
        Column("统一社会信用代码", "institution.uscc", key="uscc", css="mono", export=True),
        Column("承办区县", lambda r: r.district.name if r.district else "市级", key="district"),
        Column("问题（线索）", "finding"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("移交日期", "handed_on", format=_date, sortable="handed_on"),
        Column("移交单位（人）", "handed_by", export=True),
        Column("接收日期", "received_on", format=_date),
        Column("接收单位（人）", "received_by", export=True),
        Column("办结（退回）日期", "closed_on", format=_date, sortable="closed_on"),
        Column("处理结果", "outcome", export=True),
        Column("质控检查编号", lambda r: r.inspection_id or "", key="inspection", export=True),
    ]
    list_columns = [
        "id", "direction", "institution", "district", "finding", "status", "handed_on", "closed_on",
    ]  # fmt: skip


class TechnicalGuidanceTable(Table):
    html_id = "guidance-table"
    select_related = ("institution", "enterprise__region")
    default_sort = "-visited_on"
    columns = [
        Column(
            "指导日期", "visited_on", format=_date, sortable="visited_on", link="institutions:guidance_detail"
        ),
        Column("指导机构", "institution.name", key="institution", sortable="institution__name"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("用人单位信用代码", "enterprise.uscc", key="enterprise_uscc", css="mono", export=True),
        Column("所在区县", "enterprise.region.name", key="region"),
        Column("工作类别", "get_kind_display", key="kind", sortable="kind"),
        Column("指导内容", "content"),
        Column("发现的问题", "findings", export=True),
        Column("管家服务记录", lambda g: g.steward_visit_id or "", key="steward_visit"),
        Column("帮扶记录", lambda g: g.assistance_entry_id or "", key="assistance_entry"),
    ]
    list_columns = ["visited_on", "institution", "enterprise", "region", "kind", "content", "steward_visit"]


def _card_status(card) -> str:
    return card.get_status_display()


class ReportCardTable(Table):
    html_id = "reportcard-table"
    select_related = ("institution", "enterprise")
    default_sort = "-performed_on"
    columns = [
        Column("编号", "id", link="institutions:reportcard_detail", sortable="id"),
        Column("机构", "institution.name", key="institution", sortable="institution__name"),
        Column("机构信用代码", "institution.uscc", key="institution_uscc", css="mono", export=True),
        Column("报告卡类别", "get_kind_display", key="kind", sortable="kind"),
        Column("服务记录", "activity_label", key="activity"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("服务日期", "performed_on", format=_date, sortable="performed_on"),
        Column("报送期限", "due_on", format=_date, sortable="due_on"),
        Column("报送日期", "reported_on", format=_date, sortable="reported_on"),
        Column("报送情况", _card_status, key="status"),
        Column("时限规则版本", "rules_version", export=True),
    ]
    list_columns = [
        "id", "institution", "kind", "activity", "enterprise", "performed_on", "due_on", "reported_on", "status",
    ]  # fmt: skip
