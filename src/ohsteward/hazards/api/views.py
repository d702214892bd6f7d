"""Hazard reference endpoints: factors (detail by code), exposure limits, the disease catalogue."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ohsteward.core import audit
from ohsteward.core.api.viewsets import ReferenceViewSet
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.hazards.api.serializers import (
    ExposureLimitEditionSerializer,
    ExposureLimitImportSerializer,
    ExposureLimitSerializer,
    HazardFactorSerializer,
    ImportReportSerializer,
    OccupationalDiseaseSerializer,
)
from ohsteward.hazards.filtersets import (
    ExposureLimitFilterSet,
    HazardFactorFilterSet,
    OccupationalDiseaseFilterSet,
)
from ohsteward.hazards.importers import ExposureLimitImporter
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor, OccupationalDisease
from ohsteward.hazards.tables import (
    ExposureLimitEditionTable,
    ExposureLimitTable,
    HazardFactorTable,
    OccupationalDiseaseTable,
)


class HazardFactorViewSet(ReferenceViewSet):
    """职业病危害因素 (CDC 2020 code list); ``q`` searches name, alias, CAS number and code."""

    table_class = HazardFactorTable
    export_filename = "职业病危害因素"
    queryset = HazardFactor.objects.all()
    serializer_class = HazardFactorSerializer
    filterset_class = HazardFactorFilterSet
    lookup_field = "code"


class ExposureLimitViewSet(ReferenceViewSet):
    """职业接触限值 (GBZ 2.1 / GBZ 2.2) with standard, version and source of each row."""

    table_class = ExposureLimitTable
    export_filename = "职业接触限值"
    queryset = ExposureLimit.objects.select_related("hazard_factor", "edition")
    serializer_class = ExposureLimitSerializer
    filterset_class = ExposureLimitFilterSet

    @extend_schema(
        summary="导入职业接触限值（GBZ 2.1 表1化学有害因素、表2粉尘；按版本；默认试导入）",
        description=(
            "按导入模板（网页“接触限值 → 导入”可下载）的列：中文名、英文名、CAS号、MAC、PC-TWA、PC-STEL、"
            "PC-TWA(总尘)、PC-TWA(呼尘)、条件、临界不良健康效应、备注、版本、施行日期…。每行所写版本不存在时新建。"
            "`dry_run=true`（默认）只报告将新增、更新和无变化的限值；错误按“第N行 列名: 原因”给出。"
            "疾控中心和市级用户可用。"
        ),
        request={"multipart/form-data": ExposureLimitImportSerializer},
        responses={200: ImportReportSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        form = ExposureLimitImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            # the audit middleware ran before DRF knew the Bearer token's user: name the actor here
            with audit.audit_context(request.user, "api"):
                report = ExposureLimitImporter().run(
                    user=request.user,
                    filename=upload.name,
                    content=upload.read(),
                    dry_run=form.validated_data["dry_run"],
                    all_or_nothing=not form.validated_data["partial"],
                )
        except SpreadsheetError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from None
        return Response(
            {
                "applied": report.applied,
                "dry_run": report.dry_run,
                "summary": report.summary(),
                "created": [str(c) for c in report.created],
                "updated": [str(c) for c in report.updated],
                "unchanged": report.unchanged,
                "errors": [str(e) for e in report.errors],
                "notes": report.notes,
            }
        )


class ExposureLimitEditionViewSet(ReferenceViewSet):
    """接触限值版本 (standard, version, effective dates, source, verified) with their row counts."""

    table_class = ExposureLimitEditionTable
    export_filename = "接触限值版本"
    queryset = ExposureLimitEdition.objects.annotate(limit_count=Count("limits")).order_by(
        "standard", "effective_from", "version"
    )
    serializer_class = ExposureLimitEditionSerializer


class OccupationalDiseaseViewSet(ReferenceViewSet):
    """职业病分类和目录 (2013 and 2024 editions)."""

    table_class = OccupationalDiseaseTable
    export_filename = "职业病分类和目录"
    queryset = OccupationalDisease.objects.all()
    serializer_class = OccupationalDiseaseSerializer
    filterset_class = OccupationalDiseaseFilterSet
