"""The worker ``ohsteward serve`` and ``ohsteward demo`` start beside the web server (unless
``--no-worker``), so one command still runs everything. A separate process, not a thread: a
100,000-row import is CPU work that would otherwise slow every page (one GIL)."""

from __future__ import annotations

import atexit
import subprocess
import sys

from django.conf import settings


def start_worker_process(stdout=None) -> subprocess.Popen | None:
    if settings.OHSTEWARD_TASKS_BACKEND != "database":
        return None  # RQ/Celery/immediate: their own workers (or none) run the jobs
    process = subprocess.Popen([sys.executable, "-m", "ohsteward.cli", "worker", "--embedded"])

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    atexit.register(stop)
    if stdout is not None:
        stdout.write(f"后台任务工作进程 pid {process.pid}（不需要时用 --no-worker）")
    return process
