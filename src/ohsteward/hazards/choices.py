from django.db import models


class HazardCategory(models.TextChoices):
    DUST = "dust", "粉尘"
    CHEMICAL = "chemical", "化学因素"
    PHYSICAL = "physical", "物理因素"
    BIOLOGICAL = "biological", "生物因素"
    RADIATION = "radiation", "放射性因素"
    SPECIAL = "special", "特殊作业"
    OTHER = "other", "其他因素"


class LimitType(models.TextChoices):
    MAC = "MAC", "最高容许浓度 MAC"
    PC_TWA = "PC-TWA", "时间加权平均容许浓度 PC-TWA"
    PC_STEL = "PC-STEL", "短时间接触容许浓度 PC-STEL"
    PHYSICAL = "physical", "物理因素限值"


class EditionKind(models.TextChoices):
    BASE = "base", "标准文本"
    AMENDMENT = "amendment", "修改单"
