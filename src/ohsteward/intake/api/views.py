"""API of the intake app: upload and list batches, rejected rows, rows, the review queue, merge.

Viewsets subclass ``ohsteward.core.api.viewsets.ScopedModelViewSet`` (queryset always ``for_user``);
decisions are ``@action``s that call ``intake.actions``.
"""

from __future__ import annotations

import json

import django_filters as filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ohsteward.accounts import access
from ohsteward.core.api.jobs import JobAcceptedSerializer, job_accepted
from ohsteward.core.api.parsers import JSONParser
from ohsteward.core.api.viewsets import AuditedViewMixin, ExportMixin, ScopedModelViewSet
from ohsteward.core.forms import FilterForm
from ohsteward.core.spreadsheets import SpreadsheetError, xlsx_response
from ohsteward.intake import actions
from ohsteward.intake.api import serializers as s
from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.jobs import start_ingest_job
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.queries import (
    batch_counts_seen_by,
    iter_rows_seen_by,
    review_queue,
    visible_enterprise_ids,
)
from ohsteward.intake.tables import SourceBatchTable, SourceRowTable, rejected_rows_table
from ohsteward.registry.models import Enterprise


class SourceBatchFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices)
    status = filters.CharFilter()

    class Meta:
        model = SourceBatch
        form = FilterForm
        fields = ["kind", "status"]


class SourceRowFilterSet(filters.FilterSet):
    batch = filters.NumberFilter(field_name="batch_id")
    status = filters.ChoiceFilter(choices=RowStatus.choices)
    district = filters.CharFilter(field_name="district_id")
    enterprise = filters.NumberFilter(method="filter_enterprise")
    kind = filters.ChoiceFilter(field_name="batch__kind", choices=SourceKind.choices)

    class Meta:
        model = SourceRow
        form = FilterForm
        fields = ["batch", "status", "district", "enterprise", "kind"]

    def filter_enterprise(self, queryset, name, value):
        # only employers the caller may see: filtering by another district's id tells nothing
        visible = Enterprise.objects.for_user(self.request.user).filter(pk=value)
        return queryset.filter(enterprise_id=value, enterprise__in=visible)


class SourceBatchViewSet(ExportMixin, ScopedModelViewSet):
    """来源批次：上传（multipart）、列表、详情（统计：仅按您可见的数据行计算）、错误行下载。"""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._batch_counts = batch_counts_seen_by(self.request.user, page if page is not None else queryset)
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "batch_counts": getattr(self, "_batch_counts", {})}

    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request, *args, **kwargs):
        # counts over the rows the caller may see (issue 6 item 12), like the list
        queryset = self.filter_queryset(self.get_queryset())
        filename = f"{self.export_filename}-{timezone.localdate():%Y%m%d}"
        return xlsx_response(
            filename, SourceBatchTable.columns, SourceBatchTable.rows(queryset, request.user)
        )

    queryset = SourceBatch.objects.select_related("uploaded_by")
    table_class = SourceBatchTable
    export_filename = "来源批次"
    serializer_class = s.SourceBatchSerializer
    filterset_class = SourceBatchFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        summary="上传来源名单（后台任务：202，进度见 status_url，结果见任务的 result）",
        request={"multipart/form-data": s.UploadSerializer},
        responses={202: JobAcceptedSerializer},
    )
    def create(self, request, *args, **kwargs):
        form = s.UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        column_map = data.get("column_map")
        if column_map is None and "column_map" in request.data:
            try:
                column_map = json.loads(request.data["column_map"])
            except (TypeError, ValueError, RecursionError):
                raise exceptions.ValidationError({"column_map": "应为 JSON 对象"}) from None
        if not request.user.has_perm("intake.add_sourcebatch"):
            raise exceptions.PermissionDenied("您的角色无权上传来源名单")
        try:
            job = start_ingest_job(
                user=request.user,
                kind=data["kind"],
                filename=upload.name,
                content=upload.read(),
                department=data.get("department", ""),
                received_on=data.get("received_on"),
                valid_rows_only=data["valid_rows_only"],
                dry_run=data["dry_run"],
                column_map=column_map,
            )
        except SpreadsheetError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from None
        return job_accepted(job)

    @extend_schema(
        summary="错误行（.xlsx，每行附错误原因）",
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                response=OpenApiTypes.BINARY
            )
        },
    )
    @action(detail=True, methods=["get"])
    def rejected(self, request, pk=None):
        batch = self.get_object()
        rows = SourceRow.objects.for_user(request.user).filter(batch=batch, status=RowStatus.REJECTED)
        columns, data = rejected_rows_table(batch, rows)
        return xlsx_response(f"批次{batch.pk}-错误行", columns, data)


class RowVisibilityMixin:
    """Rows are shown as the caller may see them: the employers a page names are checked
    against the caller's scope once per page (``SourceRow.seen_through`` in the serializer), and
    the export passes every row through the same filter (issue 6 item 1)."""

    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        filename = f"{self.export_filename}-{timezone.localdate():%Y%m%d}"
        return xlsx_response(
            filename, SourceRowTable.columns, SourceRowTable.rows(iter_rows_seen_by(request.user, queryset))
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_rows = page if page is not None else list(queryset)
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        rows = getattr(self, "_page_rows", None)
        if rows is not None:
            context["visible_enterprises"] = visible_enterprise_ids(self.request.user, rows)
        return context


class RowDecisionMixin:
    """Run a review action on the scoped row and answer with the row as it is now."""

    def _decide(self, func, **kwargs):
        row = self.get_object()
        try:
            func(user=self.request.user, row=row, **kwargs)
        except ValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from None
        row.refresh_from_db()
        return Response(s.SourceRowSerializer(row, context={"request": self.request}).data)


class SourceRowViewSet(RowVisibilityMixin, RowDecisionMixin, ExportMixin, ScopedModelViewSet):
    """来源数据行（按批次、状态、区县、用人单位筛选），可取消关联。"""

    queryset = SourceRow.objects.select_related("batch", "enterprise", "district")
    table_class = SourceRowTable
    export_filename = "来源数据行"
    serializer_class = s.SourceRowSerializer
    filterset_class = SourceRowFilterSet
    http_method_names = ["get", "post", "head", "options"]
    decision_actions = {"unlink"}

    def initial(self, request, *args, **kwargs):
        # Decisions change a row; the role needs intake.change_sourcerow (RolePermission).
        if getattr(self, "action", None) in self.decision_actions:
            self.permission_action = "change"
        super().initial(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    @extend_schema(summary="取消关联（该行回到待核对队列）", request=None, responses=s.SourceRowSerializer)
    @action(detail=True, methods=["post"])
    def unlink(self, request, pk=None):
        return self._decide(actions.row_unlink)


class ReviewViewSet(RowVisibilityMixin, RowDecisionMixin, ExportMixin, ScopedModelViewSet):
    """待人工核对队列：每行附候选单位；操作：关联到候选单位、新建单位、驳回。"""

    queryset = SourceRow.objects.select_related("batch", "enterprise", "district")
    table_class = SourceRowTable
    export_filename = "待人工核对"
    serializer_class = s.ReviewRowSerializer
    filterset_class = SourceRowFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # the base class has already applied for_user; rows referred elsewhere are decided there
        return super().get_queryset() & review_queue(self.request.user)

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    def initial(self, request, *args, **kwargs):
        self.permission_action = "change"  # the queue is the work of those who may decide rows
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        rows = getattr(self, "_page_rows", None) or []
        ids = {int(c[0]) for r in rows for c in r.candidates or []}
        context["candidates"] = {
            e.pk: e
            for e in Enterprise.objects.for_user(self.request.user)
            .filter(pk__in=ids)
            .select_related("region")
        }
        return context

    def retrieve(self, request, *args, **kwargs):
        self._page_rows = [self.get_object()]
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="是此单位：关联到用人单位", request=s.LinkSerializer, responses=s.SourceRowSerializer
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        form = s.LinkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        enterprise = access.get_for_user_or_404(
            Enterprise.objects, request.user, pk=form.validated_data["enterprise"]
        )
        return self._decide(actions.row_link, enterprise=enterprise)

    @extend_schema(summary="新建单位", request=s.CreateSerializer, responses=s.SourceRowSerializer)
    @action(detail=True, methods=["post"], url_path="create-enterprise")
    def create_enterprise(self, request, pk=None):
        form = s.CreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._decide(
            actions.row_create_enterprise, district_code=form.validated_data.get("district") or None
        )

    @extend_schema(summary="驳回", request=s.RejectSerializer, responses=s.SourceRowSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        form = s.RejectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._decide(actions.row_reject, reason=form.validated_data.get("reason", ""))


class MergeViewSet(AuditedViewMixin, viewsets.ViewSet):
    """合并重复的用人单位（被并入单位的全部记录转到保留单位，审计留痕）。"""

    permission_model = Enterprise
    permission_action = "change"

    @extend_schema(
        summary="合并两个用人单位",
        request=s.MergeSerializer,
        responses={200: OpenApiResponse(description="每类记录转移的条数")},
    )
    def create(self, request):
        form = s.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        keep = access.get_for_user_or_404(Enterprise.objects, request.user, pk=form.validated_data["keep"])
        merge = access.get_for_user_or_404(Enterprise.objects, request.user, pk=form.validated_data["merge"])
        try:
            moved = actions.enterprise_merge(user=request.user, keep=keep, merge=merge)
        except ValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from None
        return Response({"keep": keep.pk, "moved": moved})
