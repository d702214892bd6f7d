"""Read-only API of chronic-disease screening and follow-up (issue 12 item 7) and of the
pneumoconiosis patient register (item 6): scoped lists with the web lists' filters, detail, and
``export/`` (.xlsx, the same filters). The ID number appears masked only. Writes stay on the
pages and in ``exams.actions`` (the issue's API section names no write for them)."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.core.api.viewsets import ExportMixin, ScopedReadOnlyModelViewSet
from ohsteward.surveillance.exams.filtersets import (
    ChronicFollowUpFilterSet,
    ChronicScreeningFilterSet,
    PneumoconiosisPatientFilterSet,
)
from ohsteward.surveillance.exams.models import ChronicFollowUp, ChronicScreening, PneumoconiosisPatient
from ohsteward.surveillance.exams.tables import (
    ChronicFollowUpTable,
    ChronicScreeningTable,
    PneumoconiosisPatientTable,
)


class _WorkerFields(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="worker.person.id_number_masked", read_only=True)
    enterprise = serializers.CharField(source="worker.enterprise.uscc", read_only=True)


class ChronicScreeningSerializer(_WorkerFields):
    class Meta:
        model = ChronicScreening
        fields = [
            "id", "worker", "worker_name", "id_number_masked", "enterprise", "screened_on", "source",
            "sbp", "dbp", "fasting_glucose", "classification", "rescreen_on", "note",
        ]  # fmt: skip


class ChronicFollowUpSerializer(_WorkerFields):
    class Meta:
        model = ChronicFollowUp
        fields = [
            "id", "worker", "worker_name", "id_number_masked", "enterprise", "disease", "visited_on",
            "sbp", "dbp", "fasting_glucose", "outcome", "refer", "next_due", "is_latest", "note",
        ]  # fmt: skip


class PneumoconiosisPatientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True, default=None)
    disease = serializers.CharField(source="disease.name", read_only=True)
    district = serializers.CharField(source="district_id", read_only=True)
    town = serializers.CharField(source="town_id", read_only=True, default=None)

    class Meta:
        model = PneumoconiosisPatient
        fields = [
            "id", "name", "id_number_masked", "enterprise", "case", "disease", "stage", "diagnosed_on",
            "district", "town", "status", "source", "next_follow_up",
        ]  # fmt: skip


class ChronicScreeningViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """慢病筛查（35岁及以上劳动者）：血压、空腹血糖及筛查结果（正常/高危/疑似患者/紧急转诊）。
    筛选：``enterprise``（统一社会信用代码）、``region``、``classification``、``year``。"""

    queryset = ChronicScreening.objects.select_related("worker__person", "worker__enterprise")
    serializer_class = ChronicScreeningSerializer
    filterset_class = ChronicScreeningFilterSet
    table_class = ChronicScreeningTable
    export_filename = "慢病筛查"


class ChronicFollowUpViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """慢病随访（高血压、糖尿病患者每年≥4次）：随访结果与下次随访日期；``overdue=yes`` 为最近一次
    随访的下次日期已过。筛选：``enterprise``、``region``、``disease``、``overdue``。"""

    queryset = ChronicFollowUp.objects.select_related("worker__person", "worker__enterprise")
    serializer_class = ChronicFollowUpSerializer
    filterset_class = ChronicFollowUpFilterSet
    table_class = ChronicFollowUpTable
    export_filename = "慢病随访"


class PneumoconiosisPatientViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """尘肺病患者登记（确诊病例或自疾控系统导入）：病种、期别、居住区县和乡镇、状态、下次随访。
    筛选：``q``（姓名）、``district``、``overdue``。"""

    queryset = PneumoconiosisPatient.objects.select_related("person", "enterprise", "disease")
    serializer_class = PneumoconiosisPatientSerializer
    filterset_class = PneumoconiosisPatientFilterSet
    table_class = PneumoconiosisPatientTable
    export_filename = "尘肺病患者"


CHRONIC_ROUTES = [
    ("chronic-screenings", ChronicScreeningViewSet, "chronic-screening"),
    ("chronic-follow-ups", ChronicFollowUpViewSet, "chronic-follow-up"),
    ("pneumoconiosis-patients", PneumoconiosisPatientViewSet, "pneumoconiosis-patient"),
]
