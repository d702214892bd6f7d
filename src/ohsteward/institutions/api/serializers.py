"""API representations of institution quality compliance. Field names are the contract of issue 9:
``institutions/`` (uscc, name, kinds, province, qc_number, qualifications[{kind, number, scope,
valid_until}]), ``qc-inspections/``, ``proficiency-results/``, ``institution-grades/`` (colour,
score, factors[{name, value, weight, points}]). Domain rules are applied by the actions."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.institutions.choices import CapabilityMode, InstitutionKind, ProficiencyOutcome
from ohsteward.institutions.models import (
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    ProficiencyRound,
    QcInspection,
    Qualification,
    Referral,
    ReportCard,
    TechnicalGuidance,
)
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region


class QualificationSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_text")

    class Meta:
        model = Qualification
        fields = ["kind", "number", "scope", "valid_until"]


class InstitutionSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=InstitutionKind.choices),
        allow_empty=False,
        error_messages={"empty": "请至少选择一个机构类别"},
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=RegionLevel.DISTRICT),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "区县代码 {value} 不存在"},
    )
    capability_mode = serializers.ChoiceField(
        choices=CapabilityMode.choices, required=False, allow_blank=True
    )
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Institution
        fields = [
            "uscc",
            "name",
            "kinds",
            "province",
            "qc_number",
            "qc_issued_on",
            "region",
            "address",
            "capability_mode",
            "capability_confirmed_on",
            "capability_basis",
            "guidance_duty",
            "public",
            "primary_grade_a",
            "qualifications",
        ]
        extra_kwargs = {"uscc": {"validators": []}, "qc_number": {"validators": []}}


class ClientSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "region"]


class QcInspectionSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.uscc")
    institution_name = serializers.CharField(source="institution.name")
    plan = serializers.CharField(source="plan.name", default="")

    class Meta:
        model = QcInspection
        fields = [
            "id",
            "year",
            "institution",
            "institution_name",
            "plan",
            "status",
            "inspected_on",
            "items",
            "findings",
            "score",
            "result",
        ]


class ProficiencyResultSerializer(serializers.ModelSerializer):
    """Read: an institution's place in a round and its result. Write (POST): record a result —
    ``round`` (id), ``institution`` (credit code), ``outcome`` and/or ``z_score``."""

    round = serializers.PrimaryKeyRelatedField(
        queryset=ProficiencyRound.objects.all(),
        error_messages={"does_not_exist": "能力验证轮次 {pk_value} 不存在"},
    )
    round_name = serializers.CharField(source="round.name", read_only=True)
    kind = serializers.CharField(source="round.kind", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    institution = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Institution.objects.all(),
        error_messages={"does_not_exist": "统一社会信用代码 {value} 不在机构名录中"},
    )
    outcome = serializers.ChoiceField(choices=ProficiencyOutcome.choices, required=False, allow_blank=True)

    class Meta:
        model = ProficiencyResult
        fields = [
            "id",
            "round",
            "round_name",
            "kind",
            "year",
            "institution",
            "outcome",
            "z_score",
            "recorded_on",
        ]
        read_only_fields = ["recorded_on"]
        validators: list = []

    def get_fields(self):
        """The round and the institution are looked up among what the caller may see: another
        district's institution is "not in the register" for it (no existence leak), as in the form."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = ProficiencyRound.objects.for_user(request.user)
            fields["institution"].queryset = Institution.objects.for_user(request.user)
        return fields


class FactorSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    points = serializers.FloatField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class InstitutionGradeSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.uscc")
    institution_name = serializers.CharField(source="institution.name")
    score = serializers.FloatField()
    factors = FactorSerializer(many=True)

    class Meta:
        model = InstitutionGrade
        fields = [
            "id",
            "year",
            "institution",
            "institution_name",
            "colour",
            "score",
            "factors",
            "notes",
            "rules_version",
        ]


class PerformanceEvaluationSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.uscc")
    institution_name = serializers.CharField(source="institution.name")
    total = serializers.FloatField()

    class Meta:
        model = PerformanceEvaluation
        fields = [
            "id",
            "year",
            "institution",
            "institution_name",
            "checklist_version",
            "scores",
            "total",
            "evaluated_on",
            "note",
        ]


class ReferralSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.uscc")
    institution_name = serializers.CharField(source="institution.name")
    district = serializers.CharField(source="district_id", allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "direction",
            "institution",
            "institution_name",
            "inspection",
            "district",
            "finding",
            "status",
            "handed_on",
            "handed_by",
            "received_on",
            "received_by",
            "closed_on",
            "outcome",
        ]


class TechnicalGuidanceSerializer(serializers.ModelSerializer):
    """Read, and write (POST) through ``actions.guidance_record``: ``institution`` and
    ``enterprise`` by credit code, looked up among what the caller may see."""

    institution = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Institution.objects.none(),
        error_messages={"does_not_exist": "统一社会信用代码 {value} 不在您可见的机构名录中"},
    )
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.none(),
        error_messages={"does_not_exist": "统一社会信用代码 {value} 不在您管辖的用人单位中"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = TechnicalGuidance
        fields = [
            "id",
            "institution",
            "institution_name",
            "enterprise",
            "enterprise_name",
            "visited_on",
            "kind",
            "content",
            "findings",
            "steward_visit",
            "assistance_entry",
        ]
        read_only_fields = ["steward_visit", "assistance_entry"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["institution"].queryset = Institution.objects.for_user(request.user)
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
        return fields


class ReportCardSerializer(serializers.ModelSerializer):
    """A report card: the activity it reports (``activity_app`` + ``activity_id``, performed on
    ``performed_on``), its deadline, when it was filed and ``status`` (on_time / late / missing)."""

    institution = serializers.CharField(source="institution.uscc", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ReportCard
        fields = [
            "id", "institution", "institution_name", "enterprise", "kind", "activity_app", "activity_id",
            "activity_label", "performed_on", "due_on", "reported_on", "status", "rules_version",
        ]  # fmt: skip
        read_only_fields = fields


class ReportCardFilingSerializer(serializers.Serializer):
    """报送: the institution (credit code), the card kind, the activity and the filing date."""

    institution = serializers.CharField()
    kind = serializers.CharField()
    activity_app = serializers.CharField()
    activity_id = serializers.IntegerField(min_value=1)
    reported_on = serializers.DateField()
