"""Declarations (职业病危害项目申报) and the declaration-expansion work around them.

- ``Declaration`` + ``DeclarationHazard``: one declaration (online or imported from the national
  system) with its hazard factors per workplace and exposed headcounts (48号令 第5条).
- ``HazardList`` + ``HazardListEntry``: the year's 职业病危害用人单位名单 with reasons, district
  confirmation and hand-overs (扩面方案 任务1–8).
- ``GuidanceVisit`` (入户指导, 任务11), ``Notice`` (告知单, 任务9), ``ChangeTrigger`` (events that
  make a 变更申报/注销 due, 48号令 第8、9条), ``SpotCheck`` + ``SpotCheckItem`` (任务14).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import ScopedModelMixin, ScopedQuerySet
from ohsteward.declarations import rules
from ohsteward.declarations.choices import (
    DeclarationChannel,
    DeclarationKind,
    DeclarationStatus,
    EntrySource,
    EntryStatus,
    NoticeStatus,
    TriggerKind,
)


def _enterprise_scope(enterprise) -> dict:
    return {"district_code": enterprise.region_id, "zone_code": enterprise.zone_id or "",
            "enterprise_id": enterprise.pk}


class Serial(models.Model):
    """Counters for receipt and notice numbers (one row per key such as "receipt:500112:2026")."""

    key = models.CharField(max_length=60, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


# --------------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------------


def valid_declarations():
    return Declaration.objects.filter(status=DeclarationStatus.VALID)


def last_declared_subquery(path: str = "pk"):
    """Latest declared_on of a valid non-cancel declaration of the employer at ``OuterRef(path)``."""
    return Subquery(
        valid_declarations().filter(enterprise_id=OuterRef(path)).exclude(kind=DeclarationKind.CANCEL)
        .order_by("-declared_on").values("declared_on")[:1]
    )


def last_cancel_subquery(path: str = "pk"):
    return Subquery(
        valid_declarations().filter(enterprise_id=OuterRef(path), kind=DeclarationKind.CANCEL)
        .order_by("-declared_on").values("declared_on")[:1]
    )


def declared_expression():
    """``declared`` = a valid declaration exists and it is not followed by a 注销 (needs the two
    annotations ``last_declared_on`` and ``last_cancel_on``)."""
    return Case(
        When(Q(last_declared_on__isnull=False) & (Q(last_cancel_on__isnull=True)
                                                  | Q(last_declared_on__gte=F("last_cancel_on"))),
             then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def priority_expression(prefix: str = ""):
    """The DB twin of ``rules.priority`` (same constants; tests check they agree)."""
    risk = f"{prefix}industry_risk"
    section = f"{prefix}industry__section"
    employees = f"{prefix}employees"
    return Case(
        When(Q(**{risk: "serious", f"{section}__in": sorted(rules.INDUSTRIAL_SECTIONS)}), then=Value(1)),
        When(Q(**{risk: "serious", f"{employees}__gte": rules.SEVERE_MIN_EMPLOYEES}), then=Value(2)),
        When(Q(**{risk: "serious"}), then=Value(3)),
        When(Q(**{risk: "general"}), then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )


class DeclarationQuerySet(ScopedQuerySet):
    def valid(self):
        return self.filter(status=DeclarationStatus.VALID)

    def declared_between(self, start, end):
        return self.filter(declared_on__gte=start, declared_on__lte=end)


class Declaration(ScopedModelMixin, TimeStampedModel):
    """职业病危害项目申报: one submission (48号令 第5条), online here or imported from the national system."""

    audited = True
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT,
                                   related_name="declarations")
    receipt_no = models.CharField("申报回执编号", max_length=40, unique=True)
    kind = models.CharField("申报类型", max_length=10, choices=DeclarationKind.choices)
    channel = models.CharField("申报渠道", max_length=10, choices=DeclarationChannel.choices,
                               default=DeclarationChannel.ONLINE)
    status = models.CharField("状态", max_length=10, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.VALID, db_index=True)
    declared_on = models.DateField("申报日期", db_index=True)
    # 基本情况 (snapshot at declaration time)
    unit_name = models.CharField("申报时单位名称", max_length=200, blank=True)
    region = models.ForeignKey("registry.Region", verbose_name="所属区县", on_delete=models.PROTECT,
                               related_name="+", null=True, blank=True)
    industry = models.ForeignKey("registry.Industry", verbose_name="行业", on_delete=models.PROTECT,
                                 related_name="+", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人员数", null=True, blank=True)
    exposed_total = models.PositiveIntegerField("接害总人数", null=True, blank=True)
    principal = models.CharField("主要负责人", max_length=50, blank=True)
    hygiene_manager = models.CharField("职业卫生管理人员", max_length=50, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # 培训情况
    principal_trained = models.BooleanField("主要负责人已培训", null=True, blank=True)
    manager_trained = models.BooleanField("职业卫生管理人员已培训", null=True, blank=True)
    workers_trained = models.PositiveIntegerField("接害劳动者培训人数", null=True, blank=True)
    # 检测情况
    detection_year = models.PositiveIntegerField("最近检测年度", null=True, blank=True)
    detection_org = models.CharField("检测机构", max_length=100, blank=True)
    detection_points = models.PositiveIntegerField("检测点数", null=True, blank=True)
    detection_exceeding = models.PositiveIntegerField("超标点数", null=True, blank=True)
    # 体检情况
    exam_year = models.PositiveIntegerField("最近体检年度", null=True, blank=True)
    exam_org = models.CharField("体检机构", max_length=100, blank=True)
    exam_count = models.PositiveIntegerField("体检人数", null=True, blank=True)
    exam_abnormal = models.PositiveIntegerField("复查/异常人数", null=True, blank=True)
    remark = models.CharField("备注", max_length=300, blank=True)
    source_row_id = models.PositiveBigIntegerField("来源行", null=True, blank=True,
                                                   help_text="导入时的 intake.SourceRow 主键")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "职业病危害项目申报"
        verbose_name_plural = "职业病危害项目申报"
        ordering = ["-declared_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "status", "declared_on"])]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.unit_name or self.enterprise_id}"

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    def clean(self) -> None:
        errors = {}
        if self.employees is not None and self.exposed_total is not None and self.exposed_total > self.employees:
            errors["exposed_total"] = "接害总人数不能大于从业人员数"
        if (self.detection_points is not None and self.detection_exceeding is not None
                and self.detection_exceeding > self.detection_points):
            errors["detection_exceeding"] = "超标点数不能大于检测点数"
        if errors:
            raise ValidationError(errors)


class DeclarationHazard(ScopedModelMixin, models.Model):
    """One hazard factor at one workplace of a declaration, with the number of exposed workers."""

    audited = True
    scope_enterprise_path = "declaration__enterprise"
    declaration = models.ForeignKey(Declaration, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="hazards")
    workplace = models.CharField("工作场所", max_length=100, blank=True)
    hazard_factor = models.ForeignKey("hazards.HazardFactor", verbose_name="危害因素", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    hazard_name = models.CharField("危害因素名称", max_length=100)
    exposed_count = models.PositiveIntegerField("接触人数", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "申报危害因素"
        verbose_name_plural = "申报危害因素"
        ordering = ["declaration_id", "workplace", "id"]

    def __str__(self) -> str:
        count = f"（{self.exposed_count}人）" if self.exposed_count is not None else ""
        return f"{self.workplace + ' / ' if self.workplace else ''}{self.hazard_name}{count}"

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.declaration.enterprise)


class ChangeTriggerQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(fulfilled_by__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class ChangeTrigger(ScopedModelMixin, TimeStampedModel):
    """An event that makes a 变更申报 or 注销 due (48号令 第8、9条), with its due date."""

    audited = True
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE,
                                   related_name="declaration_triggers")
    kind = models.CharField("变更事项", max_length=30, choices=TriggerKind.choices)
    occurred_on = models.DateField("发生日期", help_text="竣工验收日、变化发生日、收到检测评价结果日或终止日")
    due_on = models.DateField("申报期限")
    description = models.CharField("说明", max_length=300, blank=True)
    fulfilled_by = models.ForeignKey(Declaration, verbose_name="完成的申报", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="fulfils")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ChangeTriggerQuerySet.as_manager()

    class Meta:
        verbose_name = "申报变更事项"
        verbose_name_plural = "申报变更事项"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    @property
    def message(self) -> str:
        return rules.due_message(self.kind, self.occurred_on, self.due_on)

    @property
    def due_kind(self) -> str:
        return rules.due_kind(self.kind)


# --------------------------------------------------------------------------------------------
# The 职业病危害用人单位名单
# --------------------------------------------------------------------------------------------


class HazardList(TimeStampedModel):
    """One year's 职业病危害用人单位名单 (formed by the city CDC by the end of January)."""

    audited = True
    year = models.PositiveIntegerField("年度", unique=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    as_of = models.DateField("基准日期", null=True, blank=True)
    summary = models.JSONField("生成摘要", default=dict, blank=True)

    class Meta:
        verbose_name = "职业病危害用人单位名单"
        verbose_name_plural = "职业病危害用人单位名单"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年职业病危害用人单位名单"

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class HazardListEntryQuerySet(ScopedQuerySet):
    # Scoped through the employer (ScopedModelMixin), like every other model: the register says
    # where an employer is. An entry-level district went stale when the register moved an employer
    # and showed it to its old district. ``region`` records where the entry was pushed.

    def pushed(self):
        return self.filter(pushed_on__isnull=False)

    def unconfirmed(self):
        return self.filter(status=EntryStatus.PENDING)

    def confirmation_overdue(self, today):
        """Pushed to the district, not confirmed, and the one-month deadline has passed."""
        return self.unconfirmed().filter(due_on__lt=today)

    def report_overdue(self, today):
        """District-found employers not reported to the city CDC within one month (任务8)."""
        return self.filter(source=EntrySource.DISTRICT, reported_on__isnull=True, report_due_on__lt=today)

    def with_declaration(self):
        return self.annotate(
            last_declared_on=last_declared_subquery("enterprise_id"),
            last_cancel_on=last_cancel_subquery("enterprise_id"),
        ).annotate(declared=declared_expression())

    def with_priority(self):
        return self.annotate(priority=priority_expression("enterprise__"))

    def may_have_hazards(self):
        """Listed and not ruled out by the district (pending or confirmed with hazards)."""
        return self.filter(status__in=[EntryStatus.PENDING, EntryStatus.HAZARDS])

    def undeclared(self):
        """应报未报: may have hazards and no valid declaration (needs ``with_declaration``)."""
        return self.may_have_hazards().filter(declared=False)


class HazardListEntry(ScopedModelMixin, TimeStampedModel):
    """One employer on a year's list, with its reasons and the district's confirmation."""

    audited = True
    hazard_list = models.ForeignKey(HazardList, verbose_name="名单", on_delete=models.CASCADE,
                                    related_name="entries")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE,
                                   related_name="hazard_list_entries")
    region = models.ForeignKey("registry.Region", verbose_name="负责区县", on_delete=models.PROTECT,
                               related_name="+")
    reasons = models.JSONField("列入原因", default=list)
    inclusion_note = models.CharField("纳入说明", max_length=100, blank=True)
    source = models.CharField("来源", max_length=10, choices=EntrySource.choices, default=EntrySource.GENERATED)
    pushed_on = models.DateField("下发日期", null=True, blank=True)
    due_on = models.DateField("核实期限", null=True, blank=True, db_index=True)
    status = models.CharField("核实结果", max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING,
                              db_index=True)
    confirmed_on = models.DateField("核实日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("核实说明", max_length=300, blank=True)
    duplicate_of = models.ForeignKey("registry.Enterprise", verbose_name="重复于", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    discovered_on = models.DateField("发现日期", null=True, blank=True)
    report_due_on = models.DateField("报告期限", null=True, blank=True)
    reported_on = models.DateField("报告市疾控日期", null=True, blank=True)

    objects = HazardListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "名单条目"
        verbose_name_plural = "名单条目"
        ordering = ["region_id", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["hazard_list", "enterprise"], name="hazard_list_entry_unique"),
        ]
        indexes = [models.Index(fields=["hazard_list", "region", "status"])]

    def __str__(self) -> str:
        return f"{self.hazard_list.year} {self.enterprise}"

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id, "zone_code": self.enterprise.zone_id or "",
                "enterprise_id": self.enterprise_id}

    @property
    def reason_labels(self) -> list[str]:
        from ohsteward.declarations.choices import ListReason

        labels = dict(ListReason.choices)
        return [labels.get(code, code) for code in self.reasons]

    def is_overdue(self, today) -> bool:
        return self.status == EntryStatus.PENDING and rules.is_overdue(self.due_on, None, today)


class HandoverQuerySet(models.QuerySet):
    def sent_by(self, user) -> HandoverQuerySet:
        """Hand-overs out of the user's district (all for city-wide users): the sender's trace of
        what it handed over, to whom and when, once the entry itself is out of its scope."""
        from ohsteward.accounts import access

        return self.filter(access.region_q(user, "from_region_id"))


class Handover(models.Model):
    """An entry moved to another district ("not in this district"), with a new one-month clock."""

    audited = True
    entry = models.ForeignKey(HazardListEntry, verbose_name="名单条目", on_delete=models.CASCADE,
                              related_name="handovers")
    from_region = models.ForeignKey("registry.Region", verbose_name="移出区县", on_delete=models.PROTECT,
                                    related_name="+")
    to_region = models.ForeignKey("registry.Region", verbose_name="移入区县", on_delete=models.PROTECT,
                                  related_name="+")
    handed_on = models.DateField("移交日期")
    reason = models.CharField("移交说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="移交人", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = "名单移交"
        verbose_name_plural = "名单移交"
        ordering = ["-handed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.from_region_id}→{self.to_region_id}"

    def audit_scope(self) -> dict:
        return {"district_code": self.from_region_id, "zone_code": "", "enterprise_id": self.entry.enterprise_id}


class GuidanceVisit(ScopedModelMixin, TimeStampedModel):
    """入户指导: a door-to-door visit to help an employer declare (扩面方案 任务11)."""

    audited = True
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE,
                                   related_name="guidance_visits")
    entry = models.ForeignKey(HazardListEntry, verbose_name="名单条目", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="visits")
    visited_on = models.DateField("指导日期")
    visitors = models.CharField("指导人员", max_length=200)
    findings = models.TextField("发现情况")
    next_step = models.CharField("下一步", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "入户指导"
        verbose_name_plural = "入户指导"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.enterprise}"

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


class Notice(ScopedModelMixin, TimeStampedModel):
    """职业病危害项目申报告知单: numbered, stored and downloadable again (扩面方案 任务9)."""

    audited = True
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE,
                                   related_name="declaration_notices")
    entry = models.ForeignKey(HazardListEntry, verbose_name="名单条目", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="notices")
    number = models.CharField("告知单编号", max_length=40, unique=True)
    region = models.ForeignKey("registry.Region", verbose_name="发出区县", on_delete=models.PROTECT,
                               related_name="+")
    issued_on = models.DateField("告知日期")
    deadline_on = models.DateField("申报期限")
    issuer = models.CharField("发出单位", max_length=100)
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制作人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "申报告知单"
        verbose_name_plural = "申报告知单"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


class NoticeFile(models.Model):
    """The .docx of a notice, kept apart so that the audit trail does not copy the file."""

    notice = models.OneToOneField(Notice, verbose_name="告知单", on_delete=models.CASCADE, related_name="file")
    content = models.BinaryField("告知单文件")

    class Meta:
        verbose_name = "告知单文件"
        verbose_name_plural = "告知单文件"

    def __str__(self) -> str:
        return self.notice.number


# --------------------------------------------------------------------------------------------
# Spot check
# --------------------------------------------------------------------------------------------


class SpotCheck(TimeStampedModel):
    """The city's annual spot check of the list (扩面方案 任务14): a seeded stratified sample."""

    audited = True
    hazard_list = models.ForeignKey(HazardList, verbose_name="名单", on_delete=models.PROTECT,
                                    related_name="spot_checks")
    name = models.CharField("名称", max_length=100)
    seed = models.PositiveIntegerField("随机种子")
    fraction = models.DecimalField("抽样比例", max_digits=5, decimal_places=4)
    minimum = models.PositiveIntegerField("每区县最少抽取数")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "申报抽查"
        verbose_name_plural = "申报抽查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class SpotCheckItemQuerySet(ScopedQuerySet):
    # Scoped through the employer, as list entries are; ``region`` is the sampling stratum.
    pass


class SpotCheckItem(ScopedModelMixin, TimeStampedModel):
    """One sampled employer and what the inspector found on site."""

    audited = True
    spot_check = models.ForeignKey(SpotCheck, verbose_name="抽查", on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(HazardListEntry, verbose_name="名单条目", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE,
                                   related_name="+")
    region = models.ForeignKey("registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField("检查日期", null=True, blank=True)
    inspector = models.CharField("检查人员", max_length=100, blank=True)
    declared = models.BooleanField("已申报", null=True, blank=True)
    industry_ok = models.BooleanField("行业类别准确", null=True, blank=True)
    size_ok = models.BooleanField("规模准确", null=True, blank=True)
    hazards_ok = models.BooleanField("危害因素准确", null=True, blank=True)
    headcount_ok = models.BooleanField("接害人数准确", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    objects = SpotCheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查单位"
        verbose_name_plural = "抽查单位"
        ordering = ["region_id", "id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "enterprise"], name="spot_check_item_unique")]

    def __str__(self) -> str:
        return f"{self.spot_check} {self.enterprise}"

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id, "zone_code": "", "enterprise_id": self.enterprise_id}


