"""The measurement import as a background job: a file longer than ``OHSTEWARD_JOB_THRESHOLD_ROWS``
is previewed (dry run) in a job whose page shows its progress; its confirmation applies the stored
file in a second job (the shape of ``registry.jobs``). The import is idempotent and applies in one
transaction, so a killed worker leaves nothing half-written and a retry changes nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.monitoring.importers import MeasurementImporter

IMPORT_KIND = "monitoring.import"
IMPORT_FUNCTION = "ohsteward.monitoring.jobs.measurement_import_job"


def start_import_job(*, user, filename: str, content: bytes, dry_run: bool, partial: bool) -> Job:
    jobs.refuse_unusable_upload(filename, content)  # SpreadsheetError at once, not in the job
    step = "预检" if dry_run else "导入"
    return jobs.job_start(
        user=user,
        kind=IMPORT_KIND,
        title=f"检测结果{step}：{filename}",
        function=IMPORT_FUNCTION,
        content=content,
        filename=filename,
        params={"dry_run": dry_run, "partial": partial, "keep_input": dry_run},
    )


def measurement_import_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    p = job.params
    report = MeasurementImporter().run(
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
                "url": reverse("monitoring:measurement_import_job_confirm", args=[job.pk]),
            }
        )
    if report.applied:
        result["links"].append({"label": "查看检测结果", "url": reverse("monitoring:measurement_list")})
    return result
