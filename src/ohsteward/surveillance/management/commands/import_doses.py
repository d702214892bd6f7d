"""``ohsteward import doses FILE``: personal dose records (radiation workers)."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.surveillance.dose.importers import DoseImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入个人剂量监测结果（每行一名放射工作人员一个监测周期）。有行被拒绝时返回非零退出码。"
    )
    importer = DoseImporter
    user_help = (
        "以该用户身份导入（放射卫生技术服务机构人员：按其服务范围校验，监测机构缺省为本机构）；缺省为系统"
    )
