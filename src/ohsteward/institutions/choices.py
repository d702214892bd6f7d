from django.db import models


class InstitutionKind(models.TextChoices):
    HYGIENE_SERVICE = "hygiene_service", "职业卫生技术服务机构"
    RADIATION_SERVICE = "radiation_service", "放射卫生技术服务机构"
    EXAM = "exam", "职业健康检查机构"
    DIAGNOSIS = "diagnosis", "职业病诊断机构"
    REHAB_STATION = "rehab_station", "尘肺病康复站"
    ENGINEERING_CENTRE = "engineering_centre", "工程防护指导中心"


class EngagementKind(models.TextChoices):
    CONTRACT = "contract", "技术服务合同"
    DETECTION = "detection", "检测评价"
    EXAM = "exam", "职业健康检查"
    DIAGNOSIS = "diagnosis", "职业病诊断"
