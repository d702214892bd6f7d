"""API representations of hazard reference data (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.hazards.models import ExposureLimit, HazardFactor, OccupationalDisease
from ohsteward.hazards.tables import EXPOSURE_LIMIT_FIELDS, OCCUPATIONAL_DISEASE_FIELDS


class HazardFactorSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = HazardFactor
        fields = ["code", "name", "category", "category_display", "cas", "aliases", "remark", "catalogue"]


class ExposureLimitSerializer(serializers.ModelSerializer):
    hazard_factor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hazard_factor_name = serializers.CharField(source="hazard_factor.name", read_only=True, allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=False, read_only=True)

    class Meta:
        model = ExposureLimit
        # the table's fields with the id and the factor's name beside its code
        fields = ["id", "hazard_factor", "hazard_factor_name", *EXPOSURE_LIMIT_FIELDS[1:]]


class OccupationalDiseaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = OccupationalDisease
        fields = ["id", *OCCUPATIONAL_DISEASE_FIELDS]
