"""``ohsteward hazard_list generate --year 2026 [--push] [--as-of 2026-01-25]`` (also ``hazard-list``)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ohsteward.core.audit import audit_context
from ohsteward.declarations import actions
from ohsteward.declarations.models import HazardList


class Command(BaseCommand):
    help = "生成/更新年度“职业病危害用人单位名单”（可重复运行，保留已有核实结果），或下发到区县"

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["generate", "push"], help="generate 生成/更新；push 下发到区县")
        parser.add_argument("--year", type=int, required=True, help="名单年度")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="基准日期（判断停产停业是否满6个月），默认今天",
        )
        parser.add_argument("--push", action="store_true", help="生成后立即下发（开始一个月核实期限）")

    def handle(self, *args, verb, year, as_of, push, **options):
        today = timezone.localdate()
        with audit_context(None, "cli"):
            if verb == "generate":
                started = time.perf_counter()
                hazard_list = actions.hazard_list_generate(user=None, year=year, as_of=as_of or today)
                s = hazard_list.summary
                self.stdout.write(
                    f"{year}年名单：共 {s['total']} 家（新增 {s['created']}，更新 {s['updated']}，"
                    f"移出 {s['removed']}），用时 {time.perf_counter() - started:.1f} 秒"
                )
                for reason, n in sorted(s["excluded"].items()):
                    self.stdout.write(f"  未纳入 — {reason}：{n} 家")
            else:
                hazard_list = HazardList.objects.filter(year=year).first()
                if hazard_list is None:
                    raise CommandError(f"{year}年名单尚未生成，请先运行 generate")
            if verb == "push" or push:
                n = actions.hazard_list_push(user=None, hazard_list=hazard_list, today=today)
                self.stdout.write(
                    f"已下发 {n} 家，核实期限至 {actions.rules.one_month_after(today):%Y-%m-%d}"
                )
