"""Choices of the declarations app (Chinese labels, English identifiers)."""

from django.db import models


class DeclarationKind(models.TextChoices):
    """《职业病危害项目申报办法》(安监总局令第48号) 第5、8、9条 and the local annual update."""

    INITIAL = "initial", "初次申报"
    CHANGE = "change", "变更申报"
    ANNUAL = "annual", "年度更新"
    CANCEL = "cancel", "注销申报"


class DeclarationChannel(models.TextChoices):
    ONLINE = "online", "本平台网上申报"
    IMPORTED = "imported", "国家申报系统导入"


class DeclarationStatus(models.TextChoices):
    VALID = "valid", "有效"
    VOID = "void", "作废"


class ListReason(models.TextChoices):
    """Why an employer is on the 职业病危害用人单位名单 (扩面方案 任务1–7)."""

    INDUSTRY_SERIOUS = "industry_serious", "行业风险严重"
    INDUSTRY_GENERAL = "industry_general", "行业风险一般"
    EXAM_RECORD = "exam_record", "有职业健康检查记录"
    DETECTION_RECORD = "detection_record", "有危害因素检测记录"
    INSPECTION = "inspection", "监督执法/协管巡查发现"
    TIP_OFF = "tip_off", "有奖举报"
    DECLARED_HAZARDS = "declared_hazards", "已申报危害因素"
    DISTRICT_FOUND = "district_found", "区县自行发现"


class EntrySource(models.TextChoices):
    GENERATED = "generated", "市疾控汇总生成"
    DISTRICT = "district", "区县自行发现"


class EntryStatus(models.TextChoices):
    """District confirmation outcomes (扩面方案 任务8)."""

    PENDING = "pending", "待核实"
    HAZARDS = "hazards", "存在职业病危害"
    NO_HAZARDS = "no_hazards", "不存在职业病危害"
    CANCELLED = "cancelled", "已注销/关闭"
    DUPLICATE = "duplicate", "重复单位（已合并）"


class EntryChangeKind(models.TextChoices):
    """Steps in a list entry's history (``EntryChange``)."""

    PUSHED = "pushed", "下发"
    CONFIRMED = "confirmed", "核实"
    REOPENED = "reopened", "撤销核实"
    HANDED_OVER = "handed_over", "移交"
    DUPLICATE = "duplicate", "重复合并"
    ADDED = "added", "区县自行发现"


class TriggerKind(models.TextChoices):
    """Events that make a 变更申报 or 注销 due (48号令 第8、9条)."""

    CONSTRUCTION_ACCEPTED = "construction_accepted", "建设项目竣工验收"
    PROCESS_CHANGE = "process_change", "技术、工艺、设备或材料变化"
    WORKPLACE_CHANGE = "workplace_change", "工作场所变化"
    NAME_CHANGE = "name_change", "单位名称变化"
    LEGAL_REP_CHANGE = "legal_rep_change", "法定代表人变化"
    PRINCIPAL_CHANGE = "principal_change", "主要负责人变化"
    DETECTION_RESULT = "detection_result", "检测、评价结果显示原申报内容变化"
    CLOSURE = "closure", "终止生产经营活动"


class NoticeStatus(models.TextChoices):
    """Generated is not delivered: the deadline runs from delivery (送达)."""

    ISSUED = "issued", "已制作，未送达"
    DELIVERED = "delivered", "已送达"
    DECLARED = "declared", "已申报"


class DeliveryMethod(models.TextChoices):
    """送达方式 of a 告知单 (cf. 《行政处罚法》第六十一条: 直接送达、邮寄送达、电子送达 …)."""

    DIRECT = "direct", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
