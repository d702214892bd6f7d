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


class QualificationKind(models.TextChoices):
    CERTIFICATE = "certificate", "资质证书"
    FILING = "filing", "备案"


class StaffRole(models.TextChoices):
    ASSESSOR = "assessor", "检测评价人员"
    CHIEF_EXAMINER = "chief_examiner", "主检医师"
    DIAGNOSTICIAN = "diagnostician", "职业病诊断医师"
    OTHER = "other", "其他专业技术人员"


class CapabilityMode(models.TextChoices):
    """001 附件1 items 3–5: how an institution's capability was confirmed."""

    DIRECT = "direct", "直接确认"
    STANDARD = "standard", "达标确认"
    ASSESSMENT = "assessment", "评估确认"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "待检查"
    RECORDED = "recorded", "已检查"


class InspectionResult(models.TextChoices):
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class RectificationStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已验收"


class ProficiencyKind(models.TextChoices):
    """001 附件1 item 4: the three yearly proficiency schemes run by the city CDC."""

    NOISE = "noise", "噪声检测与评价能力验证"
    LAB = "lab", "实验室检测能力比对"
    SAMPLING = "sampling", "采样人员能力考核"


class ProficiencyOutcome(models.TextChoices):
    SATISFACTORY = "satisfactory", "满意"
    QUESTIONABLE = "questionable", "可疑"
    UNSATISFACTORY = "unsatisfactory", "不满意"


class Colour(models.TextChoices):
    RED = "red", "红色"
    YELLOW = "yellow", "黄色"
    GREEN = "green", "绿色"


class ReferralDirection(models.TextChoices):
    """001 附件1 第13条: the two directions of the QC ↔ enforcement hand-over."""

    QC_TO_SUPERVISION = "qc_to_supervision", "质控发现线索移交卫生监督"
    SUPERVISION_TO_QC = "supervision_to_qc", "监督执法发现质量问题上报"


class ReferralStatus(models.TextChoices):
    HANDED_OVER = "handed_over", "移交"
    RECEIVED = "received", "已接收"
    INVESTIGATING = "investigating", "查处中"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "退回"


class GuidanceKind(models.TextChoices):
    """001 附件1 目标(四): 技术指导、帮扶、调查."""

    GUIDANCE = "guidance", "技术指导"
    ASSISTANCE = "assistance", "帮扶"
    SURVEY = "survey", "调查"


class CardKind(models.TextChoices):
    """The report cards an institution files for what it performed (issue 9 item 3; 001 附件1 目标(二))."""

    SERVICE_INFO = "service_info", "技术服务信息报送卡"
    EXAM_CASE = "exam_case", "职业健康检查个案卡"
    DIAGNOSIS_CASE = "diagnosis_case", "职业病诊断个案卡"


class CardStatus(models.TextChoices):
    ON_TIME = "on_time", "按时报送"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
