from django.db import models


class RegulationKind(models.TextChoices):
    LAW = "law", "法律"
    REGULATION = "regulation", "行政法规"
    RULE = "rule", "部门规章"
    NORMATIVE = "normative", "规范性文件"
    STANDARD = "standard", "标准"
    INTERPRETATION = "interpretation", "解读"


class RegulationStatus(models.TextChoices):
    CURRENT = "current", "现行"
    REPEALED = "repealed", "废止"
