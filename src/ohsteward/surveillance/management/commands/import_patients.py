"""``ohsteward import patients FILE``: pneumoconiosis patients from the CDC system."""

from ohsteward.core.import_command import ImportCommand
from ohsteward.surveillance.exams.patient_importer import PatientImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入疾控系统的尘肺病患者名单（每行一名患者一个病种；同一身份证号同一病种已登记的更新）。"
        "有行被拒绝时返回非零退出码。"
    )
    importer = PatientImporter
    user_help = "以该用户身份导入（疾控、市或区县用户：居住地须在其辖区内）；缺省为系统"
