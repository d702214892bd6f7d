"""Choices of the steward service, with the seed text each list comes from (seed 000,
渝卫发〔2023〕62号《重庆市进一步完善企业职业健康管家服务工作的实施意见》)."""

from __future__ import annotations

from django.db import models


class TeamLevel(models.TextChoices):
    """000 二(二): teams formed by city, district and grass-roots (甲级基层) medical institutions."""

    CITY = "city", "市级"
    DISTRICT = "district", "区县级"
    BASIC = "basic", "基层"


class Qualification(models.TextChoices):
    """000 二(一): the "五师两员" (the first seven, API codes fixed by issue 10) and the optional
    专科医师 / 工程防护 members."""

    OCCUPATIONAL_PHYSICIAN = "occupational_physician", "职业病诊断医师"
    GENERAL_PRACTITIONER = "general_practitioner", "全科医师"
    NUTRITIONIST = "nutritionist", "营养师"
    PUBLIC_HEALTH_PHYSICIAN = "public_health_physician", "公共卫生医师"
    MENTAL_HEALTH_COUNSELLOR = "mental_health_counsellor", "心理健康指导师"
    HYGIENE_TECHNICIAN = "hygiene_technician", "职业卫生检测技术人员"
    LEGAL_PROFESSIONAL = "legal_professional", "法律专业人员"
    SPECIALIST = "specialist", "专科医师"
    ENGINEERING = "engineering", "工程防护人员"
    OTHER = "other", "其他"


class ServiceContent(models.TextChoices):
    """000 三(一)–(八): the eight service contents."""

    RISK_ASSESSMENT = "risk_assessment", "职业病危害综合风险评估"  # 三(一)
    MANAGEMENT = "management", "协助职业卫生管理"  # 三(二)
    TRAINING = "training", "职业健康培训"  # 三(三)
    DETECTION = "detection", "职业病危害因素检测"  # 三(四)
    SURVEILLANCE = "surveillance", "职业健康监护"  # 三(五)
    ENVIRONMENT = "environment", "营造职业健康环境"  # 三(六)
    MEDICAL = "medical", "普通健康体检及医疗服务"  # 三(七)
    OTHER = "other", "其他健康服务"  # 三(八)


class FundingChannel(models.TextChoices):
    """000 四(一)–(六): the six funding channels."""

    ENTERPRISE = "enterprise", "企业自筹"  # 四(一)
    BASIC_PUBLIC_HEALTH = "basic_public_health", "基本公共卫生服务项目"  # 四(二)
    INJURY_PREVENTION = "injury_prevention", "工伤预防项目"  # 四(三)
    TRADE_UNION = "trade_union", "工会“渝工安康”项目"  # 四(四)
    GOVERNMENT_PURCHASE = "government_purchase", "政府购买服务"  # 四(五)
    DONATION = "donation", "社会捐助"  # 四(六)


class AgreementStatus(models.TextChoices):
    """Stored states; ``ended`` is also what an active agreement past its end date shows."""

    DRAFT = "draft", "草拟"
    ACTIVE = "active", "生效"
    ENDED = "ended", "已到期"
    TERMINATED = "terminated", "已解除"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "待服务"
    DONE = "done", "已完成"
