"""API of the indicators: the library, figures per region and period, the records behind one."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.accounts import access
from ohsteward.core.api.jobs import JobAcceptedSerializer, job_accepted
from ohsteward.core.api.pagination import PageNumberPagination
from ohsteward.core.api.permissions import RolePermission
from ohsteward.core.api.viewsets import AuditedViewMixin, ExportMixin
from ohsteward.core.spreadsheets import XLSX_MIME, bytes_response, write_xlsx
from ohsteward.indicators import areas, exports, figures, jobs
from ohsteward.indicators.figures import Figure
from ohsteward.indicators.models import DispatchInput, Indicator, IndicatorSnapshot, MonthlyDispatch, Target
from ohsteward.indicators.records import link_of, part_records, with_related
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tables import MonthlyDispatchTable

LEVELS = ("city", "district", "town")
LIBRARY_COLUMNS = [
    ("code", "代码"),
    ("name", "指标"),
    ("definition", "定义"),
    ("unit", "单位"),
    ("direction", "方向"),
    ("source_document", "依据文件"),
    ("source_clause", "条款"),
    ("no_data_reason", "无数据原因"),
]


class TargetSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = Target
        fields = ["level", "region", "period_kind", "year", "value", "source"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "group",
            "definition",
            "numerator",
            "denominator",
            "options",
            "unit",
            "direction",
            "source_document",
            "source_clause",
            "no_data_reason",
            "verified",
            "targets",
        ]


class IndicatorViewSet(AuditedViewMixin, viewsets.ReadOnlyModelViewSet):
    """指标库：每项指标的定义、分子分母查询名、单位、依据文件和条款、方向与目标。"""

    queryset = Indicator.objects.filter(active=True).prefetch_related("targets").order_by("order", "code")
    serializer_class = IndicatorSerializer
    permission_classes = [RolePermission]
    lookup_field = "code"

    @extend_schema(summary="导出指标库为 .xlsx", responses={(200, XLSX_MIME): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request):
        rows = (
            [i.code, i.name, i.definition, i.get_unit_display(), i.get_direction_display(), i.source_document,
             i.source_clause, i.no_data_reason]
            for i in self.get_queryset()
        )  # fmt: skip
        content = write_xlsx(LIBRARY_COLUMNS, rows, sheet="指标库")
        return bytes_response(f"指标库-{timezone.localdate():%Y%m%d}.xlsx", content, XLSX_MIME)


class IndicatorValueSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    team = serializers.IntegerField(allow_null=True, help_text="管家服务团队 id（team=… 请求时）")
    period = serializers.CharField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    target = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    no_data = serializers.CharField()


def value_row(f: Figure) -> dict:
    return {
        "indicator": f.indicator.code,
        "region": None if f.area.level == "team" else f.area.code,  # None: the whole city
        "team": int(f.area.code or 0) if f.area.level == "team" else None,
        "period": f.period.code,
        "numerator": f.numerator,
        "denominator": f.denominator,
        "value": f.value,
        "target": f.target,
        "met": f.met,
        "no_data": f.no_data,
    }


class RecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField()


PARAMS = [
    OpenApiParameter("region", OpenApiTypes.STR, description="区域代码（区县或乡镇街道）；省略为本人辖区"),
    OpenApiParameter(
        "team", OpenApiTypes.INT, description="管家服务团队 id：该团队期内服务的用人单位（代替 region）"
    ),
    OpenApiParameter("period", OpenApiTypes.STR, description="期间：2025、2025Q2 或 2025-03；省略为今年"),
]


class IndicatorValueViewSet(AuditedViewMixin, viewsets.ViewSet):
    """指标值：请求时按记录实时计算。"""

    permission_classes = [RolePermission]
    # the model whose view permission guards the figures (the rows are figures, not these objects)
    queryset = Indicator.objects.none()
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def _period(self, request):
        try:
            return parse_period(request.query_params.get("period") or str(timezone.localdate().year))
        except ValueError as exc:
            raise serializers.ValidationError({"period": str(exc)}) from exc

    @extend_schema(
        parameters=[
            *PARAMS,
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                enum=list(LEVELS),
                description="行的层级：district 为区域内各区县，town 为各乡镇街道",
            ),
            OpenApiParameter("indicator", OpenApiTypes.STR, description="只算这一项指标（代码）"),
        ],
        responses={200: IndicatorValueSerializer(many=True)},
        summary="指标值（分子、分母、值、目标、是否达标）",
    )
    def list(self, request):
        return Response(
            IndicatorValueSerializer([value_row(f) for f in self._figures(request)], many=True).data
        )

    @extend_schema(
        parameters=PARAMS,
        summary="导出指标值为 .xlsx（与列表相同的参数）",
        responses={(200, XLSX_MIME): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        rows = self._figures(request)
        names = areas.names([f.area for f in rows])
        content = exports.figures_xlsx(rows, names, sheet="指标值")
        return bytes_response(f"指标值-{timezone.localdate():%Y%m%d}.xlsx", content, XLSX_MIME)

    def _figures(self, request) -> list[Figure]:
        area = areas.requested_area(request.user, request.query_params)
        period = self._period(request)
        level = request.query_params.get("level")
        if level and level not in LEVELS:
            raise serializers.ValidationError({"level": f"应为 {', '.join(LEVELS)} 之一"})
        targets = areas.child_areas(request.user, area, level) if level and level != area.level else [area]
        library = list(figures.library())
        code = request.query_params.get("indicator")
        if code:
            library = [i for i in library if i.code == code]
            if not library:
                raise Http404
        # one indicator at a time over every area (the districts counted together), rows by area
        by_indicator = {
            i.code: dict(zip(targets, figures.compute_many(i, request.user, targets, period), strict=True))
            for i in library
        }
        return [by_indicator[i.code][a] for a in targets for i in library if figures.applies_to(i, a)]

    @extend_schema(
        parameters=[
            *PARAMS,
            OpenApiParameter(
                "part",
                OpenApiTypes.STR,
                enum=["numerator", "denominator", "missing"],
                description="分子、分母或未达记录",
            ),
        ],
        responses={200: RecordSerializer(many=True)},
        summary="指标值背后的记录（与数字同一查询）",
    )
    @action(detail=True, methods=["get"])
    def records(self, request, code=None):
        indicator = Indicator.objects.filter(code=code, active=True).first()
        if indicator is None:
            raise Http404
        area = areas.requested_area(request.user, request.query_params)
        if not figures.applies_to(indicator, area):
            raise Http404
        period = self._period(request)
        part = request.query_params.get("part") or "numerator"
        qs = part_records(indicator, part, request.user, area, period)
        paginator = PageNumberPagination()
        pks = paginator.paginate_queryset(qs.values_list("pk", flat=True), request, view=self)
        by_pk = with_related(qs.model._default_manager.filter(pk__in=list(pks or []))).in_bulk()
        rows = [
            {"id": pk, "label": str(by_pk[pk]), "url": link_of(by_pk[pk])} for pk in pks or [] if pk in by_pk
        ]
        return paginator.get_paginated_response(RecordSerializer(rows, many=True).data)


class DispatchInputSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = DispatchInput
        fields = ["indicator", "numerator", "denominator", "source", "source_date"]


class MonthlyDispatchSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="district_id")
    period = serializers.CharField(source="month")
    inputs = DispatchInputSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyDispatch
        fields = ["id", "region", "period", "comments", "problems", "inputs", "updated_at"]


class MonthlyDispatchViewSet(ExportMixin, AuditedViewMixin, viewsets.ReadOnlyModelViewSet):
    """月调度：各区县每月填报的数字（来源、日期）、工作进展与问题（按辖区可见）。"""

    table_class = MonthlyDispatchTable
    export_filename = "月调度"

    queryset = MonthlyDispatch.objects.all()
    serializer_class = MonthlyDispatchSerializer
    permission_classes = [RolePermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description="区县代码"),
            OpenApiParameter(
                "period", OpenApiTypes.STR, description="月份，如 2025-03；年份 2025 为全年各月"
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = MonthlyDispatch.objects.for_user(self.request.user).prefetch_related("inputs__indicator")
        region = self.request.query_params.get("region")
        if region:
            qs = qs.filter(district_id=region)
        period = self.request.query_params.get("period")
        if period:
            qs = qs.filter(month__startswith=period)
        return qs.order_by("-month", "district_id")


class ReportRequestSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="2025、2025Q2 或 2025-03")
    format = serializers.ChoiceField(choices=list(jobs.FORMATS))


class ReportViewSet(AuditedViewMixin, viewsets.ViewSet):
    """季度、年度报表（.xlsx）与通报（.docx）：后台任务生成，完成后从任务下载（市级用户）。"""

    permission_classes = [RolePermission]
    queryset = IndicatorSnapshot.objects.none()  # adding one is the city's right: so is a report

    @extend_schema(
        request=ReportRequestSerializer, responses={202: JobAcceptedSerializer}, summary="生成报表或通报"
    )
    def create(self, request):
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not access.is_citywide(request.user):
            raise Http404
        try:
            job = jobs.start_report_job(
                user=request.user, period=body.validated_data["period"], fmt=body.validated_data["format"]
            )
        except ValueError as exc:
            raise serializers.ValidationError({"period": str(exc)}) from exc
        return job_accepted(job)


ROUTES = [
    ("indicators", IndicatorViewSet, "indicator"),
    ("indicator-values", IndicatorValueViewSet, "indicator-value"),
    ("dispatches", MonthlyDispatchViewSet, "monthly-dispatch"),
    ("reports", ReportViewSet, "indicator-report"),
]


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
