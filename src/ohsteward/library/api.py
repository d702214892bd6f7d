"""API of the library, read-only: ``regulations/`` (search with ``q``, ``kind``, ``status``) and
``export/``."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.core.api.viewsets import ReferenceViewSet
from ohsteward.library.filtersets import RegulationFilterSet
from ohsteward.library.models import Regulation
from ohsteward.library.tables import RegulationTable


class RegulationSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Regulation
        fields = ["id", "number", "title", "kind", "issuer", "issued_on", "effective_on", "status",
                  "repealed_on", "unverified", "url", "interpretation", "aliases"]  # fmt: skip


class RegulationViewSet(ReferenceViewSet):
    """法律法规标准库：法律、法规、规章、规范性文件、标准和解读（只读；市级用户在页面上维护）。"""

    queryset = Regulation.objects.order_by("kind", "number")
    serializer_class = RegulationSerializer
    table_class = RegulationTable
    export_filename = "法律法规标准库"
    filterset_class = RegulationFilterSet
