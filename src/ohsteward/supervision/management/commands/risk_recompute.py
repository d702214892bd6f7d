"""``ohsteward risk_recompute [--on DATE] [--district CODE]``: assess every employer again."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from ohsteward.supervision import actions


class Command(BaseCommand):
    help = "按现有数据重新评估全部（或一个区县的）用人单位的职业病危害综合风险"

    def add_arguments(self, parser):
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="评估日期（默认今天）")
        parser.add_argument("--district", default="", help="区县代码")

    def handle(self, *args, on=None, district="", **options):
        def report(done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total}")

        n = actions.risk_assess_all(
            user=None, on=on or timezone.localdate(), district=district, progress=report
        )
        self.stdout.write(self.style.SUCCESS(f"已评估 {n} 家用人单位"))
