"""The employer register: regions, industries, the risk catalogue, employers and their posts."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ohsteward.core.models import TimeStampedModel
from ohsteward.core.querysets import ScopedModelMixin, ScopedQuerySet
from ohsteward.registry import rules
from ohsteward.registry.choices import (
    ChangeRequestStatus,
    EconomicType,
    EnterpriseStatus,
    IndustryLevel,
    RegionLevel,
    RegistrationState,
    RiskClass,
    SizeClass,
)
from ohsteward.registry.refdata import zone_towns


class Region(models.Model):
    """城市/区县/乡镇街道 (GB/T 2260 and NBS codes) and functional zones (两江新区 …, own codes)."""

    code = models.CharField("代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    source = models.CharField("来源", max_length=200, blank=True)
    audited = True

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """GB/T 4754-2017 国民经济行业分类, with the 2021 risk catalogue class denormalised per row."""

    code = models.CharField("代码", max_length=5, primary_key=True, help_text="门类字母或2–4位数字")
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=IndustryLevel.choices)
    section = models.CharField("门类", max_length=1, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    remark = models.TextField("说明", blank=True)
    risk_class = models.CharField(
        "风险分类", max_length=10, choices=RiskClass.choices, default=RiskClass.UNLISTED, db_index=True
    )
    risk_note = models.CharField("风险分类说明", max_length=300, blank=True)
    audited = True

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"{self.section}{self.code} {self.name}" if self.code[0].isdigit() else str(self)


class RiskCatalogueEntry(models.Model):
    """One row of 建设项目职业病危害风险分类管理目录, versioned by edition and effective date."""

    edition = models.CharField("版本", max_length=10, default="2021")
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    code = models.CharField("行业编码", max_length=6, help_text="如 C171、F5265")
    code_digits = models.CharField("行业代码数字", max_length=5, db_index=True)
    industry_name = models.CharField("类别名称", max_length=100)
    risk_class = models.CharField("风险类别", max_length=10, choices=RiskClass.choices[:2])
    condition = models.CharField("条件", max_length=100, blank=True)
    footnote = models.BooleanField("带*注", default=False)
    source = models.CharField("来源", max_length=200, blank=True)
    audited = True

    class Meta:
        verbose_name = "风险分类目录条目"
        verbose_name_plural = "风险分类目录"
        ordering = ["edition", "code", "condition"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code", "condition"], name="risk_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.code} {self.industry_name} {self.get_risk_class_display()}"


class EnterpriseQuerySet(ScopedQuerySet):
    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        code = rules.uscc_clean(q)
        return self.filter(Q(uscc__startswith=code) | Q(name_normalized__contains=rules.normalize_name(q)))

    def operating(self):
        return self.exclude(status=EnterpriseStatus.CANCELLED)


class Enterprise(ScopedModelMixin, TimeStampedModel):
    """用人单位: any employer, identified by its unified social credit code (GB 32100)."""

    scope_enterprise_path = ""
    audited = True

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    name = models.CharField("用人单位名称", max_length=200)
    name_normalized = models.CharField(max_length=200, editable=False)
    former_names = models.JSONField("曾用名", default=list, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区县",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.DISTRICT},
        db_index=False,
    )
    town = models.ForeignKey(
        Region,
        verbose_name="乡镇街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.TOWN},
        db_index=False,
    )
    zone = models.ForeignKey(
        Region,
        verbose_name="功能区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.ZONE},
        db_index=False,
    )
    address = models.CharField("地址", max_length=200, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": IndustryLevel.CLASS},
        db_index=False,
    )
    industry_risk = models.CharField(
        "行业风险分类", max_length=10, choices=RiskClass.choices, default=RiskClass.UNLISTED
    )
    economic_type = models.CharField("经济类型", max_length=20, choices=EconomicType.choices, blank=True)
    employees = models.PositiveIntegerField(
        "从业人员数", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    exposed_workers = models.PositiveIntegerField(
        "接害人数", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    revenue = models.DecimalField(
        "营业收入(万元)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    total_assets = models.DecimalField(
        "资产总额(万元)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    size_class = models.CharField("企业规模", max_length=10, choices=SizeClass.choices, blank=True)
    status = models.CharField(
        "经营状态", max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    suspended_on = models.DateField("停产停业日期", null=True, blank=True)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    registration = models.CharField(
        "登记状态", max_length=12, choices=RegistrationState.choices, default=RegistrationState.REGISTERED
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["region_id", "name"]
        # Plain B-tree indexes only where list filters need them: PostgreSQL's extra "_like"
        # indexes that db_index adds to text columns made bulk imports several times slower.
        # Low-cardinality filters (status, risk, size) lead with the district, as pages are scoped.
        indexes = [
            models.Index(fields=["region", "status"], name="enterprise_region_status"),
            # with the name last, a district's list in its default order stops after one page; the
            # included id lets PostgreSQL find a deep page's ids (and the count) from the index alone
            # (index-only scan), without visiting every skipped row (docs/performance.md)
            models.Index(fields=["region", "name"], name="enterprise_region_name_cov", include=["id"]),
            models.Index(
                fields=["region", "industry_risk", "name"], name="enterprise_region_risk_cov", include=["id"]
            ),
            models.Index(fields=["region", "size_class"], name="enterprise_region_size"),
            models.Index(fields=["town"], name="enterprise_town"),
            models.Index(fields=["zone"], name="enterprise_zone"),
            models.Index(fields=["industry"], name="enterprise_industry"),
            models.Index(fields=["name_normalized"], name="enterprise_name_norm"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        return {"district_code": self.region_id, "zone_code": self.zone_id or "", "enterprise_id": self.pk}

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded_region_id = obj.__dict__.get("region_id")  # what the copies hold (save below)
        return obj

    def save(self, *args, **kwargs):
        # not loaded from the database (an instance built with a pk): the copies are checked too
        moved = self.pk is not None and getattr(self, "_loaded_region_id", _UNKNOWN) != self.region_id
        super().save(*args, **kwargs)
        if moved:
            # a new district: the copies of it on the employer's records follow (Scope.enterprise_district)
            sync_district_copies([self.pk])
        self._loaded_region_id = self.region_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        message = rules.name_error(self.name)
        if message:
            errors["name"] = f"用人单位名称{message}"
        self.name = rules.clean_name(self.name)
        if self.uscc:
            self.uscc = rules.uscc_clean(self.uscc)
            message = rules.uscc_error(self.uscc)
            if message:
                errors["uscc"] = message
        today = timezone.localdate()
        if self.status == EnterpriseStatus.SUSPENDED:
            if not self.suspended_on:
                errors["suspended_on"] = "停产停业的单位须填写停产停业日期"
            elif self.suspended_on > today:
                errors["suspended_on"] = "停产停业日期不能晚于今天"
        if self.status == EnterpriseStatus.CANCELLED:
            if not self.cancelled_on:
                errors["cancelled_on"] = "注销的单位须填写注销日期"
            elif self.cancelled_on > today:
                errors["cancelled_on"] = "注销日期不能晚于今天"
        if self.town_id and self.region_id and not self.town_id.startswith(self.region_id):
            errors["town"] = "乡镇街道不属于所选区县"
        if self.zone_id:
            message = rules.zone_town_error(self.zone_id, self.town_id, zone_towns())
            if message:
                errors["zone"] = message
        if (
            self.employees is not None
            and self.exposed_workers is not None
            and self.exposed_workers > self.employees
        ):
            errors["exposed_workers"] = "接害人数不能大于从业人员数"
        if errors:
            raise ValidationError(errors)

    def derive(self) -> None:
        """Fields computed by rules: normalised name, size class, industry risk class."""
        self.name_normalized = rules.normalize_name(self.name)
        industry = self.industry
        if industry is not None:
            size = rules.size_class(
                industry.section,
                industry.code,
                employees=self.employees,
                revenue=self.revenue,
                total_assets=self.total_assets,
            )
            self.industry_risk = industry.risk_class
        else:
            size = rules.size_class(
                "", "", employees=self.employees, revenue=self.revenue, total_assets=self.total_assets
            )
            self.industry_risk = RiskClass.UNLISTED
        self.size_class = size or ""

    @property
    def status_text(self) -> str:
        if self.status == EnterpriseStatus.SUSPENDED and self.suspended_on:
            return f"停产停业（自{self.suspended_on:%Y-%m-%d}）"
        if self.status == EnterpriseStatus.CANCELLED and self.cancelled_on:
            return f"注销（{self.cancelled_on:%Y-%m-%d}）"
        return self.get_status_display()


class Workplace(ScopedModelMixin, TimeStampedModel):
    """工作场所 / 车间 of an employer."""

    audited = True
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="用人单位", on_delete=models.CASCADE, related_name="workplaces"
    )
    name = models.CharField("车间/工作场所", max_length=100)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作场所"
        verbose_name_plural = "工作场所"
        ordering = ["enterprise_id", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="workplace_unique_name")]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}


class Post(ScopedModelMixin, TimeStampedModel):
    """岗位 / 工种: the unit on which exposure is judged."""

    audited = True
    scope_enterprise_path = "workplace__enterprise"
    workplace = models.ForeignKey(
        Workplace, verbose_name="工作场所", on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField("岗位/工种", max_length=100)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["workplace_id", "name"]
        constraints = [models.UniqueConstraint(fields=["workplace", "name"], name="post_unique_name")]

    def __str__(self) -> str:
        return f"{self.workplace.name} / {self.name}"

    def audit_scope(self) -> dict:
        return self.workplace.audit_scope()


class PostExposure(ScopedModelMixin, models.Model):
    """A hazard factor present at a post, with the number of workers exposed to it."""

    audited = True
    scope_enterprise_path = "post__workplace__enterprise"
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.CASCADE, related_name="exposures")
    hazard_factor = models.ForeignKey(
        "hazards.HazardFactor", verbose_name="危害因素", on_delete=models.PROTECT, related_name="+"
    )
    exposed_count = models.PositiveIntegerField("接触人数", default=0)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位危害因素"
        verbose_name_plural = "岗位危害因素"
        constraints = [models.UniqueConstraint(fields=["post", "hazard_factor"], name="post_exposure_unique")]

    def __str__(self) -> str:
        return f"{self.post} — {self.hazard_factor}（{self.exposed_count}人）"

    def audit_scope(self) -> dict:
        return self.post.audit_scope()


class EnterpriseChangeRequest(ScopedModelMixin, TimeStampedModel):
    """A change an employer asked for that the register keeps the regulator's value of until the
    district confirms it: 经营状态 (停产停业/注销, with its date) and 行业 (issue 6 item 5). An
    employer that set itself to 注销 or to another industry would drop off next year's list."""

    audited = True
    FIELDS = {"status": "经营状态", "industry": "行业"}
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="用人单位", on_delete=models.CASCADE, related_name="change_requests"
    )
    field = models.CharField("变更事项", max_length=20, choices=list(FIELDS.items()))
    old_value = models.JSONField("原值", default=dict, blank=True)
    new_value = models.JSONField("申请值", default=dict, blank=True)
    reason = models.CharField("变更理由", max_length=300, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=300, blank=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位变更申请"
        verbose_name_plural = "用人单位变更申请"
        ordering = ["-created_at"]
        constraints = [
            # one open request per employer and field: a second submit updates nothing twice
            models.UniqueConstraint(
                fields=["enterprise", "field"],
                condition=Q(status="pending"),
                name="enterprise_change_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_field_display()}"

    def audit_scope(self) -> dict:
        e = self.enterprise
        return {"district_code": e.region_id, "zone_code": e.zone_id or "", "enterprise_id": e.pk}

    @staticmethod
    def describe(value: dict) -> str:
        """A stored value as Chinese text: 注销（2026-05-01） / 3311 金属结构制造."""
        if "status" in value:
            label = dict(EnterpriseStatus.choices).get(value["status"], value["status"])
            day = value.get("suspended_on") or value.get("cancelled_on")
            return f"{label}（{day}）" if day else label
        if "industry" in value:
            code = value["industry"]
            if not code:
                return "（空）"
            name = Industry.objects.filter(code=code).values_list("name", flat=True).first() or ""
            return f"{code} {name}".strip()
        return ""

    @property
    def old_text(self) -> str:
        return self.describe(self.old_value)

    @property
    def new_text(self) -> str:
        return self.describe(self.new_value)


_UNKNOWN = object()


def district_copies() -> list[tuple[type[models.Model], str, str]]:
    """(model, employer foreign key, column) of every model keeping a copy of its employer's
    district (``Scope(enterprise_district=…)``, e.g. monitoring's measurements and tasks)."""
    out = []
    for model in apps.get_models():
        get_scope = getattr(model, "get_scope", None)
        scope = get_scope() if get_scope is not None else None
        if scope is not None and scope.enterprise_district and scope.enterprise:
            out.append((model, scope.enterprise, scope.enterprise_district))
    return out


def sync_district_copies(enterprise_ids) -> int:
    """Make the district copies of the records of ``enterprise_ids`` equal to their employer's
    ``region_id`` again (writes only the rows that differ). The register calls this wherever an
    employer's district changes (``Enterprise.save``, the import's bulk update) or records move
    to another employer (merge). Returns the number of rows changed."""
    ids = list(enterprise_ids)
    changed = 0
    for model, path, column in district_copies():
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            stale = model._base_manager.filter(**{f"{path}_id__in": chunk}).exclude(
                **{column: F(f"{path}__region_id")}
            )
            for region_id, pks in _by_region(stale.values_list(f"{path}__region_id", "pk")).items():
                changed += model._base_manager.filter(pk__in=pks).update(**{column: region_id})
    return changed


def _by_region(rows) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for region_id, pk in rows:
        out.setdefault(region_id, []).append(pk)
    return out
