"""``ohsteward import enterprises FILE``: the same importer as the web page."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.registry.importers import enterprise_import


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入用人单位（按统一社会信用代码新增或更新）。有行被拒绝时返回非零退出码。"
    all_or_nothing_by_default = False

    def run_import(self, **kwargs):
        return enterprise_import(**kwargs)
