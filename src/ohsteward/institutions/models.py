"""Institutions, their qualifications and staff, their engagements with employers (the
institution's clients), QC plans and inspections with rectification demands, proficiency-test
rounds and the yearly red/yellow/green grade (issue 9)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import InForceQuerySet, Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.institutions import rules
from ohsteward.institutions.choices import (
    CapabilityMode,
    CardKind,
    CardStatus,
    Colour,
    EngagementKind,
    GuidanceKind,
    InspectionResult,
    InspectionStatus,
    InstitutionKind,
    ProficiencyKind,
    ProficiencyOutcome,
    QualificationKind,
    RectificationStatus,
    ReferralDirection,
    ReferralStatus,
    StaffRole,
)


def _institution_scope(institution) -> dict:
    return {"district_code": institution.region_id or "", "zone_code": "", "enterprise_id": None}


# How rows about an institution are reached: by the institution's own staff, and by the district
# the institution is located in, and for an out-of-province institution by the areas of the
# employers it serves (the city sees everything). Who may see is decided in accounts/access only.
def _about_institution(path: str) -> Scope:
    return Scope(enterprise=None, district=f"{path}__region_id", institution=path, serving_area=True)


class InstitutionQuerySet(ScopedQuerySet):
    def out_of_province(self):
        return self.exclude(province=rules.HOME_PROVINCE)

    def of_kind(self, kind: str):
        """Institutions whose ``kinds`` list contains ``kind`` (portable: JSON text match)."""
        return self.filter(kinds__icontains=f'"{kind}"')


class Institution(ScopedModelMixin, TimeStampedModel):
    """A technical service, examination, diagnosis or rehabilitation institution working in the
    city (职业卫生/放射卫生技术服务机构, 职业健康检查机构, 职业病诊断机构, 尘肺病康复站, 工程防护指导中心),
    including out-of-province institutions with their Chongqing 质量控制号 (001 附件1 第12条)."""

    audited = True
    # seen by its own staff (institution="": the row itself), by the district it is located in and,
    # out-of-province, by the districts/towns/zones of the employers it serves (serving_area; the
    # city sees all). Not "through" its engagements: an institution would then see the other
    # institutions serving its clients.
    scope = Scope(enterprise=None, district="region_id", institution="", serving_area=True)

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("机构名称", max_length=200)
    kinds = models.JSONField("机构类别", default=list, blank=True)
    province = models.CharField("所在省份", max_length=20, default="重庆市")
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="所在区县",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="本市机构的所在区县；外省机构可留空",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    qc_number = models.CharField("质量控制号", max_length=40, blank=True)
    qc_issued_on = models.DateField("质量控制号发放日期", null=True, blank=True)
    capability_mode = models.CharField(
        "能力确认方式", max_length=20, choices=CapabilityMode.choices, blank=True
    )
    capability_confirmed_on = models.DateField("能力确认日期", null=True, blank=True)
    capability_basis = models.CharField("能力确认依据", max_length=300, blank=True)
    guidance_duty = models.BooleanField(
        "承担技术指导任务",
        default=False,
        help_text="区县疾控中心、承担职业病防治的公立医疗机构：每年到50家以上用人单位开展技术指导（001 目标(四)）",
    )
    # 002 万州区十四五规划 指标(9)–(11): the capacity checks count public and 甲级 primary-care
    # institutions doing diagnosis or exams; the register states these, the indicators read them
    public = models.BooleanField(
        "公立医疗卫生机构",
        default=False,
        help_text="公立医疗卫生机构（万州区十四五规划：至少1家公立机构承担诊断、2家承担职业健康检查）",
    )
    primary_grade_a = models.BooleanField(
        "甲级基层医疗卫生机构",
        default=False,
        help_text="经等级评审为甲级的基层医疗卫生机构（乡镇卫生院、社区卫生服务中心）",
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = "技术服务机构"
        verbose_name_plural = "技术服务机构"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["qc_number"],
                condition=~Q(qc_number=""),
                name="institution_qc_number_unique",
                violation_error_message="该质量控制号已被其他机构使用",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:institution_detail", args=[self.uscc])

    def audit_scope(self) -> dict:
        return _institution_scope(self)

    @property
    def out_of_province(self) -> bool:
        return rules.is_out_of_province(self.province)

    @property
    def main_kind(self) -> str:
        return self.kinds[0] if self.kinds else ""

    def kind_labels(self) -> str:
        labels = dict(InstitutionKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        valid = {k for k, _ in InstitutionKind.choices}
        if not isinstance(self.kinds, list) or not self.kinds:
            errors["kinds"] = "请至少选择一个机构类别"
        elif any(k not in valid for k in self.kinds):
            errors["kinds"] = "机构类别应为：" + "、".join(valid)
        errors.update(
            rules.qc_number_errors(
                province=self.province, qc_number=self.qc_number, issued_on=self.qc_issued_on
            )
        )
        if self.capability_mode and self.capability_confirmed_on is None:
            errors["capability_confirmed_on"] = "请填写能力确认日期"
        if self.capability_confirmed_on and not self.capability_mode:
            errors["capability_mode"] = "请选择能力确认方式"
        if errors:
            raise ValidationError(errors)


class Qualification(ScopedModelMixin, TimeStampedModel):
    """A qualification certificate (资质证书) or filing (备案) of an institution, with its scope
    (hazard categories, exam categories) and validity."""

    audited = True
    scope = _about_institution("institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质类型", max_length=20, choices=QualificationKind.choices)
    number = models.CharField("证书（备案）编号", max_length=60)
    scope_text = models.CharField("业务范围", max_length=500, blank=True)
    issued_on = models.DateField("发证（备案）日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "机构资质"
        verbose_name_plural = "机构资质"
        ordering = ["institution_id", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "number"],
                name="qualification_unique_number",
                violation_error_message="该机构已登记此编号的资质",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)

    def clean(self) -> None:
        error = rules.qualification_period_error(self.issued_on, self.valid_until)
        if error:
            raise ValidationError({"valid_until": error})


class StaffMember(ScopedModelMixin, TimeStampedModel):
    """A professional of an institution (检测评价人员, 主检医师, 职业病诊断医师) and their certificate."""

    audited = True
    scope = _about_institution("institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("岗位", max_length=20, choices=StaffRole.choices)
    certificate_number = models.CharField("资格证书编号", max_length=60, blank=True)
    certificate_issued_on = models.DateField("发证日期", null=True, blank=True)
    certificate_valid_until = models.DateField("证书有效期至", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "机构专业人员"
        verbose_name_plural = "机构专业人员"
        ordering = ["institution_id", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)

    def clean(self) -> None:
        error = rules.qualification_period_error(self.certificate_issued_on, self.certificate_valid_until)
        if error:
            raise ValidationError({"certificate_valid_until": error})


class EngagementQuerySet(InForceQuerySet):
    pass


class Engagement(ScopedModelMixin, TimeStampedModel):
    """An institution serves an employer from ``start_date`` to ``end_date`` (open-ended if empty)."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="engagements"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="institution_engagements",
    )
    kind = models.CharField(
        "服务类别", max_length=20, choices=EngagementKind.choices, default=EngagementKind.CONTRACT
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = "机构服务关系"
        verbose_name_plural = "机构服务关系"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="engagement_ends_after_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.enterprise}"

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}


# --------------------------------------------------------------------------------------------
# Quality control (质控): plans, inspections, rectification demands (001 附件1 第9、10、12条)
# --------------------------------------------------------------------------------------------


class QcPlan(TimeStampedModel):
    """A year's QC plan of the city CDC: the sample drawn (seeded, stratified by kind, out-of-province
    ≥ 50 %) becomes one planned inspection per institution. Not protected: a plan names no
    institution; its inspections are scoped."""

    audited = True
    year = models.PositiveIntegerField("年度")
    name = models.CharField("计划名称", max_length=100)
    fraction = models.DecimalField("抽样比例", max_digits=4, decimal_places=3, default=1)
    minimum = models.PositiveIntegerField("每层最少抽取", default=1)
    seed = models.CharField("随机种子", max_length=40)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="制定人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "质控计划"
        verbose_name_plural = "质控计划"
        ordering = ["-year", "name"]

    @classmethod
    def scope_q(cls, user):
        """Everyone who may see inspections sees the plans (a plan itself names no institution)."""
        return Q()

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("institutions:qcplan_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class QcInspectionQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(year=year)

    def recorded(self):
        return self.filter(status=InspectionStatus.RECORDED)


class QcInspection(ScopedModelMixin, TimeStampedModel):
    """One QC inspection of an institution: planned from a plan's sample (or added by hand),
    then recorded with the items checked, the findings, the score and 合格/不合格."""

    audited = True
    scope = _about_institution("institution")

    plan = models.ForeignKey(
        QcPlan,
        verbose_name="质控计划",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="qc_inspections"
    )
    year = models.PositiveIntegerField("年度")
    status = models.CharField(
        "状态", max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    items = models.TextField("检查项目", blank=True, help_text="每行一项")
    findings = models.TextField("发现的问题", blank=True)
    score = models.DecimalField("评分", max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField("结论", max_length=10, choices=InspectionResult.choices, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QcInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "质控检查"
        verbose_name_plural = "质控检查"
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "institution"],
                name="qc_inspection_once_per_plan",
                violation_error_message="该机构已在本计划中",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="qc_inspection_score_0_100",
                violation_error_message="评分应在 0 到 100 之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年质控 · {self.institution}"

    def get_absolute_url(self) -> str:
        return reverse("institutions:qcinspection_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == InspectionStatus.RECORDED:
            if self.inspected_on is None:
                errors["inspected_on"] = "请填写检查日期"
            if not self.result:
                errors["result"] = "请选择结论（合格/不合格）"
            if self.score is None:
                errors["score"] = "请填写评分"
            if self.result == InspectionResult.FAIL and not self.findings.strip():
                errors["findings"] = "结论为不合格时请填写发现的问题"
        if self.inspected_on and self.inspected_on.year != self.year:
            errors["inspected_on"] = f"检查日期应在{self.year}年内"
        if errors:
            raise ValidationError(errors)


class RectificationQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=RectificationStatus.OPEN)


class Rectification(ScopedModelMixin, TimeStampedModel):
    """A rectification demand (限期整改) issued on a QC finding, closed when the institution's
    rectification is accepted (质控问题整改率 100 %, 001 目标(三))."""

    audited = True
    scope = _about_institution("inspection__institution")

    inspection = models.ForeignKey(
        QcInspection, verbose_name="质控检查", on_delete=models.CASCADE, related_name="rectifications"
    )
    demand = models.TextField("整改要求")
    issued_on = models.DateField("下达日期")
    deadline = models.DateField("整改期限")
    status = models.CharField(
        "状态", max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    closed_on = models.DateField("验收日期", null=True, blank=True)
    closing_note = models.CharField("验收意见", max_length=300, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = "质控整改"
        verbose_name_plural = "质控整改"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("issued_on")),
                name="rectification_deadline_after_issue",
                violation_error_message="整改期限不能早于下达日期",
            )
        ]

    def __str__(self) -> str:
        return f"整改：{self.inspection.institution}（期限 {self.deadline:%Y-%m-%d}）"

    def audit_scope(self) -> dict:
        return _institution_scope(self.inspection.institution)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.issued_on and self.deadline:
            error = rules.rectification_deadline_error(self.issued_on, self.deadline)
            if error:
                errors["deadline"] = error
        if self.status == RectificationStatus.CLOSED:
            if self.closed_on is None:
                errors["closed_on"] = "请填写验收日期"
            elif self.issued_on and self.closed_on < self.issued_on:
                errors["closed_on"] = "验收日期不能早于下达日期"
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Proficiency tests (能力验证/比对/考核, 001 附件1 第4、8条)
# --------------------------------------------------------------------------------------------


class ProficiencyRound(TimeStampedModel):
    """One round of a proficiency scheme: which institutions take part ("应参加尽参加")."""

    audited = True
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=20, choices=ProficiencyKind.choices)
    name = models.CharField("名称", max_length=100)
    held_on = models.DateField("组织日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "能力验证轮次"
        verbose_name_plural = "能力验证轮次"
        ordering = ["-year", "kind"]

    @classmethod
    def scope_q(cls, user):
        """A round names no institution: whoever may see results sees the rounds."""
        return Q()

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("institutions:proficiencyround_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class ProficiencyResultQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(round__year=year)


class ProficiencyResult(ScopedModelMixin, TimeStampedModel):
    """An institution's place in a round and, once recorded, its result (满意/可疑/不满意, with the
    z-score when the scheme gives one)."""

    audited = True
    scope = _about_institution("institution")

    round = models.ForeignKey(
        ProficiencyRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="results"
    )
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="proficiency_results"
    )
    outcome = models.CharField("结果", max_length=20, choices=ProficiencyOutcome.choices, blank=True)
    z_score = models.DecimalField("z 比分数", max_digits=6, decimal_places=2, null=True, blank=True)
    recorded_on = models.DateField("录入日期", null=True, blank=True)

    objects = ProficiencyResultQuerySet.as_manager()

    class Meta:
        verbose_name = "能力验证结果"
        verbose_name_plural = "能力验证结果"
        ordering = ["round_id", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "institution"],
                name="proficiency_once_per_round",
                violation_error_message="该机构已在本轮名单中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.institution}"

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)


# --------------------------------------------------------------------------------------------
# Red / yellow / green (三色管理, 001 附件1 第10条)
# --------------------------------------------------------------------------------------------


class InstitutionGrade(ScopedModelMixin, TimeStampedModel):
    """The computed colour of one institution for one year, with every factor that made it and the
    version of the (unverified) rules used."""

    audited = True
    scope = _about_institution("institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="grades"
    )
    year = models.PositiveIntegerField("年度")
    colour = models.CharField("颜色", max_length=10, choices=Colour.choices)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    factors = models.JSONField("评分因素", default=list)
    notes = models.JSONField("判定说明", default=list)
    rules_version = models.CharField("规则版本", max_length=20)
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "机构三色等级"
        verbose_name_plural = "机构三色等级"
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"],
                name="grade_once_per_year",
                violation_error_message="该机构本年度已评定",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.institution}：{self.get_colour_display()}"

    def get_absolute_url(self) -> str:
        return reverse("institutions:grade_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)


# --------------------------------------------------------------------------------------------
# Performance evaluation (绩效评估质量指标评分, 001 附件1 第4、10条)
# --------------------------------------------------------------------------------------------


class PerformanceEvaluation(ScopedModelMixin, TimeStampedModel):
    """The city CDC's yearly performance evaluation of an institution on the scored checklist of
    ``checklist_version`` (``data/performance_checklist_<version>.json``): one score and evidence
    note per item (``scores``: ``[{code, score, evidence}]``) and the weighted total (百分制,
    ``rules.evaluation_total``), which is the grade's 绩效评估质量指标评分 factor."""

    audited = True
    scope = _about_institution("institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="performance_evaluations"
    )
    year = models.PositiveIntegerField("年度")
    checklist_version = models.CharField("评分表版本", max_length=20)
    scores = models.JSONField("逐项评分", default=list)
    total = models.DecimalField("总分", max_digits=5, decimal_places=1)
    evaluated_on = models.DateField("评估日期")
    note = models.CharField("评估说明", max_length=500, blank=True)
    evaluated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="评估录入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "绩效评估"
        verbose_name_plural = "绩效评估"
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"],
                name="performance_evaluation_once_per_year",
                violation_error_message="该机构本年度已有绩效评估",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100),
                name="performance_total_0_100",
                violation_error_message="总分应在 0 到 100 之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年绩效评估 · {self.institution}"

    def get_absolute_url(self) -> str:
        return reverse("institutions:evaluation_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return _institution_scope(self.institution)

    def clean(self) -> None:
        if self.evaluated_on and self.year and self.evaluated_on.year < self.year:
            raise ValidationError({"evaluated_on": f"评估日期不能早于{self.year}年"})


# --------------------------------------------------------------------------------------------
# QC ↔ enforcement ledger (质控与监督联动台账, 001 附件1 第13条)
# --------------------------------------------------------------------------------------------


class ReferralQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.RETURNED])


class Referral(ScopedModelMixin, TimeStampedModel):
    """A finding handed between QC and health supervision (卫生监督): a violation clue QC found,
    handed to enforcement (移交 → 已接收 → 查处中 → 已办结, or 退回), or a quality problem
    enforcement found, reported to the city (same statuses). Seen by the city and by the district
    whose supervision handles it (``district``: by default the institution's district); never by
    the institution itself (an enforcement clue)."""

    audited = True
    scope = Scope(enterprise=None, district="district_id", regulators_only=True)

    direction = models.CharField("移交方向", max_length=20, choices=ReferralDirection.choices)
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="referrals"
    )
    inspection = models.ForeignKey(
        QcInspection,
        verbose_name="质控检查",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="质控发现线索时：发现该问题的质控检查",
    )
    district = models.ForeignKey(
        "registry.Region",
        verbose_name="承办区县",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="负责查处（或上报）的区县；留空为机构所在区县，外省机构为市级",
    )
    finding = models.TextField("问题（线索）")
    status = models.CharField(
        "状态", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.HANDED_OVER
    )
    handed_on = models.DateField("移交日期")
    handed_by = models.CharField("移交单位（人）", max_length=100)
    received_on = models.DateField("接收日期", null=True, blank=True)
    received_by = models.CharField("接收单位（人）", max_length=100, blank=True)
    closed_on = models.DateField("办结（退回）日期", null=True, blank=True)
    outcome = models.TextField("处理结果", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="登记人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "质控监督移交"
        verbose_name_plural = "质控监督移交台账"
        ordering = ["-handed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} · {self.institution}（{self.handed_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("institutions:referral_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id or "", "zone_code": "", "enterprise_id": None}

    def clean(self) -> None:
        errors = rules.referral_date_errors(
            handed_on=self.handed_on, received_on=self.received_on, closed_on=self.closed_on
        )
        if self.status in (ReferralStatus.CLOSED, ReferralStatus.RETURNED):
            if self.closed_on is None:
                errors.setdefault("closed_on", "请填写办结（退回）日期")
            if not self.outcome.strip():
                errors.setdefault("outcome", "请填写处理结果（或退回原因）")
        if self.inspection_id and self.inspection and self.inspection.institution_id != self.institution_id:
            errors["inspection"] = "该质控检查不是此机构的检查"
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Technical guidance at employers (技术指导, 001 附件1 目标(四): ≥ 50 employers a year)
# --------------------------------------------------------------------------------------------


class TechnicalGuidanceQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(visited_on__year=year)


class TechnicalGuidance(ScopedModelMixin, TimeStampedModel):
    """A technical guidance, assistance or survey visit of a district CDC or public institution to
    an employer. When it is the same visit as a steward service visit or an SME assistance entry,
    ``steward_visit`` / ``assistance_entry`` say so (string foreign keys into stewardship: the two
    apps are siblings and import nothing of each other; the database link is not an import)."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    institution = models.ForeignKey(
        Institution, verbose_name="指导机构", on_delete=models.PROTECT, related_name="guidance_visits"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.PROTECT,
        related_name="technical_guidance",
    )
    visited_on = models.DateField("指导日期")
    kind = models.CharField(
        "工作类别", max_length=20, choices=GuidanceKind.choices, default=GuidanceKind.GUIDANCE
    )
    content = models.TextField("指导内容")
    findings = models.TextField("发现的问题", blank=True)
    steward_visit = models.ForeignKey(
        "stewardship.ServiceVisit",
        verbose_name="对应的管家服务记录",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assistance_entry = models.ForeignKey(
        "stewardship.AssistanceEntry",
        verbose_name="对应的帮扶企业",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="登记人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TechnicalGuidanceQuerySet.as_manager()

    class Meta:
        verbose_name = "技术指导"
        verbose_name_plural = "技术指导"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.enterprise}（{self.visited_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("institutions:guidance_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        visit = self.steward_visit
        if visit is not None and visit.agreement.enterprise_id != self.enterprise_id:
            errors["steward_visit"] = "该管家服务记录不是此用人单位的"
        entry = self.assistance_entry
        if entry is not None and entry.enterprise_id != self.enterprise_id:
            errors["assistance_entry"] = "该帮扶记录不是此用人单位的"
        if errors:
            raise ValidationError(errors)


class ReportCardQuerySet(ScopedQuerySet):
    def with_status(self, status: str):
        """``status`` as ``rules.card_status`` computes it, as a filter."""
        if status == "missing":
            return self.filter(reported_on__isnull=True)
        if status == "late":
            return self.filter(reported_on__gt=models.F("due_on"))
        if status == "on_time":
            return self.filter(reported_on__lte=models.F("due_on"))
        return self.none()

    def overdue(self, today):
        return self.filter(reported_on__isnull=True, due_on__lt=today)


class ReportCard(ScopedModelMixin, TimeStampedModel):
    """信息报告卡 (技术服务信息报送卡 / 个案卡, issue 9 item 3): the card an institution owes for one
    activity it performed. The activity is a generic reference (``activity_app`` + ``activity_id``,
    e.g. ``monitoring.detectionreport`` 12) because the apps that record activities sit above this
    one: they create the expected card through ``actions.card_expect`` when the activity is
    recorded (monitoring/cards.py, surveillance/exams/cards.py). The card is "missing" until the
    institution files it (``reported_on``); on time / late against ``due_on`` (``rules.card_due``)."""

    audited = True
    scope = Scope(enterprise="enterprise", institution="institution")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="report_cards"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("报告卡类别", max_length=20, choices=CardKind.choices)
    activity_app = models.CharField("服务记录类型", max_length=60)
    activity_id = models.PositiveBigIntegerField("服务记录编号")
    activity_label = models.CharField("服务记录", max_length=200, blank=True)
    performed_on = models.DateField("服务（检查、诊断）日期")
    due_on = models.DateField("报送期限")
    rules_version = models.CharField("时限规则版本", max_length=20)
    reported_on = models.DateField("报送日期", null=True, blank=True)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name="报送人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    objects = ReportCardQuerySet.as_manager()

    class Meta:
        verbose_name = "信息报告卡"
        verbose_name_plural = "信息报告卡"
        ordering = ["-performed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_app", "activity_id"],
                name="reportcard_once_per_activity",
                violation_error_message="该服务记录已有此类信息报告卡",
            ),
        ]
        indexes = [models.Index(fields=["institution", "performed_on"], name="reportcard_inst_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.activity_label or self.activity_id}"

    @property
    def status(self) -> str:
        return rules.card_status(self.due_on, self.reported_on)

    def get_status_display(self) -> str:
        return CardStatus(self.status).label

    def get_absolute_url(self) -> str:
        return reverse("institutions:reportcard_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}
