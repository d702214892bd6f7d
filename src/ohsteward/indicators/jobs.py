"""The quarterly and yearly reports as background jobs with progress (core/jobs.py, ADR 0003):
the .xlsx of every indicator × district and the bulletin .docx, downloadable from the job page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.indicators import reports
from ohsteward.indicators.rules import parse_period

REPORT_FUNCTION = "ohsteward.indicators.jobs.indicator_report_job"
FORMATS = {"xlsx": "指标报表（Excel）", "docx": "指标通报（Word）"}


def start_report_job(*, user, period: str, fmt: str, doc_number: str = "") -> Job:
    """Queue the report of ``period`` as ``fmt``; ``doc_number`` is the bulletin's 文号 (optional)."""
    p = parse_period(period)  # ValueError for a bad period: the view answers 404
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return jobs.job_start(
        user=user,
        kind="indicators.report",
        title=f"{p.label}{FORMATS[fmt]}",
        function=REPORT_FUNCTION,
        params={"period": p.code, "format": fmt, "doc_number": doc_number.strip()[:60]},
    )


def indicator_report_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Compute the city's and each district's figures (published when the period is), then write
    the file. Progress: one step per district."""
    user = job.user
    if user is None or not access.is_citywide(user):
        raise PermissionDenied("全市指标报表只能由市级用户生成")
    p = parse_period(job.params["period"])
    fmt = job.params["format"]

    def step(done: int, total: int) -> None:
        progress(int(90 * done / total) if total else 90, "计算各区县指标", done=done, total=total)

    data = reports.report_data(user, p, progress=step)
    progress(95, "生成文件")
    if fmt == "xlsx":
        content, name = reports.report_xlsx(data), f"指标报表-{p.code}.xlsx"
    else:
        content, name = (
            reports.report_docx(data, doc_number=job.params.get("doc_number", "")),
            f"指标通报-{p.code}.docx",
        )
    jobs.attach_file(job, name, content)
    return {"summary": f"已生成{name}（{data.basis}）", "districts": len(data.districts)}
