"""One entry of the regulations and standards library: a law, regulation, rule, normative
document, standard or interpretation that the platform's rules cite."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from ohsteward.core.models import TimeStampedModel
from ohsteward.library.choices import RegulationKind, RegulationStatus


class RegulationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reference data: whoever may view the library (every role, the permission matrix) sees
        every entry; anonymous users see none."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.all()

    def current(self):
        return self.filter(status=RegulationStatus.CURRENT)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        q = models.Q()
        for field in ("number", "title", "issuer", "aliases", "interpretation"):
            q |= models.Q(**{f"{field}__icontains": text})
        return self.filter(q)


class Regulation(TimeStampedModel):
    """A source the system applies: ``number`` is how it is cited ("GBZ 2.1-2019",
    "渝卫发〔2023〕62号"); ``aliases`` are the short forms the rules' docstrings and pages use
    ("GBZ 2.1", "000", "职业病防治法"), one per line — ``citations.resolve`` matches them."""

    audited = True

    number = models.CharField("文号/标准号", max_length=80, unique=True)
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=RegulationKind.choices)
    issuer = models.CharField("发布机关", max_length=200, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RegulationStatus.choices, default=RegulationStatus.CURRENT
    )
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    unverified = models.BooleanField(
        "未核对", default=False, help_text="日期、文号或状态来自第三方资料，尚未与官方文本核对"
    )
    url = models.URLField("原文链接", max_length=500, blank=True)
    interpretation = models.TextField("简要解读", blank=True, help_text="用通俗的话说明与用人单位有关的要点")
    aliases = models.TextField("引用简称", blank=True, help_text="系统规则引用时使用的简称，每行一个")
    superseded_by = models.ForeignKey(
        "self", verbose_name="被替代为", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supersedes",
    )  # fmt: skip
    file_name = models.CharField("原文文件名", max_length=200, blank=True)
    file_type = models.CharField("原文文件类型", max_length=100, blank=True)
    file_size = models.PositiveIntegerField("原文文件大小（字节）", null=True, blank=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = "法律法规标准"
        verbose_name_plural = "法律法规标准"
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("library:regulation_detail", args=[self.pk])

    def audit_scope(self) -> dict:
        return {"district_code": "", "zone_code": "", "enterprise_id": None}

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    @property
    def repealed(self) -> bool:
        return self.status == RegulationStatus.REPEALED


class RegulationFile(models.Model):
    """The bytes of an entry's full text (PDF, Office), out of the audit trail."""

    regulation = models.OneToOneField(Regulation, on_delete=models.CASCADE, related_name="file")
    data = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "法规原文文件"
        verbose_name_plural = "法规原文文件"

    def __str__(self) -> str:
        return self.regulation.file_name
