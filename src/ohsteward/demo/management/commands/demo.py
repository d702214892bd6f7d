"""``ohsteward demo``: migrate, load reference data, generate data if empty, create demo users, serve."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ohsteward.accounts.actions import user_create
from ohsteward.accounts.models import User
from ohsteward.core.audit import audit_context
from ohsteward.demo import (
    assistance_flags,
    cards,
    cast,
    crosschecks,
    declarations,
    dose,
    exams,
    institutions,
    interdept,
    monitoring,
    sources,
    stewardship,
    supervision,
    surveillance,
)
from ohsteward.demo.institutions import link_demo_user
from ohsteward.demo.synth import synth_enterprises, synth_workplaces
from ohsteward.registry.models import Enterprise
from ohsteward.web.management.commands.serve import add_worker_argument, serve, start_worker_unless

DEMO_PASSWORD = "ohsteward-demo"
# (user name, role, region, what the login is for, the person's display name)
DEMO_USERS = [
    ("city", "city_admin", None, "市卫生健康委", "市卫生健康委 刘某某"),
    ("yubei", "district_admin", "500112", "渝北区卫生健康委", "渝北区卫生健康委 王某某"),
    ("wanzhou", "district_admin", "500101", "万州区卫生健康委", "万州区卫生健康委 陈某某"),
    ("cdc", "cdc_staff", "500000", "市疾控中心", "市疾控中心 张某某"),
    ("institution", "institution_staff", "500112", "技术服务机构（渝北）", "技术服务机构 赵某某"),
    ("steward", "steward_member", "500112", "管家服务团队成员（渝北）", "管家服务团队 李某某"),
    ("manager", "enterprise_manager", None, "用人单位管理人员", "用人单位 周某某"),
]


class Command(BaseCommand):
    help = "演示模式：在 SQLite 上运行整个系统，自动生成重庆模拟数据和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument(
            "--enterprises", type=int, default=2000, help="数据库为空时生成的模拟用人单位数（默认 2000）"
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子：同一种子生成同样的数据（默认 1）")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        add_worker_argument(parser)

    def handle(self, *args, host, port, enterprises, seed, no_serve, **options):
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write("准备数据库和参考数据（行政区划、行业、危害因素）……")
        self.stdout.flush()
        call_command("migrate", verbosity=0)

        with audit_context(None, "demo"):
            if not Enterprise.objects.exists():
                with tqdm(total=enterprises, desc="生成模拟用人单位", unit="家") as bar:
                    synth_enterprises(enterprises, seed, progress=bar.update)
                self.stdout.write("生成车间、岗位和接触的危害因素……")
                synth_workplaces(seed, limit=min(300, enterprises))
                self._populate_other_apps(seed)
            users = self._users()
            link_demo_user()
            users = [u for u in users if u[0] != "steward"] + stewardship.logins(DEMO_PASSWORD)
            users += surveillance.logins(DEMO_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, label, note in users:
            self.stdout.write(f"  {label:<16} 用户名 {username}{note}")
        if no_serve:
            return

        start_worker_unless(options, stdout=self.stdout)
        serve(host=host, port=port, stdout=self.stdout)

    def _populate_other_apps(self, seed: int) -> None:
        """Source lists (intake) and the declaration-expansion state on top of the register."""
        today = timezone.localdate()
        for module, label in (
            (sources, "各部门来源名单（体检、检测、执法）的汇聚与比对"),
            (declarations, "本年度职业病危害用人单位名单、核实、申报和抽查"),
            (institutions, "技术服务机构名录、质控、能力验证和三色等级"),
            (stewardship, "管家服务团队、服务协议和服务日程、帮扶与培训"),
            (monitoring, "工作场所检测报告、超标岗位、整改任务和定期检测到期"),
            (surveillance, "劳动者花名册、岗位经历和职业健康检查应检名单"),
            (exams, "体检结果、复查与调岗任务、职业病诊断个案、慢病筛查与随访"),
            (dose, "放射工作人员个人剂量监测记录（含超过调查水平和缺测）"),
            (supervision, "职业卫生管理自查、综合风险评估、年度检查计划、监督检查和执法案件"),
            (crosschecks, "交叉核查发现（待核实、属实、不属实）"),
            (assistance_flags, "帮扶企业的重点标记：带病例、在案整改"),
            (cards, "信息报告卡的报送（按时、逾期、未报送）与三色等级的报送因素"),
            (interdept, "部门共享名单：工伤保险参保、健康企业命名、职业健康达人/安康之星"),
        ):
            self.stdout.write(f"准备演示数据：{label}……")
            self.stdout.flush()
            module.populate(year=today.year, today=today, seed=seed)

    @transaction.atomic
    def _users(self) -> list[tuple[str, str]]:
        out = []
        for username, role, region, label, display_name in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                uscc = None
                if role == "enterprise_manager":
                    e = cast.manager_employer()
                    uscc = e.uscc if e else None
                    if uscc is None:
                        continue
                user = user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    region_code=region,
                    enterprise_uscc=uscc,
                    display_name=display_name,
                    check_password=False,
                )
            note = ""
            assignment = user.assignment
            if assignment is not None and assignment.enterprise_id:
                note = f"（{assignment.enterprise.name}）"
            out.append((username, label, note))
        return out
