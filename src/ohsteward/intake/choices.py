from django.db import models


class SourceKind(models.TextChoices):
    REGISTRY = "registry", "登记名单（市场监管、税务、社保、统计等）"
    DECLARATION = "declaration", "申报系统导出"
    EXAM = "exam", "职业健康检查记录"
    DETECTION = "detection", "检测报告"
    INSPECTION = "inspection", "执法巡查与举报线索"


class Origin(models.TextChoices):
    """Where an inspection-kind row came from (申报扩面实施方案 任务4–6)."""

    ENFORCEMENT = "enforcement", "监督执法"
    PATROL = "patrol", "协管巡查"
    TIPOFF = "tipoff", "有奖举报"
    TOWN = "town", "乡镇街道"
    PARK = "park", "工业园区"


class BatchStatus(models.TextChoices):
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "未导入（存在错误行）"
    FAILED = "failed", "处理失败"
    INTERRUPTED = "interrupted", "已中断（未导入，可重新上传）"


class BatchMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部正确才导入"
    VALID_ROWS = "valid_rows", "仅导入正确的行"


class RowStatus(models.TextChoices):
    LINKED = "linked", "已关联"
    CREATED = "created", "新建单位"
    REVIEW = "review", "待人工核对"
    REJECTED = "rejected", "已驳回"


class LinkMethod(models.TextChoices):
    USCC = "uscc", "统一社会信用代码"
    NAME_EXACT = "name_exact", "名称一致"
    FORMER_NAME = "former_name", "曾用名"
    FUZZY = "fuzzy", "名称相似"
    NEW = "new", "新建单位"
    MANUAL = "manual", "人工确认"
