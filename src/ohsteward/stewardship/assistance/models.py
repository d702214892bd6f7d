"""SME assistance plans (帮扶计划), assisted employers (帮扶企业) and their six items (六个一)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.assistance import rules

ITEM_CHOICES = [(code, rules.ITEM_SHORT[code]) for code, _label in rules.ITEMS]
STATE_CHOICES = list(rules.ITEM_STATES.items())


class AssistancePlanQuerySet(ScopedQuerySet):
    def with_progress(self):
        """``enrolled_count`` and ``items_done_count`` (items done or 不适用) per plan."""
        return self.annotate(
            enrolled_count=Count("entries", distinct=True),
            items_done_count=Count(
                "entries__items", filter=Q(entries__items__state__in=("done", "na")), distinct=True
            ),
        )


class AssistancePlan(ScopedModelMixin, TimeStampedModel):
    """A district's yearly plan (帮扶计划名单, 001 附件3 二(一)2), with its target (≥ 20, 一) and
    deadline (二(三)9 "明确帮扶完成时限"). Seen by regulators only (its district, the city)."""

    audited = True
    scope = Scope(enterprise=None, district="district_id", regulators_only=True)

    district = models.ForeignKey(
        "registry.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    target = models.PositiveSmallIntegerField("目标家数", help_text="001 附件3：每个区县每年不少于20家")
    deadline = models.DateField("完成时限", null=True, blank=True)
    rules_version = models.CharField("规则版本", max_length=10, default=rules.RULES_V1.version)
    note = models.TextField("说明", blank=True)

    objects = AssistancePlanQuerySet.as_manager()

    class Meta:
        verbose_name = "中小微企业帮扶计划"
        verbose_name_plural = "中小微企业帮扶计划"
        ordering = ["-year", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="assistance_plan_district_year",
                violation_error_message="该区县该年度已有帮扶计划",
            )
        ]

    def __str__(self) -> str:
        return f"{self.district.name} {self.year}年帮扶计划"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:assistance_plan_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id, "zone_code": "", "enterprise_id": None}


def _declarations():
    """The declarations app's rows, reached through the register's relation: stewardship sits
    below declarations in the layers and may not import it (like ``forms.institutions``)."""
    return Enterprise._meta.get_field("declarations").related_model.objects


def declared_exists():
    """An employer with a current declaration, as the declarations app counts it
    (``declarations.models.declared_expression``): a valid, non-注销 declaration not followed by a
    valid 注销 declaration."""
    later_cancel = _declarations().filter(
        enterprise_id=OuterRef("enterprise_id"),
        status="valid",
        kind="cancel",
        declared_on__gt=OuterRef("declared_on"),
    )
    return Exists(
        _declarations()
        .filter(enterprise_id=OuterRef("enterprise_id"), status="valid")
        .exclude(kind="cancel")
        .filter(~Exists(later_cancel))
    )


class AssistanceEntryQuerySet(ScopedQuerySet):
    def with_facts(self):
        """``declared`` (a valid declaration exists) and ``items_closed`` (done or 不适用)."""
        return self.annotate(
            declared=declared_exists(),
            items_closed=Count("items", filter=Q(items__state__in=("done", "na"))),
        )


class AssistanceEntry(ScopedModelMixin, TimeStampedModel):
    """One assisted employer on a plan: the team (or expert group) helping it, its deadline, why
    it is a priority, and the "一企一策" notes (001 附件3 二(五)12). Seen through the employer
    (district, town, the manager read-only) and by the team assigned to it."""

    audited = True
    scope = Scope(enterprise="enterprise", team="team")

    plan = models.ForeignKey(
        AssistancePlan, verbose_name="帮扶计划", on_delete=models.CASCADE, related_name="entries"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "stewardship.StewardTeam",
        verbose_name="帮扶团队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_entries",
    )
    expert_group = models.CharField("专家组", max_length=200, blank=True, help_text="无管家团队时填写")
    deadline = models.DateField("完成时限", null=True, blank=True)
    priority = models.CharField("重点帮扶原因", max_length=200, blank=True)
    strategy = models.TextField("一企一策", blank=True)

    objects = AssistanceEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶企业"
        verbose_name_plural = "帮扶企业"
        ordering = ["plan", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "enterprise"],
                name="assistance_entry_unique",
                violation_error_message="该用人单位已在本帮扶计划中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} （{self.plan.year}年帮扶）"

    def get_absolute_url(self) -> str:
        return reverse("stewardship:assistance_entry_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return self.enterprise.audit_scope()

    @property
    def helper(self) -> str:
        return self.team.name if self.team_id else (self.expert_group or "—")


class AssistanceItem(TimeStampedModel):
    """One of the six items of an assisted employer: open, done (date, evidence) or 不适用 with a
    reason. Read only through its entry."""

    audited = True
    entry = models.ForeignKey(
        AssistanceEntry, verbose_name="帮扶企业", on_delete=models.CASCADE, related_name="items"
    )
    item = models.CharField("帮扶事项", max_length=20, choices=ITEM_CHOICES)
    state = models.CharField("状态", max_length=10, choices=STATE_CHOICES, default="open")
    done_on = models.DateField("完成日期", null=True, blank=True)
    na_reason = models.CharField("不适用理由", max_length=300, blank=True)
    evidence_note = models.TextField("佐证说明", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=200, blank=True)
    evidence_type = models.CharField("佐证文件类型", max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField("佐证文件大小（字节）", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "帮扶事项"
        verbose_name_plural = "帮扶事项"
        ordering = ["entry", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "item"], name="assistance_item_unique"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(done_on__isnull=False),
                name="assistance_item_done_has_date",
                violation_error_message="已完成的帮扶事项须填写完成日期",
            ),
            models.CheckConstraint(
                condition=~Q(state="na") | ~Q(na_reason=""),
                name="assistance_item_na_has_reason",
                violation_error_message="不适用须说明理由",
            ),
        ]

    def __str__(self) -> str:
        return self.get_item_display()

    def audit_scope(self) -> dict:
        return self.entry.audit_scope()

    @property
    def label(self) -> str:
        return dict(rules.ITEMS)[self.item]


class AssistanceItemFile(models.Model):
    """The bytes of an item's evidence file, out of the audit trail (like ``EvidenceFile``)."""

    item = models.OneToOneField(AssistanceItem, on_delete=models.CASCADE, related_name="file")
    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "帮扶佐证文件内容"
        verbose_name_plural = "帮扶佐证文件内容"

    def __str__(self) -> str:
        return self.item.evidence_name
