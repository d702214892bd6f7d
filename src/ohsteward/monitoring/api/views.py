"""API of monitoring (field and filter names fixed by issue 11): ``detection-reports/``,
``measurements/`` (filters ``enterprise`` (credit code), ``region``, ``factor``, ``compliant``,
``year``, ``institution``), ``rectifications/`` (``status`` = open/overdue/closed, ``region``,
``enterprise``), ``detection-due/`` (``region``, ``overdue=true|false``); each with ``export/``.
Writes go through ``monitoring.actions``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from ohsteward.hazards.lookup import UnknownFactor, catalogue_factor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring import actions, queries
from ohsteward.monitoring.choices import MeasureType, ReportKind
from ohsteward.monitoring.filtersets import (
    DetectionDueFilterSet,
    DetectionReportFilterSet,
    MeasurementFilterSet,
    RectificationTaskFilterSet,
)
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.monitoring.tables import (
    DetectionDueTable,
    DetectionReportTable,
    MeasurementTable,
    RectificationTaskTable,
)
from ohsteward.registry.models import Enterprise


class DetectionReportSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    institution = serializers.SlugRelatedField(
        slug_field="uscc", queryset=Institution.objects.all(), required=False
    )
    kind = serializers.ChoiceField(choices=ReportKind.choices)

    class Meta:
        model = DetectionReport
        fields = [
            "id", "kind", "number", "institution", "enterprise", "enterprise_name",
            "sampling_start", "sampling_end", "issued_on", "note",
        ]  # fmt: skip
        validators: list = []  # the action says "报告编号 … 已用于另一用人单位"


class LimitSerializer(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    standard = serializers.CharField()
    version = serializers.CharField()
    verified = serializers.BooleanField()


class MeasurementSerializer(serializers.ModelSerializer):
    """One post × factor with its stored judgement (names as ``exposure/assess/``)."""

    report = serializers.PrimaryKeyRelatedField(queryset=DetectionReport.objects.all())
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    region = serializers.CharField(source="enterprise.region_id", read_only=True)
    workplace = serializers.CharField(source="post.workplace.name")
    post = serializers.CharField(source="post.name")
    factor = serializers.CharField(source="factor.name")
    factor_code = serializers.CharField(source="factor.code", read_only=True)
    measured_on = serializers.DateField(required=False)
    inputs = serializers.JSONField()
    limit = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id", "report", "enterprise", "region", "workplace", "post", "factor", "factor_code", "kind",
            "measured_on", "inputs", "c_twa", "c_ste", "c_me", "peak_ratio", "l_ex_8h", "l_ex_w", "value",
            "unit", "limit", "ratio", "exposure_level", "compliant", "grade", "verified", "explanation",
            "mixture", "over_limit",
        ]  # fmt: skip
        read_only_fields = [
            "kind", "c_twa", "c_ste", "c_me", "peak_ratio", "l_ex_8h", "l_ex_w", "value", "unit",
            "ratio", "exposure_level", "compliant", "verified", "explanation", "mixture", "over_limit",
        ]  # fmt: skip
        validators: list = []

    def get_limit(self, m) -> list[dict]:
        keys = ("type", "value", "unit", "standard", "version", "verified")
        return [{k: x.get(k) for k in keys} for x in m.limits]

    def get_grade(self, m) -> dict | None:
        if not m.grade_label:
            return None
        return {"level": m.grade_level, "label": m.grade_label, "standard": m.grade_standard,
                "verified": bool(m.grade_verified)}  # fmt: skip


class DetectionReportViewSet(ExportMixin, ScopedModelViewSet):
    """检测报告：机构为其服务的用人单位录入（报告编号在本机构内唯一且只对应一个用人单位）。"""

    queryset = DetectionReport.objects.select_related("enterprise", "institution").order_by(
        "-sampling_start", "-pk"
    )
    serializer_class = DetectionReportSerializer
    filterset_class = DetectionReportFilterSet
    table_class = DetectionReportTable
    export_filename = "检测报告"

    def perform_create(self, serializer):
        report = actions.report_save(user=self.request.user, data=dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=report.pk)

    def perform_update(self, serializer):
        report = actions.report_save(
            user=self.request.user, data=dict(serializer.validated_data), report=serializer.instance
        )
        serializer.instance = self.get_queryset().get(pk=report.pk)


class MeasurementViewSet(ExportMixin, ScopedModelViewSet):
    """岗位×危害因素的检测结果和系统判定（C_TWA、接触比值、接触水平、符合与否、作业分级、所用限值）。
    POST 录入一条（``inputs`` 同 ``exposure/assess/`` 的输入）；同样的输入再次提交不产生变化。"""

    queryset = Measurement.objects.select_related(
        "enterprise", "post__workplace", "factor", "report"
    ).order_by("-measured_on", "-pk")
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet
    table_class = MeasurementTable
    export_filename = "检测结果"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        report = data["report"]
        if not DetectionReport.objects.for_user(self.request.user).filter(pk=report.pk).exists():
            raise ValidationError({"report": "报告不存在或不在您的范围内"})
        try:
            factor = catalogue_factor(data["factor"]["name"])
        except UnknownFactor as e:
            raise ValidationError({"factor": [str(e)]}) from None
        measurement, _changed = actions.measurement_record(
            user=self.request.user,
            report=report,
            factor=factor,
            workplace_name=data["post"]["workplace"]["name"],
            post_name=data["post"]["name"],
            inputs=data.get("inputs") or {},
            measured_on=data.get("measured_on"),
        )
        serializer.instance = self.get_queryset().get(pk=measurement.pk)


class TaskOpenSerializer(serializers.Serializer):
    measurement = serializers.IntegerField()
    required_measures = serializers.ListField(child=serializers.ChoiceField(choices=MeasureType.choices))
    finding = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class RectificationSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region_id", read_only=True)
    # null for a task raised from a steward visit finding (``visit_finding``, issue 10 item 3)
    workplace = serializers.CharField(source="post.workplace.name", read_only=True, allow_null=True)
    post = serializers.CharField(source="post.name", read_only=True, allow_null=True)
    factor = serializers.CharField(source="factor.name", read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = RectificationTask
        fields = [
            "id", "enterprise", "enterprise_name", "region", "workplace", "post", "factor", "measurement",
            "finding", "required_measures", "deadline", "status", "closed_on", "closed_by", "visit_finding",
            "mixture_group",
        ]  # fmt: skip

    def get_status(self, task) -> str:
        if task.status == "closed":
            return "closed"
        return "overdue" if task.deadline < timezone.localdate() else "open"


class MeasureSerializer(serializers.Serializer):
    measure_type = serializers.ChoiceField(choices=MeasureType.choices)
    taken_on = serializers.DateField()
    description = serializers.CharField()
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RectificationViewSet(ExportMixin, ScopedModelViewSet):
    """整改任务：``status`` 为 open（整改中）、overdue（已逾期）、closed（复测合格已关闭）。
    POST 对一条不符合限值的检测结果（``measurement``）下达任务；用人单位用 ``measures/`` 记录已采取的措施。"""

    http_method_names = ["get", "post", "head", "options"]

    queryset = RectificationTask.objects.select_related("enterprise", "post__workplace", "factor").order_by(
        "deadline", "pk"
    )
    serializer_class = RectificationSerializer
    filterset_class = RectificationTaskFilterSet
    table_class = RectificationTaskTable
    export_filename = "超标整改任务"
    permission_action = None  # set per action (measures/: change)

    def create(self, request, *args, **kwargs):
        body = TaskOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        measurement = Measurement.objects.for_user(request.user).filter(pk=data.pop("measurement")).first()
        if measurement is None:
            raise ValidationError({"measurement": "检测结果不存在或不在您的范围内"})
        task = actions.rectification_open(user=request.user, measurement=measurement, **data)
        return Response(RectificationSerializer(self.get_queryset().get(pk=task.pk)).data, status=201)

    @action(detail=True, methods=["post"], permission_action="change", serializer_class=MeasureSerializer)
    def measures(self, request, pk=None):
        """记录一项整改措施（``measure_type``、``taken_on``、``description``、``evidence`` 文件）。"""
        task = self.get_object()
        body = MeasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        files = data.pop("evidence", [])
        actions.rectification_add_measure(user=request.user, task=task, data=data, files=files)
        return Response(RectificationSerializer(self.get_queryset().get(pk=task.pk)).data, status=201)


class DetectionDueSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="uscc")
    region = serializers.CharField(source="region_id")
    last_periodic_on = serializers.DateField()
    next_due = serializers.SerializerMethodField()
    interval_years = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["enterprise", "name", "region", "industry_risk", "last_periodic_on", "next_due",
                  "interval_years", "verified", "overdue"]  # fmt: skip

    def _due(self, e):
        return queries.due_of(e, timezone.localdate())

    def get_next_due(self, e) -> str | None:
        due = self._due(e).next_due
        return due.isoformat() if due else None

    def get_interval_years(self, e) -> int:
        return self._due(e).interval.years

    def get_verified(self, e) -> bool:
        return self._due(e).interval.verified

    def get_overdue(self, e) -> bool:
        return self._due(e).overdue(timezone.localdate())


class DetectionDueViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """定期检测到期：有职业病危害的用人单位、上次定期检测日期、下次应检日期（严重行业每年，其他每三年）。"""

    queryset = queries.detection_due().select_related("region").order_by("name", "pk")
    serializer_class = DetectionDueSerializer
    filterset_class = DetectionDueFilterSet
    table_class = DetectionDueTable
    export_filename = "定期检测到期"
    lookup_field = "uscc"
