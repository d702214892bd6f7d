"""One Table per list of the intake app (``core.tables``): the columns of the page and of the
.xlsx export. Both depend on the viewer: a batch's counts are over the rows the viewer may see,
and a row names nothing of an employer outside the viewer's scope (``Table.seen_by``).

``rejected_rows_table`` is not a list: its columns are the batch kind's own headers, so that the
corrected file can be uploaded again as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html

from ohsteward.core.tables import Column, Table
from ohsteward.intake.formats import FORMATS
from ohsteward.intake.models import SourceBatch, SourceRow, linked_total
from ohsteward.intake.queries import batch_counts_seen_by, rows_seen_by


def _count(key: str):
    return lambda b: int(b.seen_counts.get(key, 0))


def _by_name(b: SourceBatch) -> int:
    return sum(int(b.seen_counts.get(k, 0)) for k in ("name_exact", "former_name", "fuzzy"))


def _file_cell(b: SourceBatch) -> str:
    uploader = getattr(b.uploaded_by, "username", "") or "系统"
    when = timezone.localtime(b.uploaded_at).strftime("%Y-%m-%d %H:%M") if b.uploaded_at else ""
    return format_html('{}<br><span class="muted small">{} · {}</span>', b.file_name, uploader, when)


def _status_cell(b: SourceBatch) -> str:
    running = f" {b.progress}%" if b.status == "running" else ""
    return format_html('<span class="badge {}">{}</span>{}', b.status, b.get_status_display(), running)


def _num(accessor):
    return lambda b: intcomma(accessor(b))


class SourceBatchTable(Table):
    html_id = "batch-table"
    select_related = ("uploaded_by",)
    empty_text = "还没有上传过名单。"
    list_columns = (
        "id",
        "kind",
        "department",
        "received_on",
        "file",
        "status",
        "rows",
        "linked",
        "created",
        "review",
        "rejected",
    )
    columns = [
        Column("批次", "pk", key="id", link="intake:batch_detail", html=lambda b: f"#{b.pk}", sortable="id"),
        Column("来源类型", "get_kind_display", key="kind"),
        Column("提供部门", "department"),
        Column("接收日期", "received_on", sortable="received_on", css="nowrap"),
        Column("文件名", "file_name"),
        Column("上传人", lambda b: getattr(b.uploaded_by, "username", "") or "系统", key="uploaded_by"),
        Column("上传时间", "uploaded_at", sortable="uploaded_at"),
        Column("文件", "file_name", key="file", html=_file_cell, css="wide", export=False),
        Column("状态", "get_status_display", key="status", html=_status_cell),
        Column("行数", _count("rows"), key="rows", html=_num(_count("rows")), css="num"),
        Column("按信用代码关联", _count("uscc"), key="uscc"),
        Column("按名称关联", _by_name, key="name"),
        Column(
            "已关联",
            lambda b: b.seen_linked,
            key="linked",
            html=_num(lambda b: b.seen_linked),
            css="num",
            export=False,
        ),
        Column("新建单位", _count("created"), key="created", html=_num(_count("created")), css="num"),
        Column("待核对", _count("review"), key="review", html=_num(_count("review")), css="num"),
        Column("拒绝", _count("rejected"), key="rejected", html=_num(_count("rejected")), css="num"),
    ]

    @classmethod
    def seen_by(cls, user: Any, objects: list[Any]) -> list[Any]:
        """Each batch with its counts over the rows ``user`` may see (two queries per chunk)."""
        counts = batch_counts_seen_by(user, objects)
        for b in objects:
            b.seen_counts = counts[b.pk]
            b.seen_linked = linked_total(counts[b.pk])
        return objects


def _method(r: SourceRow) -> str:
    return r.get_link_method_display() if r.link_method else ""


class SourceRowTable(Table):
    """Source rows as the viewer is shown them: the batch page's export, the review queue's
    export and the API's row exports."""

    html_id = "row-table"
    select_related = ("batch", "district", "enterprise", "industry")
    empty_text = "没有数据行。"
    columns = [
        Column("行号", "row_number", sortable="row_number", css="num"),
        Column("用人单位名称", "name", css="wide"),
        Column("统一社会信用代码", "uscc", css="mono nowrap"),
        Column("所属区县", lambda r: r.district.name if r.district_id else "", key="district"),
        Column("日期", "event_date", css="nowrap"),
        Column("状态", "get_status_display", key="status"),
        Column("关联方式", _method, key="link_method"),
        Column("匹配得分", "link_score"),
        Column("关联单位", lambda r: r.enterprise.name if r.enterprise else "", key="enterprise"),
        Column(
            "关联单位信用代码",
            lambda r: (r.enterprise.uscc or "") if r.enterprise else "",
            key="enterprise_uscc",
        ),
        Column("错误或说明", "note", key="error"),
    ]

    @classmethod
    def seen_by(cls, user: Any, objects: list[Any]) -> list[Any]:
        """The rows as ``user`` is shown them (``queries.rows_seen_by``; the system sees all)."""
        return rows_seen_by(user, objects)


def rejected_rows_table(
    batch: SourceBatch, rows: Iterable[SourceRow]
) -> tuple[list[tuple[str, str]], list[list]]:
    """The rejected rows with the kind's own headers (so the corrected file can be uploaded
    again as it is) followed by 原行号 and 错误原因."""
    headers = list(FORMATS[batch.kind])
    columns = [(h, h) for h in headers] + [("row_number", "原行号"), ("error", "错误原因")]
    data = [[(r.raw or {}).get(h, "") for h in headers] + [r.row_number, r.error] for r in rows]
    return columns, data
