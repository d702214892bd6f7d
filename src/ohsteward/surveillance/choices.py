from django.db import models


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class EmploymentType(models.TextChoices):
    """用工形式. 劳务派遣 workers are examined by the employer that uses them (职业病防治法 第88条:
    the using employer bears the employer's duties)."""

    CONTRACT = "contract", "劳动合同"
    DISPATCH = "dispatch", "劳务派遣"
    PART_TIME = "part_time", "非全日制"
    TEMPORARY = "temporary", "临时用工"
    INTERN = "intern", "实习"
    OTHER = "other", "其他"


class ExamKind(models.TextChoices):
    """GBZ 188-2014 §4.3: the four kinds of occupational health exams (RULES.md §2.1)."""

    PRE = "pre", "上岗前"
    PERIODIC = "periodic", "在岗期间"
    EXIT = "exit", "离岗时"
    EMERGENCY = "emergency", "应急"


class DueState(models.TextChoices):
    """Where a worker stands against the schedule (the ``due`` filter of ``workers/``)."""

    OVERDUE = "overdue", "已逾期"
    NEXT_30_DAYS = "next_30_days", "30日内到期"
    NEVER = "never", "从未体检"


class RadiationUse(models.TextChoices):
    """放射工作类别 of a radiation worker, when it differs from what the employer's industry says
    (``dose/rules.py``: 医用 = medical uses — 诊断放射学, 介入放射学, 核医学, 放射治疗 — of GBZ 128's
    职业分类; everything else 非医用). Blank: decided by the employer's industry."""

    BY_EMPLOYER = "", "按用人单位行业"
    MEDICAL = "medical", "医用放射工作"
    NON_MEDICAL = "non_medical", "非医用放射工作"
