"""Intake as a background job: the upload page and the API queue ``ingest_job`` with the file.

``ingest_job`` is ``batch_ingest`` with the job's progress; ``ingest_interrupted`` is its cleanup
when the worker died mid-way (the batch keyed by the file's checksum is discarded and marked
interrupted, so that the retry — or a new upload of the same file — runs it again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.intake.choices import BatchStatus, SourceKind
from ohsteward.intake.ingest import INTERRUPTED_MESSAGE, batch_discard_partial, batch_ingest, file_checksum
from ohsteward.intake.models import SourceBatch

FUNCTION = "ohsteward.intake.jobs.ingest_job"


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
