"""Intake as background jobs: the upload page and the API queue ``ingest_job`` with the file; the
batch list and the review queue queue ``export_job`` when their export is longer than
``OHSTEWARD_JOB_THRESHOLD_ROWS``.

``ingest_job`` is ``batch_ingest`` with the job's progress; ``ingest_interrupted`` is its cleanup
when the worker died mid-way (the batch keyed by the file's checksum is discarded and marked
interrupted, so that the retry — or a new upload of the same file — runs it again). An export
job only reads: a killed worker leaves nothing behind, and a retry writes the file again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.intake.choices import BatchStatus, SourceKind
from ohsteward.intake.filtersets import batches_for, review_rows_for
from ohsteward.intake.ingest import INTERRUPTED_MESSAGE, batch_discard_partial, batch_ingest, file_checksum
from ohsteward.intake.models import SourceBatch
from ohsteward.intake.tables import SourceBatchTable, SourceRowTable

FUNCTION = "ohsteward.intake.jobs.ingest_job"
EXPORT_FUNCTION = "ohsteward.intake.jobs.export_job"
# list name → (the list for a user and a query string, its Table, file name, counting word, noun)
EXPORTS: dict[str, tuple[Any, Any, str, str, str]] = {
    "batches": (batches_for, SourceBatchTable, "来源批次", "个", "来源批次"),
    "review": (review_rows_for, SourceRowTable, "待人工核对", "条", "待人工核对记录"),
}


def start_ingest_job(
    *,
    user,
    kind: str,
    filename: str,
    content: bytes,
    department: str = "",
    received_on: dt.date | None = None,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    column_map: dict[str, str] | None = None,
) -> Job:
    """Queue the intake of one file (the web page for large files, the API always);
    ``SpreadsheetError`` at once for a file that is empty, of another type or too large."""
    jobs.refuse_unusable_upload(filename, content)
    params = {
        "kind": kind,
        "department": department or "",
        "received_on": received_on.isoformat() if received_on else "",
        "valid_rows_only": bool(valid_rows_only),
        "dry_run": bool(dry_run),
        "column_map": column_map or None,
    }
    label = SourceKind(kind).label.split("（")[0] if kind in SourceKind.values else kind
    return jobs.job_start(
        user=user,
        kind="intake.ingest",
        title=f"来源名单导入（{label}）：{filename}",
        function=FUNCTION,
        params=params,
        content=content,
        filename=filename,
        on_interrupt="ohsteward.intake.jobs.ingest_interrupted",
    )


def ingest_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    p = job.params
    content = jobs.read_input(job)
    progress(2, "读取文件")

    def report(percent: int, stage: str, done: int, total: int) -> None:
        progress(percent, stage, 已处理行数=done, 总行数=total)

    result = batch_ingest(
        user=job.user,
        kind=p["kind"],
        filename=job.input_name,
        content=content,
        department=p.get("department", ""),
        received_on=dt.date.fromisoformat(p["received_on"]) if p.get("received_on") else None,
        valid_rows_only=p.get("valid_rows_only", False),
        dry_run=p.get("dry_run", False),
        column_map=p.get("column_map"),
        percent_progress=report,
    )
    batch = result.batch
    out: dict[str, Any] = {
        "batch": batch.pk if batch else None,
        "duplicate": result.duplicate,
        "dry_run": result.dry_run,
        "refused": result.refused,
        "counts": result.counts,
        "errors": result.errors[:200],
        "warnings": result.warnings[:200],
        "links": [],
    }
    if result.duplicate and batch is not None:
        out["summary"] = (
            f"该文件已于 {timezone.localtime(batch.uploaded_at):%Y-%m-%d %H:%M} 导入过，本次未做任何更改。"
        )
    elif result.dry_run:
        out["summary"] = (
            f"预检完成：共{result.counts.get('rows', 0)}行，有错误{result.rejected}行（未写入数据）。"
        )
    elif result.refused:
        out["summary"] = (
            f"有 {result.rejected} 行错误，整个文件未导入。请下载错误行修改后重新上传，或勾选“仍导入正确的行”。"
        )
    else:
        c = result.counts
        out["summary"] = (
            f"导入完成：共{c.get('rows', 0)}行，关联{sum(c.get(k, 0) for k in ('uscc', 'by_name'))}行，"
            f"新建单位{c.get('created', 0)}家，待人工核对{c.get('review', 0)}行，拒绝{c.get('rejected', 0)}行。"
        )
    if batch is not None:
        out["links"].append({"label": "查看批次", "url": reverse("intake:batch_detail", args=[batch.pk])})
        if result.rejected and not result.dry_run:
            out["links"].append(
                {"label": "下载错误行", "url": reverse("intake:batch_rejected", args=[batch.pk])}
            )
    return out


def ingest_interrupted(job: Job) -> None:
    """The worker died during ``ingest_job``: discard the half-written batch of this file."""
    try:
        checksum = file_checksum(jobs.read_input(job))
    except Exception:  # noqa: BLE001 - no input, no batch of it to find
        return
    for pk in SourceBatch.objects.filter(
        kind=job.params.get("kind"), checksum=checksum, status=BatchStatus.RUNNING
    ).values_list("pk", flat=True):
        batch_discard_partial(batch_id=pk, status=BatchStatus.INTERRUPTED, message=INTERRUPTED_MESSAGE)


def start_export_job(*, list_name: str, user, query: str, rows: int) -> Job:
    """Queue the export of a long intake list (the batch list or the review queue) under the
    page's filters (``query``); the job page shows its progress and offers the file."""
    _, _, _, unit, noun = EXPORTS[list_name]
    return jobs.job_start(
        user=user,
        kind="intake.export",
        title=f"导出{noun}（约{rows}{unit}）",
        function=EXPORT_FUNCTION,
        params={"list": list_name, "query": query},
    )


def export_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The .xlsx of the list as its page filtered it, through the page's Table (rows as the
    job's user is shown them, batch counts over the rows the user may see)."""
    lister, table, name, unit, noun = EXPORTS[job.params["list"]]
    progress(5, "查询")
    queryset = lister(job.user, QueryDict(job.params.get("query", "")))
    total = queryset.count()

    def lines():
        for i, line in enumerate(table.export_rows(queryset, user=job.user)):
            if i % 5000 == 0:
                progress(10 + 85 * i // max(total, 1), "生成文件", 已导出=i, 总数=total)
            yield line

    content = write_xlsx(table.export_header(), lines(), sheet=name)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    jobs.attach_file(job, f"{name}-{stamp}.xlsx", content)
    return {"summary": f"已导出{total}{unit}{noun}。", "rows": total}
