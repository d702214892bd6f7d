"""The one django-tasks task: run a ``core.models.Job`` (see ``core.jobs``)."""

from __future__ import annotations

from django_tasks import task

from ohsteward.core import jobs


@task()
def run_job(job_id: int) -> None:
    jobs.execute(job_id)
