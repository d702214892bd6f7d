"""Declarations endpoints: the hazard-employer list (read, confirm) and declarations CRUD."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet
from ohsteward.declarations import actions
from ohsteward.declarations.api.serializers import (
    ConfirmSerializer,
    DeclarationSerializer,
    HazardEmployerSerializer,
)
from ohsteward.declarations.filtersets import DeclarationFilterSet, HazardListEntryFilterSet
from ohsteward.declarations.models import Declaration, HazardList, HazardListEntry
from ohsteward.declarations.tables import DeclarationTable, HazardListEntryTable


@extend_schema_view(
    list=extend_schema(summary="职业病危害用人单位名单（含列入原因和申报情况；默认最新年度）"),
    retrieve=extend_schema(summary="名单中的一家用人单位"),
)
class HazardEmployerViewSet(ExportMixin, ScopedModelViewSet):
    """``/api/v1/hazard-employers/``: filters ``year, region, reason, industry_risk, declared, size_class,
    status, q``; ``POST {id}/confirm/`` records the district's confirmation."""

    queryset = HazardListEntry.objects.select_related("hazard_list", "enterprise", "region")
    serializer_class = HazardEmployerSerializer
    filterset_class = HazardListEntryFilterSet
    export_filename = "职业病危害用人单位名单"
    http_method_names = ["get", "post", "head", "options"]
    permission_action = None

    @property
    def table_class(self):
        """The list page's Table, with the reasons this user may see (有奖举报, issue 6 item 3)."""
        return HazardListEntryTable.for_user(self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset().with_declaration().with_priority().order_by("region_id", "pk")
        if self.action in ("list", "export") and not self.request.query_params.get("year"):
            latest = HazardList.objects.order_by("-year").values_list("pk", flat=True).first()
            queryset = queryset.filter(hazard_list_id=latest)
        return queryset

    def create(self, request, *args, **kwargs):
        raise PermissionDenied("名单由市疾控中心生成；区县请使用 confirm 或网页“自行发现”添加")

    @extend_schema(summary="区县核实确认", request=ConfirmSerializer, responses=HazardEmployerSerializer)
    @action(detail=True, methods=["post"], permission_action="change")
    def confirm(self, request, pk=None):
        entry = self.get_object()
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.entry_confirm(user=request.user, entry=entry, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="职业病危害项目申报列表（仅限管辖范围）"),
    create=extend_schema(summary="网上申报（返回回执编号）"),
    partial_update=extend_schema(summary="修改申报的联系人、人数等信息"),
    destroy=extend_schema(summary="作废申报（不删除记录）"),
)
class DeclarationViewSet(ExportMixin, ScopedModelViewSet):
    queryset = Declaration.objects.select_related("enterprise__region").prefetch_related(
        "hazards__hazard_factor"
    )
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilterSet
    table_class = DeclarationTable
    export_filename = "职业病危害项目申报"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_action = None

    def initial(self, request, *args, **kwargs):
        # Voiding is a change (nobody may hard-delete a declaration).
        self.permission_action = "change" if request.method == "DELETE" else None
        super().initial(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        kind = data.pop("kind")
        hazards = data.pop("hazards", [])
        serializer.instance = actions.declaration_submit(
            user=self.request.user, enterprise=enterprise, kind=kind, data=data, hazards=hazards
        )

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        hazards = data.pop("hazards", None)
        serializer.instance = actions.declaration_update(
            user=self.request.user, declaration=serializer.instance, data=data, hazards=hazards
        )

    def perform_destroy(self, instance):
        actions.declaration_void(
            user=self.request.user, declaration=instance, reason=self.request.query_params.get("reason", "")
        )

    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
