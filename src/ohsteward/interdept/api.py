"""API of the other departments' lists: ``work-injury-insurance/``, ``healthy-enterprises/`` and
``health-awards/`` (read, filtered like the list pages, ``export/``), each with ``import/``
(POST multipart ``file``, ``dry_run`` default true, ``partial``): the same importer as the page,
answering the summary and the row errors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedReadOnlyModelViewSet
from ohsteward.core.spreadsheets import SpreadsheetError
from ohsteward.interdept.filtersets import (
    HealthyEnterpriseFilterSet,
    InsuranceRecordFilterSet,
    PersonAwardFilterSet,
)
from ohsteward.interdept.importers import HealthyEnterpriseImporter, InsuranceImporter, PersonAwardImporter
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.interdept.tables import HealthyEnterpriseTable, InsuranceRecordTable, PersonAwardTable


class _EmployerFields(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="enterprise.region_id", read_only=True)


class InsuranceRecordSerializer(_EmployerFields):
    class Meta:
        model = InsuranceRecord
        fields = ["id", "enterprise", "enterprise_name", "district", "as_of", "insured", "employees",
                  "source", "source_date"]  # fmt: skip


class HealthyEnterpriseSerializer(_EmployerFields):
    class Meta:
        model = HealthyEnterprise
        fields = ["id", "enterprise", "enterprise_name", "district", "level", "year", "document_number",
                  "source", "source_date"]  # fmt: skip


class PersonAwardSerializer(_EmployerFields):
    class Meta:
        model = PersonAward
        fields = ["id", "person_name", "enterprise", "enterprise_name", "district", "kind", "year", "level",
                  "document_number", "source", "source_date"]  # fmt: skip


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)
    partial = serializers.BooleanField(default=False, help_text="仅导入无误的行")


class ImportResultSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    summary = serializers.CharField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class _ListViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    importer = None

    @extend_schema(
        summary="导入名单（dry_run=true 为试导入，不修改数据）",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            report = self.importer.run(  # type: ignore[attr-defined]
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
                "summary": report.summary(),
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
            }
        )


class InsuranceRecordViewSet(_ListViewSet):
    """工伤保险参保名单（人力社保部门）：每个用人单位每个日期的参保人数，按管辖范围。"""

    queryset = InsuranceRecord.objects.select_related("enterprise").order_by("-as_of", "enterprise_id", "pk")
    serializer_class = InsuranceRecordSerializer
    filterset_class = InsuranceRecordFilterSet
    table_class = InsuranceRecordTable
    export_filename = "工伤保险参保名单"
    importer = InsuranceImporter()


class HealthyEnterpriseViewSet(_ListViewSet):
    """健康企业命名名单：用人单位、命名级别、年度、文号。"""

    queryset = HealthyEnterprise.objects.select_related("enterprise").order_by("-year", "enterprise_id", "pk")
    serializer_class = HealthyEnterpriseSerializer
    filterset_class = HealthyEnterpriseFilterSet
    table_class = HealthyEnterpriseTable
    export_filename = "健康企业名单"
    importer = HealthyEnterpriseImporter()


class PersonAwardViewSet(_ListViewSet):
    """职业健康达人/安康之星名单：姓名、用人单位、类别、年度（不含身份证号等个人信息）。"""

    queryset = PersonAward.objects.select_related("enterprise").order_by(
        "-year", "enterprise_id", "person_name", "pk"
    )
    serializer_class = PersonAwardSerializer
    filterset_class = PersonAwardFilterSet
    table_class = PersonAwardTable
    export_filename = "职业健康达人安康之星名单"
    importer = PersonAwardImporter()


ROUTES = [
    ("work-injury-insurance", InsuranceRecordViewSet, "work-injury-insurance"),
    ("healthy-enterprises", HealthyEnterpriseViewSet, "healthy-enterprise"),
    ("health-awards", PersonAwardViewSet, "health-award"),
]


def register(router) -> None:
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
