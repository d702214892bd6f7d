"""`ohsteward recompute_exam_due`: recompute every worker's next exam due date (GBZ 188)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ohsteward.core.audit import audit_context
from ohsteward.registry.models import Enterprise
from ohsteward.surveillance.actions import workers_recompute_due
from ohsteward.surveillance.models import Worker


class Command(BaseCommand):
    help = "按 GBZ 188 重新计算全部（或一个用人单位的）劳动者下次职业健康检查应检日期"

    def add_arguments(self, parser):
        parser.add_argument("--enterprise", help="只计算该统一社会信用代码的用人单位")

    def handle(self, *args, **options):
        queryset = Worker.objects.all()
        if options["enterprise"]:
            enterprise = Enterprise.objects.filter(uscc=options["enterprise"].strip().upper()).first()
            if enterprise is None:
                self.stderr.write("未找到该统一社会信用代码的用人单位")
                return
            queryset = queryset.filter(enterprise=enterprise)
        with audit_context(None, "cli"):
            count = workers_recompute_due(queryset=queryset)
        self.stdout.write(f"已重新计算 {count} 名劳动者的下次体检日期")
