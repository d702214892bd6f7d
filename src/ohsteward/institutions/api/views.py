"""Institution endpoints: the register (by credit code, writable through actions, with its clients),
QC inspections, proficiency results (recorded through the action) and the yearly grades."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from ohsteward.institutions import actions
from ohsteward.institutions.api.serializers import (
    ClientSerializer,
    InstitutionGradeSerializer,
    InstitutionSerializer,
    PerformanceEvaluationSerializer,
    ProficiencyResultSerializer,
    QcInspectionSerializer,
    ReferralSerializer,
    ReportCardFilingSerializer,
    ReportCardSerializer,
    TechnicalGuidanceSerializer,
)
from ohsteward.institutions.filtersets import (
    InstitutionFilterSet,
    InstitutionGradeFilterSet,
    PerformanceEvaluationFilterSet,
    ProficiencyResultFilterSet,
    QcInspectionFilterSet,
    ReferralFilterSet,
    ReportCardFilterSet,
    TechnicalGuidanceFilterSet,
)
from ohsteward.institutions.models import (
    Engagement,
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    QcInspection,
    Referral,
    ReportCard,
    TechnicalGuidance,
)
from ohsteward.institutions.tables import (
    InstitutionGradeTable,
    InstitutionTable,
    PerformanceEvaluationTable,
    ProficiencyResultTable,
    QcInspectionTable,
    ReferralTable,
    ReportCardTable,
    TechnicalGuidanceTable,
)
from ohsteward.registry.models import Enterprise

TAG = ["技术服务机构"]


@extend_schema_view(
    list=extend_schema(summary="技术服务机构名录（仅限可见范围）", tags=TAG),
    retrieve=extend_schema(summary="按统一社会信用代码查看机构", tags=TAG),
    create=extend_schema(summary="登记机构", tags=TAG),
    partial_update=extend_schema(summary="修改机构信息", tags=TAG),
    export=extend_schema(tags=TAG),
)
class InstitutionViewSet(ExportMixin, ScopedModelViewSet):
    queryset = Institution.objects.select_related("region").prefetch_related("qualifications")
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilterSet
    lookup_field = "uscc"
    table_class = InstitutionTable
    export_filename = "技术服务机构"

    def get_object(self):
        self.kwargs["uscc"] = str(self.kwargs.get("uscc", "")).strip().upper()
        return super().get_object()

    def perform_create(self, serializer):
        serializer.instance = actions.institution_create(
            user=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = actions.institution_update(
            user=self.request.user, institution=serializer.instance, data=dict(serializer.validated_data)
        )

    @extend_schema(
        summary="机构的服务对象（服务关系在有效期内的用人单位）",
        tags=TAG,
        responses=ClientSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="clients")
    def clients(self, request, uscc=None):
        """The employers this institution serves today, as the caller may see them. Another
        institution's clients are not there for an institution user: its institution answers 404."""
        institution = self.get_object()
        ids = (
            Engagement.objects.for_user(request.user)
            .in_force(timezone.localdate())
            .filter(institution=institution)
            .values("enterprise_id")
        )
        clients = Enterprise.objects.for_user(request.user).filter(pk__in=ids).order_by("name")
        page = self.paginate_queryset(clients)
        if page is not None:
            return self.get_paginated_response(ClientSerializer(page, many=True).data)
        return Response(ClientSerializer(clients, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="质控检查", tags=TAG),
    retrieve=extend_schema(summary="查看质控检查", tags=TAG),
    export=extend_schema(tags=TAG),
)
class QcInspectionViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    queryset = QcInspection.objects.select_related("institution", "plan")
    serializer_class = QcInspectionSerializer
    filterset_class = QcInspectionFilterSet
    table_class = QcInspectionTable
    export_filename = "质控检查"


@extend_schema_view(
    list=extend_schema(summary="能力验证结果", tags=TAG),
    retrieve=extend_schema(summary="查看能力验证结果", tags=TAG),
    create=extend_schema(summary="录入能力验证结果（机构须已列入该轮名单）", tags=TAG),
    export=extend_schema(tags=TAG),
)
class ProficiencyResultViewSet(ExportMixin, ScopedModelViewSet):
    queryset = ProficiencyResult.objects.select_related("institution", "round")
    serializer_class = ProficiencyResultSerializer
    filterset_class = ProficiencyResultFilterSet
    table_class = ProficiencyResultTable
    export_filename = "能力验证结果"
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        # recording a result changes a place on the round's list: the change permission
        self.permission_action = "change" if self.request.method == "POST" else None
        return super().get_permissions()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = actions.proficiency_result_record(
            user=self.request.user,
            round=data["round"],
            institution=data["institution"],
            outcome=data.get("outcome") or "",
            z_score=data.get("z_score"),
        )


@extend_schema_view(
    list=extend_schema(summary="机构三色等级（每年每机构）", tags=TAG),
    retrieve=extend_schema(summary="查看机构三色等级及各因素", tags=TAG),
    export=extend_schema(tags=TAG),
)
class InstitutionGradeViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    queryset = InstitutionGrade.objects.select_related("institution")
    serializer_class = InstitutionGradeSerializer
    filterset_class = InstitutionGradeFilterSet
    table_class = InstitutionGradeTable
    export_filename = "机构三色等级"


@extend_schema_view(
    list=extend_schema(summary="绩效评估（每年每机构，逐项评分与总分）", tags=TAG),
    retrieve=extend_schema(summary="查看绩效评估", tags=TAG),
    export=extend_schema(tags=TAG),
)
class PerformanceEvaluationViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    queryset = PerformanceEvaluation.objects.select_related("institution")
    serializer_class = PerformanceEvaluationSerializer
    filterset_class = PerformanceEvaluationFilterSet
    table_class = PerformanceEvaluationTable
    export_filename = "绩效评估"


@extend_schema_view(
    list=extend_schema(summary="质控与监督联动台账（移交/已接收/查处中/已办结/退回）", tags=TAG),
    retrieve=extend_schema(summary="查看移交", tags=TAG),
    export=extend_schema(tags=TAG),
)
class ReferralViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    queryset = Referral.objects.select_related("institution", "district", "inspection")
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet
    table_class = ReferralTable
    export_filename = "质控监督移交台账"


@extend_schema_view(
    list=extend_schema(summary="技术指导（区县疾控中心、公立机构到用人单位）", tags=TAG),
    retrieve=extend_schema(summary="查看技术指导", tags=TAG),
    create=extend_schema(summary="登记技术指导（机构与用人单位须在本人可见范围内）", tags=TAG),
    export=extend_schema(tags=TAG),
)
class TechnicalGuidanceViewSet(ExportMixin, ScopedModelViewSet):
    queryset = TechnicalGuidance.objects.select_related("institution", "enterprise__region")
    serializer_class = TechnicalGuidanceSerializer
    filterset_class = TechnicalGuidanceFilterSet
    table_class = TechnicalGuidanceTable
    export_filename = "技术指导"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = actions.guidance_record(
            user=self.request.user, data=dict(serializer.validated_data)
        )


@extend_schema_view(
    list=extend_schema(summary="信息报告卡（技术服务信息报送卡、个案卡）及报送情况", tags=TAG),
    retrieve=extend_schema(summary="查看信息报告卡", tags=TAG),
    export=extend_schema(tags=TAG),
)
class ReportCardViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    queryset = ReportCard.objects.select_related("institution", "enterprise")
    serializer_class = ReportCardSerializer
    filterset_class = ReportCardFilterSet
    table_class = ReportCardTable
    export_filename = "信息报告卡"

    def get_permissions(self):
        # filing changes a card: the model's change permission
        self.permission_action = "change" if self.request.method == "POST" else None
        return super().get_permissions()

    @extend_schema(
        summary="报送信息报告卡（仅限本机构开展的服务；未开展的服务不能报送）",
        request=ReportCardFilingSerializer,
        responses=ReportCardSerializer,
        tags=TAG,
    )
    @action(detail=False, methods=["post"], url_path="file")
    def file(self, request):
        filing = ReportCardFilingSerializer(data=request.data)
        filing.is_valid(raise_exception=True)
        data = filing.validated_data
        institution = Institution.objects.for_user(request.user).filter(uscc=data["institution"]).first()
        if institution is None:
            raise ValidationError({"institution": "统一社会信用代码不在您可见的机构名录中"})
        card = actions.card_file(
            user=request.user,
            institution=institution,
            kind=data["kind"],
            activity_app=data["activity_app"],
            activity_id=data["activity_id"],
            reported_on=data["reported_on"],
        )
        return Response(ReportCardSerializer(card).data, status=201)
