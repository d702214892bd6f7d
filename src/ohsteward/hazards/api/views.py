"""Hazard reference endpoints: factors (detail by code), exposure limits, the disease catalogue."""

from __future__ import annotations

from ohsteward.core.api.viewsets import ReferenceViewSet
from ohsteward.hazards.api.serializers import (
    ExposureLimitSerializer,
    HazardFactorSerializer,
    OccupationalDiseaseSerializer,
)
from ohsteward.hazards.filtersets import (
    ExposureLimitFilterSet,
    HazardFactorFilterSet,
    OccupationalDiseaseFilterSet,
)
from ohsteward.hazards.models import ExposureLimit, HazardFactor, OccupationalDisease
from ohsteward.hazards.tables import ExposureLimitTable, HazardFactorTable, OccupationalDiseaseTable


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
    queryset = ExposureLimit.objects.select_related("hazard_factor")
    serializer_class = ExposureLimitSerializer
    filterset_class = ExposureLimitFilterSet


class OccupationalDiseaseViewSet(ReferenceViewSet):
    """职业病分类和目录 (2013 and 2024 editions)."""

    table_class = OccupationalDiseaseTable
    export_filename = "职业病分类和目录"
    queryset = OccupationalDisease.objects.all()
    serializer_class = OccupationalDiseaseSerializer
    filterset_class = OccupationalDiseaseFilterSet
