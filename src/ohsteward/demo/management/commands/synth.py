from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ohsteward.core.audit import audit_context
from ohsteward.demo.synth import synth_enterprises, synth_workplaces


class Command(BaseCommand):
    help = "生成确定性的模拟用人单位数据（同一 --seed 得到同样的数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--workplaces", type=int, default=0, help="为前 N 家有接害人员的单位生成车间/岗位/危害因素"
        )

    def handle(self, *args, enterprises, seed, workplaces, **options):
        if enterprises < 0 or enterprises > 300_000:
            raise CommandError("--enterprises 应在 0 到 300000 之间")
        with (
            tqdm(total=enterprises, desc="生成用人单位", unit="家", disable=None) as bar,
            audit_context(None, "synth"),
        ):
            n = synth_enterprises(enterprises, seed, progress=bar.update)
            exposures = synth_workplaces(seed, limit=workplaces) if workplaces else 0
        self.stdout.write(f"新增用人单位 {n} 家；岗位危害因素 {exposures} 条")
