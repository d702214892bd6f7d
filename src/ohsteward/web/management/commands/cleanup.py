"""``ohsteward cleanup``: what the worker does every minute, on demand (cron without a worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ohsteward.web import housekeeping


class Command(BaseCommand):
    help = "清理过期的上传文件（待对应列、待确认导入、任务文件），并将中断的任务和批次标记为失败。"

    def handle(self, *args, **options):
        done = housekeeping.run()
        labels = {
            "interrupted_jobs": "中断的任务",
            "interrupted_batches": "中断的来源批次",
            "intake_uploads": "过期的待对应列上传文件",
            "import_stashes": "过期的待确认导入文件",
            "job_files": "过期的任务文件",
        }
        for key, n in done.items():
            self.stdout.write(f"{labels[key]}：{n}")
