from __future__ import annotations

from django.db import models


class HazardLevel(models.TextChoices):
    LEVEL_1 = "I", "Ⅰ级"
    LEVEL_2 = "II", "Ⅱ级"
    LEVEL_3 = "III", "Ⅲ级"


class ManagementStatus(models.TextChoices):
    A = "A", "A级"
    B = "B", "B级"
    C = "C", "C级"


class RiskClass(models.TextChoices):
    """2022 scheme (国疾控综监督二函〔2022〕50号): 甲 lowest risk, 丙 highest."""

    JIA = "甲", "甲类（风险最低）"
    YI = "乙", "乙类"
    BING = "丙", "丙类（风险最高）"


class InspectionState(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交待审核"
    REVIEWED = "reviewed", "已审核"


class HeadcountBasis(models.TextChoices):
    DECLARATION = "declaration", "最近一次有效申报"
    POSTS = "posts", "名录岗位危害因素"


class SiteInspectionStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    DONE = "done", "已检查"


class CaseStatus(models.TextChoices):
    OPEN = "open", "已立案"
    DECIDED = "decided", "已作出决定"
    CLOSED = "closed", "已结案"


class WarningKind(models.TextChoices):
    """预警 (issue 13 item 7), computed by ``supervision/warnings.py`` from the other apps' data."""

    UNDETECTED = "undetected", "申报危害因素未检测"
    OVER_LIMIT = "over_limit", "超标未整改"
    EXAM_OVERDUE = "exam_overdue", "接害劳动者未按期体检"
    AGREEMENT_EXPIRED = "agreement_expired", "协议到期仍有计划服务"
    CLASS_RAISED = "class_raised", "综合风险类别升高"
    NOISE_NO_AUDIOMETRY = "noise_no_audiometry", "噪声岗位体检无听力检查"
    CASE_NOT_REFERRED = "case_not_referred", "疑似职业病未按时转诊"
    NOT_REASSIGNED = "not_reassigned", "职业禁忌证未调岗"


class Actor(models.TextChoices):
    """Who must act on a warning."""

    ENTERPRISE = "enterprise", "用人单位"
    DISTRICT = "district", "区县卫生健康监督"
    STEWARD = "steward", "健康管家团队"


class CrossCheckKind(models.TextChoices):
    """The cross-checks of issue 9 item 6 (``supervision/crosschecks.py``)."""

    NOISE_NO_AUDIOMETRY = "noise_no_audiometry", "噪声超标但劳动者无噪声（听力）体检"
    DUST_EXAM_NO_DETECTION = "dust_exam_no_detection", "有粉尘体检但无该粉尘检测"
    OUT_OF_SCOPE = "out_of_scope", "检测因素超出机构资质范围"
    UNIFORM_RESULTS = "uniform_results", "检测结果异常一致"


class FindingStatus(models.TextChoices):
    """A stored cross-check finding, as the QC team verified it (核实)."""

    PENDING = "pending", "待核实"
    CONFIRMED = "confirmed", "属实"
    REJECTED = "rejected", "不属实"
