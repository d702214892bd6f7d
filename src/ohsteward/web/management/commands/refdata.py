from django.core.management.base import BaseCommand

from ohsteward.core.audit import audit_context
from ohsteward.hazards import refdata as hazard_refdata
from ohsteward.registry import refdata as registry_refdata


class Command(BaseCommand):
    help = "加载参考数据（行政区划、行业分类与风险目录、危害因素、接触限值、职业病目录）。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh", action="store_true", help="用随包数据覆盖已有行（会覆盖管理员的修改）"
        )

    def handle(self, *args, refresh=False, **options):
        with audit_context(None, "refdata"):
            counts = {
                **registry_refdata.load_all(refresh=refresh),
                **hazard_refdata.load_all(refresh=refresh),
            }
        for table, n in counts.items():
            self.stdout.write(f"{table}: 新增 {n}")
