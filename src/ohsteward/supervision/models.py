"""Classified supervision (国疾控综监督二函〔2022〕50号): self-inspection checklists (附件2) and
their fillings, risk assessments per employer (附件1–3, scheme stored with every result), the
per-district class → frequency configuration, yearly inspection plans, inspections (三步法) and
enforcement cases."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.supervision.choices import (
    Actor,
    CaseStatus,
    CrossCheckKind,
    FindingStatus,
    HazardLevel,
    HeadcountBasis,
    InspectionState,
    ManagementStatus,
    RiskClass,
    SiteInspectionStatus,
    WarningKind,
)


def _user(verbose_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def _enterprise_scope(e) -> dict:
    return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}


# --------------------------------------------------------------------------------------------
# The checklist (附件2 自查表) as versioned data
# --------------------------------------------------------------------------------------------


class ChecklistVersion(TimeStampedModel):
    """One version of the self-inspection checklist. The shipped provisional version is
    ``verified=False`` ("未核对") until the city loads the official 附件2."""

    audited = True
    code = models.CharField("版本号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    scheme = models.CharField("方案", max_length=60, default="国疾控综监督二函〔2022〕50号")
    verified = models.BooleanField("已核对官方文本", default=False)
    active = models.BooleanField("当前使用", default=False)
    source = models.CharField("来源说明", max_length=500, blank=True)
    created_by = _user("导入人")

    class Meta:
        verbose_name = "管理自查表版本"
        verbose_name_plural = "管理自查表版本"
        ordering = ["-active", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}{'' if self.verified else '，未核对'}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:checklist_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class ChecklistItem(models.Model):
    audited = True
    version = models.ForeignKey(
        ChecklistVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("编号", max_length=20)
    section = models.CharField("章节", max_length=100)
    text = models.CharField("自查内容", max_length=500)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    veto = models.BooleanField("否决项", default=False)
    evidence_hint = models.CharField(
        "可引用的系统记录", max_length=20, blank=True, help_text="declaration/detection/training/exam"
    )

    class Meta:
        verbose_name = "自查条目"
        verbose_name_plural = "自查条目"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="checklist_item_code_unique",
                violation_error_message="条目编号重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def audit_scope(self) -> dict:
        return self.version.audit_scope()


# --------------------------------------------------------------------------------------------
# Self-inspections
# --------------------------------------------------------------------------------------------


class SelfInspectionQuerySet(ScopedQuerySet):
    def reviewed(self):
        return self.filter(state=InspectionState.REVIEWED)


class SelfInspection(ScopedModelMixin, TimeStampedModel):
    """An employer's self-inspection against one checklist version: filled by its manager (on a
    phone), reviewed and adjusted by its steward team or the district; the score gives A/B/C."""

    audited = True
    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="self_inspections",
    )
    checklist = models.ForeignKey(ChecklistVersion, verbose_name="自查表版本", on_delete=models.PROTECT)
    filled_on = models.DateField("自查日期")
    state = models.CharField(
        "状态", max_length=10, choices=InspectionState.choices, default=InspectionState.DRAFT
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    status = models.CharField("管理状况等级", max_length=1, choices=ManagementStatus.choices, blank=True)
    veto_failed = models.JSONField("不符合的否决项", default=list, blank=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    reviewed_by = _user("审核人")
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    created_by = _user("填报人")

    objects = SelfInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "职业卫生管理自查"
        verbose_name_plural = "职业卫生管理自查"
        ordering = ["-filled_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "state", "filled_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.filled_on}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:selfinspection_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


class SelfInspectionAnswer(models.Model):
    """One item answered: points awarded, a note, and evidence — files (``evidence``) and links to
    records the system has (``records``: the declaration, detection report, exams and training
    records are pre-filled, ``supervision/evidence.py``). ``original_points`` keeps the employer's
    own figure when a reviewer adjusts it."""

    audited = True
    inspection = models.ForeignKey(
        SelfInspection, verbose_name="自查", on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name="条目", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    original_points = models.DecimalField(
        "企业自评得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    note = models.CharField("说明", max_length=500, blank=True)
    review_note = models.CharField("审核调整说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "自查条目结果"
        verbose_name_plural = "自查条目结果"
        ordering = ["inspection", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="self_inspection_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.points}"

    def audit_scope(self) -> dict:
        return self.inspection.audit_scope()


class AnswerRecord(TimeStampedModel):
    """A link to a record the system has, cited as evidence for one item: pre-filled when the
    self-inspection starts (``added_by`` empty) or added by the manager; removable while a draft."""

    audited = True
    answer = models.ForeignKey(
        SelfInspectionAnswer, verbose_name="条目结果", on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField("记录类型", max_length=20, blank=True, help_text="the item's evidence hint")
    label = models.CharField("引用记录", max_length=200)
    url = models.CharField("引用记录链接", max_length=300)
    added_by = _user("添加人")

    class Meta:
        verbose_name = "自查引用记录"
        verbose_name_plural = "自查引用记录"
        ordering = ["answer", "pk"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        # only pages of this system: a path, never another site's address
        if not self.url.startswith("/") or self.url.startswith("//"):
            raise ValidationError({"url": "引用记录应为本系统内的页面地址（以“/”开头）"})

    def audit_scope(self) -> dict:
        return self.answer.audit_scope()


class StoredBlob(models.Model):
    """The bytes of an uploaded file, apart from its audited description."""

    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "文件内容"
        verbose_name_plural = "文件内容"

    def __str__(self) -> str:
        return f"blob {self.pk}"


class AnswerEvidence(TimeStampedModel):
    audited = True
    answer = models.ForeignKey(
        SelfInspectionAnswer, verbose_name="条目结果", on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    blob = models.OneToOneField(StoredBlob, on_delete=models.CASCADE, related_name="+")
    uploaded_by = _user("上传人")

    class Meta:
        verbose_name = "自查佐证材料"
        verbose_name_plural = "自查佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return self.answer.audit_scope()


# --------------------------------------------------------------------------------------------
# Risk assessments (附件1–3)
# --------------------------------------------------------------------------------------------


class RiskAssessmentQuerySet(ScopedQuerySet):
    def newest_per_enterprise(self):
        """Each employer's most recent assessment (one row per employer)."""
        newest = RiskAssessment.objects.filter(enterprise_id=models.OuterRef("enterprise_id")).order_by(
            "-assessed_on", "-pk"
        )
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))


class RiskAssessment(ScopedModelMixin, TimeStampedModel):
    """One comprehensive risk assessment of an employer: the three results, the scheme and rule
    version they were computed under, which parts are verified, the factors and the Chinese
    explanation (factor by factor, with links to the records behind them). A history: new
    assessments never overwrite old ones."""

    audited = True
    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="risk_assessments",
    )
    assessed_on = models.DateField("评估日期")
    scheme = models.CharField("方案", max_length=60)
    rules_version = models.CharField("规则版本", max_length=20)
    hazard_level = models.CharField("职业病危害风险等级", max_length=3, choices=HazardLevel.choices)
    management_score = models.DecimalField(
        "管理自查得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    management_status = models.CharField(
        "管理状况等级", max_length=1, choices=ManagementStatus.choices, blank=True
    )
    comprehensive_class = models.CharField(
        "综合风险类别", max_length=1, choices=RiskClass.choices, blank=True
    )
    verified = models.JSONField("已核对（分项）", default=dict, blank=True)
    factors = models.JSONField("危害因素明细", default=list, blank=True)
    explanation = models.JSONField("判定说明", default=list, blank=True)
    basis = models.CharField("因素与人数来源", max_length=12, choices=HeadcountBasis.choices)
    declaration = models.ForeignKey(
        "declarations.Declaration", verbose_name="依据申报", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    self_inspection = models.ForeignKey(
        SelfInspection,
        verbose_name="依据自查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reassess_due = models.DateField("应重新评估日期")
    created_by = _user("评估人")

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "职业病危害综合风险评估"
        verbose_name_plural = "职业病危害综合风险评估"
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-assessed_on", "-id"], name="risk_enterprise_latest")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.assessed_on} {self.get_hazard_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:riskassessment_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    @property
    def class_label(self) -> str:
        return f"{self.comprehensive_class}类" if self.comprehensive_class else "无法评估"


# --------------------------------------------------------------------------------------------
# Supervision by class: configuration, plans, inspections, cases
# --------------------------------------------------------------------------------------------


class ClassFrequencyQuerySet(ScopedQuerySet):
    pass


class ClassFrequency(ScopedModelMixin, TimeStampedModel):
    """Per district: comprehensive class → yearly sampling ratio and minimum. Not found in any
    source (RULES.md §1.5, addendum §4 [?]): configuration, ``verified=False`` unless the
    district confirms its own rule."""

    audited = True
    scope = Scope(enterprise=None, district="district_id")
    district = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    risk_class = models.CharField("综合风险类别", max_length=1, choices=RiskClass.choices)
    ratio = models.DecimalField("年度抽查比例", max_digits=4, decimal_places=3, null=True, blank=True)
    minimum = models.PositiveIntegerField("每年至少抽查家数", default=0)
    verified = models.BooleanField("已核对", default=False)
    note = models.CharField("依据", max_length=300, blank=True)

    objects = ClassFrequencyQuerySet.as_manager()

    class Meta:
        verbose_name = "分类抽查比例配置"
        verbose_name_plural = "分类抽查比例配置"
        ordering = ["district_id", "risk_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "risk_class"], name="class_frequency_unique",
                violation_error_message="该区县该类别已有配置",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.district_id} {self.risk_class}类 {self.ratio}"

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}


class InspectionPlanQuerySet(ScopedQuerySet):
    pass


class InspectionPlan(ScopedModelMixin, TimeStampedModel):
    """A district's yearly inspection plan: the "双随机" draw stratified by class, reproducible
    from its ``seed`` and the stored ``ratios`` used."""

    audited = True
    scope = Scope(enterprise=None, district="district_id")
    district = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    seed = models.BigIntegerField("随机种子")
    ratios = models.JSONField("使用的抽查比例", default=dict, blank=True)
    drawn = models.JSONField("抽中家数（按类别）", default=dict, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = _user("制定人")

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "年度监督检查计划"
        verbose_name_plural = "年度监督检查计划"
        ordering = ["-year", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="inspection_plan_unique",
                violation_error_message="该区县该年度已有监督检查计划",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.district_id} {self.year}年度监督检查计划"

    def get_absolute_url(self) -> str:
        return reverse("supervision:plan_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}


class InspectionQuerySet(ScopedQuerySet):
    pass


class Inspection(ScopedModelMixin, TimeStampedModel):
    """A supervision inspection of an employer (planned by a plan's draw, or ad hoc), recorded on
    a phone: findings, photos, the 监督意见书, and the 三步法 — an order to correct with a
    deadline, then a re-inspection (``reinspection_of``), then a case where it fails."""

    audited = True
    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="inspections"
    )
    plan = models.ForeignKey(
        InspectionPlan, verbose_name="检查计划", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inspections",
    )  # fmt: skip
    drawn_class = models.CharField("抽取时类别", max_length=4, blank=True)
    inspector = _user("检查人员")
    second_inspector = _user("第二检查人员")
    status = models.CharField(
        "状态", max_length=10, choices=SiteInspectionStatus.choices, default=SiteInspectionStatus.PLANNED
    )
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    checklist = models.JSONField("检查内容", default=list, blank=True)
    findings = models.TextField("发现的问题", blank=True)
    opinion = models.TextField("监督意见", blank=True)
    order_deadline = models.DateField("责令改正期限", null=True, blank=True)
    reinspection_of = models.ForeignKey(
        "self",
        verbose_name="复查的检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reinspections",
    )
    corrected = models.BooleanField("复查已改正", null=True, blank=True)
    created_by = _user("录入人")

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on or '计划中'}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


class InspectionPhoto(TimeStampedModel):
    audited = True
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="photos"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    blob = models.OneToOneField(StoredBlob, on_delete=models.CASCADE, related_name="+")
    uploaded_by = _user("上传人")

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return self.inspection.audit_scope()


class EnforcementCaseQuerySet(ScopedQuerySet):
    pass


class EnforcementCase(ScopedModelMixin, TimeStampedModel):
    """立案查处: opened from an inspection whose order was not complied with (三步法 third step),
    with the legal provisions, the decision (penalty or none) and the closure. A case is never
    closed without a decision."""

    audited = True
    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="enforcement_cases",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="来源检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    case_no = models.CharField("案号", max_length=60, blank=True)
    opened_on = models.DateField("立案日期")
    violations = models.TextField("违法事实")
    provisions = models.TextField("适用法律条款")
    status = models.CharField("状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    decision = models.TextField("处理决定", blank=True)
    penalty_amount = models.DecimalField(
        "罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    created_by = _user("立案人")

    objects = EnforcementCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "执法案件"
        verbose_name_plural = "执法案件"
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_no or '案件'} {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:case_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


# --------------------------------------------------------------------------------------------
# "三同时" construction projects
# --------------------------------------------------------------------------------------------


class ConstructionProjectQuerySet(ScopedQuerySet):
    pass


class ConstructionProject(ScopedModelMixin, TimeStampedModel):
    """A new, expanded or rebuilt project of an employer and its "三同时" stages (dates, report
    numbers, the institution that wrote the report). ``serious``: the 2021 catalogue class of its
    industry, which the district may raise (RULES.md §6 [S])."""

    audited = True
    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="construction_projects",
    )
    name = models.CharField("项目名称", max_length=200)
    kind = models.CharField(
        "建设性质",
        max_length=10,
        choices=[("new", "新建"), ("expand", "扩建"), ("rebuild", "改建"), ("tech", "技术改造")],
    )
    serious = models.BooleanField("职业病危害严重", default=False)
    risk_note = models.CharField("风险类别依据", max_length=200, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    pre_assessment_on = models.DateField("预评价日期", null=True, blank=True)
    design_on = models.DateField("防护设施设计日期", null=True, blank=True)
    control_effect_on = models.DateField("控制效果评价日期", null=True, blank=True)
    acceptance_on = models.DateField("竣工验收日期", null=True, blank=True)
    reports = models.JSONField("报告", default=dict, blank=True)
    created_by = _user("登记人")

    objects = ConstructionProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "建设项目“三同时”"
        verbose_name_plural = "建设项目“三同时”"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:project_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    def stage_dates(self) -> dict:
        return {
            "pre_assessment": self.pre_assessment_on,
            "design": self.design_on,
            "control_effect": self.control_effect_on,
            "acceptance": self.acceptance_on,
        }


class EarlyWarningQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class EarlyWarning(ScopedModelMixin, TimeStampedModel):
    """A 预警 of an employer (issue 13 item 7): what is wrong, explained in Chinese, the records
    behind it (label, url), who must act, when it was first seen and when it stopped holding.
    Rows are kept in step with the data by ``warnings.refresh`` (never written by hand): a warning
    that holds again after it closed opens a new row."""

    scope = Scope(enterprise="enterprise")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("预警类型", max_length=20, choices=WarningKind.choices)
    key = models.CharField(
        "对象", max_length=60, blank=True, help_text="同一单位同类预警的区分（如危害因素）"
    )
    message = models.CharField("说明", max_length=500)
    records = models.JSONField("相关记录", default=list, blank=True)
    actor = models.CharField("应处置方", max_length=12, choices=Actor.choices)
    opened_on = models.DateField("预警日期")
    closed_on = models.DateField("解除日期", null=True, blank=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "key"],
                condition=models.Q(closed_on__isnull=True),
                name="warning_one_open",
                violation_error_message="同一单位同一事项只能有一条未解除的预警",
            )
        ]
        indexes = [
            models.Index(fields=["closed_on", "-opened_on", "-id"], name="warning_open_latest"),
            # a district's open warnings, newest first: joined to its employers and read index-only
            # (the list page's count and its page of ids; scoping stays enterprise__region)
            models.Index(
                fields=["enterprise", "-opened_on", "-id"],
                condition=models.Q(closed_on__isnull=True),
                name="warning_open_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:warning_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


# --------------------------------------------------------------------------------------------
# Cross-check findings (交叉核查发现, issue 9 item 6), stored so the QC team can verify them
# --------------------------------------------------------------------------------------------


class CrossCheckFindingQuerySet(ScopedQuerySet):
    def current(self):
        """Found again by the latest run (not marked gone)."""
        return self.filter(gone_at__isnull=True)

    def about_region(self, code: str):
        """About an employer or an institution of the district ``code`` (a filter, not scoping)."""
        return self.filter(models.Q(enterprise__region_id=code) | models.Q(institution__region_id=code))


class CrossCheckFinding(ScopedModelMixin, TimeStampedModel):
    """One item a cross-check flagged (``crosschecks.py``) for one year, kept by
    ``findings.refresh`` (the background job) and verified by the QC team: 待核实 → 属实 / 不属实
    with a note, who decided and when. ``key`` says what the item is about (``e<employer>``,
    ``e<employer>-f<factor>``, ``i<institution>``), so a re-run finds the same row again: its
    evidence (``summary``, ``records``) is refreshed while it is 待核实 and kept as it was decided on
    afterwards; an item the re-run no longer finds gets ``gone_at`` (never deleted), and loses it if
    found again. Seen by the regulators: the city (the city CDC's QC team) and the district of the
    employer or of the institution (an out-of-province institution: the districts it serves); an
    institution reads the findings about itself (read-only); never an employer or a team."""

    audited = True
    scope = Scope(
        enterprise="enterprise",
        district="institution__region_id",
        institution="institution",
        regulators_only=True,
        institution_sees_own=True,
        serving_area=True,
    )

    kind = models.CharField("核查类别", max_length=30, choices=CrossCheckKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    key = models.CharField("核查对象", max_length=60)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    summary = models.CharField("发现", max_length=500)
    records = models.JSONField(
        "相关记录", default=list, blank=True, help_text="发现时的依据记录（名称、链接）"
    )
    status = models.CharField(
        "核实结论", max_length=12, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    note = models.TextField("核实说明", blank=True)
    decided_by = _user("核实人")
    decided_at = models.DateTimeField("核实时间", null=True, blank=True)
    found_at = models.DateTimeField("首次发现时间")
    gone_at = models.DateTimeField(
        "复核未再发现时间", null=True, blank=True, help_text="重新核查时不再发现该问题的时间"
    )

    objects = CrossCheckFindingQuerySet.as_manager()

    class Meta:
        verbose_name = "交叉核查发现"
        verbose_name_plural = "交叉核查发现"
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "key"],
                name="crosscheck_finding_key",
                violation_error_message="同一年度同一核查对象只能有一条核查发现",
            ),
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(institution__isnull=False),
                name="crosscheck_finding_subject",
                violation_error_message="核查发现须关联用人单位或机构",
            ),
        ]
        indexes = [models.Index(fields=["institution", "year", "status"], name="crosscheck_inst_year")]

    def __str__(self) -> str:
        subject = self.enterprise or self.institution
        return f"{self.year}年 {self.get_kind_display()} · {subject}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:finding_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        if self.enterprise_id:
            return _enterprise_scope(self.enterprise)
        region = self.institution.region_id if self.institution_id else None
        return {"district_code": region or "", "zone_code": "", "enterprise_id": None}

    @property
    def is_current(self) -> bool:
        return self.gone_at is None


class CrossCheckRun(models.Model):
    """When a year's cross-checks were last run and stored (``findings.refresh``), with its counts.
    Until a year has been run, its findings are unknown: the grade's 交叉核查 factor is 无数据,
    not "no finding"."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    ran_at = models.DateTimeField("核查时间")
    counts = models.JSONField("核查结果", default=dict, blank=True)

    class Meta:
        verbose_name = "交叉核查运行"
        verbose_name_plural = "交叉核查运行"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年交叉核查（{self.ran_at:%Y-%m-%d %H:%M}）"
