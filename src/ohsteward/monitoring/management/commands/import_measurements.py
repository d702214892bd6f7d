"""``ohsteward import measurements FILE``: the same importer as the web page."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.monitoring.importers import MeasurementImporter


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入工作场所检测结果（模板或实验室导出表；按报告编号、岗位和危害因素新增或更新，并判定）。有行被拒绝时返回非零退出码。"
    importer = MeasurementImporter
    all_or_nothing_by_default = False  # the good rows by default; --all-or-nothing as before
