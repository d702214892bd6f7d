"""One Table per model: the columns of the list page and of the .xlsx export (``core.tables``)."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from ohsteward.core.tables import EMPTY, Column, Table, field_columns
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, RiskClass, SizeClass
from ohsteward.registry.models import Enterprise, Industry, Region

_RISK = dict(RiskClass.choices)
_SIZE = dict(SizeClass.choices)
_STATUS = dict(EnterpriseStatus.choices)
_ECON = dict(EconomicType.choices)


def enterprise_key(e: Enterprise) -> str:
    """The employer's key in URLs: its credit code, or its id while it has none."""
    return e.uscc or str(e.pk)


def _status_date(e: Enterprise):
    return e.suspended_on if e.status == "suspended" else e.cancelled_on if e.status == "cancelled" else None


def _badge(kind: str, label) -> str:
    return format_html('<span class="badge {}">{}</span>', kind, label)


def _region_cell(e: Enterprise) -> str:
    if e.town_id:
        return format_html('{}<br><span class="muted small">{}</span>', e.region.name, e.town.name)
    return e.region.name if e.region_id else EMPTY


def _industry_cell(e: Enterprise) -> str:
    if e.industry_id:
        return format_html('<span class="mono">{}</span> {}', e.industry_id, e.industry.name)
    return format_html('<span class="muted">未填写</span>')


class EnterpriseTable(Table):
    html_id = "enterprise-table"
    select_related = ("region", "town", "zone", "industry")
    empty_text = "没有符合条件的用人单位。"
    list_columns = (
        "name",
        "uscc",
        "region",
        "industry_list",
        "industry_risk",
        "size_class",
        "status",
        "employees",
        "exposed_workers",
    )
    columns = [
        Column("统一社会信用代码", lambda e: e.uscc or "", key="uscc", sortable="uscc", css="mono nowrap"),
        Column(
            "用人单位名称",
            "name",
            link="registry:enterprise_detail",
            link_arg=enterprise_key,
            sortable="name",
            css="name",
        ),
        Column(
            "所属区县", "region.name", key="region", html=_region_cell, sortable="region_id", css="nowrap"
        ),
        Column("所属乡镇街道", "town.name", key="town"),
        Column("功能区", "zone.name", key="zone"),
        Column("行业代码", lambda e: e.industry_id or "", key="industry_code"),
        Column("行业名称", "industry.name", key="industry"),
        Column(
            "行业",
            "industry_id",
            key="industry_list",
            html=_industry_cell,
            sortable="industry_id",
            css="wide",
            export=False,
        ),
        Column(
            "行业风险分类",
            lambda e: _RISK.get(e.industry_risk, ""),
            key="industry_risk",
            sortable="industry_risk",
            html=lambda e: _badge(e.industry_risk, e.get_industry_risk_display()),
        ),
        Column("经济类型", lambda e: _ECON.get(e.economic_type, ""), key="economic_type"),
        Column("从业人员数", "employees", sortable="employees", css="num"),
        Column("接害人数", "exposed_workers", sortable="exposed_workers", css="num"),
        Column("营业收入(万元)", "revenue"),
        Column("资产总额(万元)", "total_assets"),
        Column(
            "企业规模",
            lambda e: _SIZE.get(e.size_class, "未能判定"),
            key="size_class",
            sortable="size_class",
            html=lambda e: e.get_size_class_display() or EMPTY,
            css="nowrap",
        ),
        Column(
            "经营状态",
            lambda e: _STATUS.get(e.status, ""),
            key="status",
            sortable="status",
            html=lambda e: _badge(e.status, e.get_status_display()),
        ),
        Column("状态日期", _status_date, key="status_date"),
        Column("地址", "address"),
        Column("法定代表人", "legal_representative"),
        Column("联系人", "contact_name"),
        Column("联系电话", "contact_phone"),
        Column("曾用名", lambda e: "；".join(e.former_names or []), key="former_names"),
    ]


class WorkplaceTable(Table):
    html_id = "workplace-table"
    select_related = ("enterprise__region",)
    empty_text = "没有符合条件的工作场所。"
    columns = [
        Column("车间/工作场所", "name", link="registry:workplace_detail", sortable="name", css="name"),
        Column(
            "用人单位",
            "enterprise.name",
            key="enterprise",
            link="registry:enterprise_detail",
            link_arg=lambda w: enterprise_key(w.enterprise),
            sortable="enterprise__name",
        ),
        Column("统一社会信用代码", lambda w: w.enterprise.uscc or "", key="uscc", css="mono nowrap"),
        Column(
            "所属区县", "enterprise.region.name", key="region", sortable="enterprise__region_id", css="nowrap"
        ),
        Column("岗位数", "post_count", css="num"),
        Column(
            "最后更新",
            lambda w: timezone.localdate(w.updated_at),
            key="updated_at",
            sortable="updated_at",
            css="nowrap",
        ),
    ]

    @classmethod
    def queryset(cls, queryset):
        return super().queryset(queryset).annotate(post_count=Count("posts"))


class RegionTable(Table):
    columns = field_columns(Region, ["code", "name", "level", "parent", "source"])


class IndustryTable(Table):
    columns = field_columns(
        Industry, ["code", "name", "level", "section", "parent", "risk_class", "risk_note"]
    )
