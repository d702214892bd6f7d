"""``ohsteward worker``: run background jobs (django-tasks-db's worker plus our housekeeping)."""

from __future__ import annotations

import os
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from ohsteward.core import jobs
from ohsteward.web import housekeeping


class Command(BaseCommand):
    help = "运行后台任务工作进程（大文件导入、来源名单导入、名单生成、导出）。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）")
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--max-tasks", type=int, default=None, help="处理这么多个任务后退出")
        parser.add_argument(
            "--housekeeping-seconds",
            type=float,
            default=60,
            help="检查中断任务和清理过期上传文件的间隔（秒）",
        )
        parser.add_argument(
            "--embedded", action="store_true", help="由 serve/demo 启动：父进程退出时随之退出"
        )

    def handle(self, *args, interval, batch, max_tasks, housekeeping_seconds, embedded, **options):
        if settings.OHSTEWARD_TASKS_BACKEND != "database":
            raise CommandError(
                f"OHSTEWARD_TASKS_BACKEND={settings.OHSTEWARD_TASKS_BACKEND}：本命令只运行数据库队列。"
                "RQ 请运行 `ohsteward rqworker --job-class django_tasks_rq.Job`，Celery 请运行 celery worker"
                "（见 docs/configuration.md）。"
            )

        found = housekeeping.recover()
        if any(found.values()):
            self.stdout.write(f"已将中断的任务标记为失败：{found}")
        stop = threading.Event()
        parent = os.getppid()

        def watch_parent() -> None:  # the server stopped (even by SIGTERM, no atexit): do not outlive it
            while os.getppid() == parent:
                time.sleep(2)
            os._exit(0)

        if embedded:
            threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
        threading.Thread(
            target=jobs.maintenance_loop,
            args=(stop, housekeeping.run, housekeeping_seconds),
            name="job-housekeeping",
            daemon=True,
        ).start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        self.stdout.write(f"后台任务工作进程已启动（{jobs.worker_id()}）")
        sys.stdout.flush()
        if not batch:
            worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
