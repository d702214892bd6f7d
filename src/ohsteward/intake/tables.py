"""Spreadsheet tables of the intake app: batch list, batch rows, rejected rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ohsteward.intake.formats import FORMATS
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.queries import batch_counts_seen_by


class SourceBatchTable:
    columns = [
        ("id", "批次"),
        ("kind", "来源类型"),
        ("department", "提供部门"),
        ("received_on", "接收日期"),
        ("file_name", "文件名"),
        ("uploaded_by", "上传人"),
        ("uploaded_at", "上传时间"),
        ("status", "状态"),
        ("rows", "行数"),
        ("uscc", "按信用代码关联"),
        ("name", "按名称关联"),
        ("created", "新建单位"),
        ("review", "待核对"),
        ("rejected", "拒绝"),
    ]

    @staticmethod
    def rows(queryset: Iterable[SourceBatch], user) -> Iterator[list[Any]]:
        """One line per batch, its counts over the rows ``user`` may see."""
        batches = list(queryset)
        for start in range(0, len(batches), 500):
            chunk = batches[start : start + 500]
            counts = batch_counts_seen_by(user, chunk)
            for b in chunk:
                c = counts[b.pk]
                yield [
                    b.pk,
                    b.get_kind_display(),
                    b.department,
                    b.received_on,
                    b.file_name,
                    getattr(b.uploaded_by, "username", "系统"),
                    b.uploaded_at,
                    b.get_status_display(),
                    c.get("rows", 0),
                    c.get("uscc", 0),
                    sum(c.get(k, 0) for k in ("name_exact", "former_name", "fuzzy")),
                    c.get("created", 0),
                    c.get("review", 0),
                    c.get("rejected", 0),
                ]


class SourceRowTable:
    columns = [
        ("row_number", "行号"),
        ("name", "用人单位名称"),
        ("uscc", "统一社会信用代码"),
        ("district", "所属区县"),
        ("event_date", "日期"),
        ("status", "状态"),
        ("link_method", "关联方式"),
        ("link_score", "匹配得分"),
        ("enterprise", "关联单位"),
        ("enterprise_uscc", "关联单位信用代码"),
        ("error", "错误或说明"),
    ]

    @staticmethod
    def rows(queryset: Iterable[SourceRow]) -> Iterator[list[Any]]:
        """One line per row; pass rows as the viewer is shown them (``iter_rows_seen_by``)."""
        for r in queryset:
            e = r.enterprise
            yield [
                r.row_number,
                r.name,
                r.uscc,
                r.district.name if r.district_id else "",
                r.event_date,
                r.get_status_display(),
                r.get_link_method_display() if r.link_method else "",
                r.link_score,
                e.name if e else "",
                (e.uscc or "") if e else "",
                r.note,
            ]


def rejected_rows_table(
    batch: SourceBatch, rows: Iterable[SourceRow]
) -> tuple[list[tuple[str, str]], list[list]]:
    """The rejected rows with the kind's own headers (so the corrected file can be uploaded
    again as it is) followed by 原行号 and 错误原因."""
    headers = list(FORMATS[batch.kind])
    columns = [(h, h) for h in headers] + [("row_number", "原行号"), ("error", "错误原因")]
    data = [[(r.raw or {}).get(h, "") for h in headers] + [r.row_number, r.error] for r in rows]
    return columns, data
