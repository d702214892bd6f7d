"""``ohsteward import exams FILE``: the same importer as the web page (exam results)."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.surveillance.exams.importers import ExamImporter


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入职业健康检查结果（每行一名劳动者一次体检的一个危害因素）。有行被拒绝时返回非零退出码。"
    importer = ExamImporter
    user_help = "以该用户身份导入（体检机构人员：按其服务范围校验，体检机构缺省为本机构）；缺省为系统"
