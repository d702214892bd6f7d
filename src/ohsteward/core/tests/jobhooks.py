"""Job functions for the tests (imported by dotted path, also by a worker subprocess)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.module_loading import import_string

from ohsteward.core.models import Job

# What a worker process reads: tasks in the database (the suite itself runs them in-process).
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
skip_unless_sqlite = pytest.mark.skipif(
    os.environ.get("OHSTEWARD_DATABASE_URL", "").startswith("postgres"),
    reason="copies the SQLite test database to a file for the worker process",
)


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


class WorkerWorld:
    """The test database copied to a file, and ``ohsteward`` commands run against it."""

    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "world.sqlite3"
        self.env = {
            **os.environ,
            "OHSTEWARD_SQLITE_PATH": str(self.path),
            "OHSTEWARD_TASKS_BACKEND": "database",
            "OHSTEWARD_DEMO": "1",
            "OHSTEWARD_DATA_DIR": str(tmp_path / "data"),
        }
        self.env.pop("OHSTEWARD_DATABASE_URL", None)

    def copy_test_database(self) -> None:
        connection.ensure_connection()
        target = sqlite3.connect(self.path)
        connection.connection.backup(target)
        target.close()

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "ohsteward.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    def worker(self) -> subprocess.Popen:
        log = (self.path.parent / "worker.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", "ohsteward.cli", "worker", "--interval", "0.2"],
            env=self.env,
            stdout=log,
            stderr=log,
        )

    def query(self, sql: str, *params):
        with sqlite3.connect(self.path) as db:
            return db.execute(sql, params).fetchall()


def wait_for(path: Path, process: subprocess.Popen, world: WorkerWorld, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        assert process.poll() is None, "the worker exited before reaching the pause point"
        assert time.monotonic() < deadline, (
            "the job did not reach the pause point",
            world.query("SELECT status, stage, error FROM core_job"),
            world.query("SELECT status, task_path FROM django_tasks_database_dbtaskresult"),
        )
        time.sleep(0.2)
