"""Tables of the online service zone: list pages and .xlsx exports share the columns."""

from __future__ import annotations

from django.utils import timezone

from ohsteward.core.tables import Column, Table


def _question_state(q) -> str:
    return q.state_label_on(timezone.localdate())


class TeamRequestTable(Table):
    html_id = "team-request-table"
    select_related = ("enterprise", "team", "agreement")
    default_sort = "-created_at"
    columns = [
        Column("申请时间", "created_at", key="created_at", link="stewardship:zone_request_detail", sortable="created_at"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("服务团队", "team.name", key="team", sortable="team__name"),
        Column("希望的服务内容", "content_labels", key="contents"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("婉拒原因", "decline_reason"),
        Column("协议草稿", lambda r: f"#{r.agreement_id}" if r.agreement_id else "", key="agreement"),
    ]  # fmt: skip


class ExpertQuestionTable(Table):
    html_id = "question-table"
    select_related = ("enterprise", "team", "district")
    default_sort = "-asked_on"
    columns = [
        Column("提问日期", "asked_on", link="stewardship:zone_question_detail", sortable="asked_on"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("问题类别", "get_topic_display", key="topic", sortable="topic"),
        Column("问题", "question"),
        Column("答复人", "answerer_label", key="answerer"),
        Column("答复期限", "due_on", sortable="due_on"),
        Column("状态", _question_state, key="state"),
        Column("答复", "answer", export=True),
    ]  # fmt: skip
    list_columns = ["asked_on", "enterprise", "topic", "question", "answerer", "due_on", "state"]


class VisitFindingTable(Table):
    html_id = "finding-table"
    select_related = ("visit__agreement__enterprise", "visit__agreement__team")
    default_sort = "-visit__visited_on"
    columns = [
        Column("服务日期", "visit.visited_on", key="visited_on", link="stewardship:visit_detail", link_arg="visit_id", sortable="visit__visited_on"),
        Column("用人单位", "visit.agreement.enterprise.name", key="enterprise", sortable="visit__agreement__enterprise__name"),
        Column("统一社会信用代码", "visit.agreement.enterprise.uscc", key="uscc"),
        Column("服务团队", "visit.agreement.team.name", key="team"),
        Column("问题类别", "get_category_display", key="category", sortable="category"),
        Column("严重程度", "get_severity_display", key="severity", sortable="severity"),
        Column("问题描述", "text"),
    ]  # fmt: skip
