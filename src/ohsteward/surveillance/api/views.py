"""Viewsets of surveillance: scoped (``ScopedModelViewSet``), writes through ``actions``."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet
from ohsteward.surveillance import actions, schedule
from ohsteward.surveillance.api.serializers import (
    ScheduleInSerializer,
    ScheduleOutSerializer,
    WorkerSerializer,
)
from ohsteward.surveillance.filtersets import WorkerFilterSet
from ohsteward.surveillance.models import Worker, WorkerPost
from ohsteward.surveillance.tables import WorkerTable


class WorkerViewSet(ExportMixin, ScopedModelViewSet):
    """劳动者：列表、详情、新增、部分修改。``id_number`` 只写，响应只含 ``id_number_masked``。
    筛选：``enterprise``（统一社会信用代码）、``region``（区县代码）、``due=overdue|next_30_days|never``。"""

    queryset = Worker.objects.select_related("person", "enterprise").prefetch_related(
        Prefetch(
            "posts",
            queryset=WorkerPost.objects.select_related("post__workplace")
            .prefetch_related("post__exposures__hazard_factor")
            .order_by("-start_date", "pk"),
        )
    )
    serializer_class = WorkerSerializer
    filterset_class = WorkerFilterSet
    table_class = WorkerTable
    export_filename = "劳动者名单"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("enterprise_id", "name", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        number = data.pop("id_number")
        serializer.instance = actions.worker_create(
            user=self.request.user, enterprise=enterprise, id_number=number, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("enterprise", None)
        number = data.pop("id_number", None)
        serializer.instance = actions.worker_update(
            user=self.request.user, worker=serializer.instance, id_number=number, **data
        )


class ScheduleView(APIView):
    """职业健康检查周期计算（无状态）：按 GBZ 188-2014（2026-08-01 起 GBZ 188-2025，未核对）
    取各危害因素中最短的在岗期间检查周期；作业分级未知或无噪声检测结果时从严。"""

    @extend_schema(
        request=ScheduleInSerializer, responses=ScheduleOutSerializer, summary="计算下次在岗期间检查日期"
    )
    def post(self, request):
        data = ScheduleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exposures = [
            schedule.Exposure(e["factor"].code, e["factor"].name, e.get("l_ex_8h"), e.get("grade") or None)
            for e in data.validated_data["exposures"]
        ]
        interval, next_due = schedule.next_periodic_due(
            exposures, on=data.validated_data["on"], leave_on=data.validated_data.get("leave_on")
        )
        return Response(
            ScheduleOutSerializer(
                {
                    "interval_months": interval.interval_months,
                    "next_due": next_due,
                    "standard": interval.standard,
                    "verified": interval.verified,
                    "basis": [
                        {"factor": b.factor, "interval_months": b.interval_months, "reason": b.reason}
                        for b in interval.basis
                    ],
                }
            ).data
        )
