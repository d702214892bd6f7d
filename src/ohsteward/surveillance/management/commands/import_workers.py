"""``ohsteward import workers FILE``: the roster importer of the web page (the ID numbers checked, stored encrypted)."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.surveillance.importers import WorkerImporter


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入劳动者花名册（按身份证号新增或更新）。有行被拒绝时返回非零退出码。"
    importer = WorkerImporter
    all_or_nothing_by_default = False
