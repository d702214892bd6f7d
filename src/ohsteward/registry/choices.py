from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区县"
    TOWN = "town", "乡镇街道"
    ZONE = "zone", "功能区"


class IndustryLevel(models.TextChoices):
    SECTION = "section", "门类"
    DIVISION = "division", "大类"
    GROUP = "group", "中类"
    CLASS = "class", "小类"


class RiskClass(models.TextChoices):
    SERIOUS = "serious", "严重"
    GENERAL = "general", "一般"
    UNLISTED = "unlisted", "未列入目录"


class SizeClass(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "在业"
    SUSPENDED = "suspended", "停产停业"
    CANCELLED = "cancelled", "注销"


class EconomicType(models.TextChoices):
    STATE_OWNED = "state_owned", "国有企业"
    COLLECTIVE = "collective", "集体企业"
    LIMITED_LIABILITY = "limited_liability", "有限责任公司"
    JOINT_STOCK = "joint_stock", "股份有限公司"
    PRIVATE = "private", "私营企业"
    HMT = "hmt", "港澳台投资企业"
    FOREIGN = "foreign", "外商投资企业"
    INDIVIDUAL = "individual", "个体工商户"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    OTHER = "other", "其他"


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", "已登记"
    CANDIDATE = "candidate", "待核实（来源名单发现）"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", "待区县确认"
    APPROVED = "approved", "已确认"
    REJECTED = "rejected", "已驳回"
