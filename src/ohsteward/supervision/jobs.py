"""The recompute of every employer's risk assessment as a background job with progress
(core/jobs.py, ADR 0003). Each employer is assessed in its own transaction, so a killed worker
leaves complete assessments behind and a retry simply assesses again (a new history row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.supervision import actions

RECOMPUTE_FUNCTION = "ohsteward.supervision.jobs.risk_recompute_job"


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
