"""The hazard-employer list as a background job: generate (and optionally push) a year's list.

``hazard_list_generate`` and ``hazard_list_push`` are each one transaction and re-runnable, so a
worker killed mid-way leaves the list as it was and a retry is safe. The city's page starts the
job when the register is larger than ``OHSTEWARD_JOB_THRESHOLD_ROWS``; smaller registers run inline.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ohsteward.core import jobs
from ohsteward.core.models import Job
from ohsteward.declarations import actions


def start_list_generate_job(*, user, year: int, push: bool) -> Job:
    title = f"{year}年名单{'生成并下发' if push else '生成'}"
    return jobs.job_start(
        user=user,
        kind="declarations.list_generate",
        title=title,
        function="ohsteward.declarations.jobs.list_generate_job",
        params={"year": year, "push": push},
    )


def list_generate_job(*, job: Job, progress: jobs.Progress) -> dict[str, Any]:
    year, today = int(job.params["year"]), timezone.localdate()
    progress(10, "汇总各来源、生成名单")
    hazard_list = actions.hazard_list_generate(user=job.user, year=year, as_of=today)
    s = hazard_list.summary
    summary = f"{year}年名单已生成：共{s['total']}家，新增{s['created']}家，更新{s['updated']}家，移出{s['removed']}家。"
    progress(80, "名单已生成", 共=s["total"], 新增=s["created"], 更新=s["updated"], 移出=s["removed"])
    if job.params.get("push"):
        progress(85, "下发到各区县")
        n = actions.hazard_list_push(user=job.user, hazard_list=hazard_list, today=today)
        summary += f" 已下发{n}家到各区县核实，核实期限一个月。"
    return {
        "summary": summary,
        "year": year,
        "links": [{"label": "查看名单", "url": f"{reverse('declarations:home')}?year={year}"}],
    }
