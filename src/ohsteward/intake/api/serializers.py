"""API representations of source batches and rows."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from ohsteward.core.api.fields import PlausibleDateField
from ohsteward.intake.choices import SourceKind
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.queries import batch_counts_for, visible_enterprise_ids


def _viewer(serializer):
    request = serializer.context.get("request")
    if request is None:  # default-deny: a row or batch is only ever shown to somebody
        raise RuntimeError("intake serializers need the request in their context")
    return request.user


class SourceBatchSerializer(serializers.ModelSerializer):
    """A batch; ``counts`` over the rows the caller may see (issue 6 item 12)."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    counts = serializers.SerializerMethodField()

    def get_counts(self, obj) -> dict:
        known = self.context.get("batch_counts") or {}
        return known[obj.pk] if obj.pk in known else batch_counts_for(_viewer(self), obj)

    class Meta:
        model = SourceBatch
        fields = [
            "id",
            "kind",
            "kind_label",
            "department",
            "received_on",
            "file_name",
            "checksum",
            "uploaded_by",
            "uploaded_at",
            "status",
            "status_label",
            "progress",
            "mode",
            "counts",
            "message",
            "column_map",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SourceKind.choices, help_text="来源类型")
    file = serializers.FileField(help_text=f".xlsx/.xls/.csv，≤ {settings.OHSTEWARD_MAX_UPLOAD_MB} MB")
    department = serializers.CharField(required=False, allow_blank=True, max_length=100)
    received_on = PlausibleDateField(required=False)
    valid_rows_only = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(required=False, default=False)
    column_map = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="文件列名 → 模板列名（空字符串表示忽略）",
    )


class UploadResultSerializer(serializers.Serializer):
    batch = SourceBatchSerializer(allow_null=True)
    duplicate = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    refused = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    errors = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="已导入但需注意的行（如信用代码校验位错误）"
    )


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField(allow_null=True)
    region = serializers.CharField()
    score = serializers.FloatField()


class SourceRowSerializer(serializers.ModelSerializer):
    """A source row as the caller is shown it: nothing of an employer outside the caller's scope
    (link, candidates, differences), see ``SourceRow.seen_through``."""

    kind = serializers.CharField(source="batch.kind", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", default=None, read_only=True)
    review_reason = serializers.SerializerMethodField()

    class Meta:
        model = SourceRow
        fields = [
            "id",
            "batch",
            "kind",
            "row_number",
            "uscc",
            "name",
            "district",
            "town",
            "industry",
            "event_date",
            "reference_no",
            "category",
            "institution",
            "hazards",
            "employees",
            "exposed_total",
            "headcount",
            "points",
            "over_limit_points",
            "origin",
            "remark",
            "data",
            "enterprise",
            "enterprise_name",
            "link_method",
            "link_score",
            "candidates",
            "status",
            "error",
            "review_reason",
            "decided_at",
            "raw",
        ]
        read_only_fields = fields

    def get_review_reason(self, obj) -> str:
        return (obj.data or {}).get("review_reason", "")

    def to_representation(self, instance):
        visible = self.context.get("visible_enterprises", ())
        if visible == ():  # not prepared for a page by the view: look up this row's employers
            visible = visible_enterprise_ids(_viewer(self), [instance])
        return super().to_representation(instance.seen_through(visible))


class ReviewRowSerializer(SourceRowSerializer):
    candidate_details = serializers.SerializerMethodField()

    class Meta(SourceRowSerializer.Meta):
        fields = [*SourceRowSerializer.Meta.fields, "candidate_details"]
        read_only_fields = fields

    def get_candidate_details(self, obj) -> list[dict]:
        found = self.context.get("candidates", {})
        return [
            {"id": e.pk, "name": e.name, "uscc": e.uscc, "region": e.region.name, "score": score}
            for cid, score in obj.candidates or []
            if (e := found.get(int(cid))) is not None
        ]


class LinkSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="关联到的用人单位 ID")


class CreateSerializer(serializers.Serializer):
    district = serializers.CharField(required=False, allow_blank=True, help_text="来源数据没有区县时必填")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MergeSerializer(serializers.Serializer):
    keep = serializers.IntegerField(help_text="保留的用人单位 ID")
    merge = serializers.IntegerField(help_text="并入后删除的用人单位 ID")
