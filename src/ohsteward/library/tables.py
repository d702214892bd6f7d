"""The library list page and its .xlsx export."""

from __future__ import annotations

from django.utils.html import format_html

from ohsteward.core.tables import Column, Table


def _status_badge(entry) -> str:
    css = "badge warn" if entry.repealed else "badge ok"
    flag = format_html(' <span class="badge">{}</span>', "未核对") if entry.unverified else ""
    return format_html('<span class="{}">{}</span>{}', css, entry.get_status_display(), flag)


class RegulationTable(Table):
    html_id = "regulation-table"
    default_sort = "number"
    list_columns = ["number", "title", "kind", "issuer", "issued_on", "status"]
    columns = [
        Column("文号/标准号", "number", link="library:regulation_detail", sortable="number"),
        Column("名称", "title", sortable="title"),
        Column("类别", "get_kind_display", key="kind", sortable="kind"),
        Column("发布机关", "issuer"),
        Column("发布日期", "issued_on", sortable="issued_on"),
        Column("施行日期", "effective_on", sortable="effective_on"),
        Column("状态", "get_status_display", key="status", html=_status_badge, sortable="status"),
        Column("废止日期", "repealed_on"),
        Column("未核对", lambda e: "是" if e.unverified else "", key="unverified", export=True),
        Column("原文链接", "url", export=True),
        Column("简要解读", "interpretation", export=True),
    ]  # fmt: skip
