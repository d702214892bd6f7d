"""Background jobs with progress (core/jobs.py, ADR 0003): the recompute of every employer's risk
assessment (each employer in its own transaction, so a killed worker leaves complete assessments
behind and a retry simply assesses again) and the re-run of a year's cross-checks (one
transaction: a killed worker leaves the stored findings as they were; a retry runs again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.audit import audit_context
from ohsteward.core.models import Job
from ohsteward.supervision import actions, findings

RECOMPUTE_FUNCTION = "ohsteward.supervision.jobs.risk_recompute_job"
CROSSCHECK_FUNCTION = "ohsteward.supervision.jobs.crosscheck_refresh_job"


def start_recompute_job(*, user, on: dt.date, district: str = "") -> Job:
    where = f"（{district}）" if district else ""
    return jobs.job_start(
        user=user,
        kind="supervision.recompute",
        title=f"重新评估综合风险{where}：{on.isoformat()}",
        function=RECOMPUTE_FUNCTION,
        params={"on": on.isoformat(), "district": district},
    )


def risk_recompute_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    p = job.params
    on = dt.date.fromisoformat(p["on"])

    def report(done: int, total: int) -> None:
        progress(int(100 * done / total) if total else 100, "评估中", done=done, total=total)

    n = actions.risk_assess_all(user=job.user, on=on, district=p.get("district", ""), progress=report)
    return {"summary": f"已评估 {n} 家用人单位", "assessed": n}


def start_crosscheck_job(*, user, year: int) -> Job:
    """Re-run the year's cross-checks over every row and store the findings (the QC team: city-wide
    users who may verify findings)."""
    if user is not None and not access.has_perm(user, "supervision.change_crosscheckfinding"):
        raise PermissionDenied("您无权重新核查")
    access.require_citywide(user, actions.QC_DECIDES)
    return jobs.job_start(
        user=user,
        kind="supervision.crosschecks",
        title=f"交叉核查：{year}年",
        function=CROSSCHECK_FUNCTION,
        params={"year": year},
    )


def crosscheck_refresh_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    year = int(job.params["year"])

    def report(done: int, total: int) -> None:
        progress(int(100 * done / total) if total else 100, "核查中", done=done, total=total)

    with audit_context(job.user, "job"):
        counts = findings.refresh(year, progress=report)
    return {
        "summary": (
            f"{year}年：发现 {counts['found']} 项，其中新增 {counts['new']} 项；"
            f"{counts['gone']} 项不再发现，{counts['back']} 项再次发现"
        ),
        **counts,
    }
