"""Multi-source intake: the lists received from departments and systems, row by row.

A ``SourceBatch`` is one uploaded file (its kind, department, date and checksum); each data row
becomes a ``SourceRow`` with its parsed fields and the link to an employer in the register
(how the link was made and its score), or a place in the review queue, or a rejection reason.
Other apps read linked rows as evidence (declarations: the hazard-employer list reasons).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ohsteward.core.querysets import Scope, ScopedModelMixin, ScopedQuerySet
from ohsteward.intake.choices import BatchMode, BatchStatus, LinkMethod, Origin, RowStatus, SourceKind

COUNT_KEYS = (
    "rows",
    "uscc",
    "name_exact",
    "former_name",
    "fuzzy",
    "manual",
    "created",
    "review",
    "rejected",
    "updated",
)


class SourceBatchQuerySet(ScopedQuerySet):
    pass


class SourceBatch(ScopedModelMixin, models.Model):
    """One uploaded source file: a list from a department or system, as received.

    The SHA-256 of the file is unique per kind, so uploading the same file twice is detected
    and changes nothing (a batch that was refused as a whole may be run again).

    Scope: the uploader, and whoever sees one of its rows.
    """

    audited = True
    scope = Scope(
        enterprise=None,
        uploader="uploaded_by",
        through=("intake.SourceRow", "batch_id"),
        regulators_only=True,
    )

    kind = models.CharField("来源类型", max_length=12, choices=SourceKind.choices, db_index=True)
    department = models.CharField("提供部门", max_length=100, blank=True)
    received_on = models.DateField("接收日期")
    file_name = models.CharField("文件名", max_length=255)
    checksum = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    heartbeat_at = models.DateTimeField(
        "最近进展", null=True, blank=True, help_text="处理中的批次定期更新；长时间未更新说明处理进程已中断"
    )
    mode = models.CharField(
        "导入方式", max_length=16, choices=BatchMode.choices, default=BatchMode.ALL_OR_NOTHING
    )
    column_map = models.JSONField("列对应", default=dict, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)
    message = models.TextField("说明", blank=True)

    objects = SourceBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "来源批次"
        verbose_name_plural = "来源批次"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "checksum"],
                name="intake_batch_unique_file",
                violation_error_message="同一文件已经导入过",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}（{self.received_on:%Y-%m-%d}）"

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}

    def count(self, key: str) -> int:
        return int((self.counts or {}).get(key, 0))

    @property
    def linked_count(self) -> int:
        return linked_total(self.counts or {})

    @property
    def linked_by_name_count(self) -> int:
        return sum(self.count(k) for k in ("name_exact", "former_name", "fuzzy"))


class SourceRowQuerySet(ScopedQuerySet):
    def finished(self):
        """Rows of batches that finished: a batch still being written (in committed chunks) or
        interrupted does not count (docs/decisions/0003-background-jobs.md)."""
        return self.exclude(batch__status__in=[BatchStatus.RUNNING, BatchStatus.INTERRUPTED])

    def linked(self):
        return self.finished().filter(
            status__in=[RowStatus.LINKED, RowStatus.CREATED], enterprise__isnull=False
        )

    def in_review(self):
        return self.finished().filter(status=RowStatus.REVIEW)

    def evidence(self):
        """Linked rows that say an employer may have hazards: exams, detections, inspections.

        A row is linked only by someone who may see the employer (the uploader's jurisdiction
        at intake, the reviewer's at a decision; rows matching other districts' employers are
        referred, not linked), so every linked row is evidence of the jurisdiction that owns it.
        """
        return self.linked().filter(
            batch__kind__in=[SourceKind.EXAM, SourceKind.DETECTION, SourceKind.INSPECTION]
        )


class SourceRow(ScopedModelMixin, models.Model):
    """One data row of a source batch, parsed, and its link to an employer (or why not).

    Scope: a row is visible where its district is (``district``), once linked where its employer
    is, and to the person who uploaded it; city and CDC see all. Enterprise managers never see
    source rows (tip-offs). Rejected rows keep no district (only the raw text), so a row refused
    for lying outside the uploader's jurisdiction is not shown to the other district. A row
    referred to another district (issue 6 item 1) is seen there too.
    """

    audited = True
    scope = Scope(
        enterprise="enterprise",
        district=("district_id", "referred_to_id"),
        town="town_id",
        zone="zone_id",
        uploader="batch__uploaded_by",
        regulators_only=True,
    )

    # FK indexes that a composite index or constraint already covers are left out: every index
    # costs time on each of the hundreds of thousands of rows an intake writes.
    batch = models.ForeignKey(
        SourceBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row_number = models.PositiveIntegerField("行号")
    raw = models.JSONField("原始数据", default=dict, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=30, blank=True)
    name = models.CharField("用人单位名称", max_length=200, blank=True)
    district = models.ForeignKey(
        "registry.Region",
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    town = models.ForeignKey(
        "registry.Region",
        verbose_name="乡镇街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    zone = models.ForeignKey(
        "registry.Region",
        verbose_name="功能区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text="功能区人员上传的行归属其功能区",
    )
    industry = models.ForeignKey(
        "registry.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    event_date = models.DateField("日期", null=True, blank=True, help_text="体检/检测/发现/申报/状态日期")
    reference_no = models.CharField("编号", max_length=60, blank=True, help_text="报告编号或申报回执编号")
    category = models.CharField("类别", max_length=60, blank=True, help_text="检查类别、检测类型或申报类型")
    institution = models.CharField("机构", max_length=200, blank=True)
    hazards = models.JSONField(
        "危害因素",
        default=list,
        blank=True,
        help_text='[{"name": 原文名称, "factor_id": 危害因素ID或null, "count": 人数或null}]',
    )
    employees = models.PositiveIntegerField("从业人员数", null=True, blank=True)
    exposed_total = models.PositiveIntegerField("接害总人数", null=True, blank=True)
    headcount = models.PositiveIntegerField("人数", null=True, blank=True)
    points = models.PositiveIntegerField("检测点数", null=True, blank=True)
    over_limit_points = models.PositiveIntegerField("超标点数", null=True, blank=True)
    origin = models.CharField("线索来源", max_length=12, choices=Origin.choices, blank=True)
    remark = models.TextField("备注", blank=True)
    data = models.JSONField(
        "其他字段",
        default=dict,
        blank=True,
        help_text="按来源类型的其他字段，以及与登记信息不一致之处（differences）",
    )

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="用人单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_rows",
        db_index=False,
    )
    link_method = models.CharField("关联方式", max_length=12, choices=LinkMethod.choices, blank=True)
    link_score = models.FloatField("匹配得分", null=True, blank=True)
    candidates = models.JSONField("候选单位", default=list, blank=True, help_text="[[用人单位ID, 得分], …]")
    referred_to = models.ForeignKey(
        "registry.Region",
        verbose_name="转交核实",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text="该行匹配到上传人辖区以外的单位时，转交该单位所在区县（及市级）核实",
    )
    status = models.CharField("状态", max_length=10, choices=RowStatus.choices)
    error = models.TextField("错误", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核对人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField("核对时间", null=True, blank=True)
    history = models.JSONField("关联记录", default=list, blank=True)

    objects = SourceRowQuerySet.as_manager()

    class Meta:
        verbose_name = "来源数据行"
        verbose_name_plural = "来源数据行"
        ordering = ["batch_id", "row_number"]
        indexes = [
            models.Index(fields=["status", "district"]),
            models.Index(fields=["enterprise", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="intake_row_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number} {self.name}"

    def save(self, *args, **kwargs):
        if getattr(self, "_redacted", False):
            raise RuntimeError("a source row as shown to a viewer (seen_through) cannot be saved")
        super().save(*args, **kwargs)

    def audit_scope(self) -> dict:
        return {"district_code": self.district_id or "", "zone_code": "", "enterprise_id": self.enterprise_id}

    @property
    def note(self) -> str:
        """The error, or why the row waits for review, and a note on a code that fails its check."""
        data = self.data or {}
        parts = [self.error or data.get("review_reason", ""), data.get("uscc_warning", "")]
        return "；".join(p for p in parts if p)

    @property
    def hazard_names(self) -> list[str]:
        return [h.get("name", "") for h in self.hazards or []]

    @property
    def hazard_factor_ids(self) -> list[int]:
        return [h["factor_id"] for h in self.hazards or [] if h.get("factor_id")]

    @property
    def candidate_ids(self) -> list[int]:
        return [int(c[0]) for c in self.candidates or []]

    def referenced_enterprise_ids(self) -> set[int]:
        """Every employer this row names: its link and its candidates."""
        ids = {int(c[0]) for c in self.candidates or [] if int(c[0]) > 0}
        if self.enterprise_id:
            ids.add(self.enterprise_id)
        return ids

    def seen_through(self, visible: set[int] | None) -> SourceRow:
        """The row as a viewer who may see the employers ``visible`` (None = all) is shown it.

        Nothing of an employer outside the viewer's scope is shown: not its id, name or code
        (the link), not its id and score among the candidates, not the differences against its
        register record, not the history of decisions naming it. The row itself is returned
        when nothing is hidden; otherwise an unsaved copy that refuses to be saved.
        """
        if visible is None or self.referenced_enterprise_ids() <= visible:
            return self
        copy = SourceRow(**{f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields})
        copy._state.adding = False
        copy._state.db = self._state.db
        copy._state.fields_cache = {k: v for k, v in self._state.fields_cache.items() if k != "enterprise"}
        copy._redacted = True
        copy.candidates = [c for c in self.candidates or [] if int(c[0]) in visible]
        copy.history = []
        data = {k: v for k, v in (self.data or {}).items() if k not in HIDDEN_DATA_KEYS}
        if self.enterprise_id and self.enterprise_id not in visible:
            copy.enterprise = None
            copy.link_method, copy.link_score = "", None
            data["review_reason"] = OUTSIDE_DECIDED
        elif self.status == RowStatus.REVIEW and (self.referred_to_id or not copy.candidates):
            data["review_reason"] = OUTSIDE_REFERRED
        copy.data = data
        return copy


# What a viewer is told about a row that concerns an employer outside its scope (issue 6 item 1).
OUTSIDE_REFERRED = "该记录涉及其他辖区的单位，已转市级核实"
OUTSIDE_DECIDED = "该记录涉及其他辖区的单位，已由市级或所在区县核实"
# Row data that describes the linked employer's register record (not the row's own values).
HIDDEN_DATA_KEYS = frozenset({"differences", "declaration_skipped"})


LINK_COUNT_KEYS = ("uscc", "name_exact", "former_name", "fuzzy", "manual")


def linked_total(counts: dict) -> int:
    return sum(int(counts.get(k, 0)) for k in LINK_COUNT_KEYS)
