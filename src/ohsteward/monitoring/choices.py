from django.db import models


class ReportKind(models.TextChoices):
    """检测（评价）报告的类型 (issue 11 item 1)."""

    PERIODIC = "periodic", "定期检测"
    STATUS_EVALUATION = "status_eval", "现状评价"
    CONTROL_EVALUATION = "control_eval", "控制效果评价"
    SUPERVISION = "supervision", "监督检测"
    MONITORING_PROJECT = "monitoring", "职业病危害因素监测项目"


class MeasureKind(models.TextChoices):
    """Which inputs a measurement takes and which rule judges it."""

    CHEMICAL = "chemical", "化学因素"
    DUST = "dust", "粉尘"
    NOISE = "noise", "噪声"
    HEAT = "heat", "高温"
    VIBRATION = "vibration", "手传振动"
    EFIELD = "efield", "工频电场"
    OTHER = "other", "其他（无自动判定）"


class SamplingMode(models.TextChoices):
    FIXED = "fixed", "定点"
    PERSONAL = "personal", "个体"


class TaskStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已复测合格"


class MeasureType(models.TextChoices):
    """整改措施 (issue 11 item 4)."""

    ENGINEERING = "engineering", "工程控制"
    ADMINISTRATIVE = "administrative", "管理措施"
    PPE = "ppe", "个体防护"
