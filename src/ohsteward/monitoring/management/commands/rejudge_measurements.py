"""``ohsteward rejudge_measurements``: judge stored results again after a limit edition was imported."""

import datetime as dt

from django.core.management.base import BaseCommand

from ohsteward.core.audit import audit_context
from ohsteward.monitoring import actions
from ohsteward.monitoring.models import Measurement


class Command(BaseCommand):
    help = "按已存的检测数据重新判定检测结果（导入更早或新的接触限值版本之后）。缺省只处理“无接触限值，未判定”的结果。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="重新判定全部结果（缺省只处理未判定的）")
        parser.add_argument("--factor", help="只处理该危害因素（目录名称）")
        parser.add_argument("--before", type=dt.date.fromisoformat, help="只处理检测日期早于该日期的结果")

    def handle(self, *args, all, factor, before, **options):  # noqa: A002 - the option's name
        qs = Measurement.objects.select_related("enterprise", "factor", "report").order_by("pk")
        if not all:
            qs = qs.filter(compliant__isnull=True)
        if factor:
            qs = qs.filter(factor__name=factor)
        if before:
            qs = qs.filter(measured_on__lt=before)
        items = list(qs)
        with audit_context(None, "rejudge"):
            n = actions.measurements_rejudge(user=None, measurements=items)
        self.stdout.write(f"重新判定 {len(items)} 条，判定有变化 {n} 条")
