"""API representations of hazard reference data (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor, OccupationalDisease
from ohsteward.hazards.tables import EDITION_FIELDS, EXPOSURE_LIMIT_FIELDS, OCCUPATIONAL_DISEASE_FIELDS


class HazardFactorSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = HazardFactor
        fields = ["code", "name", "category", "category_display", "cas", "aliases", "remark", "catalogue"]


class ExposureLimitSerializer(serializers.ModelSerializer):
    hazard_factor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hazard_factor_name = serializers.CharField(source="hazard_factor.name", read_only=True, allow_null=True)
    edition = serializers.SlugRelatedField(slug_field="version", read_only=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=False, read_only=True)

    class Meta:
        model = ExposureLimit
        # the table's fields with the id and the factor's name beside its code
        fields = ["id", "hazard_factor", "hazard_factor_name", *EXPOSURE_LIMIT_FIELDS[1:]]


class OccupationalDiseaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = OccupationalDisease
        fields = ["id", *OCCUPATIONAL_DISEASE_FIELDS]


class ExposureLimitEditionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    limits = serializers.IntegerField(source="limit_count", read_only=True)

    class Meta:
        model = ExposureLimitEdition
        fields = ["id", *EDITION_FIELDS, "kind_display", "limits"]


class ExposureLimitImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="按导入模板填写的 .xlsx / .xls / .csv（GBZ 2.1 表1、表2 的列）")
    dry_run = serializers.BooleanField(default=True, help_text="true：试导入，只报告将发生的变化")
    partial = serializers.BooleanField(default=False, help_text="true：仅导入无误的行")


class ImportReportSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    summary = serializers.CharField()
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField(), help_text="第N行 列名: 原因")
    notes = serializers.ListField(child=serializers.CharField())
