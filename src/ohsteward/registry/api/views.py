"""Register endpoints: employers (scoped, writable through actions) and regions/industries (reference)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from ohsteward.api.pagination import PkFirstPageNumberPagination
from ohsteward.api.views import ExportMixin, ReferenceViewSet, ScopedModelViewSet
from ohsteward.registry import actions, rules
from ohsteward.registry.api.serializers import EnterpriseSerializer, IndustrySerializer, RegionSerializer
from ohsteward.registry.filtersets import EnterpriseFilterSet, IndustryFilterSet, RegionFilterSet
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tables import EnterpriseTable

USCC_PARAM = OpenApiParameter("uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（18位）")


@extend_schema_view(
    list=extend_schema(summary="用人单位列表（仅限管辖范围）"),
    retrieve=extend_schema(summary="按统一社会信用代码查看用人单位", parameters=[USCC_PARAM]),
    create=extend_schema(summary="新增用人单位"),
    partial_update=extend_schema(summary="修改用人单位（部分字段）", parameters=[USCC_PARAM]),
    export=extend_schema(parameters=[
        OpenApiParameter(name, OpenApiTypes.STR, description=str(f.label))
        for name, f in EnterpriseFilterSet.base_filters.items()
    ]),
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
        serializer.instance = actions.enterprise_create(user=self.request.user, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = actions.enterprise_update(
            user=self.request.user, enterprise=serializer.instance, data=dict(serializer.validated_data)
        )


class RegionViewSet(ReferenceViewSet):
    """行政区划 and functional zones; detail by code."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_class = RegionFilterSet


class IndustryViewSet(ReferenceViewSet):
    """GB/T 4754-2017 industries with their risk class; detail by code."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    lookup_field = "code"
    filterset_class = IndustryFilterSet
