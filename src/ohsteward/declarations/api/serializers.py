"""API representations of the declarations app. Writes go through ``declarations.actions``."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.declarations.actions import DECLARATION_FIELDS
from ohsteward.declarations.choices import DeclarationKind
from ohsteward.declarations.models import Declaration, DeclarationHazard, HazardListEntry
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise


class HazardEmployerSerializer(serializers.ModelSerializer):
    """One employer on the year's list: who, where, why, and whether it has declared."""

    year = serializers.IntegerField(source="hazard_list.year", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, allow_null=True)
    name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.CharField(source="enterprise.industry_id", read_only=True, allow_null=True)
    industry_risk = serializers.CharField(source="enterprise.industry_risk", read_only=True)
    size_class = serializers.CharField(source="enterprise.size_class", read_only=True)
    employees = serializers.IntegerField(source="enterprise.employees", read_only=True, allow_null=True)
    declared = serializers.BooleanField(read_only=True)
    last_declared_on = serializers.DateField(read_only=True, allow_null=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = HazardListEntry
        fields = [
            "id",
            "year",
            "uscc",
            "name",
            "region",
            "region_name",
            "industry",
            "industry_risk",
            "size_class",
            "employees",
            "reasons",
            "source",
            "status",
            "pushed_on",
            "due_on",
            "confirmed_on",
            "declared",
            "last_declared_on",
        ]
        read_only_fields = fields

    def get_reasons(self, entry) -> list[str]:
        request = self.context.get("request")
        return entry.reasons_for(getattr(request, "user", None))


class ConfirmSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["hazards", "no_hazards", "cancelled"],
        error_messages={"invalid_choice": "核实结果应为 hazards、no_hazards 或 cancelled"},
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeclarationHazardSerializer(serializers.ModelSerializer):
    hazard_factor = serializers.SlugRelatedField(
        slug_field="code", queryset=HazardFactor.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DeclarationHazard
        fields = ["workplace", "hazard_factor", "hazard_name", "exposed_count"]
        extra_kwargs = {"hazard_name": {"required": False, "allow_blank": True}}

    def validate(self, attrs):
        factor = attrs.get("hazard_factor")
        name = (attrs.get("hazard_name") or "").strip()
        if factor is None and name:
            factor = HazardFactor.objects.filter(name=name).first()
            if factor is None:
                raise serializers.ValidationError({"hazard_name": f"危害因素“{name}”不在目录中"})
            attrs["hazard_factor"] = factor
        if factor is None and not name:
            raise serializers.ValidationError({"hazard_name": "请填写危害因素"})
        attrs["hazard_name"] = name or factor.name
        return attrs


class DeclarationSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        error_messages={"does_not_exist": "没有统一社会信用代码为 {value} 的用人单位"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind = serializers.ChoiceField(choices=DeclarationKind.choices)
    hazards = DeclarationHazardSerializer(many=True, required=False)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "receipt_no",
            "enterprise",
            "enterprise_name",
            "kind",
            "channel",
            "status",
            "declared_on",
            *DECLARATION_FIELDS,  # what a declaration records (declarations/actions.py)
            "hazards",
        ]
        read_only_fields = ["id", "receipt_no", "channel", "status", "declared_on"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and getattr(request, "user", None) is not None:
            # Choices of the employer field: only employers in the caller's scope.
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
        if self.instance is not None:
            fields["enterprise"].read_only = True
            fields["kind"].read_only = True
        return fields
