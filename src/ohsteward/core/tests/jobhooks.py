"""Job functions for the tests (imported by dotted path, also by a worker subprocess)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from ohsteward.core.models import Job


def pause_once(*, job, progress):
    """Run ``params["inner"]``; on the first attempt stop for good at the ``pause_after``-th
    progress report of stage ``pause_stage`` (after writing ``marker``): the kill tests kill the
    worker there, in the middle of the job."""
    p = job.params
    inner = import_string(p["inner"])
    seen = 0

    def watched(percent, stage="", **counts):
        nonlocal seen
        progress(percent, stage, **counts)
        if job.attempts == 1 and stage == p["pause_stage"]:
            seen += 1
            if seen >= p.get("pause_after", 1):
                Path(p["marker"]).write_text(str(os.getpid()))
                while True:
                    time.sleep(1)

    return inner(job=job, progress=watched)


def report_progress(*, job, progress):
    """Reports progress, then checks the row says so while the job is still running."""
    progress(40, "第一阶段", 已处理=4)
    seen = Job.objects.values("status", "progress", "stage", "counts").get(pk=job.pk)
    progress(70, "第二阶段", 已处理=7)
    return {"seen_while_running": seen}


def fail_first_time(*, job, progress):
    """Fails with a Chinese message on the first attempt, succeeds on the retry."""
    if job.attempts == 1:
        raise ValidationError("第3行 名称: 不能为空")
    return {"summary": "完成"}


def crash(*, job, progress):
    raise RuntimeError("boom")
