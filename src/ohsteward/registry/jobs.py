"""The register's background jobs: a large import (preview, then apply) and a large export.

Started by the import page and ``POST /api/v1/enterprises/import/`` (always a job there), and by
the export link when the filtered list is longer than ``OHSTEWARD_JOB_THRESHOLD_ROWS``. The import
is idempotent (an upsert by credit code) and applies in one transaction, so a killed worker leaves
the register as it was and a retry changes nothing twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.registry.importers import enterprise_import

IMPORT_FUNCTION = "ohsteward.registry.jobs.enterprise_import_job"
EXPORT_FUNCTION = "ohsteward.registry.jobs.enterprise_export_job"


def start_import_job(*, user, filename: str, content: bytes, dry_run: bool, partial: bool) -> Job:
    jobs.refuse_unusable_upload(filename, content)  # SpreadsheetError at once, not in the job
    step = "预检" if dry_run else "导入"
    return jobs.job_start(
        user=user,
        kind="registry.import",
        title=f"用人单位{step}：{filename}",
        function=IMPORT_FUNCTION,
        content=content,
        filename=filename,
        params={"dry_run": dry_run, "partial": partial, "keep_input": dry_run},
    )


def enterprise_import_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    p = job.params
    report = enterprise_import(
        user=job.user,
        filename=job.input_name,
        content=jobs.read_input(job),
        dry_run=p.get("dry_run", True),
        all_or_nothing=not p.get("partial"),
        progress=progress,
    )
    if report.errors:
        jobs.attach_file(job, f"导入错误行-{Path(job.input_name).stem}.xlsx", report.errors_xlsx())
    result: dict[str, Any] = {
        "summary": report.summary(),
        "applied": report.applied,
        "dry_run": report.dry_run,
        "total_rows": report.total_rows,
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": report.unchanged,
        "error_rows": len(report.rejected_rows),
        "errors": [str(e) for e in report.errors[:100]],
        "actions": [],
        "links": [],
    }
    if report.dry_run and (not report.errors or p.get("partial")) and (report.created or report.updated):
        result["actions"].append(
            {
                "label": "确认导入" if not report.errors else "仅导入无误的行",
                "url": reverse("registry:enterprise_import_job_confirm", args=[job.pk]),
            }
        )
    if report.applied:
        result["links"].append({"label": "查看用人单位名录", "url": reverse("registry:enterprise_list")})
    return result


def start_export_job(*, user, query: str, rows: int) -> Job:
    return jobs.job_start(
        user=user,
        kind="registry.export",
        title=f"导出用人单位（约{rows}家）",
        function=EXPORT_FUNCTION,
        params={"query": query},
    )


def enterprise_export_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    # local: registry.views imports this module at load (views -> jobs), so the table and the query are imported at run time
    from ohsteward.registry.tables import EnterpriseTable
    from ohsteward.registry.views import filtered_enterprises

    progress(5, "查询")
    _, queryset = filtered_enterprises(job.user, QueryDict(job.params.get("query", "")))
    total = queryset.count()

    def rows():
        for i, row in enumerate(EnterpriseTable.export_rows(queryset)):
            if i % 5000 == 0:
                progress(10 + 85 * i // max(total, 1), "生成文件", 已导出=i, 总数=total)
            yield row

    content = write_xlsx(EnterpriseTable.export_header(), rows(), sheet="用人单位")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    jobs.attach_file(job, f"用人单位-{stamp}.xlsx", content)
    return {"summary": f"已导出{total}家用人单位。", "rows": total}
