"""Register endpoints: employers (scoped, writable through actions) and regions/industries (reference)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ohsteward.core.api.jobs import JobAcceptedSerializer, job_accepted
from ohsteward.core.api.pagination import PkFirstPageNumberPagination
from ohsteward.core.api.viewsets import ExportMixin, ReferenceViewSet, ScopedModelViewSet
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.registry import actions, rules
from ohsteward.registry.api.serializers import (
    ChangeRequestResultSerializer,
    ChangeRequestSerializer,
    EnterpriseSerializer,
    IndustrySerializer,
    RegionSerializer,
    WorkplaceSerializer,
)
from ohsteward.registry.filtersets import (
    EnterpriseFilterSet,
    IndustryFilterSet,
    RegionFilterSet,
    WorkplaceFilterSet,
)
from ohsteward.registry.jobs import start_import_job
from ohsteward.registry.models import Enterprise, Industry, Region, Workplace
from ohsteward.registry.tables import EnterpriseTable, IndustryTable, RegionTable, WorkplaceTable

USCC_PARAM = OpenApiParameter(
    "uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（18位）"
)


@extend_schema_view(
    list=extend_schema(summary="用人单位列表（仅限管辖范围）"),
    retrieve=extend_schema(summary="按统一社会信用代码查看用人单位", parameters=[USCC_PARAM]),
    create=extend_schema(summary="新增用人单位"),
    export=extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, description=str(f.label))
            for name, f in EnterpriseFilterSet.base_filters.items()
        ]
    ),
)
class EnterpriseViewSet(ExportMixin, ScopedModelViewSet):
    queryset = Enterprise.objects.select_related("region", "town", "zone", "industry")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    pagination_class = PkFirstPageNumberPagination
    lookup_field = "uscc"
    table_class = EnterpriseTable
    export_filename = "用人单位"

    def get_object(self):
        self.kwargs[self.lookup_field] = rules.uscc_clean(self.kwargs.get(self.lookup_field, ""))
        return super().get_object()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("change_reason", None)
        serializer.instance = actions.enterprise_create(user=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason", "")
        serializer.instance, self.change_requests = actions.enterprise_submit(
            user=self.request.user, enterprise=serializer.instance, data=data, reason=reason
        )

    @extend_schema(
        summary="修改用人单位（部分字段）",
        parameters=[USCC_PARAM],
        responses={200: EnterpriseSerializer, 202: ChangeRequestResultSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        """An employer's own manager: status (停产停业/注销) and industry changes become change
        requests for the district (202, the register keeps its value until confirmed); the other
        fields are written. ``change_reason`` (optional) explains the request."""
        self.change_requests = []
        response = super().partial_update(request, *args, **kwargs)
        if not self.change_requests:
            return response
        return Response(
            {
                "detail": "经营状态、注销和行业的变更已提交所在区县确认，确认前名录中仍为原值",
                "enterprise": response.data,
                "change_requests": ChangeRequestSerializer(self.change_requests, many=True).data,
            },
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema_view(
    list=extend_schema(summary="工作场所列表（仅限管辖范围）"),
    retrieve=extend_schema(summary="查看工作场所"),
    create=extend_schema(summary="新增工作场所"),
    partial_update=extend_schema(summary="修改工作场所名称"),
)
class WorkplaceViewSet(ExportMixin, ScopedModelViewSet):
    queryset = Workplace.objects.select_related("enterprise")
    serializer_class = WorkplaceSerializer
    filterset_class = WorkplaceFilterSet
    table_class = WorkplaceTable
    export_filename = "工作场所"

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = actions.workplace_create(
            user=self.request.user, enterprise=data["enterprise"], name=data["name"]
        )

    def perform_update(self, serializer):
        serializer.instance = actions.workplace_update(
            user=self.request.user, workplace=serializer.instance, data=dict(serializer.validated_data)
        )


class RegionViewSet(ReferenceViewSet):
    """行政区划 and functional zones; detail by code."""

    table_class = RegionTable
    export_filename = "行政区划"
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_class = RegionFilterSet


class IndustryViewSet(ReferenceViewSet):
    """GB/T 4754-2017 industries with their risk class; detail by code."""

    table_class = IndustryTable
    export_filename = "国民经济行业"
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    lookup_field = "code"
    filterset_class = IndustryFilterSet


class EnterpriseImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="用人单位名单（.xlsx/.xls/.csv，模板见网页“导入”）")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="只预检，不写入")
    partial = serializers.BooleanField(
        required=False, default=False, help_text="仅导入无误的行（默认：有错误行则全部不导入）"
    )


class EnterpriseImportView(APIView):
    """POST /api/v1/enterprises/import/: queue an import of an employer list (202, a job)."""

    parser_classes = [MultiPartParser, FormParser]
    permission_model = Enterprise
    permission_action = "add"

    @extend_schema(
        summary="导入用人单位名单（后台任务：202，进度与结果见 status_url）",
        request={"multipart/form-data": EnterpriseImportSerializer},
        responses={202: JobAcceptedSerializer},
    )
    def post(self, request):
        form = EnterpriseImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            job = start_import_job(
                user=request.user,
                filename=upload.name,
                content=upload.read(),
                dry_run=form.validated_data["dry_run"],
                partial=form.validated_data["partial"],
            )
        except SpreadsheetError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from None
        return job_accepted(job)
