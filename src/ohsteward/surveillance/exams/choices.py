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
