"""API of personal dose monitoring: ``dose-records/`` (create by the radiation technical service
institution, list, detail, ``export/``), ``dose-records/missing/`` (radiation workers without a
record for a period) and ``dose-records/rates/`` (monitoring rate per employer or district)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet
from ohsteward.surveillance.dose import actions, queries, rules
from ohsteward.surveillance.dose.filtersets import DoseRecordFilterSet
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.dose.tables import DoseRecordTable
from ohsteward.surveillance.exams.api import InstitutionField
from ohsteward.surveillance.models import Worker


class DoseRecordSerializer(serializers.ModelSerializer):
    worker = serializers.PrimaryKeyRelatedField(
        queryset=Worker.objects.none(), help_text="劳动者编号（workers/ 的 id）"
    )
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="worker.person.id_number_masked", read_only=True)
    institution = InstitutionField(help_text="监测机构名称或统一社会信用代码")
    investigation_verified = serializers.SerializerMethodField()

    class Meta:
        model = DoseRecord
        fields = [
            "id", "worker", "worker_name", "id_number_masked", "institution", "period_start", "period_end",
            "hp10", "hp007", "investigation_level", "above_investigation", "investigation_verified",
            "report_number", "note", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "investigation_level", "above_investigation", "created_at"]
        extra_kwargs = {"period_end": {"required": False}, "hp007": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["worker"].queryset = Worker.objects.for_user(request.user)

    def get_investigation_verified(self, obj) -> bool:
        return rules.INVESTIGATION_VERIFIED


def _period(request) -> dt.date:
    text = request.query_params.get("period_start")
    if not text:
        return rules.previous_period(timezone.localdate())[0]
    try:
        return rules.period_of(dt.date.fromisoformat(text))[0]
    except ValueError:
        raise ApiValidationError({"period_start": "日期格式应为 YYYY-MM-DD"}) from None


class DoseRecordViewSet(ExportMixin, ScopedModelViewSet):
    """个人剂量监测记录：放射卫生技术服务机构按劳动者、按监测周期（默认季度）上传 Hp(10)；
    超过调查水平（设置项，未核对）的记录标记 ``above_investigation``。"""

    queryset = DoseRecord.objects.select_related("worker__person", "worker__enterprise", "institution")
    serializer_class = DoseRecordSerializer
    filterset_class = DoseRecordFilterSet
    table_class = DoseRecordTable
    export_filename = "个人剂量监测记录"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        record = actions.dose_record(
            user=self.request.user,
            worker=d["worker"],
            institution=d["institution"],
            period_start=d["period_start"],
            period_end=d.get("period_end"),
            hp10=d["hp10"],
            hp007=d.get("hp007"),
            report_number=d.get("report_number", ""),
            note=d.get("note", ""),
        )
        serializer.instance = self.get_queryset().get(pk=record.pk)

    @extend_schema(summary="某监测周期应监测而无记录的放射工作人员（period_start，默认上一季度）")
    @action(detail=False, methods=["get"], url_path="missing", pagination_class=None)
    def missing(self, request):
        start = _period(request)
        rows = queries.missing_for_period(request.user, start).select_related("person", "enterprise")[:1000]
        return Response(
            {
                "period_start": start,
                "period": rules.period_label(start),
                "workers": [
                    {"id": w.pk, "name": w.name, "id_number_masked": w.person.id_number_masked,
                     "enterprise": w.enterprise.uscc}
                    for w in rows
                ],
            }
        )  # fmt: skip

    @extend_schema(
        summary="个人剂量监测率（by=enterprise 或 district；period_start 默认上一季度；分医用/非医用）"
    )
    @action(detail=False, methods=["get"], url_path="rates", pagination_class=None)
    def rates(self, request):
        start = _period(request)
        by = request.query_params.get("by", "enterprise")
        if by not in ("enterprise", "district"):
            raise ApiValidationError({"by": "应为 enterprise 或 district"})
        rows = queries.monitoring_rates(request.user, start, by=by)
        return Response(
            {
                "period_start": start,
                "medical_basis": queries.medical_basis(),
                "rows": [
                    {
                        "key": r.key, "name": r.label, "workers": r.workers, "monitored": r.monitored, "rate": r.rate,
                        "medical": {"workers": r.medical_workers, "monitored": r.medical_monitored, "rate": r.medical_rate},
                        "non_medical": {
                            "workers": r.non_medical_workers, "monitored": r.non_medical_monitored,
                            "rate": r.non_medical_rate,
                        },
                    }
                    for r in rows
                ],
            }
        )  # fmt: skip
