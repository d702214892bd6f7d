"""``ohsteward dispatch --year 2026 --quarter 3 [--out file.xlsx]``: the quarterly dispatch figures."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class _CityWide:
    """The CLI acts for the whole city (it runs on the server, like the city CDC)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __init__(self):
        from ohsteward.accounts.access import Jurisdiction, Kind

        self._ohs_jurisdiction = Jurisdiction(Kind.CITY)  # read by access.jurisdiction()


class Command(BaseCommand):
    help = "申报扩面季度调度：各区县与全市的名单、核实、申报、入户指导数字（可导出 .xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--out", type=Path, default=None, help="写入 .xlsx 文件")

    def handle(self, *args, year, quarter, out, **options):
        from ohsteward.declarations import reports

        figures = reports.dispatch_figures(user=_CityWide(), year=year, quarter=quarter, today=timezone.localdate())
        columns = reports.DISPATCH_COLUMNS
        if out is not None:
            if out.suffix.lower() != ".xlsx":
                raise CommandError("--out 文件名应以 .xlsx 结尾")
            out.write_bytes(reports.dispatch_xlsx(figures))
            self.stdout.write(f"已写入 {out}")
        shown = ["region_name", "list_size", "confirmed_pct", "declared", "declaration_rate", "serious_rate",
                 "serious10_rate", "new_declared", "overdue", "visits"]
        labels = dict(columns)
        self.stdout.write("\t".join(labels[k] for k in shown))
        for row in [*figures["districts"], figures["total"]]:
            self.stdout.write("\t".join("—" if row.get(k) is None else str(row.get(k)) for k in shown))
