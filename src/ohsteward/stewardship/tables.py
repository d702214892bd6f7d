"""One Table per model: list page and .xlsx export share the columns."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html

from ohsteward.core.tables import Column, Table
from ohsteward.stewardship import rules
from ohsteward.stewardship.choices import ServiceContent

STATE_LABELS = {"done": "已完成", "overdue": "已逾期", "this_month": "本月应办", "later": "待服务"}


def _today():
    return timezone.localdate()


def _missing(team) -> str:
    return rules.missing_text(team.missing_qualifications(_today())) or "齐全"


def _missing_badge(team) -> str:
    text = _missing(team)
    return format_html('<span class="badge {}">{}</span>', "active" if text == "齐全" else "serious", text)


def _expiring(team) -> str:
    soon = team.expiring_members(_today())
    return "、".join(f"{m.name}（{m.valid_until:%Y-%m-%d}）" for m in soon)


class StewardTeamTable(Table):
    html_id = "team-table"
    select_related = ("district", "lead_institution")
    prefetch_related = ("members",)
    default_sort = "name"
    columns = [
        Column("团队名称", "name", link="stewardship:team_detail", sortable="name"),
        Column("服务区县", "district.name", key="district", sortable="district_id"),
        Column("团队层级", "get_level_display", key="level", sortable="level"),
        Column("牵头机构", "lead_institution.name", key="lead_institution"),
        Column("成员数", lambda t: len(t.members.all()), key="members", css="num"),
        Column("五师两员", _missing, key="complete", html=_missing_badge),
        Column("证书即将到期", _expiring, key="expiring"),
    ]


def _contents(a) -> str:
    return "、".join(
        f"{ServiceContent(code).label}{qty}{rules.quantity_unit(code)}"
        for code, qty in a.content_quantities().items()
    )


def _funding(a) -> str:
    return "、".join(f"{f.get_channel_display()} {f.amount}" for f in a.funding.all())


def _status_badge(a) -> str:
    status = a.status_on(_today())
    css = {"active": "active", "draft": "unlisted", "ended": "unlisted", "terminated": "suspended"}.get(
        status, ""
    )
    return format_html('<span class="badge {}">{}</span>', css, a.status_label_on(_today()))


class ServiceAgreementTable(Table):
    html_id = "agreement-table"
    select_related = ("team", "enterprise__region", "renewed_from")
    prefetch_related = ("contents", "funding")
    default_sort = "-start_date"
    columns = [
        Column("协议编号", "pk", key="id", link="stewardship:agreement_detail", sortable="pk"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("所属区县", "enterprise.region.name", key="region"),
        Column("服务团队", "team.name", key="team", sortable="team__name"),
        Column("开始日期", "start_date", sortable="start_date"),
        Column("结束日期", "end_date", sortable="end_date"),
        Column("状态", lambda a: a.status_label_on(_today()), key="status", html=_status_badge),
        Column("服务费用（元）", "fee", css="num"),
        Column("服务内容", _contents, key="contents"),
        Column("筹资渠道", _funding, key="funding"),
        Column("续签自", "renewed_from_id", key="renewed_from"),
        Column("解除原因", "termination_reason", export=True),
    ]
    list_columns = [
        "id",
        "enterprise",
        "region",
        "team",
        "start_date",
        "end_date",
        "status",
        "fee",
        "contents",
    ]


def _state(v) -> str:
    return STATE_LABELS[v.state_on(_today())]


def _state_badge(v) -> str:
    state = v.state_on(_today())
    css = {"done": "active", "overdue": "serious", "this_month": "general"}.get(state, "")
    return format_html('<span class="badge {}">{}</span>', css, STATE_LABELS[state])


class ServiceVisitTable(Table):
    html_id = "visit-table"
    select_related = ("agreement__team", "agreement__enterprise")
    default_sort = "planned_on"
    columns = [
        Column("计划日期", "planned_on", link="stewardship:visit_detail", sortable="planned_on"),
        Column("服务日期", "visited_on", sortable="visited_on"),
        Column(
            "用人单位", "agreement.enterprise.name", key="enterprise", sortable="agreement__enterprise__name"
        ),
        Column("服务团队", "agreement.team.name", key="team"),
        Column("服务内容", "get_content_display", key="content", sortable="content"),
        Column("状态", _state, key="state", html=_state_badge),
        Column("培训人数", "trained_count", css="num"),
        Column("企业确认", lambda v: "已确认" if v.confirmed_at else "", key="confirmed"),
        Column("满意度", "rating", css="num"),
        Column("发现的问题", "findings"),
        Column("意见建议", "advice"),
    ]
    list_columns = [
        "planned_on",
        "visited_on",
        "enterprise",
        "team",
        "content",
        "state",
        "confirmed",
        "rating",
    ]
