"""Serializers of the surveillance API (field names fixed by issue 12)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from ohsteward.core.api.fields import PlausibleDateField
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise
from ohsteward.surveillance import rules
from ohsteward.surveillance.choices import EmploymentType
from ohsteward.surveillance.models import Worker, WorkerPost


class WorkerPostSerializer(serializers.ModelSerializer):
    workplace = serializers.CharField(source="post.workplace.name", read_only=True)
    post_name = serializers.CharField(source="post.name", read_only=True)
    hazard_factors = serializers.SerializerMethodField()

    class Meta:
        model = WorkerPost
        fields = ["id", "post", "workplace", "post_name", "hazard_factors", "start_date", "end_date"]
        read_only_fields = fields

    def get_hazard_factors(self, wp) -> list[str]:
        return [pe.hazard_factor.name for pe in wp.post.exposures.all()]


class WorkerSerializer(serializers.ModelSerializer):
    """劳动者. ``id_number`` is write-only (validated by GB 11643, stored encrypted); responses
    carry ``id_number_masked`` only. ``enterprise`` is the employer's credit code."""

    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.none())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region_id", read_only=True)
    id_number = serializers.CharField(write_only=True, max_length=20, help_text="18位身份证号，只写不读")
    id_number_masked = serializers.CharField(read_only=True)
    sex = serializers.CharField(source="person.sex", read_only=True)
    birth_date = serializers.DateField(source="person.birth_date", read_only=True)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    hire_date = PlausibleDateField(past_only=False)
    leave_date = PlausibleDateField(past_only=False, required=False, allow_null=True)
    posts = WorkerPostSerializer(many=True, read_only=True)

    class Meta:
        model = Worker
        fields = [
            "id", "enterprise", "enterprise_name", "region", "name", "id_number", "id_number_masked",
            "sex", "birth_date", "phone", "employee_number", "employment_type", "dispatcher",
            "radiation_use", "hire_date", "leave_date", "last_exam_on", "next_exam_due", "next_exam_kind",
            "schedule_note", "posts", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "last_exam_on", "next_exam_due", "next_exam_kind", "schedule_note", "created_at", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {
            "phone": {"required": False},
            "employee_number": {"required": False},
            "dispatcher": {"required": False},
            "radiation_use": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["id_number"].required = False
            fields["enterprise"].read_only = True
        return fields

    def validate_id_number(self, value: str) -> str:
        _parsed, error = rules.id_parse(value, on=timezone.localdate())
        if error:
            raise serializers.ValidationError(error)
        return rules.id_clean(value)


class ExposureInSerializer(serializers.Serializer):
    factor = serializers.CharField(help_text="危害因素名称或 CDC 危害因素编码，如 噪声 或 3008")
    l_ex_8h = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=200, help_text="噪声 L_EX,8h，dB(A)"
    )
    grade = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="作业分级：0、Ⅰ、Ⅱ、Ⅲ、Ⅳ"
    )

    def validate_factor(self, value: str) -> HazardFactor:
        text = value.strip()
        found = (
            HazardFactor.objects.filter(code=text).first() or HazardFactor.objects.filter(name=text).first()
        )
        if found is None:
            raise serializers.ValidationError(f"未知的危害因素“{text}”")
        return found


class ScheduleInSerializer(serializers.Serializer):
    exposures = ExposureInSerializer(many=True, allow_empty=False)
    on = serializers.DateField(help_text="最近一次在岗期间或上岗前检查的日期")
    leave_on = serializers.DateField(required=False, allow_null=True, help_text="离岗日期（可选）")

    def validate(self, attrs):
        if attrs.get("leave_on") and attrs["leave_on"] < attrs["on"]:
            raise serializers.ValidationError({"leave_on": "离岗日期不能早于检查日期"})
        return attrs


class BasisSerializer(serializers.Serializer):
    factor = serializers.CharField()
    interval_months = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class ScheduleOutSerializer(serializers.Serializer):
    interval_months = serializers.IntegerField(allow_null=True)
    next_due = serializers.DateField(allow_null=True)
    standard = serializers.CharField()
    verified = serializers.BooleanField()
    basis = BasisSerializer(many=True)
