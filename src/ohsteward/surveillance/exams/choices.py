from django.db import models

from ohsteward.surveillance import conclusions


class Conclusion(models.TextChoices):
    """GBZ 188-2014 §4.8.3 (RULES.md §2.2): the API values are the letters a–e."""

    NORMAL = conclusions.NORMAL, conclusions.label(conclusions.NORMAL)
    RECHECK = conclusions.RECHECK, conclusions.label(conclusions.RECHECK)
    SUSPECTED = conclusions.SUSPECTED, conclusions.label(conclusions.SUSPECTED)
    CONTRAINDICATION = conclusions.CONTRAINDICATION, conclusions.label(conclusions.CONTRAINDICATION)
    OTHER = conclusions.OTHER, conclusions.label(conclusions.OTHER)


class BatchSource(models.TextChoices):
    FILE = "file", "文件导入"
    API = "api", "接口"
    FORM = "form", "表单录入"


class TaskKind(models.TextChoices):
    RECHECK = "recheck", "复查"
    REASSIGNMENT = "reassignment", "调岗"
    DIAGNOSIS = "diagnosis", "职业病诊断"


class TaskStatus(models.TextChoices):
    """Derived from the due date and the closing date (the ``status`` filter of the API)."""

    OPEN = "open", "进行中"
    OVERDUE = "overdue", "已逾期"
    CLOSED = "closed", "已完成"


class DiagnosisOutcome(models.TextChoices):
    PENDING = "pending", "待诊断"
    CONFIRMED = "confirmed", "诊断为职业病"
    EXCLUDED = "excluded", "排除职业病"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "已转诊待诊断"
    DIAGNOSED = "diagnosed", "已诊断"
    CLOSED = "closed", "已结案"


class ChronicClass(models.TextChoices):
    """Screening classes of RULES.md §12 (``surveillance.chronic``)."""

    NORMAL = "normal", "正常"
    HIGH_RISK = "high_risk", "高危人群"
    SUSPECTED = "suspected", "疑似患者"
    EMERGENCY = "emergency", "紧急转诊"


class ChronicDisease(models.TextChoices):
    HYPERTENSION = "hypertension", "高血压"
    DIABETES = "diabetes", "2型糖尿病"


class FollowUpOutcome(models.TextChoices):
    SATISFACTORY = "satisfactory", "控制满意"
    UNSATISFACTORY = "unsatisfactory", "控制不满意"
    EMERGENCY = "emergency", "紧急转诊"


class ScreeningSource(models.TextChoices):
    EXAM = "exam", "职业健康检查"
    VISIT = "visit", "管家服务/帮扶现场"


class PatientStatus(models.TextChoices):
    ALIVE = "alive", "存活"
    DECEASED = "deceased", "死亡"


class PatientSource(models.TextChoices):
    DIAGNOSIS = "diagnosis", "本系统诊断"
    IMPORT = "import", "疾控系统导入"


class PatientCondition(models.TextChoices):
    STABLE = "stable", "病情稳定"
    WORSE = "worse", "病情进展"
    DECEASED = "deceased", "死亡"


class StationKind(models.TextChoices):
    STATION = "station", "康复站（乡镇/街道）"
    POINT = "point", "康复点（村）"
