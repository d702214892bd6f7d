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
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet, access_rules
from ohsteward.declarations import rules
from ohsteward.declarations.choices import (
    DeclarationChannel,
    DeclarationKind,
    DeclarationStatus,
    DeliveryMethod,
    EntryChangeKind,
    EntrySource,
    EntryStatus,
    ListReason,
    NoticeStatus,
    TriggerKind,
)


def _enterprise_scope(enterprise) -> dict:
    return {
        "district_code": enterprise.region_id,
        "zone_code": enterprise.zone_id or "",
        "enterprise_id": enterprise.pk,
    }


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


def _valid_until(until=None):
    qs = valid_declarations()
    return qs.filter(declared_on__lte=until) if until is not None else qs


def last_declared_subquery(path: str = "pk", until=None):
    """Latest declared_on of a valid non-cancel declaration of the employer at ``OuterRef(path)``
    (only those dated on or before ``until`` when given)."""
    return Subquery(
        _valid_until(until)
        .filter(enterprise_id=OuterRef(path))
        .exclude(kind=DeclarationKind.CANCEL)
        .order_by("-declared_on")
        .values("declared_on")[:1]
    )


def last_cancel_subquery(path: str = "pk", until=None):
    return Subquery(
        _valid_until(until)
        .filter(enterprise_id=OuterRef(path), kind=DeclarationKind.CANCEL)
        .order_by("-declared_on")
        .values("declared_on")[:1]
    )


def declared_expression():
    """``declared`` = a valid declaration exists and it is not followed by a 注销 (needs the two
    annotations ``last_declared_on`` and ``last_cancel_on``)."""
    return Case(
        When(
            Q(last_declared_on__isnull=False)
            & (Q(last_cancel_on__isnull=True) | Q(last_declared_on__gte=F("last_cancel_on"))),
            then=Value(True),
        ),
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
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="declarations"
    )
    receipt_no = models.CharField("申报回执编号", max_length=40, unique=True)
    kind = models.CharField("申报类型", max_length=10, choices=DeclarationKind.choices)
    channel = models.CharField(
        "申报渠道", max_length=10, choices=DeclarationChannel.choices, default=DeclarationChannel.ONLINE
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.VALID,
        db_index=True,
    )
    declared_on = models.DateField("申报日期", db_index=True)
    # 基本情况 (snapshot at declaration time)
    unit_name = models.CharField("申报时单位名称", max_length=200, blank=True)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="所属区县",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    industry = models.ForeignKey(
        "registry.Industry",
        verbose_name="行业",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
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
    source_row_id = models.PositiveBigIntegerField(
        "来源行", null=True, blank=True, help_text="导入时的 intake.SourceRow 主键"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
        headcount = rules.headcount_error(
            self.employees, self.exposed_total, employees_required=self.channel == DeclarationChannel.ONLINE
        )
        if headcount:
            errors["exposed_total"] = headcount
        if (
            self.detection_points is not None
            and self.detection_exceeding is not None
            and self.detection_exceeding > self.detection_points
        ):
            errors["detection_exceeding"] = "超标点数不能大于检测点数"
        if errors:
            raise ValidationError(errors)


class DeclarationHazard(ScopedModelMixin, models.Model):
    """One hazard factor at one workplace of a declaration, with the number of exposed workers."""

    audited = True
    scope_enterprise_path = "declaration__enterprise"
    declaration = models.ForeignKey(
        Declaration, verbose_name="申报", on_delete=models.CASCADE, related_name="hazards"
    )
    workplace = models.CharField("工作场所", max_length=100, blank=True)
    hazard_factor = models.ForeignKey(
        "hazards.HazardFactor",
        verbose_name="危害因素",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="declaration_triggers",
    )
    kind = models.CharField("变更事项", max_length=30, choices=TriggerKind.choices)
    occurred_on = models.DateField("发生日期", help_text="竣工验收日、变化发生日、收到检测评价结果日或终止日")
    due_on = models.DateField("申报期限")
    description = models.CharField("说明", max_length=300, blank=True)
    fulfilled_by = models.ForeignKey(
        Declaration,
        verbose_name="完成的申报",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfils",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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

    def with_declaration(self, until=None):
        """Annotate ``declared``; with ``until``, only declarations dated on or before that day count."""
        return self.annotate(
            last_declared_on=last_declared_subquery("enterprise_id", until),
            last_cancel_on=last_cancel_subquery("enterprise_id", until),
        ).annotate(declared=declared_expression())

    def as_of(self, day):
        """The entries on the list on ``day``, annotated with their state on that day.

        The state comes from the entry's dated history (``EntryChange``): ``as_of_status``,
        ``as_of_due`` (the confirmation deadline then running) and ``as_of_region`` (the district
        responsible on that day, from the hand-overs). An entry is on the list on ``day`` when a step of its history is
        dated on or before it, or — never pushed — when it was created by then. Later confirmations,
        re-openings and hand-overs do not change an earlier day (quarterly bulletins compare).
        """
        changes = EntryChange.objects.filter(entry=OuterRef("pk"))
        last = changes.filter(changed_on__lte=day).order_by("-changed_on", "-id")
        later_handover = Handover.objects.filter(entry=OuterRef("pk"), handed_on__gt=day).order_by(
            "handed_on", "id"
        )
        return self.filter(
            Exists(changes.filter(changed_on__lte=day)) | (~Exists(changes) & Q(created_at__date__lte=day))
        ).annotate(
            as_of_status=Coalesce(
                Subquery(last.values("status")[:1]),
                Value(EntryStatus.PENDING.value),
                output_field=models.CharField(),
            ),
            # the register's district (scoping follows it), except that an entry handed over after
            # ``day`` counts where it was then; register moves without a hand-over are not dated
            as_of_region=Coalesce(
                Subquery(later_handover.values("from_region_id")[:1]),
                F("enterprise__region_id"),
                output_field=models.CharField(),
            ),
            as_of_due=Subquery(last.values("due_on")[:1], output_field=models.DateField()),
        )

    def with_priority(self):
        return self.annotate(priority=priority_expression("enterprise__"))

    def may_have_hazards(self):
        """Listed and not ruled out by the district (pending or confirmed with hazards)."""
        return self.filter(status__in=[EntryStatus.PENDING, EntryStatus.HAZARDS])

    def undeclared(self):
        """应报未报: may have hazards and no valid declaration (needs ``with_declaration``)."""
        return self.may_have_hazards().filter(declared=False)


def reasons_for(user, reasons: list[str]) -> list[str]:
    """The list reasons ``user`` may see (issue 6 item 3). A 有奖举报 is an inspection record whose
    origin is a tip-off (``rules.list_reasons``): whoever may not see tip-offs sees it as the
    inspection finding it also is, so an entry reads the same as any other inspection find."""
    if ListReason.TIP_OFF not in reasons or access_rules().can_see_tipoffs(user):
        return list(reasons)
    return list(dict.fromkeys(ListReason.INSPECTION if r == ListReason.TIP_OFF else r for r in reasons))


def reason_choices_for(user) -> list[tuple[str, str]]:
    """The list-reason filter choices ``user`` may use (no 有奖举报 without the permission)."""
    return [
        (v, label)
        for v, label in ListReason.choices
        if v != ListReason.TIP_OFF or access_rules().can_see_tipoffs(user)
    ]


class HazardListEntry(ScopedModelMixin, TimeStampedModel):
    """One employer on a year's list, with its reasons and the district's confirmation."""

    audited = True
    hazard_list = models.ForeignKey(
        HazardList, verbose_name="名单", on_delete=models.CASCADE, related_name="entries"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="hazard_list_entries",
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="负责区县", on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField("列入原因", default=list)
    inclusion_note = models.CharField("纳入说明", max_length=100, blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=EntrySource.choices, default=EntrySource.GENERATED
    )
    pushed_on = models.DateField("下发日期", null=True, blank=True)
    due_on = models.DateField("核实期限", null=True, blank=True, db_index=True)
    status = models.CharField(
        "核实结果", max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING, db_index=True
    )
    confirmed_on = models.DateField("核实日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("核实说明", max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="重复于",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
        permissions = [("view_tipoff", "查看有奖举报线索")]

    def __str__(self) -> str:
        return f"{self.hazard_list.year} {self.enterprise}"

    def audit_scope(self) -> dict:
        return {
            "district_code": self.region_id,
            "zone_code": self.enterprise.zone_id or "",
            "enterprise_id": self.enterprise_id,
        }

    def reasons_for(self, user) -> list[str]:
        return reasons_for(user, self.reasons)

    def reason_labels_for(self, user) -> list[str]:
        labels = dict(ListReason.choices)
        return [labels.get(code, code) for code in self.reasons_for(user)]

    def is_overdue(self, today) -> bool:
        return self.status == EntryStatus.PENDING and rules.is_overdue(self.due_on, None, today)


class HandoverQuerySet(models.QuerySet):
    def sent_by(self, user) -> HandoverQuerySet:
        """Hand-overs out of the user's district (all for city-wide users): the sender's trace of
        what it handed over, to whom and when, once the entry itself is out of its scope."""
        return self.filter(access_rules().region_q(user, "from_region_id"))


class Handover(models.Model):
    """An entry moved to another district ("not in this district"), with a new one-month clock."""

    audited = True
    entry = models.ForeignKey(
        HazardListEntry, verbose_name="名单条目", on_delete=models.CASCADE, related_name="handovers"
    )
    from_region = models.ForeignKey(
        "registry.Region", verbose_name="移出区县", on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        "registry.Region", verbose_name="移入区县", on_delete=models.PROTECT, related_name="+"
    )
    handed_on = models.DateField("移交日期")
    reason = models.CharField("移交说明", max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = "名单移交"
        verbose_name_plural = "名单移交"
        ordering = ["-handed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.from_region_id}→{self.to_region_id}"

    def audit_scope(self) -> dict:
        return {
            "district_code": self.from_region_id,
            "zone_code": "",
            "enterprise_id": self.entry.enterprise_id,
        }


class EntryChange(models.Model):
    """One dated step in an entry's history: pushed, confirmed, re-opened, handed over, merged, added.

    Each row records the entry's status, responsible district and running deadline *after* the
    step, so the state on any past day is the last step dated on or before it (``as_of``). Written
    by the actions next to the entry's own update; never edited.
    """

    entry = models.ForeignKey(
        HazardListEntry, verbose_name="名单条目", on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField("事项", max_length=12, choices=EntryChangeKind.choices)
    changed_on = models.DateField("日期", db_index=True)
    status = models.CharField("核实结果", max_length=12, choices=EntryStatus.choices)
    region = models.ForeignKey(
        "registry.Region", verbose_name="负责区县", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("核实期限", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "名单条目变更"
        verbose_name_plural = "名单条目变更"
        ordering = ["entry_id", "changed_on", "id"]
        indexes = [models.Index(fields=["entry", "changed_on"])]

    def __str__(self) -> str:
        return f"{self.changed_on:%Y-%m-%d} {self.get_kind_display()} {self.get_status_display()}"


class GuidanceVisit(ScopedModelMixin, TimeStampedModel):
    """入户指导: a door-to-door visit to help an employer declare (扩面方案 任务11)."""

    audited = True
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="guidance_visits",
    )
    entry = models.ForeignKey(
        HazardListEntry,
        verbose_name="名单条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    visited_on = models.DateField("指导日期")
    visitors = models.CharField("指导人员", max_length=200)
    findings = models.TextField("发现情况")
    next_step = models.CharField("下一步", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "入户指导"
        verbose_name_plural = "入户指导"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.enterprise}"

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)


class NoticeQuerySet(ScopedQuerySet):
    def undelivered(self):
        """Made but not yet delivered (no deadline runs yet)."""
        return self.filter(delivered_on__isnull=True)


class Notice(ScopedModelMixin, TimeStampedModel):
    """职业病危害项目申报告知单: numbered, stored and downloadable again (扩面方案 任务9)."""

    audited = True
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        on_delete=models.CASCADE,
        related_name="declaration_notices",
    )
    entry = models.ForeignKey(
        HazardListEntry,
        verbose_name="名单条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    number = models.CharField("告知单编号", max_length=40, unique=True)
    doc_number = models.CharField("文号", max_length=40, blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name="发出区县", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("制作日期")
    deadline_days = models.PositiveSmallIntegerField(
        "申报期限天数", default=rules.NOTICE_DEADLINE_DAYS, help_text="自送达之日起计算"
    )
    deadline_on = models.DateField("申报期限", null=True, blank=True, help_text="送达后按送达日期计算")
    issuer = models.CharField("发出单位", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED, db_index=True
    )
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_method = models.CharField("送达方式", max_length=12, choices=DeliveryMethod.choices, blank=True)
    signed_by = models.CharField("签收人", max_length=50, blank=True)
    delivery_note = models.CharField("送达说明", max_length=200, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="送达登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "申报告知单"
        verbose_name_plural = "申报告知单"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number

    def audit_scope(self) -> dict:
        return _enterprise_scope(self.enterprise)

    @property
    def delivered(self) -> bool:
        return self.delivered_on is not None


class NoticeFile(models.Model):
    """The .docx of a notice and the scan of its signed receipt (送达回证), kept apart so that the
    audit trail does not copy the files."""

    notice = models.OneToOneField(
        Notice, verbose_name="告知单", on_delete=models.CASCADE, related_name="file"
    )
    content = models.BinaryField("告知单文件")
    receipt_scan = models.BinaryField("签收回执扫描件", null=True, blank=True)
    receipt_scan_name = models.CharField("扫描件文件名", max_length=120, blank=True)
    receipt_scan_type = models.CharField("扫描件类型", max_length=60, blank=True)

    class Meta:
        verbose_name = "告知单文件"
        verbose_name_plural = "告知单文件"

    def __str__(self) -> str:
        return self.notice.number


class NoticeTemplate(models.Model):
    """A district's own .docx template of the 告知单 (docxtpl placeholders), replacing the default
    ``declarations/templates_docx/notice.docx`` for the notices the district makes. Not audited by
    the signal (the file would be copied into the trail); the actions record the change by name."""

    region = models.OneToOneField(
        "registry.Region", verbose_name="区县", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("文件名", max_length=120)
    content = models.BinaryField("模板文件")
    uploaded_at = models.DateTimeField("上传时间", auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "告知单模板"
        verbose_name_plural = "告知单模板"

    def __str__(self) -> str:
        return f"{self.region_id} {self.name}"

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id, "zone_code": "", "enterprise_id": None}


# --------------------------------------------------------------------------------------------
# Spot check
# --------------------------------------------------------------------------------------------


class SpotCheck(TimeStampedModel):
    """The city's annual spot check of the list (扩面方案 任务14): a seeded stratified sample."""

    audited = True
    hazard_list = models.ForeignKey(
        HazardList, verbose_name="名单", on_delete=models.PROTECT, related_name="spot_checks"
    )
    name = models.CharField("名称", max_length=100)
    seed = models.PositiveIntegerField("随机种子")
    fraction = models.DecimalField("抽样比例", max_digits=5, decimal_places=4)
    minimum = models.PositiveIntegerField("每区县最少抽取数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "申报抽查"
        verbose_name_plural = "申报抽查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}

    @property
    def fraction_label(self) -> str:
        return rules.share_label(self.fraction)


class SpotCheckItemQuerySet(ScopedQuerySet):
    # Scoped through the employer, as list entries are; ``region`` is the sampling stratum.
    pass


class SpotCheckItem(ScopedModelMixin, TimeStampedModel):
    """One sampled employer and what the inspector found on site."""

    audited = True
    spot_check = models.ForeignKey(
        SpotCheck, verbose_name="抽查", on_delete=models.CASCADE, related_name="items"
    )
    entry = models.ForeignKey(
        HazardListEntry, verbose_name="名单条目", on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
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
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "enterprise"], name="spot_check_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.spot_check} {self.enterprise}"

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id, "zone_code": "", "enterprise_id": self.enterprise_id}


# --------------------------------------------------------------------------------------------
# Published quarterly dispatch
# --------------------------------------------------------------------------------------------


class FrozenError(Exception):
    pass


class DispatchSnapshot(models.Model):
    """A published quarterly dispatch (季度调度, 扩面方案 任务13): the figures as of the quarter's last
    day, frozen when the city publishes them. Never changed afterwards (``save`` refuses)."""

    audited = True
    year = models.PositiveIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    as_of = models.DateField("统计截止日")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "季度调度发布"
        verbose_name_plural = "季度调度发布"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                name="dispatch_snapshot_unique",
                violation_error_message="该季度已发布",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度调度"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("已发布的季度调度不能修改")
        super().save(*args, **kwargs)

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}


class DispatchSnapshotRowQuerySet(ScopedQuerySet):
    pass


class DispatchSnapshotRow(ScopedModelMixin, models.Model):
    """One district's frozen figures in a published dispatch (the keys of ``reports.DISPATCH_COLUMNS``)."""

    scope = Scope(enterprise=None, district="region_id")

    snapshot = models.ForeignKey(
        DispatchSnapshot, verbose_name="季度调度", on_delete=models.CASCADE, related_name="rows"
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField("数字")

    objects = DispatchSnapshotRowQuerySet.as_manager()

    class Meta:
        verbose_name = "季度调度区县数字"
        verbose_name_plural = "季度调度区县数字"
        ordering = ["snapshot_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "region"], name="dispatch_snapshot_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.region_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("已发布的季度调度不能修改")
        super().save(*args, **kwargs)
