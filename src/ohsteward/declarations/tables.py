"""One Table per model: the columns of the list pages and of the .xlsx exports (``core.tables``).

The hazard-employer list's reasons depend on who looks (有奖举报 is shown to regulators only, issue 6
item 3): ``HazardListEntryTable.for_user(user)`` is the Table the page, the export and the API
export use; the bare class shows what a user without the tip-off permission sees.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ohsteward.core.tables import Column, Table
from ohsteward.declarations import rules
from ohsteward.declarations.choices import ListReason, NoticeStatus
from ohsteward.declarations.models import reasons_for

_REASON = dict(ListReason.choices)


def _badge(kind: str, label) -> str:
    return format_html('<span class="badge {}">{}</span>', kind, label)


def _enterprise_cell(e) -> str:
    return format_html(
        '{}<br><span class="mono small muted">{}</span>', e.enterprise.name, e.enterprise.uscc or "无信用代码"
    )


def _industry_cell(e) -> str:
    ent = e.enterprise
    risk = _badge(ent.industry_risk, ent.get_industry_risk_display())
    if ent.industry_id:
        return format_html('<span class="mono">{}</span> {}<br>{}', ent.industry_id, ent.industry.name, risk)
    return risk


def _status_cell(e) -> str:
    if e.is_overdue(timezone.localdate()):
        return format_html("{} {}", e.get_status_display(), _badge("serious", "逾期"))
    return e.get_status_display()


def _declared_cell(e) -> str:
    if getattr(e, "declared", False):
        shown = e.last_declared_on.strftime("%Y-%m-%d") if e.last_declared_on else ""
        return format_html('已申报<br><span class="small muted">{}</span>', shown)
    return _badge("suspended", "未申报")


def _priority(e) -> str:
    priority = getattr(e, "priority", None)
    return rules.PRIORITY_LABELS.get(priority, "") if priority else ""


class HazardListEntryTable(Table):
    """The list and the 应报未报 list: needs ``with_declaration()``; ``priority`` from ``with_priority()``."""

    html_id = "entry-table"
    select_related = ("hazard_list", "enterprise__industry", "region")
    empty_text = "没有符合条件的单位。"
    list_columns = ("name", "region", "industry_list", "employees", "reasons", "status", "declared")
    viewer: ClassVar[Any] = None  # whose view of the reasons (see ``for_user``)

    @classmethod
    def for_user(cls, user) -> type[HazardListEntryTable]:
        """This Table with the reasons ``user`` may see (and, with ``priority``, the 应报未报 order)."""
        return type(cls.__name__, (cls,), {"viewer": user, "columns": cls.build_columns(user)})

    @classmethod
    def build_columns(cls, user) -> list[Column]:
        def reason_codes(e) -> list[str]:
            return reasons_for(user, e.reasons)

        def reasons_text(e) -> str:
            return "、".join(_REASON.get(r, r) for r in reason_codes(e))

        def reasons_cell(e) -> str:
            return format_html_join(
                " ", '<span class="badge">{}</span>', ((_REASON.get(r, r),) for r in reason_codes(e))
            )

        return [
            Column("年度", "hazard_list.year", key="year"),
            Column("统一社会信用代码", lambda e: e.enterprise.uscc or "", key="uscc"),
            Column(
                "用人单位名称",
                "enterprise.name",
                key="name",
                link="declarations:entry_detail",
                html=_enterprise_cell,
                sortable="enterprise__name",
                css="name",
            ),
            Column("负责区县", "region.name", key="region", sortable="region_id", css="nowrap"),
            Column(
                "行业",
                lambda e: (
                    f"{e.enterprise.industry_id} {e.enterprise.industry.name}"
                    if e.enterprise.industry_id
                    else ""
                ),
                key="industry",
            ),
            Column("行业", "enterprise.industry_id", key="industry_list", html=_industry_cell, export=False),
            Column("行业风险分类", "enterprise.get_industry_risk_display", key="industry_risk"),
            Column(
                "从业人员数",
                "enterprise.employees",
                key="employees",
                sortable="enterprise__employees",
                css="num",
            ),
            Column("企业规模", "enterprise.get_size_class_display", key="size_class"),
            Column("列入原因", reasons_text, key="reasons", html=reasons_cell),
            Column("优先级", _priority, key="priority", css="nowrap"),
            Column("核实结果", "get_status_display", key="status", html=_status_cell, css="nowrap"),
            Column("下发日期", "pushed_on"),
            Column("核实期限", "due_on", sortable="due_on"),
            Column("核实日期", "confirmed_on"),
            Column(
                "已申报",
                lambda e: getattr(e, "declared", None),
                key="declared",
                html=_declared_cell,
                css="nowrap",
            ),
            Column("最近申报日期", lambda e: getattr(e, "last_declared_on", None), key="last_declared_on"),
        ]


HazardListEntryTable.columns = HazardListEntryTable.build_columns(None)


class UndeclaredTable(HazardListEntryTable):
    """应报未报: the list's columns with the expansion-plan priority shown."""

    list_columns = (
        "name",
        "region",
        "industry_list",
        "employees",
        "reasons",
        "priority",
        "status",
        "declared",
    )


def _hazards_text(d) -> str:
    return "、".join(str(h) for h in d.hazards.all())


class DeclarationTable(Table):
    html_id = "declaration-table"
    select_related = ("enterprise__region",)
    prefetch_related = ("hazards",)
    empty_text = "没有申报记录。"
    list_columns = ("receipt_no", "name", "region", "kind", "declared_on", "channel", "exposed_total")
    columns = [
        Column(
            "申报回执编号",
            "receipt_no",
            link="declarations:declaration_detail",
            sortable="receipt_no",
            css="mono nowrap",
        ),
        Column("统一社会信用代码", lambda d: d.enterprise.uscc or "", key="uscc"),
        Column("用人单位名称", lambda d: d.unit_name or d.enterprise.name, key="name"),
        Column("所属区县", "enterprise.region.name", key="region"),
        Column("申报类型", "get_kind_display", key="kind"),
        Column("申报渠道", "get_channel_display", key="channel"),
        Column("申报日期", "declared_on", sortable="declared_on", css="nowrap"),
        Column("从业人员数", "employees", css="num"),
        Column("接害总人数", "exposed_total", sortable="exposed_total", css="num"),
        Column("危害因素", _hazards_text, key="hazards"),
        Column("主要负责人", "principal"),
        Column("职业卫生管理人员", "hygiene_manager"),
        Column("状态", "get_status_display", key="status"),
    ]


def _delivery_cell(n) -> str:
    if not n.delivered:
        return _badge("general", "未送达")
    signed = f"，{n.signed_by}签收" if n.signed_by else ""
    return format_html(
        "{} {}{}", n.delivered_on.strftime("%Y-%m-%d"), n.get_delivery_method_display(), signed
    )


def _deadline_cell(n) -> str:
    if n.deadline_on:
        return n.deadline_on.strftime("%Y-%m-%d")
    return format_html('<span class="muted">送达后{}日</span>', n.deadline_days)


def _files_cell(n, *, may_deliver: bool) -> str:
    links = [format_html('<a href="{}">告知单</a>', reverse("declarations:notice_download", args=[n.pk]))]
    if n.file.receipt_scan_name:
        links.append(
            format_html('<a href="{}">回执扫描件</a>', reverse("declarations:notice_scan", args=[n.pk]))
        )
    if may_deliver and n.status != NoticeStatus.DECLARED:
        label = "更正送达" if n.delivered else "登记送达"
        links.append(
            format_html('<a href="{}">{}</a>', reverse("declarations:notice_deliver", args=[n.pk]), label)
        )
    return format_html_join(" · ", "{}", ((link,) for link in links))


class NoticeTable(Table):
    """告知单 with their delivery; ``for_user`` adds the page's file links (登记送达 for those who may)."""

    html_id = "notice-table"
    select_related = ("enterprise", "region", "file")
    empty_text = "没有告知单。"
    list_columns = ("number", "name", "region", "issued_on", "delivered_on", "deadline_on", "status", "files")

    @classmethod
    def for_user(cls, user) -> type[NoticeTable]:
        return type(cls.__name__, (cls,), {"columns": cls.build_columns(user)})

    @classmethod
    def build_columns(cls, user) -> list[Column]:
        may_deliver = bool(user is not None and user.has_perm("declarations.add_notice"))
        return [
            Column("告知单编号", "number", sortable="number", css="mono nowrap"),
            Column("统一社会信用代码", lambda n: n.enterprise.uscc or "", key="uscc"),
            Column("用人单位名称", "enterprise.name", key="name"),
            Column("发出区县", "region.name", key="region"),
            Column("制作日期", "issued_on", sortable="issued_on", css="nowrap"),
            Column("送达日期", "delivered_on", html=_delivery_cell, css="nowrap"),
            Column("送达方式", "get_delivery_method_display", key="delivery_method"),
            Column("签收人", "signed_by"),
            Column("申报期限", "deadline_on", html=_deadline_cell, css="nowrap"),
            Column("发出单位", "issuer"),
            Column("状态", "get_status_display", key="status"),
            Column(
                "文件",
                "pk",
                key="files",
                html=lambda n: _files_cell(n, may_deliver=may_deliver),
                css="nowrap",
                export=False,
            ),
        ]


NoticeTable.columns = NoticeTable.build_columns(None)


class SpotCheckItemTable(Table):
    """The sampled employers of one spot check (its export; the page shows the record forms)."""

    select_related = ("enterprise", "region")
    columns = [
        Column("区县", "region.name", key="region"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("用人单位名称", "enterprise.name", key="name"),
        Column("检查日期", "checked_on"),
        Column("已申报", "declared"),
        Column("行业准确", "industry_ok"),
        Column("规模准确", "size_ok"),
        Column("危害因素准确", "hazards_ok"),
        Column("接害人数准确", "headcount_ok"),
        Column("检查人员", "inspector"),
        Column("备注", "note"),
    ]


class SpotCheckTable(Table):
    """The spot checks; ``n`` (sampled in the viewer's jurisdiction) is annotated by the list view."""

    html_id = "spotcheck-table"
    select_related = ("hazard_list",)
    empty_text = "还没有抽查。"
    default_sort = ""
    columns = [
        Column("名称", "name", link="declarations:spotcheck_detail", sortable="name"),
        Column("名单年度", "hazard_list.year", key="year"),
        Column("种子", "seed"),
        Column("比例", "fraction_label"),
        Column("每区县最少", "minimum"),
        Column("抽中（本辖区）", "n", css="num"),
        Column(
            "创建时间",
            lambda c: timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            key="created",
            sortable="created_at",
        ),
    ]
