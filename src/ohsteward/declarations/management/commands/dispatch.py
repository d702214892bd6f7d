"""``ohsteward dispatch --year 2026 --quarter 3 [--out file.xlsx] [--publish]``: the quarterly dispatch
figures as of the quarter's last day (a published quarter: its frozen snapshot)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.declarations import actions, reports


class Command(BaseCommand):
    help = "申报扩面季度调度：各区县与全市的名单、核实、申报、入户指导数字（可导出 .xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--out", type=Path, default=None, help="写入 .xlsx 文件")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="发布该季度（季度结束后）：按季度末计算并固定数字，之后不再改变",
        )

    def handle(self, *args, year, quarter, out, publish=False, **options):
        user, today = access.CityWideActor(), timezone.localdate()
        if publish:
            try:
                actions.dispatch_publish(user=user, year=year, quarter=quarter, today=today)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
            self.stdout.write(f"已发布 {year}年第{quarter}季度调度")
        figures = reports.dispatch_for(user=user, year=year, quarter=quarter, today=today)
        state = "已发布" if figures["snapshot"] else "实时" if figures["live"] else "未发布"
        self.stdout.write(f"{year}年第{quarter}季度（{state}，截至 {figures['as_of']:%Y-%m-%d}）")
        columns = reports.DISPATCH_COLUMNS
        if out is not None:
            if out.suffix.lower() != ".xlsx":
                raise CommandError("--out 文件名应以 .xlsx 结尾")
            out.write_bytes(reports.dispatch_xlsx(figures))
            self.stdout.write(f"已写入 {out}")
        shown = [
            "region_name",
            "list_size",
            "confirmed_pct",
            "declared",
            "declaration_rate",
            "serious_rate",
            "serious10_rate",
            "new_declared",
            "overdue",
            "visits",
        ]
        labels = dict(columns)
        self.stdout.write("\t".join(labels[k] for k in shown))
        for row in [*figures["districts"], figures["total"]]:
            self.stdout.write("\t".join("—" if row.get(k) is None else str(row.get(k)) for k in shown))
