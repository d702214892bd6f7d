"""``ohsteward demo``: migrate, load reference data, generate data if empty, create demo users, serve."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ohsteward.core.audit import audit_context
from ohsteward.web.management.commands.serve import add_worker_argument, start_worker_unless

DEMO_PASSWORD = "ohsteward-demo"
DEMO_USERS = [
    ("city", "city_admin", None, "市卫生健康委"),
    ("yubei", "district_admin", "500112", "渝北区卫生健康委"),
    ("wanzhou", "district_admin", "500101", "万州区卫生健康委"),
    ("cdc", "cdc_staff", "500000", "市疾控中心"),
    ("institution", "institution_staff", "500112", "技术服务机构（渝北）"),
    ("steward", "steward_member", "500112", "管家服务团队成员（渝北）"),
    ("manager", "enterprise_manager", None, "用人单位管理人员"),
]


class Command(BaseCommand):
    help = "演示模式：在 SQLite 上运行整个系统，自动生成重庆模拟数据和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        add_worker_argument(parser)

    def handle(self, *args, host, port, enterprises, seed, no_serve, **options):
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        call_command("migrate", verbosity=0)
        from ohsteward.registry.models import Enterprise
        from ohsteward.registry.synth import synth_enterprises, synth_workplaces

        with audit_context(None, "demo"):
            if not Enterprise.objects.exists():
                with tqdm(total=enterprises, desc="生成模拟用人单位", unit="家") as bar:
                    synth_enterprises(enterprises, seed, progress=bar.update)
                synth_workplaces(seed, limit=min(300, enterprises))
                self._populate_other_apps(seed)
            users = self._users()
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, label in users:
            self.stdout.write(f"  {label:<16} 用户名 {username}")
        if no_serve:
            return
        from ohsteward.web.management.commands.serve import serve

        start_worker_unless(options, stdout=self.stdout)
        serve(host=host, port=port, stdout=self.stdout)

    def _populate_other_apps(self, seed: int) -> None:
        """Let later apps add demo state (source batches, the hazard-employer list …) when present."""
        today = timezone.localdate()
        for module, kwargs in (("ohsteward.intake.demo", {}), ("ohsteward.declarations.demo", {})):
            try:
                mod = __import__(module, fromlist=["populate"])
            except ImportError:
                continue
            self.stdout.write(f"准备演示数据：{module.split('.')[1]}")
            mod.populate(year=today.year, today=today, seed=seed, **kwargs)

    @transaction.atomic
    def _users(self) -> list[tuple[str, str]]:
        from ohsteward.accounts.actions import user_create
        from ohsteward.accounts.models import User
        from ohsteward.registry.models import Enterprise

        out = []
        for username, role, region, label in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                uscc = None
                if role == "enterprise_manager":
                    e = (Enterprise.objects.filter(region_id="500112", status="active", workplaces__isnull=False)
                         .order_by("pk").first() or Enterprise.objects.filter(region_id="500112").first())
                    uscc = e.uscc if e else None
                    if uscc is None:
                        continue
                user_create(username=username, password=DEMO_PASSWORD, role=role, region_code=region,
                            enterprise_uscc=uscc, display_name=label, check_password=False)
            out.append((username, label))
        return out


